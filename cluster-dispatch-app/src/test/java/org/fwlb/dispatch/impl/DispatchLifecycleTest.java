package org.fwlb.dispatch.impl;

import org.fwlb.engine.EngineCounters;
import org.fwlb.engine.EngineRig;
import org.fwlb.engine.Hop;
import org.fwlb.engine.Owner;
import org.fwlb.model.ConnectionEntry;
import org.fwlb.model.ConnectionPath;
import org.fwlb.model.FwlbTopology;
import org.fwlb.testing.PacketActions;
import org.fwlb.testing.Presets;
import org.fwlb.testing.RecordingFlowRules;
import org.fwlb.testing.TcpFrames;
import org.junit.jupiter.api.Test;
import org.onlab.packet.MacAddress;
import org.onosproject.net.DeviceId;
import org.onosproject.net.flow.FlowRule;
import org.onosproject.net.flow.FlowRuleEvent;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.fwlb.dispatch.impl.StagePlacementTest.C1;
import static org.fwlb.dispatch.impl.StagePlacementTest.D01;
import static org.fwlb.dispatch.impl.StagePlacementTest.D21;
import static org.fwlb.dispatch.impl.StagePlacementTest.D22;
import static org.fwlb.dispatch.impl.StagePlacementTest.E21;
import static org.fwlb.dispatch.impl.StagePlacementTest.dev;
import static org.fwlb.dispatch.impl.StagePlacementTest.mac;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The end of connections through dispatch stages, on the engine's one life cycle (ported from
 * StageLifecycleTest; the FIN/RST part of it is StagePlacementTest's tcp_flags test).
 */
class DispatchLifecycleTest {

    private final EngineRig rig = new EngineRig(Presets.topology("fig2"));
    private final FwlbTopology t = rig.topology;

    /** Places a connection through d1 and the second stage round robin picks, to a server. */
    private ConnectionEntry place(int cport) {
        rig.punt(D01, 1, TcpFrames.segment(C1, mac(t, "d1"), "10.0.1.11", cport, "10.0.1.100", 80, TcpFrames.SYN));
        ConnectionEntry e = rig.store.connections(x -> x.flow().srcPort() == cport).get(0);
        if (!e.path().serverId().isPresent()) {
            String second = e.path().dispatcherIds().get(1);
            rig.punt("d2a".equals(second) ? D21 : D22, 1, PacketActions.sent(rig.lastEmitted()));
        }
        return rig.store.get(e.key());
    }

    private static Set<String> ids(List<? extends FlowRule> rs) {
        return rs.stream().map(r -> r.deviceId() + "/" + r.id()).collect(Collectors.toSet());
    }

    private void removed(EngineRig r, FlowRule rule) {
        FlowRuleEvent ev = RecordingFlowRules.removedEvent(rule, 3);
        r.lifecycle.onRuleRemoved(r.plan, ev.subject(), ev.time());
    }

    @Test
    void ruleRemovedEndsTheConnectionsRulesOnEveryStageAndItsEntry() {
        ConnectionEntry e = place(40000);
        place(40001);
        List<FlowRule> rules = rig.rulesOf(e);
        assertEquals(3, rules.size());
        removed(rig, rules.get(2));                          // the reply rule idled out
        assertEquals(ids(rules), ids(rig.flows.removed));
        assertNull(rig.store.get(e.key()));
        assertEquals(1, rig.store.size(), "the other connection stays");
        assertEquals(1, rig.count(Owner.DISPATCH, EngineCounters.REMOVED));
    }

