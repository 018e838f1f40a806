package org.fwlb.cli;

import org.fwlb.testing.DispatchFixtures;
import org.fwlb.testing.FakeDispatchService;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.karaf.shell.support.CommandException;
import org.fwlb.api.DispatchService;
import org.fwlb.api.FwlbTopologyService;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.TcpState;
import org.fwlb.model.AdminState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.onosproject.security.AuditService;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fwlb:* dispatch commands, run through Karaf's argument preparator over a fake DispatchService and
 * the test topology (d1 → d2a, d2b; d2b → d3; http on srv1, srv2, srv4; ftp on srv2, srv3).
 */
class DispatchCommandsTest {

    private static final String MEMBERS = "dispatchers: d1, d2a, d2b, d3; servers: srv1, srv2, srv3, srv4";

    private FakeDispatchService dispatch;

    @BeforeEach
    void setUp() {
        FwlbTopology topology = DispatchFixtures.topology();
        dispatch = new FakeDispatchService(topology);
        TestServices.register(DispatchService.class, dispatch);
        TestServices.register(FwlbTopologyService.class, DispatchFixtures.topologyService(topology));
        TestServices.register(AuditService.class, new AuditService() {
            @Override
            public boolean isAuditing() {
                return false;
            }

            @Override
            public void logUserAction(String user, String action) {
            }
        });
    }

    @AfterEach
    void tearDown() {
        TestServices.clear();
    }

    private static Shell.Result ok(Shell.Result r) {
        assertTrue(r.prepared, r.toString());
        assertFalse(r.failed(), r.toString());
        return r;
    }

    private Shell.Result refused(Shell.Result r, String message) {
        assertTrue(r.failed(), "expected an error: " + r);
        assertTrue(r.err.contains(message), r.toString());
        assertEquals("", r.out, "a refused command prints only the error");
        assertEquals(List.of(), dispatch.changes, "a refused command changes nothing");
        return r;
    }

    @Test
    void listsDispatchersAndServers() {
        String out = ok(Shell.run(new DispatchersCommand())).out;
        String[] lines = out.split("\n");
        assertEquals(5, lines.length, out);
        assertTrue(lines[0].startsWith("id "), out);
        assertTrue(lines[3].matches("d2b +L4/3 +2 +of:0000000000000d03 +up +up +eligible +1 +- +0 +0 +d1"), out);
        String servers = ok(Shell.run(new ServersCommand())).out;
        assertTrue(servers.contains("srv2 "), servers);
        assertTrue(servers.lines().anyMatch(l -> l.startsWith("srv2 ") && l.endsWith("d2a,d2b")), servers);
        assertTrue(servers.lines().anyMatch(l -> l.startsWith("srv4 ") && l.contains(" draining ")), servers);
    }

    @Test
    void listsMembersAsJson() throws Exception {
        JsonNode arr = new ObjectMapper().readTree(ok(Shell.run(new ServersCommand(), "-j")).out);
        assertEquals(4, arr.size());
        assertEquals("srv2", arr.get(1).get("id").asText());
        assertEquals(3, arr.get(1).get("weight").asInt());
        assertEquals("[\"http\",\"ftp\"]", arr.get(1).get("services").toString());
    }

    @Test
    void showsTheDispatchTreeIndentedByStage() {
        String out = ok(Shell.run(new DispatchTreeCommand(), "web")).out;
        List<String> lines = out.lines().collect(java.util.stream.Collectors.toList());
        assertTrue(lines.get(0).startsWith("service web  10.0.2.100 tcp/80  type http"), out);
        assertEquals("  stages: d1 | d2a, d2b | d3", lines.get(1));
        assertEquals("  servers: srv1, srv2, srv4", lines.get(2));
        assertTrue(lines.get(3).startsWith("  d1 L4/2  up eligible"), out);
        assertTrue(lines.get(4).startsWith("    d2a L4/3"), out);
        assertTrue(lines.get(5).startsWith("      srv1 server"), out);
        assertTrue(lines.contains("        srv4 server  draining draining w=1 conns=0"), out);
        assertTrue(out.contains("server sets: http: srv1, srv2, srv4; ftp: srv2, srv3"), out);
        String tree = out.substring(0, out.indexOf("server sets:"));
        assertFalse(tree.contains("srv3"), "srv3 serves no http: " + tree);
    }

    @Test
    void treeOfAnUnknownServiceNamesTheServices() {
        refused(Shell.run(new DispatchTreeCommand(), "wbe"), "unknown service 'wbe'; services: web, ftp");
    }

    @Test
    void setsStateWeightAndResets() {
        String out = ok(Shell.run(new MemberStateCommand(), "srv1", "draining")).out;
        assertEquals("server srv1: admin draining, weight 1, eligibility draining\n", out);
        ok(Shell.run(new MemberWeightCommand(), "d2b", "40"));
        ok(Shell.run(new MemberResetCommand(), "srv1"));
        assertEquals(List.of("setAdminState srv1 DRAINING", "setWeight d2b 40", "clearOverrides srv1"),
                     dispatch.changes);
        assertEquals(AdminState.UP, dispatch.member("srv1").orElseThrow().adminState());
        assertEquals(40, dispatch.member("d2b").orElseThrow().weight());
    }

