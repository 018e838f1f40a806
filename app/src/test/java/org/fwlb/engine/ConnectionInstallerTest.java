package org.fwlb.engine;

import org.fwlb.config.ExampleConfigs;
import org.fwlb.connection.PinResult;
import org.fwlb.model.AdminState;
import org.fwlb.model.ConnectionEntry;
import org.fwlb.model.ConnectionPath;
import org.fwlb.model.FirewallDispatcher.Role;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.TcpState;
import org.fwlb.packet.PacketSummary;
import org.fwlb.testing.RecordingFlowRules;
import org.fwlb.testing.RecordingPackets;
import org.fwlb.testing.TcpFrames;
import org.fwlb.testing.Treats;
import org.junit.jupiter.api.Test;
import org.onlab.packet.MacAddress;
import org.onosproject.net.flow.FlowRule;
import org.onosproject.net.flow.FlowRuleOperation;
import org.onosproject.net.flow.FlowRuleOperations;
import org.onosproject.net.packet.OutboundPacket;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.fwlb.engine.EnginePlanTest.D04;
import static org.fwlb.engine.EnginePlanTest.F01;
import static org.fwlb.engine.EnginePlanTest.F02;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pin, one batch, release on confirmation, roll back on failure; a SYN of a decided connection follows it.
 */
class ConnectionInstallerTest {

    private static final MacAddress CLIENT = MacAddress.valueOf("02:00:00:00:01:0b");

    private static byte[] syn(FwlbTopology t, int sp, String dst, int dp, int isn) {
        return TcpFrames.tcp().from(CLIENT, "10.0.1.11", sp).to(t.external().get().gatewayMac(), dst, dp).seq(isn)
                .bytes();
    }

    private static List<FlowRule> rulesOf(FlowRuleOperations ops) {
        List<FlowRule> out = new ArrayList<>();
        for (Set<FlowRuleOperation> stage : ops.stages()) {
            for (FlowRuleOperation op : stage) {
                assertEquals(FlowRuleOperation.Type.ADD, op.type());
                out.add(op.rule());
            }
        }
        return out;
    }

    private static Set<Object> ids(List<? extends FlowRule> rules) {
        return rules.stream().map(r -> r.deviceId() + "/" + r.id()).collect(Collectors.toSet());
    }

    @Test
    void theEntryIsPinnedFirstTheRulesGoOutInOneBatchAndTheSynOnlyWhenTheyAreConfirmed() {
        FwlbTopology t = ExampleConfigs.topology(6);
        EngineRig rig = new EngineRig(t);
        rig.flows.confirmAtOnce = false;
        byte[] frame = syn(t, 40000, "10.0.2.100", 80, 4242);
        RecordingPackets.Context pc = rig.punt(F01, 9, frame);
        assertTrue(pc.isHandled());

        ConnectionEntry e = rig.only();
        assertEquals(TcpState.SYN_SEEN, e.state(), "pinned before anything is installed");
        assertEquals(1, rig.flows.batches.size(), "every switch's rules in one batch");
        List<FlowRule> batch = rulesOf(rig.flows.batches.get(0));
        assertEquals(ids(rig.rulesOf(e)), ids(batch));
        assertEquals(Set.of(F01, F02), batch.stream().map(FlowRule::deviceId).collect(Collectors.toSet()));
        assertTrue(rig.packets.emitted.isEmpty(), "no SYN may outrun its rules");
        assertEquals(0, rig.count(Owner.SANDWICH, EngineCounters.PLACED), "placed once confirmed");

        assertEquals(1, rig.flows.confirm());
        assertEquals(1, rig.packets.emitted.size());
        OutboundPacket out = rig.lastEmitted();
        assertEquals(F01, out.sendThrough());
        assertArrayEquals(frame, RecordingPackets.bytes(out), "the SYN itself, unchanged");
        String fw = rig.only().path().firewallId().get();
        assertEquals(Treatments.towardsFirewall(t, t.firewall(fw), Role.EXTERNAL), out.treatment());
        assertEquals(TcpState.OPENING, rig.only().state());
        assertTrue(rig.ctx.openings.containsKey(e.key()));
        assertEquals(1, rig.count(Owner.SANDWICH, EngineCounters.SYN_PUNTS));
        assertEquals(2, rig.count(Owner.SANDWICH, EngineCounters.PLACED), "two decisions: firewall and server");
        assertEquals(1, rig.ctx.counters(Owner.SANDWICH).placedOn(fw));
        assertEquals(1, rig.ctx.counters(Owner.SANDWICH).placedOn(rig.only().path().serverId().get()));
    }