    @Test
    void aStagesRuleRemovedEndsTheWholeConnectionTheFirewallChoicesRulesToo() {
        // FIG 7: the sandwich pinned the connection at the external dispatcher; d1 then extended it. One engine,
        // one life cycle: whichever rule of it the core removes, the connection ends on every switch
        EngineRig r7 = new EngineRig(Presets.topology("fig7"));
        FwlbTopology t7 = r7.topology;
        DeviceId f01 = dev("0000000000000f01");
        r7.punt(f01, 9, TcpFrames.segment(MacAddress.valueOf("02:00:00:00:01:0b"), t7.external().get().gatewayMac(),
                                          "10.0.1.11", 40000, "10.0.2.100", 80, TcpFrames.SYN));
        ConnectionEntry pinned = r7.only();
        String fw = pinned.path().firewallId().get();
        assertEquals(Owner.SANDWICH.appName(), pinned.appName());
        assertTrue(pinned.path().dispatcherIds().isEmpty(), "d1 (one-armed) decides when its SYN arrives");
        r7.punt(D01, 1, TcpFrames.segment(t7.firewall(fw).inside().mac(), mac(t7, "d1"), "10.0.1.11", 40000,
                                          "10.0.2.100", 80, TcpFrames.SYN));
        ConnectionEntry e = r7.only();
        assertEquals("d1", e.path().dispatcherIds().get(0), "the path grew in the shared entry");
        List<FlowRule> all = r7.rulesOf(e);
        assertEquals(3, all.size(), "the firewall choice's two, d1's one");
        removed(r7, r7.appliedOn(D01).get(0));
        assertNull(r7.store.get(e.key()));
        assertEquals(ids(all), ids(r7.flows.removed));
        assertEquals(1, r7.count(Owner.SANDWICH, EngineCounters.REMOVED), "counted for its owner");
    }

    @Test
    void ruleRemovedOfTheDfEndsAnL7Connection() {
        EngineRig r8 = new EngineRig(Presets.topology("fig8"));
        FwlbTopology t8 = r8.topology;
        MacAddress fw1 = t8.firewall("fw1").inside().mac();
        r8.punt(D01, 1, TcpFrames.segment(fw1, mac(t8, "d1"), "10.0.1.11", 40000, "10.0.2.100", 80, TcpFrames.SYN));
        r8.punt(E21, 1, PacketActions.sent(r8.lastEmitted()));
        Set<String> installed = ids(r8.flows.applied);
        assertEquals(3, installed.size());
        removed(r8, r8.appliedOn(E21).get(1));
        assertEquals(installed, ids(r8.flows.removed));
        assertEquals(0, r8.store.size());
    }

    @Test
    void clearMemberEndsOnlyTheConnectionsThroughIt() {
        for (int i = 0; i < 8; i++) {
            place(40000 + i);
        }
        String srv = rig.connections().get(0).path().serverId().get();
        assertEquals(2, rig.store.connections(e -> e.path().involves(srv)).size());
        assertEquals(2, rig.lifecycle.clearMember(rig.plan, srv));
        assertEquals(6, rig.store.size());
        assertEquals(2 * 3, rig.flows.removed.size());
        String second = "d2a".equals(rig.topology.parents(srv).get(0)) ? "d2b" : "d2a";
        assertEquals(4, rig.lifecycle.clearMember(rig.plan, second));
        assertEquals(2, rig.store.size());
        assertEquals(0, rig.lifecycle.clearMember(rig.plan, "nobody"));
    }

    @Test
    void connectionClearedWhileItsRulesAreInstalledIsUndone() {
        rig.flows.confirmAtOnce = false;
        rig.punt(D01, 1, TcpFrames.segment(C1, mac(t, "d1"), "10.0.1.11", 40000, "10.0.1.100", 80, TcpFrames.SYN));
        rig.lifecycle.clearMember(rig.plan, "d2a");
        rig.flows.confirm();
        assertTrue(rig.packets.emitted.isEmpty());
        assertEquals(0, rig.store.size());
        assertFalse(rig.flows.removed.isEmpty());
    }

    @Test
    void aStaleRuleOfAnEarlierConnectionOnTheSameTupleDoesNotEndTheNewOne() {
        // clients reuse ports at once: the earlier connection on 10.0.1.11:40000 went through the other second
        // stage; its rules there idle out after the new connection was placed
        ConnectionEntry e = place(40000);
        String second = e.path().dispatcherIds().get(1);
        String other = "d2a".equals(second) ? "d2b" : "d2a";
        ConnectionEntry old = e.withPath(ConnectionPath.empty().withNextDispatcher("d1").withNextDispatcher(other)
                .withServer(t.childServers(other).get(0).id()));
        List<FlowRule> stale = rig.ctx.rules().rules(t, rig.plan, old, Hop.of(rig.plan, old, rig.ctx::uplink), 2);
        for (FlowRule r : stale) {
            removed(rig, r);
        }
        assertTrue(rig.flows.removed.isEmpty(), rig.flows.removed.toString());
        assertNotNull(rig.store.get(e.key()));
        assertEquals(0, rig.count(Owner.DISPATCH, EngineCounters.REMOVED));
    }
}
