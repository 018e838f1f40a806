package org.fwlb.engine;

import org.fwlb.config.ExampleConfigs;
import org.fwlb.model.ConnectionEntry;
import org.fwlb.model.FirewallDispatcher.Role;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.TcpState;
import org.fwlb.testing.RecordingFlowRules;
import org.fwlb.testing.TcpFrames;
import org.junit.jupiter.api.Test;
import org.onlab.packet.MacAddress;
import org.onosproject.net.flow.FlowEntry;
import org.onosproject.net.flow.FlowRule;
import org.onosproject.net.flow.FlowRuleEvent;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.fwlb.engine.EnginePlanTest.D04;
import static org.fwlb.engine.EnginePlanTest.F01;
import static org.fwlb.engine.EnginePlanTest.F02;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The end of connections as ONOS 2.7 reports it, the handshake seen in polled counters, and what else ends them.
 */
class LifecycleTest {

    private static final MacAddress CLIENT = MacAddress.valueOf("02:00:00:00:01:0b");

    private static ConnectionEntry place(EngineRig rig, int sp, String dst, int dp) {
        rig.punt(F01, 9, TcpFrames.tcp().from(CLIENT, "10.0.1.11", sp)
                .to(rig.topology.external().get().gatewayMac(), dst, dp).bytes());
        return rig.store.connections(e -> e.flow().srcPort() == sp).get(0);
    }

    private static Set<String> ids(List<? extends FlowRule> rules) {
        return rules.stream().map(r -> r.deviceId() + "/" + r.id()).collect(Collectors.toSet());
    }

    /** RULE_REMOVED as ONOS posts it, handed to the life cycle as the manager does. */
    private static void removed(EngineRig rig, FlowRule r) {
        FlowRuleEvent ev = RecordingFlowRules.removedEvent(r, 12);
        FlowEntry stored = (FlowEntry) ev.subject();
        assertEquals(FlowEntry.FlowEntryState.PENDING_REMOVE, stored.state());
        assertEquals(FlowRule.FlowRemoveReason.NO_REASON, stored.reason(), "ONOS never reports IDLE_TIMEOUT");
        rig.lifecycle.onRuleRemoved(rig.plan, stored, ev.time());
    }

    @Test
    void aRuleRemovedByTheCoreEndsItsConnectionAndTheConnectionsOtherRulesGo() {
        FwlbTopology t = ExampleConfigs.topology(6);
        EngineRig rig = new EngineRig(t);
        ConnectionEntry e = place(rig, 40000, "10.0.2.100", 80);
        ConnectionEntry other = place(rig, 40001, "10.0.2.100", 80);
        List<FlowRule> rules = rig.rulesOf(e);
        assertEquals(3, rules.size());
        removed(rig, rules.get(2));                       // the server-side reply rule idled out
        assertNull(rig.store.get(e.key()));
        assertEquals(ids(rules), ids(rig.flows.removed), "every rule of the connection, on every switch");
        assertNotNull(rig.store.get(other.key()), "the other connection stays");
        assertEquals(1, rig.count(Owner.SANDWICH, EngineCounters.REMOVED));
        // the removals the engine asked for come back as RULE_REMOVED: nothing more happens
        for (FlowRule r : rules) {
            removed(rig, r);
        }
        assertEquals(3, rig.flows.removed.size());
        assertEquals(1, rig.count(Owner.SANDWICH, EngineCounters.REMOVED));
        assertNotNull(rig.store.get(other.key()));
    }

    @Test
    void aRemovalTheEngineAskedForIsNotAConnectionsEnd() {
        // FIG 8, stage1 decides on its own punt; its rule fails on the switch and is withdrawn again, while the
        // connection (pinned at the firewall choice) lives on: the withdrawal's RULE_REMOVED must not end it
        FwlbTopology t = PathPlannerTest.fig8(true);
        EngineRig rig = new EngineRig(t);
        PathPlannerTest.onlyL4c(rig);
        rig.elsewhere.add(D04);
        ConnectionEntry e = place(rig, 40000, "10.0.2.100", 80);
        String fw = e.path().firewallId().get();
        rig.flows.failAtOnce = true;
        rig.punt(F02, (int) t.firewall(fw).inside().port().toLong(), TcpFrames.tcp()
                .from(t.firewall(fw).inside().mac(), "10.0.1.11", 40000)
                .to(t.dispatcher("stage1").mac(), "10.0.2.100", 80).bytes());
        assertEquals(1, rig.count(Owner.DISPATCH, EngineCounters.INSTALL_FAILED));
        assertEquals(1, rig.flows.removed.size());
        FlowRule withdrawn = rig.flows.removed.get(0);
        assertEquals(F02, withdrawn.deviceId());
        removed(rig, withdrawn);
        assertNotNull(rig.store.get(e.key()), "ended by the engine's own removal");
        assertEquals(0, rig.count(Owner.SANDWICH, EngineCounters.REMOVED));
        assertEquals(1, rig.flows.removed.size());
    }

