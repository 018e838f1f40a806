package org.fwlb.dispatch.rest;

import org.fwlb.dispatch.impl.DispatchHarness;
import org.fwlb.engine.ConnectionEngine;
import org.fwlb.engine.EngineCounters;
import org.fwlb.testing.DispatchFixtures;
import org.fwlb.testing.TcpFrames;

import com.fasterxml.jackson.databind.JsonNode;
import org.fwlb.api.DispatchService;
import org.fwlb.api.FwlbTopologyService;
import org.fwlb.api.MemberStateService;
import org.fwlb.model.AdminState;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.HealthState;
import org.fwlb.model.TcpState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The REST API under /onos/cluster-dispatch, served by Jersey in memory over the real DispatchManager, attached to
 * the real connection engine on ONOS adapters, and the test topology (d1 → d2a, d2b; d2b → d3; http on srv1, srv2,
 * srv4; ftp on srv2, srv3). Every value checked is what the configuration and the requests made it, not what a
 * test double computes.
 */
class DispatchWebResourceTest {

    private DispatchHarness h;
    private DispatchService dispatch;
    private MemberStateService memberStates;
    private RestHarness rest;

    @BeforeEach
    void setUp() {
        FwlbTopology topology = DispatchFixtures.topology();
        h = new DispatchHarness(topology);
        dispatch = h.manager;
        memberStates = h.engine.states;
        TestServices.register(DispatchService.class, dispatch);
        TestServices.register(FwlbTopologyService.class, h.engine.topology);
        TestServices.register(MemberStateService.class, memberStates);
        TestServices.register(ConnectionEngine.class, h.engine.engine);
        rest = new RestHarness();
    }

    @AfterEach
    void tearDown() {
        TestServices.clear();
        h.stop();
    }

    /** The operator overrides in force, as "id admin weight". */
    private List<String> overrides() {
        List<String> out = new ArrayList<>();
        new java.util.TreeMap<>(memberStates.statuses()).forEach((id, st) -> {
            if (st.adminOverride() != null || st.weightOverride() != org.fwlb.api.MemberStatus.NO_WEIGHT) {
                out.add(id + " " + st.adminOverride() + " " + st.weightOverride());
            }
        });
        return out;
    }

