package org.fwlb.config;

import com.google.common.collect.ImmutableList;
import org.fwlb.model.Dispatcher;
import org.fwlb.model.DispatcherKind;
import org.fwlb.model.Firewall;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.PathTag;
import org.fwlb.model.Protocol;
import org.fwlb.model.Server;
import org.junit.jupiter.api.Test;
import org.onlab.packet.Ip4Address;
import org.onlab.packet.IpAddress;
import org.onlab.packet.MacAddress;
import org.onosproject.net.ConnectPoint;
import org.onosproject.net.DeviceId;
import org.onosproject.net.PortNumber;

import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Lookups and dispatch-tree helpers of FwlbTopology, on the shipped examples.
 */
class FwlbTopologyTest {
    private static final DeviceId INT = DeviceId.deviceId("of:0000000000000f02");

    private static List<String> ids(List<Server> servers) {
        return servers.stream().map(Server::id).collect(Collectors.toList());
    }

    @Test
    void firewallLookups() {
        FwlbTopology t = ExampleConfigs.topology(8);
        Firewall fw2 = t.firewall("fw2");
        assertSame(fw2, t.firewallByOutsidePort(PortNumber.portNumber(2)));
        assertSame(fw2, t.firewallByInsidePort(PortNumber.portNumber(2)));
        assertSame(fw2, t.firewallByOutsideMac(MacAddress.valueOf("02:fb:00:01:00:02")));
        assertSame(fw2, t.firewallByInsideMac(MacAddress.valueOf("02:fb:00:02:00:02")));
        assertSame(fw2, t.firewallByPathTag(PathTag.of(102)));
        assertEquals(1, t.firewallPosition("fw2"));
        assertEquals(-1, t.firewallPosition("fw9"));
        assertNull(t.firewallByOutsidePort(PortNumber.portNumber(9)));
        assertNull(t.firewallByPathTag(PathTag.of(1)));
        assertNull(t.firewall("nope"));
    }

    @Test
    void serviceLookupIsByVipProtocolAndPort() {
        FwlbTopology t = ExampleConfigs.topology(4);
        int vip = Ip4Address.valueOf("10.0.2.100").toInt();
        assertEquals("web", t.serviceFor(vip, 6, 80).id());
        assertEquals("ftp", t.serviceFor(vip, 6, 21).id());
        assertEquals("secure-web", t.serviceFor(IpAddress.valueOf("10.0.2.100"), Protocol.TCP, 443).id());
        assertNull(t.serviceFor(vip, 17, 80));
        assertNull(t.serviceFor(vip + 1, 6, 80));
        assertNull(t.serviceFor(vip, 6, 8080));
        assertEquals(3, t.servicesWithFirstStage("d1").size());
    }

    @Test
    void serviceTypesRouteToTheirOwnServers() {
        // FIG 4: srv2 and srv3 hang off both second stages; types pick disjoint-ish sets
        FwlbTopology t = ExampleConfigs.topology(4);
        assertEquals(ImmutableList.of("srv1", "srv2"), ids(t.serversReachable("d1", "http")));
        assertEquals(ImmutableList.of("srv2", "srv3"), ids(t.serversReachable("d1", "ftp")));
        assertEquals(ImmutableList.of("srv3", "srv4"), ids(t.serversReachable("d1", "https")));
        assertEquals(ImmutableList.of("d2a", "d2b"), t.candidates("d1", "http"));
        assertEquals(ImmutableList.of("srv2", "srv3"), t.candidates("d2a", "ftp"));
        assertEquals(ImmutableList.of("srv3"), t.candidates("d2a", "https"));
        assertEquals(ImmutableList.of("srv2"), t.candidates("d2b", "http"));
        assertEquals(ImmutableList.of("srv3", "srv4"), t.candidates("d2b", "https"));
        assertEquals(ImmutableList.of("d2a", "d2b"), t.parents("srv2"));
        assertTrue(t.candidates("d1", "smtp").isEmpty());
        assertTrue(t.candidates("nope", "http").isEmpty());
    }