    @Test
    void aRetransmissionWhileTheRulesAreInstalledIsDroppedAndAfterwardsFollows() {
        FwlbTopology t = ExampleConfigs.topology(1);
        EngineRig rig = new EngineRig(t);
        rig.flows.confirmAtOnce = false;
        rig.punt(F01, 9, syn(t, 40000, "10.0.2.21", 80, 1));
        rig.punt(F01, 9, syn(t, 40000, "10.0.2.21", 80, 1));
        assertEquals(1, rig.flows.batches.size());
        assertTrue(rig.packets.emitted.isEmpty());
        rig.flows.confirm();
        assertEquals(1, rig.packets.emitted.size());

        rig.flows.confirmAtOnce = true;
        rig.punt(F01, 9, syn(t, 40000, "10.0.2.21", 80, 1));
        assertEquals(2, rig.packets.emitted.size(), "released along the decision");
        assertEquals(rig.packets.emitted.get(0).treatment(), rig.packets.emitted.get(1).treatment());
        assertEquals(ids(rulesOf(rig.flows.batches.get(0))), ids(rulesOf(rig.flows.batches.get(1))),
                     "its rules applied again, the same ones");
        assertEquals(2, rig.count(Owner.SANDWICH, EngineCounters.SYN_FOLLOWED));
        assertEquals(1, rig.count(Owner.SANDWICH, EngineCounters.PLACED));
        assertEquals(1, rig.store.size());
    }

    @Test
    void aSynWithAnotherIsnOnAnEstablishedConnectionDoesNotMoveIt() {
        FwlbTopology t = ExampleConfigs.topology(6);
        EngineRig rig = new EngineRig(t);
        rig.punt(F01, 9, syn(t, 40000, "10.0.2.100", 80, 1000));
        ConnectionEntry placed = rig.only();
        List<FlowRule> rules = rig.rulesOf(placed);
        FlowRule origin = rules.get(0);
        assertEquals(Priorities.PINNED_ORIGIN, origin.priority());
        rig.lifecycle.onRuleStats(RecordingFlowRules.polled(origin, 7, 3));
        assertEquals(TcpState.ESTABLISHED, rig.only().state());
        // whatever a re-placement would choose now, a spoofed SYN must not take the connection there
        rig.states.setAdminState(placed.path().firewallId().get(), AdminState.DRAINING);
        rig.states.setAdminState(placed.path().serverId().get(), AdminState.DRAINING);
        int batches = rig.flows.batches.size();

        rig.punt(F01, 9, syn(t, 40000, "10.0.2.100", 80, 0x7777));

        ConnectionEntry after = rig.only();
        assertEquals(placed.path(), after.path());
        assertEquals(placed.createdMillis(), after.createdMillis());
        assertEquals(TcpState.ESTABLISHED, after.state());
        assertEquals(batches + 1, rig.flows.batches.size());
        List<FlowRule> again = rulesOf(rig.flows.batches.get(batches));
        assertEquals(rules.stream().map(FlowRule::treatment).collect(Collectors.toList()),
                     again.stream().map(FlowRule::treatment).collect(Collectors.toList()), "the same rules");
        assertEquals(placed.path().firewallId().get(), t.firewallByOutsideMac(Treats.ethDst(rig.lastEmitted()
                .treatment())).id(), "the SYN follows the decided firewall");
        assertEquals(1, rig.count(Owner.SANDWICH, EngineCounters.SYN_FOLLOWED));
        assertEquals(2, rig.count(Owner.SANDWICH, EngineCounters.PLACED), "firewall and server, decided once");
    }

