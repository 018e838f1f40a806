package org.fwlb.runtime.openflow;

import org.junit.jupiter.api.Test;
import org.onlab.packet.Ethernet;
import org.onlab.packet.IPv4;
import org.onlab.packet.IpPrefix;
import org.onlab.packet.MacAddress;
import org.onlab.packet.TpPort;
import org.onlab.packet.VlanId;
import org.onosproject.net.DeviceId;
import org.onosproject.net.PortNumber;
import org.onosproject.net.flow.DefaultFlowRule;
import org.onosproject.net.flow.DefaultTrafficSelector;
import org.onosproject.net.flow.DefaultTrafficTreatment;
import org.onosproject.net.flow.FlowEntry;
import org.onosproject.net.flow.FlowRule;
import org.onosproject.net.flow.FlowRuleEvent;
import org.onosproject.net.flow.FlowRuleOperation;
import org.onosproject.net.flow.FlowRuleOperations;
import org.onosproject.net.flow.FlowRuleOperationsContext;
import org.onosproject.net.flow.FlowRuleService;
import org.onosproject.net.flow.TrafficSelector;
import org.onosproject.net.flow.criteria.Criteria;
import org.onosproject.net.flow.criteria.Criterion;
import org.projectfloodlight.openflow.protocol.OFBarrierRequest;
import org.projectfloodlight.openflow.protocol.OFFlowAdd;
import org.projectfloodlight.openflow.protocol.OFFlowDeleteStrict;
import org.projectfloodlight.openflow.protocol.OFFlowMod;
import org.projectfloodlight.openflow.protocol.OFFlowModFlags;
import org.projectfloodlight.openflow.protocol.OFFlowRemovedReason;
import org.projectfloodlight.openflow.protocol.match.MatchField;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** FlowRuleService: FLOW_MODs, batches, callbacks and events as ONOS 2.7 produces them. */
class FlowRuleServiceTest extends RuntimeTestBase {

    static FlowRule pinned(DeviceId dev, int srcPort, int idle) {
        TrafficSelector sel = DefaultTrafficSelector.builder()
                .matchInPort(PortNumber.portNumber(1))
                .matchEthType(Ethernet.TYPE_IPV4)
                .matchIPProtocol(IPv4.PROTOCOL_TCP)
                .matchIPSrc(IpPrefix.valueOf("10.0.1.10/32"))
                .matchIPDst(IpPrefix.valueOf("10.0.2.0/24"))
                .matchTcpSrc(TpPort.tpPort(srcPort))
                .matchTcpDst(TpPort.tpPort(80))
                .build();
        return DefaultFlowRule.builder().forDevice(dev).withSelector(sel)
                .withTreatment(DefaultTrafficTreatment.builder().setEthDst(MacAddress.valueOf("02:fb:00:01:00:01"))
                        .setOutput(PortNumber.portNumber(3)).build())
                .withPriority(30000).fromApp(APP).makeTemporary(idle).build();
    }

    static FlowRule synPunt(DeviceId dev) {
        TrafficSelector sel = DefaultTrafficSelector.builder()
                .matchEthType(Ethernet.TYPE_IPV4).matchIPProtocol(IPv4.PROTOCOL_TCP)
                .add(Criteria.matchTcpFlags(0x002)).matchVlanId(VlanId.NONE).build();
        return DefaultFlowRule.builder().forDevice(dev).withSelector(sel)
                .withTreatment(DefaultTrafficTreatment.builder().punt().setOutput(PortNumber.NORMAL).build())
                .withPriority(20000).fromApp(APP).makePermanent().build();
    }

    static FlowRule arp(DeviceId dev) {
        return DefaultFlowRule.builder().forDevice(dev)
                .withSelector(DefaultTrafficSelector.builder().matchEthType(Ethernet.TYPE_ARP).build())
                .withTreatment(DefaultTrafficTreatment.builder().setOutput(PortNumber.NORMAL).build())
                .withPriority(45000).fromApp(APP).makePermanent().build();
    }

    /** Records the callbacks of an operations object. */
    static final class Callbacks implements FlowRuleOperationsContext {
        final List<String> calls = new CopyOnWriteArrayList<>();
        final List<FlowRuleOperations> errors = new CopyOnWriteArrayList<>();