    @Test
    void typosAreRefusedWithTheKnownIdsAndChangeNothing() {
        refused(Shell.run(new MemberStateCommand(), "srv5", "down"), "unknown member 'srv5'; " + MEMBERS);
        refused(Shell.run(new MemberStateCommand(), "srv1", "dwon"),
                "state 'dwon' is not one of up, draining, down");
        refused(Shell.run(new MemberWeightCommand(), "d9", "3"), "unknown member 'd9'; " + MEMBERS);
        refused(Shell.run(new MemberWeightCommand(), "d1", "x3"), "weight 'x3' is not an integer 0..10000");
        refused(Shell.run(new MemberWeightCommand(), "d1", "10001"), "weight '10001' is not an integer 0..10000");
        refused(Shell.run(new MemberWeightCommand(), "d1", "-1"), "weight '-1' is not an integer 0..10000");
        refused(Shell.run(new MemberResetCommand(), "fw1"), "unknown member 'fw1'; " + MEMBERS);
    }

    @Test
    void aServiceRefusalIsReportedAndChangesNothing() {
        dispatch.refuse = "member srv1 is pinned by the test";
        refused(Shell.run(new MemberWeightCommand(), "srv1", "2"), "member srv1 is pinned by the test");
    }

    @Test
    void missingArgumentsAreKarafUsageErrors() {
        Exception e = assertThrows(IllegalStateException.class, () -> Shell.run(new MemberStateCommand(), "srv1"));
        assertInstanceOf(CommandException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains("state"), e.getCause().getMessage());
        assertEquals(List.of(), dispatch.changes);
    }

    @Test
    void listsConnectionsWithFiltersAndLimit() throws Exception {
        dispatch.connections.add(DispatchFixtures.connection(1, 40001, 80, TcpState.ESTABLISHED, "fw2", 2, "srv1",
                                                     "d1", "d2a"));
        dispatch.connections.add(DispatchFixtures.connection(2, 40002, 80, TcpState.SYN_SEEN, null, null, "srv4",
                                                     "d1", "d2b", "d3"));
        dispatch.connections.add(DispatchFixtures.connection(3, 40003, 21, TcpState.ESTABLISHED, null, null, "srv2",
                                                     "d1", "d2b"));
        String all = ok(Shell.run(new DispatchConnectionsCommand())).out;
        assertTrue(all.lines().anyMatch(l -> l.matches(
                "10\\.0\\.0\\.1:40001 +10\\.0\\.2\\.100:80 +fw2 +d1>d2a +srv1 +2 +established +5s")), all);
        assertTrue(all.endsWith("3 of 3 connection(s)\n"), all);
        String d2b = ok(Shell.run(new DispatchConnectionsCommand(), "--member", "d2b", "--service", "ftp")).out;
        assertTrue(d2b.contains("10.0.0.3:40003") && !d2b.contains("10.0.0.2:40002"), d2b);
        assertTrue(ok(Shell.run(new DispatchConnectionsCommand(), "-n", "1")).out.endsWith("1 of 3 connection(s)\n"));
        JsonNode arr = new ObjectMapper().readTree(
                ok(Shell.run(new DispatchConnectionsCommand(), "-j", "--state", "syn_seen")).out);
        assertEquals(1, arr.size());
        assertEquals("[\"d1\",\"d2b\",\"d3\"]", arr.get(0).get("path").get("dispatchers").toString());

        refused(Shell.run(new DispatchConnectionsCommand(), "--member", "d7"), "unknown member 'd7'; " + MEMBERS);
        refused(Shell.run(new DispatchConnectionsCommand(), "--service", "ssh"), "unknown service 'ssh'");
        refused(Shell.run(new DispatchConnectionsCommand(), "--state", "open"), "state 'open' is not one of");
        refused(Shell.run(new DispatchConnectionsCommand(), "--limit", "lots"), "limit 'lots' is not an integer");
    }

    @Test
    void showsCounters() throws Exception {
        dispatch.counters.put("synPlaced", 9L);
        assertEquals("synPlaced                  9\n", ok(Shell.run(new DispatchCountersCommand())).out);
        assertEquals(9, new ObjectMapper().readTree(ok(Shell.run(new DispatchCountersCommand(), "-j")).out)
                .get("synPlaced").asInt());
    }

    @Test
    void completersOfferMembersServicesAndStates() {
        assertEquals(List.of("d1", "d2a", "d2b", "d3", "srv1", "srv2", "srv3", "srv4"),
                     new MemberIdCompleter().choices());
        assertEquals(List.of("web", "ftp"), new ServiceIdCompleter().choices());
        assertEquals(List.of("up", "draining", "down"), new AdminStateCompleter().choices());
    }

    @Test
    void showsL7DispatchersWithTheirServersRequests() throws Exception {
        dispatch.l7.add(new org.fwlb.api.L7Status("d7a", org.fwlb.model.HealthState.UP, new org.fwlb.api.L7Report(
                java.util.Map.of("srv1", new org.fwlb.api.L7Report.ServerReport(org.fwlb.model.HealthState.UP, 40, 2, 1)),
                41, 3, 0, 1, 8081), 120));
        dispatch.l7.add(new org.fwlb.api.L7Status("d7b", org.fwlb.model.HealthState.DOWN, null, -1));
        String out = ok(Shell.run(new L7DispatchersCommand())).out;
        assertTrue(out.contains("d7a          up    report   120 ms ago  requests=41 relayedOut=3"), out);
        assertTrue(out.contains("srv1       up    requests=40 open=2 pooled=1"), out);
        assertTrue(out.contains("d7b          down  no report yet"), out);
        JsonNode arr = new ObjectMapper().readTree(ok(Shell.run(new L7DispatchersCommand(), "-j")).out);
        assertEquals(40, arr.get(0).get("servers").get("srv1").get("requests").asInt());
        assertEquals("down", arr.get(1).get("health").asText());
    }
}