    static List<String> ids(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.isTextual() ? n.asText() : n.path("id").asText()));
        return out;
    }

    private RestHarness.Reply ok(RestHarness.Reply r) {
        assertEquals(200, r.status, r.toString());
        return r;
    }

    @Test
    void listsDispatchersWithStageStateAndReaches() {
        JsonNode list = ok(rest.get("dispatchers")).json.get("dispatchers");
        assertEquals(List.of("d1", "d2a", "d2b", "d3"), ids(list));
        JsonNode d2b = list.get(2);
        assertEquals("dispatcher", d2b.get("role").asText());
        assertEquals("L4/3", d2b.get("kind").asText());
        assertEquals(2, d2b.get("stage").asInt());
        assertEquals("of:0000000000000d03", d2b.get("device").asText());
        assertEquals("weighted-round-robin", d2b.get("policy").asText());
        assertEquals("eligible", d2b.get("eligibility").asText());
        assertEquals(List.of("srv2", "srv3", "d3"), ids(d2b.get("reaches")));
        assertEquals(List.of("d1"), ids(d2b.get("parents")));
        assertEquals(3, list.get(3).get("stage").asInt());
    }

    @Test
    void listsServersWithParentsAndServiceTypes() {
        memberStates.reportHealth("srv3", HealthState.DOWN);
        JsonNode list = ok(rest.get("servers")).json.get("servers");
        assertEquals(List.of("srv1", "srv2", "srv3", "srv4"), ids(list));
        JsonNode srv2 = list.get(1);
        assertEquals("server", srv2.get("role").asText());
        assertEquals(List.of("d2a", "d2b"), ids(srv2.get("parents")));
        assertEquals(List.of("http", "ftp"), ids(srv2.get("services")));
        assertEquals(3, srv2.get("weight").asInt());
        assertEquals("10.0.2.22", srv2.get("ip").asText());
        assertEquals("health_down", list.get(2).get("eligibility").asText());
        assertEquals("down", list.get(2).get("health").asText());
        assertEquals("draining", list.get(3).get("adminState").asText());
        assertEquals(4, list.get(3).get("stage").asInt(), "srv4 hangs off the third stage");
    }

    @Test
    void showsOneMemberByCollection() {
        assertEquals("d2a", ok(rest.get("dispatchers/d2a")).json.get("id").asText());
        assertEquals("srv3", ok(rest.get("servers/srv3")).json.get("id").asText());
        assertEquals("server", ok(rest.get("members/srv3")).json.get("role").asText());
        assertEquals("dispatcher", ok(rest.get("members/d3")).json.get("role").asText());
    }

    @Test
    void servicesShowTheirTreesStagesAndServerSets() {
        JsonNode root = ok(rest.get("services")).json;
        JsonNode web = root.get("services").get(0);
        assertEquals("web", web.get("id").asText());
        assertEquals("10.0.2.100", web.get("vip").asText());
        assertEquals(80, web.get("port").asInt());
        assertEquals("http", web.get("serviceType").asText());
        assertEquals("[[\"d1\"],[\"d2a\",\"d2b\"],[\"d3\"]]", web.get("stages").toString());
        assertEquals(List.of("srv1", "srv2", "srv4"), ids(web.get("servers")));
        JsonNode tree = web.get("tree");
        assertEquals("d1", tree.get("id").asText());
        assertEquals(List.of("d2a", "d2b"), ids(tree.get("children")));
        JsonNode d2b = tree.get("children").get(1);
        assertEquals(List.of("srv2", "d3"), ids(d2b.get("children")), "srv3 serves no http");
        assertEquals(List.of("srv4"), ids(d2b.get("children").get(1).get("children")));
        assertEquals("draining", d2b.get("children").get(1).get("children").get(0).get("adminState").asText());

        JsonNode ftp = root.get("services").get(1);
        assertEquals("[[\"d1\"],[\"d2a\",\"d2b\"]]", ftp.get("stages").toString());
        assertEquals(List.of("srv2", "srv3"), ids(ftp.get("servers")));
        assertEquals(List.of("srv2"), ids(ftp.get("tree").get("children").get(0).get("children")));

        assertEquals("{\"http\":[\"srv1\",\"srv2\",\"srv4\"],\"ftp\":[\"srv2\",\"srv3\"]}",
                     root.get("serverSets").toString());
    }

    @Test
    void treeKeepsItsShape() {
        memberStates.setAdminState("srv1", AdminState.DOWN);
        JsonNode root = ok(rest.get("tree")).json;
        assertEquals(List.of("web", "ftp"), ids(root.get("services")));
        assertEquals("d1", root.get("services").get(0).get("firstStage").asText());
        assertEquals(List.of("d1", "d2a", "d2b", "d3"), ids(root.get("dispatchers")));
        assertEquals(List.of("d2a", "d2b"), ids(root.get("dispatchers").get(0).get("reaches")));
        assertEquals("down", root.get("servers").get(0).get("adminState").asText());
        assertEquals(3, root.get("servers").get(1).get("weight").asInt());
    }

    @Test
    void setsAdminStateThroughEveryCollection() {
        JsonNode srv1 = ok(rest.post("members/srv1/state", "{\"state\": \"draining\"}")).json;
        assertEquals("draining", srv1.get("adminState").asText());
        assertEquals("draining", srv1.get("eligibility").asText());
        assertEquals(List.of("srv1 DRAINING -1"), overrides());
        ok(rest.post("dispatchers/d2a/state", "{\"state\": \"down\"}"));
        ok(rest.post("servers/srv1/state", "{\"state\": \"UP\"}"));
        assertEquals(List.of("d2a DOWN -1", "srv1 UP -1"), overrides());
        assertEquals("admin_down", ok(rest.get("dispatchers/d2a")).json.get("eligibility").asText());
        assertEquals("up", ok(rest.get("servers/srv1")).json.get("adminState").asText());
    }

    @Test
    void setsWeightAndClearsOverrides() {
        assertEquals(7, ok(rest.post("servers/srv2/weight", "{\"weight\": 7}")).json.get("weight").asInt());
        assertEquals(0, ok(rest.post("members/d2b/weight", "{\"weight\": 0}")).json.get("weight").asInt());
        ok(rest.post("members/srv2/state", "{\"state\": \"down\"}"));
        assertEquals(List.of("d2b null 0", "srv2 DOWN 7"), overrides());
        assertEquals("admin_down", ok(rest.get("servers/srv2")).json.get("eligibility").asText());
        JsonNode reset = ok(rest.delete("members/srv2/overrides")).json;
        assertEquals(3, reset.get("weight").asInt(), "back to the configured weight");
        assertEquals("up", reset.get("adminState").asText());
        assertEquals(List.of("d2b null 0"), overrides());
        ok(rest.delete("dispatchers/d2b/overrides"));
        assertEquals(1, ok(rest.get("members/d2b")).json.get("weight").asInt());
    }

    @Test
    void serviceRefusalIsA400WithItsMessageAndNoChange() {
        // the real service behind a proxy that refuses weights (its own checks would, for a member that left)
        DispatchService refusing = (DispatchService) java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[]{DispatchService.class}, (p, m, a) -> {
                    if (m.getName().equals("setWeight")) {
                        throw new IllegalArgumentException("weight of " + a[0] + " is managed by the test");
                    }
                    try {
                        return m.invoke(h.manager, a);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        TestServices.register(DispatchService.class, refusing);
        RestHarness.Reply r = rest.post("members/srv1/weight", "{\"weight\": 4}");
        assertEquals(400, r.status, r.toString());
        assertEquals("weight of srv1 is managed by the test", r.json.get("message").asText());
        assertEquals(400, r.json.get("code").asInt());
        assertTrue(overrides().isEmpty());
        assertEquals(1, ok(rest.get("servers/srv1")).json.get("weight").asInt());
    }

    @Test
    void aViewerMayReadButNotChange() {
        rest.as("viewer");
        ok(rest.get("dispatchers"));
        assertEquals(403, rest.post("members/srv1/state", "{\"state\": \"down\"}").status);
        assertTrue(overrides().isEmpty());
    }

    @Test
    void listsConnectionsWithPathAndFilters() {
        h.engine.store.pin(DispatchFixtures.connection(1, 40001, 80, TcpState.ESTABLISHED, "fw2", 2, "srv1",
                                                       "d1", "d2a"));
        h.engine.store.pin(DispatchFixtures.connection(2, 40002, 80, TcpState.SYN_SEEN, null, null, "srv4",
                                                       "d1", "d2b", "d3"));
        h.engine.store.pin(DispatchFixtures.connection(3, 40003, 21, TcpState.ESTABLISHED, null, null, "srv2",
                                                       "d1", "d2b"));

        JsonNode all = ok(rest.get("connections")).json;
        assertEquals(3, all.get("count").asInt());
        assertEquals(3, all.get("total").asInt());
        assertFalse(all.get("truncated").asBoolean());
        JsonNode first = null;
        for (JsonNode c : all.get("connections")) {
            if (c.get("client").asText().equals("10.0.0.1:40001")) {
                first = c;
            }
        }
        assertEquals("10.0.0.1:40001", first.get("client").asText());
        assertEquals("10.0.0.1", first.get("clientIp").asText());
        assertEquals(40001, first.get("clientPort").asInt());
        assertEquals("10.0.2.100:80", first.get("vip").asText());
        assertEquals("tcp 10.0.0.1:40001 <-> 10.0.2.100:80", first.get("key").asText());
        assertEquals("fw2", first.get("path").get("firewall").asText());
        assertEquals(List.of("d1", "d2a"), ids(first.get("path").get("dispatchers")));
        assertEquals("srv1", first.get("path").get("server").asText());
        assertEquals(2, first.get("path").get("pathTag").asInt());
        assertEquals("established", first.get("state").asText());
        assertEquals(5, first.get("ageSeconds").asInt());
        assertEquals(1, first.get("idleSeconds").asInt());
        for (JsonNode c : all.get("connections")) {
            if (!c.get("client").asText().equals("10.0.0.1:40001")) {
                assertTrue(c.get("path").get("pathTag").isNull(), c.toString());
            }
        }

        assertEquals(List.of("10.0.0.2:40002", "10.0.0.3:40003"),
                     clients(ok(rest.get("connections?member=d2b")).json));
        assertEquals(List.of("10.0.0.3:40003"), clients(ok(rest.get("connections?service=ftp")).json));
        assertEquals(List.of("10.0.0.1:40001", "10.0.0.2:40002"),
                     clients(ok(rest.get("connections?service=web")).json));
        assertEquals(List.of("10.0.0.2:40002"), clients(ok(rest.get("connections?state=syn_seen")).json));
        assertEquals(List.of("10.0.0.3:40003"),
                     clients(ok(rest.get("connections?member=d2b&state=ESTABLISHED")).json));
        assertEquals(List.of(), clients(ok(rest.get("connections?member=srv3")).json));

        JsonNode limited = ok(rest.get("connections?limit=2")).json;
        assertEquals(2, limited.get("count").asInt());
        assertEquals(3, limited.get("total").asInt());
        assertTrue(limited.get("truncated").asBoolean());
    }

    @Test
    void connectionsCountOnTheirMembers() {
        h.engine.store.pin(DispatchFixtures.connection(1, 40001, 80, TcpState.ESTABLISHED, null, null, "srv1",
                                                       "d1", "d2a"));
        assertEquals(1, ok(rest.get("servers/srv1")).json.get("connections").asInt());
        assertEquals(0, ok(rest.get("servers/srv2")).json.get("connections").asInt());
    }

    @Test
    void showsTheEnginesCountersOfTheDispatchApplication() {
        // a client's SYN punted at d1 and placed there (its second stage decides on its own SYN)
        h.engine.packets.deliver(org.onosproject.net.DeviceId.deviceId("of:0000000000000d01"), 1,
                TcpFrames.segment(org.onlab.packet.MacAddress.valueOf("02:00:00:00:00:0b"),
                                  org.onlab.packet.MacAddress.valueOf("02:fb:00:04:00:01"), "10.0.0.1", 40001,
                                  "10.0.2.100", 80, TcpFrames.SYN));
        JsonNode c = ok(rest.get("counters")).json;
        assertEquals(1, c.get(EngineCounters.SYN_PUNTS).asLong());
        assertEquals(1, c.get(EngineCounters.PLACED).asLong());
        assertEquals(1, c.get("connectionsThroughStages").asLong());
        // placements per member: one structured object, no flat "connectionsPlaced:<id>" keys
        JsonNode placements = c.get("placements");
        assertEquals(1, placements.size(), c.toString());
        assertEquals(1, placements.fields().next().getValue().asLong(), c.toString());
        c.fieldNames().forEachRemaining(n -> assertFalse(n.contains(":"), n));
        assertEquals(1, ok(rest.get("connections")).json.get("count").asInt());
    }

    @Test
    void metricsAreThePrometheusTextOfTheSameCounters() {
        TestServices.register(org.onosproject.cluster.ClusterService.class,
                              new org.onosproject.cluster.ClusterServiceAdapter() {
                                  @Override
                                  public org.onosproject.cluster.ControllerNode getLocalNode() {
                                      return new org.onosproject.cluster.DefaultControllerNode(
                                              org.onosproject.cluster.NodeId.nodeId("10.0.0.7"),
                                              org.onlab.packet.IpAddress.valueOf("10.0.0.7"));
                                  }
                              });
        TestServices.register(org.fwlb.connection.ConnectionStore.class, h.engine.store);
        h.engine.packets.deliver(org.onosproject.net.DeviceId.deviceId("of:0000000000000d01"), 1,
                TcpFrames.segment(org.onlab.packet.MacAddress.valueOf("02:00:00:00:00:0b"),
                                  org.onlab.packet.MacAddress.valueOf("02:fb:00:04:00:01"), "10.0.0.1", 40001,
                                  "10.0.2.100", 80, TcpFrames.SYN));
        RestHarness.Reply r = ok(rest.get("metrics"));
        List<String> lines = List.of(r.body.split("\n"));
        assertTrue(lines.contains("fwlb_dispatch_syn_punts_total{instance=\"10.0.0.7\"} 1.0"), r.body);
        assertTrue(lines.contains("fwlb_dispatch_connections_placed_total{instance=\"10.0.0.7\"} 1.0"), r.body);
        assertTrue(lines.contains("fwlb_connection_table_entries{instance=\"10.0.0.7\"} 1.0"), r.body);
        assertTrue(lines.contains("# TYPE fwlb_decision_latency_seconds summary"), r.body);
        assertTrue(lines.contains("fwlb_decision_latency_seconds_count{instance=\"10.0.0.7\"} 1"), r.body);
        String placed = ok(rest.get("counters")).json.get("placements").fieldNames().next();
        assertTrue(lines.stream().anyMatch(l -> l.matches("fwlb_stage_placements_total\\{instance=\"10.0.0.7\",stage=\""
                                                            + placed + "\"} 1.0")), placed + "\n" + r.body);
        assertEquals(403, rest.as("l7-reporter").get("metrics").status, "the REST API's roles apply");
    }

    private static List<String> clients(JsonNode root) {
        List<String> out = new ArrayList<>();
        root.get("connections").forEach(c -> out.add(c.get("client").asText()));
        java.util.Collections.sort(out);
        return out;
    }
}