        @Override
        public void onSuccess(FlowRuleOperations ops) {
            calls.add("success");
        }

        @Override
        public void onError(FlowRuleOperations ops) {
            calls.add("error");
            errors.add(ops);
        }
    }

    static Set<FlowRule> rulesOf(FlowRuleOperations ops) {
        Set<FlowRule> out = new java.util.HashSet<>();
        ops.stages().forEach(s -> s.forEach(op -> {
            assertEquals(FlowRuleOperation.Type.ADD, op.type(), "ONOS reports failed rules as ADD operations");
            out.add(op.rule());
        }));
        return out;
    }

    @Test
    void flowModIsOnosOneAndOnlyTheFirstPollConfirmsTheRule() throws Exception {
        OpenFlowRuntime rt = start(manual().build());
        FakeSwitch sw = connect(rt, 0x41, 3);
        DeviceId dev = deviceId(0x41);
        FlowRuleService frs = rt.flowRuleService();
        FlowRule rule = pinned(dev, 40000, 10);
        Callbacks cb = new Callbacks();
        frs.apply(FlowRuleOperations.builder().add(rule).build(cb));

        OFFlowAdd add = notNull("FLOW_MOD ADD", sw.await(OFFlowAdd.class, m -> true, WAIT));
        assertEquals(rule.id().value(), add.getCookie().getValue(), "cookie is the flow id");
        assertEquals(30000, add.getPriority());
        assertEquals(0, add.getIdleTimeout(), "ONOS never puts an idle timeout on the wire");
        assertEquals(0, add.getHardTimeout(), "hard_timeout = rule.hardTimeout()");
        assertEquals(0, add.getTableId().getValue());
        assertEquals(Set.of(OFFlowModFlags.SEND_FLOW_REM), add.getFlags());
        assertEquals(24, add.getMatch().getMasked(MatchField.IPV4_DST).getMask().asCidrMaskLength());
        assertTrue(add.getMatch().isExact(MatchField.IPV4_SRC));
        assertEquals(40000, add.getMatch().get(MatchField.TCP_SRC).getPort());
        notNull("BARRIER after the FLOW_MOD", sw.await(OFBarrierRequest.class, m -> m.getXid() > add.getXid(), WAIT));
        await("onSuccess after the barrier reply", () -> cb.calls.equals(List.of("success")));

        settle(rt, sw);
        assertEquals(FlowEntry.FlowEntryState.PENDING_ADD, frs.getFlowEntry(rule).state(), "no poll yet");
        List<FlowRuleEvent> requested = flowEvents(FlowRuleEvent.Type.RULE_ADD_REQUESTED);
        assertEquals(1, requested.size());
        assertTrue(requested.get(0).subject() == rule, "RULE_ADD_REQUESTED carries the application's FlowRule");
        assertTrue(flowEvents(FlowRuleEvent.Type.RULE_ADDED).isEmpty(), "RULE_ADDED waits for a poll, not for the barrier");

        pollFlows(rt, dev);
        List<FlowRuleEvent> added = flowEvents(FlowRuleEvent.Type.RULE_ADDED);
        assertEquals(1, added.size());
        FlowEntry fromSwitch = (FlowEntry) added.get(0).subject();
        assertEquals(rule, fromSwitch);
        assertTrue(fromSwitch.exactMatch(rule));
        assertTrue(fromSwitch.isPermanent(), "the switch-built entry has idle 0 on the wire: permanent");
        assertEquals(0, fromSwitch.timeout());
        assertEquals(rule.appId(), fromSwitch.appId());
        assertEquals(FlowEntry.FlowEntryState.ADDED, frs.getFlowEntry(rule).state());
        assertEquals(10, frs.getFlowEntry(rule).timeout(), "the store keeps the application's rule");

        sw.setCounters(rule.id().value(), 12, 3400);
        pollFlows(rt, dev);
        pollFlows(rt, dev);
        List<FlowRuleEvent> updated = flowEvents(FlowRuleEvent.Type.RULE_UPDATED);
        assertEquals(2, updated.size(), "RULE_UPDATED at every poll, changed or not");
        assertEquals(12, ((FlowEntry) updated.get(1).subject()).packets());
        assertEquals(1, flowEvents(FlowRuleEvent.Type.RULE_ADDED).size(), "RULE_ADDED only once");
        FlowEntry e = frs.getFlowEntry(rule);
        assertEquals(3400, e.bytes());
        assertEquals(3, e.life(), "life from the switch's duration");
        assertEquals(1, frs.getFlowRuleCount());
        assertEquals(1, frs.getActiveFlowRuleCount(dev));
        assertEquals(1, count(frs.getFlowEntriesById(APP)));
        assertEquals(1, rt.stats().forDevice(dev).flowMods());
    }