    @Test
    void aFailedBatchRollsTheRulesAndTheEntryBack() {
        FwlbTopology t = ExampleConfigs.topology(6);
        EngineRig rig = new EngineRig(t);
        rig.flows.failAtOnce = true;
        rig.punt(F01, 9, syn(t, 40000, "10.0.2.100", 80, 1));
        assertEquals(0, rig.store.size());
        assertTrue(rig.packets.emitted.isEmpty());
        assertEquals(ids(rig.flows.applied), ids(rig.flows.removed), "what was tried is withdrawn");
        assertEquals(3, rig.flows.removed.size());
        assertEquals(1, rig.count(Owner.SANDWICH, EngineCounters.INSTALL_FAILED));
        assertEquals(0, rig.count(Owner.SANDWICH, EngineCounters.PLACED));
        for (FlowRule r : rig.flows.removed) {
            assertTrue(rig.ctx.removedByUs(r.id()), "its removal is remembered as ours");
        }
        // the client's next try is placed afresh
        rig.flows.failAtOnce = false;
        rig.punt(F01, 9, syn(t, 40000, "10.0.2.100", 80, 1));
        assertEquals(1, rig.store.size());
        assertEquals(1, rig.packets.emitted.size());
    }

    @Test
    void aConnectionEndedOrAnEngineStoppedWhileItsRulesAreInstalledIsUndone() {
        FwlbTopology t = ExampleConfigs.topology(1);
        EngineRig rig = new EngineRig(t);
        rig.flows.confirmAtOnce = false;
        rig.punt(F01, 9, syn(t, 40000, "10.0.2.21", 80, 1));
        rig.lifecycle.clearMember(rig.plan, rig.only().path().firewallId().get());
        rig.flows.confirm();
        assertTrue(rig.packets.emitted.isEmpty());
        assertEquals(0, rig.store.size());
        assertEquals(ids(rig.flows.applied), ids(rig.flows.removed));

        EngineRig stopping = new EngineRig(t);
        stopping.flows.confirmAtOnce = false;
        stopping.punt(F01, 9, syn(t, 40000, "10.0.2.21", 80, 1));
        stopping.ctx.deactivate();
        stopping.flows.confirm();
        assertTrue(stopping.packets.emitted.isEmpty());
        assertEquals(ids(stopping.flows.applied), ids(stopping.flows.removed));
        assertFalse(stopping.ctx.openings.containsKey(stopping.only().key()));
    }

    @Test
    void aConnectionPinnedMeanwhileByAnotherInstanceIsLeftToIt() {
        FwlbTopology t = ExampleConfigs.topology(1);
        EngineRig rig = new EngineRig(t);
        EngineRig other = new EngineRig(t, EngineRig.settings().build(), rig.storage, rig.states);
        PacketSummary p = EngineRig.parse(syn(t, 40000, "10.0.2.21", 80, 1));
        DecisionPoint fc = rig.plan.firewallChoice(Role.EXTERNAL);
        PathPlanner.Decision d = rig.planner.decide(rig.plan, fc, p, null, false);
        // the other instance pinned the same connection between this one's decision and its pin
        ConnectionEntry theirs = ConnectionEntry.pinned(p.flowKey(), ConnectionPath.viaFirewall("fw3"), 1,
                                                        Owner.SANDWICH.appName());
        assertTrue(other.store.pin(theirs).isPinned());
        rig.installer.place(rig.plan, fc, p.flowKey(), null, d, false, (h, r) -> {
            throw new AssertionError("released a SYN it did not pin");
        });
        assertTrue(rig.flows.batches.isEmpty());
        assertEquals(theirs, rig.store.get(p.connectionKey()));
        assertEquals(PinResult.Status.DUPLICATE, rig.store.pin(theirs).status());
    }

    @Test
    void aFullTableRefusesNewConnections() {
        FwlbTopology t = ExampleConfigs.topology(1);
        EngineRig rig = new EngineRig(t);
        rig.store.setMaxConnections(2);
        for (int i = 0; i < 3; i++) {
            rig.punt(F01, 9, syn(t, 40000 + i, "10.0.2.21", 80, 1));
        }
        assertEquals(2, rig.store.size());
        assertEquals(2, rig.flows.batches.size());
        assertEquals(2, rig.packets.emitted.size());
        assertEquals(1, rig.count(Owner.SANDWICH, EngineCounters.TABLE_FULL));
    }