    @Test
    void treeHelpers() {
        FwlbTopology t = ExampleConfigs.topology(8);
        assertEquals(ImmutableList.of("l7a", "l7b", "l4c"), t.children("stage1"));
        assertEquals(3, t.childDispatchers("stage1").size());
        assertTrue(t.childServers("stage1").isEmpty());
        assertEquals(ImmutableList.of("srv5", "srv6"), ids(t.childServers("l4c")));
        assertEquals(1, t.stageDepth("stage1"));
        assertEquals(2, t.stageDepth("l7b"));
        assertEquals(0, t.stageDepth("srv1"));
        assertTrue(t.isServer("srv1"));
        assertTrue(t.isDispatcher("l7a"));
        assertFalse(t.isDispatcher("srv1"));
        assertEquals(ImmutableList.of("stage1"), t.dispatchersOnDevice(INT).stream().map(Dispatcher::id)
                .collect(Collectors.toList()));
        assertTrue(t.dispatchersOnDevice(DeviceId.deviceId("of:0000000000000fff")).isEmpty());
        assertEquals(6, t.serversReachable("stage1", "http").size());
        assertEquals(Ip4Address.valueOf("10.0.2.21"), t.serverByIp(IpAddress.valueOf("10.0.2.21")).ip());
    }

    @Test
    void threeStagesAndDirectServers() {
        // seed [0033]: a first stage may reach servers directly, next to second stages; and a third stage
        FwlbTopology t = FwlbTopology.builder()
                .addServer(server("s1")).addServer(server("s2")).addServer(server("s3"))
                .addDispatcher(dispatcher("a", "b", "s1"))
                .addDispatcher(dispatcher("b", "c"))
                .addDispatcher(dispatcher("c", "s2", "s3"))
                .build();
        assertEquals(1, t.stageDepth("a"));
        assertEquals(2, t.stageDepth("b"));
        assertEquals(3, t.stageDepth("c"));
        assertEquals(ImmutableList.of("s1", "s2", "s3"), ids(t.serversReachable("a", "http")));
        assertEquals(ImmutableList.of("b", "s1"), t.candidates("a", "http"));
        assertTrue(TopologyValidator.validate(t).isEmpty(), TopologyValidator.validate(t).toString());
    }

    @Test
    void cyclesDoNotHangTheHelpers() {
        FwlbTopology t = FwlbTopology.builder().addServer(server("s1"))
                .addDispatcher(dispatcher("a", "b")).addDispatcher(dispatcher("b", "a", "s1")).build();
        assertEquals(ImmutableList.of("s1"), ids(t.serversReachable("a", "http")));
        assertEquals(0, t.stageDepth("a"), "no root: no stage");
        assertEquals(List.of("dispatchers[1].reaches: cycle in the dispatch tree: a -> b -> a"),
                     TopologyValidator.validate(t));
    }

    private static int macCounter;

    private static Server server(String id) {
        int n = ++macCounter;
        return Server.builder().id(id).ip(IpAddress.valueOf("10.9.0." + n))
                .mac(MacAddress.valueOf("02:00:00:00:01:" + String.format("%02x", n)))
                .location(ConnectPoint.deviceConnectPoint("of:0000000000000001/" + n)).services("http").build();
    }

    private static Dispatcher dispatcher(String id, String... reaches) {
        int n = ++macCounter;
        return Dispatcher.builder().id(id).kind(DispatcherKind.L4_3)
                .deviceId(DeviceId.deviceId("of:00000000000000" + String.format("%02x", n)))
                .mac(MacAddress.valueOf("02:00:00:00:02:" + String.format("%02x", n)))
                .ip(IpAddress.valueOf("10.9.1.1")).reaches(reaches).build();
    }
}