    @Test
    void hardTimeoutGoesOnTheWireIdleTimeoutNever() throws Exception {
        OpenFlowRuntime rt = start(manual().build());
        FakeSwitch sw = connect(rt, 0x4b, 3);
        FlowRule hard = DefaultFlowRule.builder().forDevice(deviceId(0x4b))
                .withSelector(DefaultTrafficSelector.builder().matchEthType(Ethernet.TYPE_ARP).build())
                .withTreatment(DefaultTrafficTreatment.builder().setOutput(PortNumber.NORMAL).build())
                .withPriority(100).fromApp(APP).makeTemporary(7).withHardTimeout(30).build();
        rt.flowRuleService().applyFlowRules(hard);
        OFFlowAdd add = notNull("FLOW_MOD", sw.await(OFFlowAdd.class, m -> true, WAIT));
        assertEquals(30, add.getHardTimeout());
        assertEquals(0, add.getIdleTimeout());
    }

    @Test
    void stagedOperationsWaitForBarriersBeforeNextStageAndCallback() throws Exception {
        OpenFlowRuntime rt = start(manual().build());
        FakeSwitch sw = connect(rt, 0x43, 3);
        DeviceId dev = deviceId(0x43);
        Callbacks cb = new Callbacks();
        FlowRule first = pinned(dev, 1000, 10);
        FlowRule second = pinned(dev, 1001, 10);
        sw.holdBarriers = true;
        rt.flowRuleService().apply(FlowRuleOperations.builder().add(first).newStage().add(second).build(cb));
        notNull("stage 1", sw.await(OFFlowAdd.class, m -> m.getCookie().getValue() == first.id().value(), WAIT));
        settle(rt, sw); // the barrier is held: nothing can legitimately follow
        assertTrue(cb.calls.isEmpty(), "no callback before the switch confirmed with a barrier reply");
        assertEquals(1, sw.all(OFFlowAdd.class).size(), "stage 2 waits for stage 1's barrier");
        sw.releaseBarriers(true);
        notNull("stage 2", sw.await(OFFlowAdd.class, m -> m.getCookie().getValue() == second.id().value(), WAIT));
        settle(rt, sw);
        assertTrue(cb.calls.isEmpty(), "stage 2 unconfirmed");
        sw.releaseBarriers();
        await("callback", () -> !cb.calls.isEmpty());
        assertEquals(List.of("success"), cb.calls);
    }