    @Test
    void aStaleRuleOfAnEarlierConnectionOnTheSameTupleDoesNotEndTheNewOne() {
        FwlbTopology t = ExampleConfigs.topology(1);
        EngineRig rig = new EngineRig(t);
        ConnectionEntry e = place(rig, 40000, "10.0.2.21", 80);
        String fw = e.path().firewallId().get();
        String earlier = fw.equals("fw1") ? "fw2" : "fw1";
        // the earlier connection on 10.0.1.11:40000 went through another firewall: same ids, other treatments
        ConnectionEntry old = e.withPath(org.fwlb.model.ConnectionPath.viaFirewall(earlier));
        List<FlowRule> stale = rig.rulesOf(old);
        assertEquals(ids(rig.rulesOf(e)), ids(stale), "ids do not depend on the treatment");
        for (FlowRule r : stale) {
            removed(rig, r);
        }
        assertNotNull(rig.store.get(e.key()));
        assertTrue(rig.flows.removed.isEmpty(), rig.flows.removed.toString());
        assertEquals(0, rig.count(Owner.SANDWICH, EngineCounters.REMOVED));
        // a hold rule and a base rule are no connection's either
        removed(rig, PathRules.hold(EngineRig.SANDWICH_APP, F01, e.flow(), 5));
        assertNotNull(rig.store.get(e.key()));
        // a rule of another application with the same match is not ours
        removed(rig, org.onosproject.net.flow.DefaultFlowRule.builder().forDevice(F01)
                .withCookie(((long) 99 << 48) | 5).withPriority(Priorities.PINNED_ORIGIN)
                .withSelector(PathRulesTest.exact(e.flow())).withTreatment(rig.rulesOf(e).get(0).treatment())
                .makeTemporary(10).build());
        assertNotNull(rig.store.get(e.key()));
    }

    @Test
    void aRemovalPostedBeforeAReusedTupleWasPinnedAgainDoesNotEndTheNewConnection() {
        // seen on OVS: a client port reused through the same firewall while the earlier connection's rules were
        // still being removed; the earlier removal's RULE_REMOVED, queued behind other events, ended the new one
        FwlbTopology t = ExampleConfigs.topology(1);
        EngineRig rig = new EngineRig(t);
        ConnectionEntry e = place(rig, 40000, "10.0.2.21", 80);
        FlowRule sameRule = rig.rulesOf(e).get(0);
        FlowEntry stored = (FlowEntry) RecordingFlowRules.removedEvent(sameRule, 12).subject();
        rig.lifecycle.onRuleRemoved(rig.plan, stored, e.createdMillis() - 1);
        assertNotNull(rig.store.get(e.key()), "a removal posted before the pin belongs to the earlier connection");
        assertTrue(rig.flows.removed.isEmpty(), rig.flows.removed.toString());
        rig.lifecycle.onRuleRemoved(rig.plan, stored, e.createdMillis());
        assertNull(rig.store.get(e.key()), "a removal posted after the pin ends it");
        assertEquals(1, rig.count(Owner.SANDWICH, EngineCounters.REMOVED));
    }

    @Test
    void aMemberGoingDownEndsOnlyItsConnections() {
        FwlbTopology t = ExampleConfigs.topology(1);
        EngineRig rig = new EngineRig(t);
        for (int i = 0; i < 6; i++) {
            place(rig, 40000 + i, "10.0.2.21", 8080);
        }
        List<ConnectionEntry> viaFw2 = rig.store.connections(x -> x.path().involves("fw2"));
        assertEquals(2, viaFw2.size(), "round robin");
        List<FlowRule> theirs = new ArrayList<>();
        viaFw2.forEach(x -> theirs.addAll(rig.rulesOf(x)));
        assertEquals(2, rig.lifecycle.clearMember(rig.plan, "fw2"));
        assertEquals(4, rig.store.size());
        assertEquals(ids(theirs), ids(rig.flows.removed));
        assertEquals(0, rig.lifecycle.clearMember(rig.plan, "nobody"));
        assertEquals(2, rig.count(Owner.SANDWICH, EngineCounters.REMOVED));
    }

    @Test
    void withdrawingAnOwnerEndsTheConnectionsWithItsDecisions() {
        FwlbTopology t = PathPlannerTest.fig8(true);
        EngineRig rig = new EngineRig(t);
        PathPlannerTest.onlyL4c(rig);
        ConnectionEntry throughStages = place(rig, 40000, "10.0.2.100", 80);
        assertEquals(List.of("stage1", "l4c"), throughStages.path().dispatcherIds());
        ConnectionEntry sandwichOnly = place(rig, 40001, "10.0.2.21", 80);
        assertTrue(sandwichOnly.path().dispatcherIds().isEmpty());
        assertEquals(1, rig.lifecycle.clearOwner(rig.plan, Owner.DISPATCH));
        assertNull(rig.store.get(throughStages.key()));
        assertNotNull(rig.store.get(sandwichOnly.key()));
        assertEquals(1, rig.lifecycle.clearOwner(rig.plan, Owner.SANDWICH));
        assertEquals(0, rig.store.size());
    }

