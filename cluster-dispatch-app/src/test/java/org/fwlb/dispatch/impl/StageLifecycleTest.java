package org.fwlb.dispatch.impl;

import org.fwlb.model.ConnectionEntry;
import org.fwlb.model.ConnectionPath;
import org.fwlb.model.FlowKey;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.TcpState;
import org.junit.jupiter.api.Test;
import org.onlab.packet.MacAddress;
import org.onosproject.net.DeviceId;
import org.onosproject.net.PortNumber;
import org.onosproject.net.flow.DefaultFlowEntry;
import org.onosproject.net.flow.FlowRule;
import org.onosproject.net.flow.instructions.L3ModificationInstruction.L3SubType;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.fwlb.dispatch.impl.DispatchRig.dev;
import static org.fwlb.dispatch.impl.DispatchRig.ethDst;
import static org.fwlb.dispatch.impl.DispatchRig.ipMod;
import static org.fwlb.dispatch.impl.DispatchRig.output;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StageLifecycleTest {

    private static final DeviceId D01 = dev("0000000000000d01");
    private static final DeviceId D21 = dev("0000000000000d21");
    private static final DeviceId D22 = dev("0000000000000d22");
    private static final DeviceId E21 = dev("0000000000000e21");
    private static final MacAddress C1 = MacAddress.valueOf("02:fb:00:10:01:0b");

    private final DispatchRig rig = new DispatchRig("fig2");
    private final FwlbTopology t = rig.topology;

    private byte[] seg(String stage, int cport, int flags) {
        return TcpFrames.segment(C1, StageRules.macOf(t, stage), "10.0.1.11", cport, "10.0.1.100", 80, flags);
    }

    /** Places a connection through d1 and d2a (the first pick of round robin) to a server. */
    private ConnectionEntry place(int cport) {
        rig.placeSyn(D01, 1, seg("d1", cport, TcpFrames.SYN));
        String second = ethDst(rig.lastEmitted().treatment()).equals(StageRules.macOf(t, "d2a")) ? "d2a" : "d2b";
        rig.placeSyn("d2a".equals(second) ? D21 : D22, 1, seg(second, cport, TcpFrames.SYN));
        return rig.store.connections(e -> e.flow().srcPort() == cport).get(0);
    }

    private static Set<String> ids(List<FlowRule> rs) {
        return rs.stream().map(r -> r.deviceId() + "/" + r.id()).collect(Collectors.toSet());
    }

    @Test
    void clientFinMovesEachStagesRulesToTheClosingTimeoutAndFollowsThePath() {
        ConnectionEntry e = place(40000);
        assertEquals("d2a", e.path().dispatcherIds().get(1));
        int applied = rig.flows.applied.size();
        int emitted = rig.packets.emitted.size();

        assertTrue(rig.close(D01, 1, seg("d1", 40000, TcpFrames.FIN_ACK)));
        List<FlowRule> again = rig.flows.applied.subList(applied, rig.flows.applied.size());
        assertEquals(1, again.size());
        assertEquals(D01, again.get(0).deviceId());
        assertEquals(t.timeouts().closingSeconds(), again.get(0).timeout());
        assertEquals(rig.appliedOn(D01).get(0).id(), again.get(0).id(), "the same rule, re-installed");
        assertEquals(emitted + 1, rig.packets.emitted.size());
        assertEquals(StageRules.macOf(t, "d2a"), ethDst(rig.lastEmitted().treatment()), "the FIN goes on to d2a");
        assertEquals(PortNumber.portNumber(1), output(rig.lastEmitted().treatment()));
        assertEquals(TcpState.FIN_FROM_CLIENT, rig.store.get(e.key()).state());

        applied = rig.flows.applied.size();
        assertTrue(rig.close(D21, 1, seg("d2a", 40000, TcpFrames.FIN_ACK)));
        List<FlowRule> atD21 = rig.flows.applied.subList(applied, rig.flows.applied.size());
        assertEquals(2, atD21.size(), "forward and reply rule");
        for (FlowRule r : atD21) {
            assertEquals(D21, r.deviceId());
            assertEquals(t.timeouts().closingSeconds(), r.timeout());
        }
        assertEquals(t.server(e.path().serverId().get()).ip().toString(),
                     ipMod(rig.lastEmitted().treatment(), L3SubType.IPV4_DST), "the FIN reaches the server");
    }

    @Test
    void clientRstMarksTheConnectionClosing() {
        ConnectionEntry e = place(40000);
        assertTrue(rig.close(D01, 1, seg("d1", 40000, TcpFrames.RST)));
        assertEquals(TcpState.CLOSING, rig.store.get(e.key()).state());
    }

    @Test
    void finOfNoKnownConnectionIsNotHandled() {
        place(40000);
        int applied = rig.flows.applied.size();
        assertFalse(rig.close(D01, 1, seg("d1", 40999, TcpFrames.FIN_ACK)));
        assertEquals(applied, rig.flows.applied.size());
    }

    @Test
    void ruleRemovedEndsTheConnectionsRulesOnEveryStageAndItsEntry() {
        ConnectionEntry e = place(40000);
        place(40001);
        Set<String> installed = ids(rig.flows.applied.stream()
                .filter(r -> StageRules.connectionKeyOf(r).get().equals(e.key())).collect(Collectors.toList()));
        assertEquals(3, installed.size());
        FlowRule reply = rig.appliedOn(D21).get(1);          // the reply rule idled out
        rig.lifecycle.onRuleRemoved(t, new DefaultFlowEntry(reply));
        assertEquals(installed, ids(rig.flows.removed));
        assertNull(rig.store.get(e.key()));
        assertEquals(1, rig.store.size(), "the other connection stays");
        assertEquals(1, rig.counters.get(DispatchCounters.REMOVED));
    }

    @Test
    void ruleRemovedLeavesAnEntryAnotherApplicationPinned() {
        DispatchRig r7 = new DispatchRig("fig7");
        FwlbTopology t7 = r7.topology;
        FlowKey f = DispatchRig.parse(TcpFrames.segment(C1, C1, "10.0.1.11", 40000, "10.0.2.100", 80,
                                                        TcpFrames.SYN)).flowKey();
        // the sandwich pinned the connection at the external FLB before it reached the first stage
        r7.store.pin(ConnectionEntry.pinned(f, ConnectionPath.viaFirewall("fw2"), 0, "org.fwlb.sandwich"));
        r7.placeSyn(D01, 1, TcpFrames.segment(t7.firewall("fw2").inside().mac(), StageRules.macOf(t7, "d1"),
                                              "10.0.1.11", 40000, "10.0.2.100", 80, TcpFrames.SYN));
        ConnectionEntry e = r7.store.get(f.canonical());
        assertEquals("fw2", e.path().firewallId().get());
        assertEquals("d1", e.path().dispatcherIds().get(0), "the path grew in the shared entry");
        assertEquals("org.fwlb.sandwich", e.appName());
        r7.lifecycle.onRuleRemoved(t7, new DefaultFlowEntry(r7.appliedOn(D01).get(0)));
        assertEquals(1, r7.flows.removed.size());
        assertNotNull(r7.store.get(f.canonical()), "the sandwich's entry is the sandwich's to remove");
    }

    @Test
    void ruleRemovedOfTheDfEndsAnL7Connection() {
        DispatchRig r8 = new DispatchRig("fig8");
        FwlbTopology t8 = r8.topology;
        MacAddress fw1 = t8.firewall("fw1").inside().mac();
        r8.placeSyn(D01, 1, TcpFrames.segment(fw1, StageRules.macOf(t8, "d1"), "10.0.1.11", 40000, "10.0.2.100",
                                              80, TcpFrames.SYN));
        r8.placeSyn(E21, 1, TcpFrames.segment(fw1, StageRules.macOf(t8, "d7a"), "10.0.1.11", 40000, "10.0.2.100",
                                              80, TcpFrames.SYN, 1));
        Set<String> installed = ids(r8.flows.applied);
        r8.lifecycle.onRuleRemoved(t8, new DefaultFlowEntry(r8.appliedOn(E21).get(0)));
        assertEquals(installed, ids(r8.flows.removed));
        assertEquals(0, r8.store.size());
    }

    @Test
    void clearMemberEndsOnlyTheConnectionsThroughIt() {
        for (int i = 0; i < 8; i++) {
            place(40000 + i);
        }
        String srv = rig.store.connections(e -> true).get(0).path().serverId().get();
        long through = rig.store.connections(e -> e.path().involves(srv)).size();
        assertEquals(2, through);
        assertEquals(2, rig.lifecycle.clearMember(t, srv));
        assertEquals(6, rig.store.size());
        assertEquals(2 * 3, rig.flows.removed.size());
        assertEquals(4, rig.lifecycle.clearMember(t, "d2b"));
        assertEquals(2, rig.store.size());
        assertEquals(0, rig.lifecycle.clearMember(t, "nobody"));
    }

    @Test
    void connectionClearedWhileItsRulesAreInstalledIsUndone() {
        rig.flows.confirmAtOnce = false;
        rig.placeSyn(D01, 1, seg("d1", 40000, TcpFrames.SYN));
        rig.lifecycle.clearMember(t, "d2a");
        rig.flows.confirmAll();
        assertTrue(rig.packets.emitted.isEmpty());
        assertEquals(0, rig.store.size());
        assertFalse(rig.flows.removed.isEmpty());
    }

    @Test
    void aStaleRuleOfAnEarlierConnectionOnTheSameTupleDoesNotEndTheNewOne() {
        // clients reuse ports at once: the earlier connection on 10.0.1.11:40000 went d1 -> d2b -> srv3; its
        // rules on d2b idle out after the new connection (d1 -> d2a) was placed
        ConnectionEntry e = place(40000);
        String second = e.path().dispatcherIds().get(1);
        String other = "d2a".equals(second) ? "d2b" : "d2a";
        StageDecision old = new StageDecision("d2a".equals(other) ? D21 : D22, t.dispatcher(other), false,
                e.flow(), t.childServers(other).get(0).id(), PortNumber.portNumber(1), null);
        for (FlowRule stale : rig.ctx.rules.decisionRules(t, old, 2)) {
            rig.lifecycle.onRuleRemoved(t, new DefaultFlowEntry(stale));
        }
        // and the current path's own rule, but installed 30 s ago: also the earlier connection's
        FlowRule d1 = rig.appliedOn(D01).get(0);
        rig.lifecycle.onRuleRemoved(t, new DefaultFlowEntry(d1,
                org.onosproject.net.flow.FlowEntry.FlowEntryState.REMOVED, 30, java.util.concurrent.TimeUnit.SECONDS,
                0, 0));
        assertTrue(rig.flows.removed.isEmpty(), rig.flows.removed.toString());
        assertNotNull(rig.store.get(e.key()));
        assertEquals(0, rig.counters.get(DispatchCounters.REMOVED));
    }
}