    @Test
    void switchErrorFailsTheDeviceBatchWithItsFailedRulesAndThePollRetriesThem() throws Exception {
        OpenFlowRuntime rt = start(manual().build());
        FakeSwitch sw = connect(rt, 0x44, 3);
        DeviceId dev = deviceId(0x44);
        FlowRule ok = pinned(dev, 2000, 10);
        FlowRule bad = pinned(dev, 2001, 10);
        sw.rejectFlowMod = fm -> fm.getCookie().getValue() == bad.id().value();
        Callbacks cb = new Callbacks();
        rt.flowRuleService().apply(FlowRuleOperations.builder().add(ok).add(bad).build(cb));
        await("callback", () -> !cb.calls.isEmpty());
        settle(rt, sw);
        assertEquals(List.of("error"), cb.calls, "onError once for the device, never onSuccess");
        assertEquals(Set.of(bad), rulesOf(cb.errors.get(0)), "only the rule the switch rejected");
        assertEquals(FlowEntry.FlowEntryState.PENDING_ADD, rt.flowRuleService().getFlowEntry(bad).state(),
                "ONOS does not mark a failed rule FAILED: it stays PENDING_ADD");
        assertEquals(1, rt.stats().forDevice(dev).errors());

        sw.rejectFlowMod = fm -> false;
        sw.clearReceived();
        flowEvents.clear();
        pollFlows(rt, dev);
        notNull("the poll re-sends the missing rule",
                sw.await(OFFlowAdd.class, m -> m.getCookie().getValue() == bad.id().value(), WAIT));
        List<FlowRuleEvent> updated = flowEvents(FlowRuleEvent.Type.RULE_UPDATED);
        assertEquals(1, updated.size());
        assertEquals(bad, updated.get(0).subject());
        assertEquals(FlowEntry.FlowEntryState.PENDING_ADD, ((FlowEntry) updated.get(0).subject()).state(),
                "RULE_UPDATED with the stored entry, still PENDING_ADD");
        assertEquals(ok, flowEvents(FlowRuleEvent.Type.RULE_ADDED).get(0).subject());
        pollFlows(rt, dev);
        assertEquals(FlowEntry.FlowEntryState.ADDED, rt.flowRuleService().getFlowEntry(bad).state());
    }

    @Test
    void onErrorOncePerFailedDeviceLaterStagesStillRunNoOnSuccess() throws Exception {
        OpenFlowRuntime rt = start(manual().build());
        FakeSwitch sw = connect(rt, 0x4c, 3);
        DeviceId up = deviceId(0x4c);
        DeviceId down = deviceId(0x4d); // never connected: no master
        FlowRule badUp = pinned(up, 2100, 10);
        FlowRule a = pinned(down, 2101, 10);
        FlowRule b = pinned(down, 2102, 10);
        FlowRule later = pinned(up, 2103, 10);
        sw.rejectFlowMod = fm -> fm.getCookie().getValue() == badUp.id().value();
        Callbacks cb = new Callbacks();
        rt.flowRuleService().apply(FlowRuleOperations.builder().add(badUp).add(a).add(b).newStage().add(later).build(cb));
        notNull("the later stage still runs", sw.await(OFFlowAdd.class, m -> m.getCookie().getValue() == later.id().value(), WAIT));
        settle(rt, sw);
        assertEquals(List.of("error", "error"), cb.calls, "one onError per failed device, no onSuccess");
        List<Set<FlowRule>> failed = List.of(rulesOf(cb.errors.get(0)), rulesOf(cb.errors.get(1)));
        assertTrue(failed.contains(Set.of(badUp)));
        assertTrue(failed.contains(Set.of(a, b)), "the disconnected device fails all its rules");
        assertEquals(0, rt.flowRuleService().getFlowRuleCount(down), "nothing stored for a device without master");
        assertTrue(flowEvents.stream().noneMatch(e -> e.subject().deviceId().equals(down)), "no event for it");
    }

