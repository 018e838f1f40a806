package org.fwlb.dispatch.rest;

import org.fwlb.testing.DispatchFixtures;
import org.fwlb.testing.FakeDispatchService;

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
 * The REST API under /onos/cluster-dispatch, served by Jersey in memory over a fake DispatchService and
 * the test topology (d1 → d2a, d2b; d2b → d3; http on srv1, srv2, srv4; ftp on srv2, srv3).
 */
class DispatchWebResourceTest {

    private FakeDispatchService dispatch;
    private FakeMemberStateService memberStates;
    private RestHarness rest;

    @BeforeEach
    void setUp() {
        FwlbTopology topology = DispatchFixtures.topology();
        dispatch = new FakeDispatchService(topology);
        memberStates = new FakeMemberStateService();
        TestServices.register(DispatchService.class, dispatch);
        TestServices.register(FwlbTopologyService.class, DispatchFixtures.topologyService(topology));
        TestServices.register(MemberStateService.class, memberStates);
        rest = new RestHarness();
    }

    @AfterEach
    void tearDown() {
        TestServices.clear();
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
        dispatch.setHealth("srv3", HealthState.DOWN);
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
        ok(rest.post("dispatchers/d2a/state", "{\"state\": \"down\"}"));
        ok(rest.post("servers/srv1/state", "{\"state\": \"UP\"}"));
        assertEquals(List.of("setAdminState srv1 DRAINING", "setAdminState d2a DOWN", "setAdminState srv1 UP"),
                     dispatch.changes);
        assertEquals("admin_down", ok(rest.get("dispatchers/d2a")).json.get("eligibility").asText());
    }

    @Test
    void setsWeightAndClearsOverrides() {
        assertEquals(7, ok(rest.post("servers/srv2/weight", "{\"weight\": 7}")).json.get("weight").asInt());
        assertEquals(0, ok(rest.post("members/d2b/weight", "{\"weight\": 0}")).json.get("weight").asInt());
        ok(rest.post("members/srv2/state", "{\"state\": \"down\"}"));
        JsonNode reset = ok(rest.delete("members/srv2/overrides")).json;
        assertEquals(3, reset.get("weight").asInt(), "back to the configured weight");
        assertEquals("up", reset.get("adminState").asText());
        assertEquals(List.of("setWeight srv2 7", "setWeight d2b 0", "setAdminState srv2 DOWN",
                             "clearOverrides srv2"), dispatch.changes);
        ok(rest.delete("dispatchers/d2b/overrides"));
        assertEquals(1, ok(rest.get("members/d2b")).json.get("weight").asInt());
    }

    @Test
    void serviceRefusalIsA400WithItsMessageAndNoChange() {
        dispatch.refuse = "weight of srv1 is managed by the test";
        RestHarness.Reply r = rest.post("members/srv1/weight", "{\"weight\": 4}");
        assertEquals(400, r.status, r.toString());
        assertEquals("weight of srv1 is managed by the test", r.json.get("error").asText());
        assertEquals(400, r.json.get("code").asInt());
        assertTrue(dispatch.changes.isEmpty());
        assertEquals(1, ok(rest.get("servers/srv1")).json.get("weight").asInt());
    }

    @Test
    void aViewerMayReadButNotChange() {
        rest.as("viewer");
        ok(rest.get("dispatchers"));
        assertEquals(403, rest.post("members/srv1/state", "{\"state\": \"down\"}").status);
        assertTrue(dispatch.changes.isEmpty());
    }

    @Test
    void listsConnectionsWithPathAndFilters() {
        dispatch.connections.add(DispatchFixtures.connection(1, 40001, 80, TcpState.ESTABLISHED, "fw2", 2, "srv1",
                                                     "d1", "d2a"));
        dispatch.connections.add(DispatchFixtures.connection(2, 40002, 80, TcpState.SYN_SEEN, null, null, "srv4",
                                                     "d1", "d2b", "d3"));
        dispatch.connections.add(DispatchFixtures.connection(3, 40003, 21, TcpState.ESTABLISHED, null, null, "srv2",
                                                     "d1", "d2b"));

        JsonNode all = ok(rest.get("connections")).json;
        assertEquals(3, all.get("count").asInt());
        assertEquals(3, all.get("total").asInt());
        assertFalse(all.get("truncated").asBoolean());
        JsonNode first = all.get("connections").get(0);
        assertEquals("10.0.0.1:40001", first.get("client").asText());
        assertEquals("10.0.2.100:80", first.get("vip").asText());
        assertEquals("tcp 10.0.0.1:40001 <-> 10.0.2.100:80", first.get("key").asText());
        assertEquals("fw2", first.get("path").get("firewall").asText());
        assertEquals(List.of("d1", "d2a"), ids(first.get("path").get("dispatchers")));
        assertEquals("srv1", first.get("path").get("server").asText());
        assertEquals(2, first.get("path").get("pathTag").asInt());
        assertEquals("established", first.get("state").asText());
        assertEquals(5, first.get("ageSeconds").asInt());
        assertEquals(1, first.get("idleSeconds").asInt());
        assertTrue(all.get("connections").get(1).get("path").get("pathTag").isNull());

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
        dispatch.connections.add(DispatchFixtures.connection(1, 40001, 80, TcpState.ESTABLISHED, null, null, "srv1",
                                                     "d1", "d2a"));
        assertEquals(1, ok(rest.get("servers/srv1")).json.get("connections").asInt());
        assertEquals(0, ok(rest.get("servers/srv2")).json.get("connections").asInt());
    }

    @Test
    void showsCounters() {
        dispatch.counters.put("synPlaced", 12L);
        dispatch.counters.put("synRejected", 1L);
        JsonNode c = ok(rest.get("counters")).json;
        assertEquals(12, c.get("synPlaced").asLong());
        assertEquals(1, c.get("synRejected").asLong());
    }

    private static List<String> clients(JsonNode root) {
        List<String> out = new ArrayList<>();
        root.get("connections").forEach(c -> out.add(c.get("client").asText()));
        return out;
    }
}