    @Test
    void packetsOnTheOriginRuleEstablishAHalfOpenConnection() {
        FwlbTopology t = ExampleConfigs.topology(6);
        EngineRig rig = new EngineRig(t);
        ConnectionEntry e = place(rig, 40000, "10.0.2.100", 80);
        List<FlowRule> rules = rig.rulesOf(e);
        assertEquals(TcpState.OPENING, rig.store.get(e.key()).state());
        rig.lifecycle.onRuleStats(RecordingFlowRules.polled(rules.get(0), 0, 1));
        rig.lifecycle.onRuleStats(RecordingFlowRules.polled(rules.get(2), 3, 1));
        assertEquals(TcpState.OPENING, rig.store.get(e.key()).state(),
                     "no packet on the client's rule yet (a server's SYN-ACK proves nothing of the client)");
        rig.lifecycle.onRuleStats((FlowEntry) RecordingFlowRules.updatedEvent(rules.get(0), 2).subject());
        assertEquals(TcpState.ESTABLISHED, rig.store.get(e.key()).state());
        assertFalse(rig.ctx.openings.containsKey(e.key()));
        assertEquals(1, rig.count(Owner.SANDWICH, EngineCounters.ESTABLISHED));
        rig.lifecycle.onRuleStats(RecordingFlowRules.polled(rules.get(0), 9, 6));
        assertEquals(1, rig.count(Owner.SANDWICH, EngineCounters.ESTABLISHED), "counted once");
    }

    @Test
    void rulesImportedAfterARestartAreAdoptedWhenAPollShowsThem() {
        FwlbTopology t = ExampleConfigs.topology(1);
        EngineRig before = new EngineRig(t);
        ConnectionEntry e = place(before, 40000, "10.0.2.21", 80);
        List<FlowRule> rules = before.rulesOf(e);

        // a fresh controller: empty table; ONOS imported the switches' rules as permanent entries, no event
        EngineRig fresh = new EngineRig(t);
        List<FlowEntry> imported = new ArrayList<>();
        rules.forEach(r -> imported.add(RecordingFlowRules.polled(r, 40, 30)));
        fresh.flows.importRules(imported);
        fresh.lifecycle.sweep(fresh.plan, System.currentTimeMillis());
        assertEquals(0, fresh.store.size(), "nothing before a poll shows them");
        fresh.lifecycle.onRuleStats(RecordingFlowRules.polled(rules.get(1), 40, 35));
        assertEquals(0, fresh.store.size(), "adopted by the sweep, not on the event thread");
        fresh.lifecycle.sweep(fresh.plan, System.currentTimeMillis());
        ConnectionEntry a = fresh.store.get(e.key());
        assertNotNull(a);
        assertEquals(e.flow(), a.flow());
        assertEquals(e.path(), a.path());
        assertEquals(TcpState.ESTABLISHED, a.state());
        assertEquals(ids(rules), ids(fresh.flows.applied), "re-applied under the same ids");
        assertTrue(fresh.flows.applied.stream().allMatch(r -> !r.isPermanent()
                && r.timeout() == t.timeouts().idleSeconds()), "temporary again: they idle out as before");
        assertEquals(1, fresh.count(Owner.SANDWICH, EngineCounters.ADOPTED));
        // a temporary rule of ours that no connection owns is not an import
        EngineRig third = new EngineRig(t);
        third.flows.applyFlowRules(rules.toArray(new FlowRule[0]));
        third.lifecycle.onRuleStats(RecordingFlowRules.polled(rules.get(0), 40, 35));
        third.lifecycle.sweep(third.plan, System.currentTimeMillis());
        assertEquals(0, third.store.size());
    }

    @Test
    void theSweepForgetsHalfOpenConnectionsThatEndedElsewhere() {
        FwlbTopology t = ExampleConfigs.topology(1);
        EngineRig rig = new EngineRig(t);
        ConnectionEntry e = place(rig, 40000, "10.0.2.21", 80);
        assertTrue(rig.ctx.openings.containsKey(e.key()));
        rig.store.remove(e.key());                          // another instance ended it
        rig.lifecycle.sweep(rig.plan, System.currentTimeMillis());
        assertFalse(rig.ctx.openings.containsKey(e.key()));
        assertEquals(Role.EXTERNAL, Hop.originOf(t, e));
    }
}