    @Test
    void halfOpenConnectionsAreCappedUntilTheirClientsAnswer() {
        FwlbTopology t = ExampleConfigs.topology(1);
        EngineRig rig = new EngineRig(t, EngineRig.settings().maxHalfOpen(2).build());
        rig.punt(F01, 9, syn(t, 40000, "10.0.2.21", 80, 1));
        rig.punt(F01, 9, syn(t, 40001, "10.0.2.21", 80, 1));
        rig.punt(F01, 9, syn(t, 40002, "10.0.2.21", 80, 1));
        assertEquals(2, rig.store.size());
        assertEquals(1, rig.count(Owner.SANDWICH, EngineCounters.HALF_OPEN_FULL));
        assertEquals(2, rig.packets.emitted.size());
        // a retransmission of a half-open connection is not a new one
        rig.punt(F01, 9, syn(t, 40001, "10.0.2.21", 80, 1));
        assertEquals(3, rig.packets.emitted.size());
        assertEquals(1, rig.count(Owner.SANDWICH, EngineCounters.HALF_OPEN_FULL));

        // the first client's ACK crossed its origin rule: established, room for one more
        ConnectionEntry first = rig.store.connections(e -> e.flow().srcPort() == 40000).get(0);
        rig.lifecycle.onRuleStats(RecordingFlowRules.polled(rig.rulesOf(first).get(0), 1, 5));
        assertEquals(TcpState.ESTABLISHED, rig.store.get(first.key()).state());
        rig.punt(F01, 9, syn(t, 40002, "10.0.2.21", 80, 1));
        assertEquals(3, rig.store.size());
        assertEquals(1, rig.count(Owner.SANDWICH, EngineCounters.HALF_OPEN_FULL));
    }

    @Test
    void aPerStageDecisionExtendsTheEntryAndTagsTheReleasedSyn() {
        FwlbTopology t = PathPlannerTest.fig8(true);
        EngineRig rig = new EngineRig(t);
        PathPlannerTest.onlyL4c(rig);
        rig.elsewhere.add(D04);
        rig.punt(F01, 9, syn(t, 40000, "10.0.2.100", 80, 1));
        ConnectionEntry e = rig.only();
        String fw = e.path().firewallId().get();
        assertEquals(List.of(), e.path().dispatcherIds());
        assertEquals(2, rulesOf(rig.flows.batches.get(0)).size(), "the firewall choice's two rules");

        byte[] atStage1 = TcpFrames.tcp().from(t.firewall(fw).inside().mac(), "10.0.1.11", 40000)
                .to(t.dispatcher("stage1").mac(), "10.0.2.100", 80).ttl(63).bytes();
        rig.punt(F02, (int) t.firewall(fw).inside().port().toLong(), atStage1);
        ConnectionEntry grown = rig.only();
        assertEquals(List.of("stage1", "l4c"), grown.path().dispatcherIds());
        assertEquals(e.createdMillis(), grown.createdMillis(), "the same entry, grown");
        List<FlowRule> stageRules = rulesOf(rig.flows.batches.get(1));
        assertEquals(1, stageRules.size());
        assertEquals(F02, stageRules.get(0).deviceId());
        OutboundPacket out = rig.lastEmitted();
        assertEquals(Integer.valueOf(t.firewall(fw).pathTag().value()), Treats.pushedVlan(out.treatment()));
        assertEquals(t.dispatcher("l4c").mac(), Treats.ethDst(out.treatment()));
        assertFalse(Treats.tags(stageRules.get(0).treatment()), "the tag is on the SYN only, never in a rule");
        assertEquals(1, rig.count(Owner.DISPATCH, EngineCounters.TAGGED));
        assertEquals(1, rig.count(Owner.DISPATCH, EngineCounters.PLACED));
        assertEquals(1, rig.ctx.counters(Owner.DISPATCH).placedOn("l4c"));
        assertEquals(0, rig.count(Owner.SANDWICH, EngineCounters.SYN_FOLLOWED));
    }
}