    @Test
    void unsupportedCriterionIsRefusedNamingIt() throws Exception {
        OpenFlowRuntime rt = start(manual().build());
        FakeSwitch sw = connect(rt, 0x45, 1);
        DeviceId dev = deviceId(0x45);
        FlowRule v6 = DefaultFlowRule.builder().forDevice(dev)
                .withSelector(DefaultTrafficSelector.builder().matchEthType(Ethernet.TYPE_IPV6)
                        .matchIPv6Src(IpPrefix.valueOf("2001:db8::/32")).build())
                .withTreatment(DefaultTrafficTreatment.builder().drop().build())
                .withPriority(100).fromApp(APP).makePermanent().build();
        FlowRule good = pinned(dev, 3000, 10);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> rt.flowRuleService().applyFlowRules(good, v6));
        assertTrue(e.getMessage().contains(Criterion.Type.IPV6_SRC.name()), e.getMessage());
        Callbacks cb = new Callbacks();
        rt.flowRuleService().apply(FlowRuleOperations.builder().add(good).add(v6).build(cb));
        await("onError", () -> !cb.calls.isEmpty());
        settle(rt, sw);
        assertTrue(sw.all(OFFlowMod.class).isEmpty(), "nothing sent: the batch is refused as a whole");
        assertEquals(0, rt.flowRuleService().getFlowRuleCount(dev), "nothing stored");
    }

    @Test
    void removingARuleTheStoreDoesNotHaveSendsNothingPostsNothingAndSucceeds() throws Exception {
        OpenFlowRuntime rt = start(manual().build());
        FakeSwitch sw = connect(rt, 0x4e, 3);
        DeviceId dev = deviceId(0x4e);
        Callbacks cb = new Callbacks();
        rt.flowRuleService().apply(FlowRuleOperations.builder().remove(pinned(dev, 3100, 10)).build(cb));
        await("onSuccess", () -> !cb.calls.isEmpty());
        settle(rt, sw);
        assertEquals(List.of("success"), cb.calls);
        assertTrue(sw.all(OFFlowMod.class).isEmpty(), "no DELETE for a rule the store does not have");
        assertTrue(sw.all(OFBarrierRequest.class).isEmpty(), "not even a barrier: the batch is empty");
        assertTrue(flowEvents.isEmpty(), "no RULE_REMOVE_REQUESTED");
    }

    @Test
    void reApplyingAnIdenticalRuleReplacesTheStoredEntryAndResendsIt() throws Exception {
        OpenFlowRuntime rt = start(manual().build());
        FakeSwitch sw = connect(rt, 0x4f, 3);
        DeviceId dev = deviceId(0x4f);
        FlowRule rule = pinned(dev, 3200, 10);
        rt.flowRuleService().applyFlowRules(rule);
        sw.setCountersWhenInstalled(rule.id().value(), 5, 500);
        pollFlows(rt, dev);
        assertEquals(FlowEntry.FlowEntryState.ADDED, rt.flowRuleService().getFlowEntry(rule).state());
        assertEquals(5, rt.flowRuleService().getFlowEntry(rule).packets());

        flowEvents.clear();
        rt.flowRuleService().applyFlowRules(rule);
        FlowEntry replaced = rt.flowRuleService().getFlowEntry(rule);
        assertEquals(FlowEntry.FlowEntryState.PENDING_ADD, replaced.state(), "a fresh entry replaces the stored one");
        assertEquals(0, replaced.packets(), "counters 0");
        settle(rt, sw);
        assertEquals(2, sw.all(OFFlowAdd.class).size(), "the identical rule is sent again");
        assertEquals(List.of(FlowRuleEvent.Type.RULE_ADD_REQUESTED), types(flowEvents));
        pollFlows(rt, dev);
        assertEquals(1, flowEvents(FlowRuleEvent.Type.RULE_ADDED).size(), "and gets RULE_ADDED again");
    }

    @Test
    void removeFlowRulesDeletesStrictlyAndFlowRemovedGivesRuleRemovedWithTheStoredEntry() throws Exception {
        OpenFlowRuntime rt = start(manual().build());
        FakeSwitch sw = connect(rt, 0x47, 3);
        DeviceId dev = deviceId(0x47);
        FlowRule a = pinned(dev, 5000, 10);
        FlowRule b = arp(dev);
        rt.flowRuleService().applyFlowRules(a, b);
        sw.setCountersWhenInstalled(a.id().value(), 9, 900);
        pollFlows(rt, dev);
        assertEquals(2, rt.flowRuleService().getActiveFlowRuleCount(dev));
        flowEvents.clear();

        rt.flowRuleService().removeFlowRules(a); // PENDING_REMOVE until the FLOW_REMOVED (see FlowExpiryTest)
        OFFlowDeleteStrict del = notNull("DELETE_STRICT", sw.await(OFFlowDeleteStrict.class, m -> true, WAIT));
        assertEquals(a.id().value(), del.getCookie().getValue());
        assertEquals(0, del.getCookieMask().getValue(), "ONOS sets no cookie mask");
        assertEquals(Set.of(OFFlowModFlags.SEND_FLOW_REM), del.getFlags());
        assertEquals(a.priority(), del.getPriority());
        notNull("BARRIER after the DELETE", sw.await(OFBarrierRequest.class, m -> m.getXid() > del.getXid(), WAIT));
        FlowRuleEvent removed = awaitEvent(flowEvents, e -> e.type() == FlowRuleEvent.Type.RULE_REMOVED);
        settle(rt, sw);
        assertEquals(List.of(FlowRuleEvent.Type.RULE_REMOVE_REQUESTED, FlowRuleEvent.Type.RULE_REMOVED), types(flowEvents));
        FlowRule requested = flowEvents.get(0).subject();
        assertFalse(requested instanceof FlowEntry, "RULE_REMOVE_REQUESTED carries a FlowRule copy, not a FlowEntry");
        assertTrue(requested.exactMatch(a));
        FlowEntry fe = (FlowEntry) removed.subject();
        assertTrue(fe.exactMatch(a), "the stored entry: same id, selector, treatment");
        assertEquals(FlowEntry.FlowEntryState.PENDING_REMOVE, fe.state());
        assertEquals(FlowRule.FlowRemoveReason.NO_REASON, fe.reason());
        assertEquals(10, fe.timeout());
        assertFalse(fe.isPermanent());
        assertEquals(9, fe.packets(), "counters of the last poll");
        assertEquals(900, fe.bytes());
        assertEquals(1, sw.flows().size());
        assertEquals(1, rt.flowRuleService().getFlowRuleCount(dev));

        rt.flowRuleService().removeFlowRulesById(APP);
        await("switch table empty", () -> sw.flows().isEmpty());
        await("store empty", () -> rt.flowRuleService().getFlowRuleCount(dev) == 0);
    }

    @Test
    void flowRemovedReinstallsARuleTheStoreStillWantsAndIgnoresUnknownOnes() throws Exception {
        OpenFlowRuntime rt = start(manual().build());
        FakeSwitch sw = connect(rt, 0x46, 3);
        DeviceId dev = deviceId(0x46);
        FlowRule rule = pinned(dev, 4000, 5);
        FlowRule pending = pinned(dev, 4001, 5);
        rt.flowRuleService().applyFlowRules(rule);
        pollFlows(rt, dev);
        rt.flowRuleService().applyFlowRules(pending);
        settle(rt, sw);
        sw.clearReceived();
        flowEvents.clear();

        sw.expire(rule.id().value(), OFFlowRemovedReason.DELETE);       // deleted out of band: ADDED
        sw.expire(pending.id().value(), OFFlowRemovedReason.IDLE_TIMEOUT); // a foreign timeout: PENDING_ADD
        sw.sendFlowRemoved(0x00ab_0000_0000_0002L, 777, OFFlowRemovedReason.DELETE); // unknown to the store
        settle(rt, sw);
        assertTrue(flowEvents.isEmpty(), "no event for a re-installed or an unknown rule: " + flowEvents);
        assertNotNull(sw.await(OFFlowAdd.class, m -> m.getCookie().getValue() == rule.id().value(), 0), "ADDED rule re-installed");
        assertNotNull(sw.await(OFFlowAdd.class, m -> m.getCookie().getValue() == pending.id().value(), 0),
                "PENDING_ADD rule re-installed");
        assertEquals(2, sw.all(OFFlowAdd.class).size());
        assertEquals(FlowEntry.FlowEntryState.ADDED, rt.flowRuleService().getFlowEntry(rule).state());

        sw.expire(rule.id().value(), OFFlowRemovedReason.HARD_TIMEOUT);
        FlowRuleEvent removed = awaitEvent(flowEvents, e -> e.type() == FlowRuleEvent.Type.RULE_REMOVED);
        assertEquals(FlowEntry.FlowEntryState.REMOVED, ((FlowEntry) removed.subject()).state(),
                "a HARD_TIMEOUT marks the stored entry REMOVED");
        assertNull(rt.flowRuleService().getFlowEntry(rule));
    }

    @Test
    void rulesForAnUnconnectedDeviceFailAndAreNotStored() throws Exception {
        OpenFlowRuntime rt = start(manual().build());
        DeviceId dev = deviceId(0x48);
        FlowRule rule = pinned(dev, 6000, 10);
        Callbacks cb = new Callbacks();
        rt.flowRuleService().apply(FlowRuleOperations.builder().add(rule).build(cb));
        await("onError", () -> !cb.calls.isEmpty());
        assertEquals(Set.of(rule), rulesOf(cb.errors.get(0)));
        assertNull(rt.flowRuleService().getFlowEntry(rule), "no master: nothing stored");
        FakeSwitch sw = connect(rt, 0x48, 3);
        pollFlows(rt, dev);
        settle(rt, sw);
        assertTrue(sw.all(OFFlowAdd.class).isEmpty(), "nothing to install at connect");
        assertTrue(flowEvents.isEmpty());
    }

    @Test
    void removeAllInstalledRulesCleansTheSwitches() throws Exception {
        OpenFlowRuntime rt = start(manual().build());
        FakeSwitch sw = connect(rt, 0x49, 3);
        DeviceId dev = deviceId(0x49);
        rt.flowRuleService().applyFlowRules(pinned(dev, 7000, 10), pinned(dev, 7001, 10), arp(dev));
        await("3 on the switch", () -> sw.flows().size() == 3);
        rt.removeAllInstalledRules();
        assertTrue(sw.flows().isEmpty(), "deleted and confirmed before returning");
        assertEquals(0, rt.flowRuleService().getFlowRuleCount());
    }

    @Test
    void removeAllOnCloseCleansTheSwitchesAtClose() throws Exception {
        OpenFlowRuntime rt = start(manual().removeAllOnClose(true).build());
        FakeSwitch sw = connect(rt, 0x4a, 3);
        DeviceId dev = deviceId(0x4a);
        rt.flowRuleService().applyFlowRules(pinned(dev, 7100, 10), arp(dev));
        await("2 on the switch", () -> sw.flows().size() == 2);
        rt.close();
        assertTrue(sw.flows().isEmpty(), "close() removed the rules first");
    }

    @Test
    void automaticPollsStartOneSecondAfterConnectAndFollowTheFrequency() throws Exception {
        OpenFlowRuntime rt = start(options().build()); // flowPollFrequency 200 ms
        FakeSwitch sw = connect(rt, 0x4d1, 3);
        long connected = System.nanoTime();
        DeviceId dev = deviceId(0x4d1);
        rt.flowRuleService().applyFlowRules(arp(dev));
        FlowRuleEvent added = awaitEvent(flowEvents, e -> e.type() == FlowRuleEvent.Type.RULE_ADDED);
        long ms = (System.nanoTime() - connected) / 1_000_000;
        assertTrue(ms >= 800, "first poll about 1 s after the switch connected (" + ms + " ms)");
        assertNotNull(added);
        await("polls go on", () -> sw.flowStatsRequests() >= 3);
    }

    @Test
    void aPollIsSkippedWhileThePreviousReplyIsAwaitedForAtMostFiveTicks() throws Exception {
        OpenFlowRuntime rt = start(manual().build());
        FakeSwitch sw = connect(rt, 0x4d2, 3);
        DeviceId dev = deviceId(0x4d2);
        sw.holdFlowStats = true;
        rt.flowPollTick(dev);
        settle(rt, sw);
        assertEquals(1, sw.flowStatsRequests());
        for (int i = 0; i < 5; i++) {
            rt.flowPollTick(dev); // WAITING_ATTEMPTS: five ticks skipped while the reply is awaited
        }
        settle(rt, sw);
        assertEquals(1, sw.flowStatsRequests(), "skipped while the previous reply is awaited");
        rt.flowPollTick(dev);
        settle(rt, sw);
        assertEquals(2, sw.flowStatsRequests(), "after five skipped ticks a new request goes out");
        sw.releaseFlowStats();
        settle(rt, sw);
        rt.flowPollTick(dev);
        settle(rt, sw);
        assertEquals(3, sw.flowStatsRequests(), "a reply re-arms the next tick at once");
    }

    static List<FlowRuleEvent.Type> types(List<FlowRuleEvent> events) {
        List<FlowRuleEvent.Type> out = new ArrayList<>();
        events.forEach(e -> out.add(e.type()));
        return out;
    }

    static int count(Iterable<?> it) {
        List<Object> l = new ArrayList<>();
        it.forEach(l::add);
        return l.size();
    }
}
