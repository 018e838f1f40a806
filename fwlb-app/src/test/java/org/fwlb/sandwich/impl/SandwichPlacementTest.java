package org.fwlb.sandwich.impl;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.fwlb.config.ExampleConfigs;
import org.fwlb.engine.EngineCounters;
import org.fwlb.engine.EngineRig;
import org.fwlb.engine.Owner;
import org.fwlb.engine.Priorities;
import org.fwlb.model.AdminState;
import org.fwlb.model.ConnectionEntry;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.HealthState;
import org.fwlb.model.TcpState;
import org.fwlb.testing.RecordingPackets;
import org.fwlb.testing.TcpFrames;
import org.fwlb.testing.Treats;
import org.junit.jupiter.api.Test;
import org.onlab.packet.MacAddress;
import org.onosproject.net.DeviceId;
import org.onosproject.net.flow.FlowRule;
import org.onosproject.net.packet.OutboundPacket;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sandwich's placement on the connection engine (FIG 1, FIG 6), driven as the switches punt SYNs
 * (ported from ConnectionPlacerTest; the installation mechanics are ConnectionInstallerTest's).
 */
class SandwichPlacementTest {

    private static final MacAddress CLIENT = MacAddress.valueOf("02:00:00:00:01:0b");
    private static final DeviceId F01 = DeviceId.deviceId("of:0000000000000f01");

    private static byte[] syn(FwlbTopology t, int clientPort, String dst, int dstPort, int isn) {
        return TcpFrames.tcp().from(CLIENT, "10.0.1.11", clientPort).to(t.external().get().gatewayMac(), dst, dstPort)
                .seq(isn).bytes();
    }

    private static Map<String, Integer> perFirewall(EngineRig rig) {
        Map<String, Integer> out = new HashMap<>();
        for (ConnectionEntry e : rig.connections()) {
            out.merge(e.path().firewallId().get(), 1, Integer::sum);
        }
        return out;
    }

    @Test
    void roundRobinSpreadsConnectionsExactlyAndReleasesEachSynTowardsItsFirewall() {
        FwlbTopology t = ExampleConfigs.topology(1);
        EngineRig rig = new EngineRig(t);
        for (int i = 0; i < 30; i++) {
            rig.punt(F01, 9, syn(t, 40000 + i, "10.0.2.21", 8080, i));
        }
        assertEquals(30, rig.store.size());
        assertEquals(60, rig.flows.applied.size(), "two rules per connection");
        assertEquals(30, rig.packets.emitted.size(), "each SYN released once");
        assertEquals(Map.of("fw1", 10, "fw2", 10, "fw3", 10), perFirewall(rig));
        for (OutboundPacket p : rig.packets.emitted) {
            assertEquals(F01, p.sendThrough());
            assertNotNull(t.firewallByOutsideMac(Treats.ethDst(p.treatment())), "to a firewall's outside MAC");
        }
        assertEquals(30, rig.count(Owner.SANDWICH, EngineCounters.PLACED));
        assertEquals(10, rig.ctx.counters(Owner.SANDWICH).placedOn("fw2"));
    }

    @Test
    void leastConnectionsOfTheWebClassCountsTheClustersConnections() {
        FwlbTopology t = ExampleConfigs.topology(1);
        EngineRig rig = new EngineRig(t);
        EngineRig other = new EngineRig(t, EngineRig.settings().build(), rig.storage, rig.states);
        for (int i = 0; i < 4; i++) {
            other.punt(F01, 9, syn(t, 41000 + i, "10.0.2.21", 80, i));
        }
        for (int i = 0; i < 5; i++) {
            rig.punt(F01, 9, syn(t, 40000 + i, "10.0.2.21", 80, i));
        }
        Map<String, Integer> n = perFirewall(rig);
        assertEquals(9, n.values().stream().mapToInt(Integer::intValue).sum());
        assertTrue(n.values().stream().allMatch(c -> c == 3), "least-connections over both instances: " + n);
    }

    @Test
    void drainingAndDownFirewallsGetNoNewConnections() {
        FwlbTopology t = ExampleConfigs.topology(1);
        EngineRig rig = new EngineRig(t);
        rig.states.setAdminState("fw1", AdminState.DRAINING);
        rig.states.reportHealth(FirewallProber.probeId(t.firewall("fw2"), false), HealthState.DOWN);
        for (int i = 0; i < 9; i++) {
            rig.punt(F01, 9, syn(t, 40000 + i, "10.0.2.21", 8080, i));
        }
        assertEquals(Map.of("fw3", 9), perFirewall(rig));
    }

    @Test
    void noEligibleFirewallDropsTheSynClearly() {
        FwlbTopology t = ExampleConfigs.topology(1);
        EngineRig rig = new EngineRig(t);
        for (String fw : new String[]{"fw1", "fw2", "fw3"}) {
            rig.states.setAdminState(fw, AdminState.DOWN);
        }
        rig.punt(F01, 9, syn(t, 40000, "10.0.2.21", 8080, 1));
        assertEquals(0, rig.store.size());
        assertTrue(rig.packets.emitted.isEmpty());
        assertTrue(rig.flows.applied.isEmpty());
        assertEquals(1, rig.count(Owner.SANDWICH, EngineCounters.NO_MEMBER));
    }

    @Test
    void fig6VipConnectionsAreSpreadOverTheServersByTheirWeights() {
        FwlbTopology t6 = ExampleConfigs.topology(6);
        EngineRig rig = new EngineRig(t6);
        for (int i = 0; i < 12; i++) {
            rig.punt(F01, 9, syn(t6, 40000 + i, "10.0.2.100", 80, i));
        }
        assertEquals(12, rig.store.size());
        Map<String, Integer> perServer = new HashMap<>();
        for (ConnectionEntry e : rig.connections()) {
            assertNotNull(e.path().firewallId().orElse(null));
            assertEquals(List.of("int-dispatch"), e.path().dispatcherIds());
            perServer.merge(e.path().serverId().get(), 1, Integer::sum);
        }
        assertEquals(Map.of("srv1", 3, "srv2", 3, "srv3", 6), perServer, "weighted round robin 1:1:2");
        assertEquals(36, rig.flows.applied.size(), "three rules per FIG 6 connection, all from the first punt");
        assertEquals(12, rig.flows.batches.size(), "one batch per connection");
    }

    @Test
    void aSynOnTheTupleOfAClosingOrHalfClosedConnectionFollowsItsDecision() {
        // the engine never re-places a decided connection (a spoofed SYN could move it); a client reusing the
        // tuple at once meets its previous decision, with its rules applied again, until they idle out
        FwlbTopology t = ExampleConfigs.topology(1);
        EngineRig rig = new EngineRig(t);
        rig.punt(F01, 9, syn(t, 40000, "10.0.2.21", 80, 4242));
        ConnectionEntry first = rig.only();
        rig.store.markFin(first.key(), true);
        rig.punt(F01, 9, syn(t, 40000, "10.0.2.21", 80, 7777));
        assertEquals(first.path(), rig.only().path());
        assertEquals(TcpState.FIN_FROM_CLIENT, rig.only().state());
        rig.store.markClosing(first.key());
        rig.punt(F01, 9, syn(t, 40000, "10.0.2.21", 80, 9999));
        assertEquals(first.path(), rig.only().path());
        assertEquals(3, rig.packets.emitted.size());
        assertEquals(rig.packets.emitted.get(0).treatment(), rig.packets.emitted.get(2).treatment());
        assertEquals(6, rig.flows.applied.size(), "the same two rules, three times");
        assertEquals(2, rig.count(Owner.SANDWICH, EngineCounters.SYN_FOLLOWED));
    }

    @Test
    void synOfNoPinnedClassIsIgnored() {
        // FIG 1 with the web class (80, 443) in static-hash mode: its SYNs are the switches' to forward by
        // bucket; one that still reaches the controller (e.g. a bucket without a firewall) is not placed
        FwlbTopology t = ExampleConfigs.topology(1, (ObjectNode f) -> ((ObjectNode) f.path("sandwich")
                .path("trafficClasses").get(0)).put("mode", "static-hash").put("policy", "static-hash")
                .put("unknownNonSyn", "forward"));
        EngineRig rig = new EngineRig(t);
        RecordingPackets.Context pc = rig.punt(F01, 9, syn(t, 40000, "10.0.2.21", 80, 1));
        assertTrue(pc.isHandled(), "the engine took it (it was punted to the firewall choice)");
        assertEquals(1, rig.count(Owner.SANDWICH, EngineCounters.SYN_PUNTS), "the engine saw the SYN");
        assertEquals(1, rig.count(Owner.SANDWICH, EngineCounters.NO_SERVICE));
        assertEquals(0, rig.store.size());
        assertTrue(rig.flows.applied.stream().noneMatch(r -> Priorities.isPinned(r.priority())));
        assertTrue(rig.packets.emitted.isEmpty());
        // the pinned default class on the same switch is placed
        rig.punt(F01, 9, syn(t, 40001, "10.0.2.21", 8080, 1));
        assertEquals(1, rig.store.size());
        List<FlowRule> rules = rig.rulesOf(rig.only());
        assertEquals(2, rules.size());
    }
}
