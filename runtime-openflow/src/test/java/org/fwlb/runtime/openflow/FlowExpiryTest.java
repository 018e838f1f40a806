package org.fwlb.runtime.openflow;

import org.junit.jupiter.api.Test;
import org.onlab.packet.Ethernet;
import org.onosproject.net.DeviceId;
import org.onosproject.net.PortNumber;
import org.onosproject.net.flow.DefaultFlowRule;
import org.onosproject.net.flow.DefaultTrafficSelector;
import org.onosproject.net.flow.DefaultTrafficTreatment;
import org.onosproject.net.flow.FlowEntry;
import org.onosproject.net.flow.FlowRule;
import org.onosproject.net.flow.FlowRuleEvent;
import org.projectfloodlight.openflow.protocol.OFBarrierRequest;
import org.projectfloodlight.openflow.protocol.OFFlowDeleteStrict;

import java.util.List;

import static org.fwlb.runtime.openflow.FlowRuleServiceTest.pinned;
import static org.fwlb.runtime.openflow.FlowRuleServiceTest.types;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Expiry of temporary rules by the controller from polled statistics, as FlowRuleManager.checkRuleLiveness
 * does it: measured on a settable clock, with polls the test triggers.
 */
class FlowExpiryTest extends RuntimeTestBase {

    private static final FlowRuleEvent.Type ADDED = FlowRuleEvent.Type.RULE_ADDED;
    private static final FlowRuleEvent.Type UPDATED = FlowRuleEvent.Type.RULE_UPDATED;
    private static final FlowRuleEvent.Type REMOVE_REQUESTED = FlowRuleEvent.Type.RULE_REMOVE_REQUESTED;
    private static final FlowRuleEvent.Type REMOVED = FlowRuleEvent.Type.RULE_REMOVED;

    private void pollAt(OpenFlowRuntime rt, DeviceId dev, long t0, long offsetMs) throws Exception {
        now.set(t0 + offsetMs);
        pollFlows(rt, dev);
    }

    @Test
    void idleRuleLivesExactlyTimeoutAfterItsLastSeenThenRemoveRequestedDeleteAndRemoved() throws Exception {
        OpenFlowRuntime rt = start(manual().build());
        FakeSwitch sw = connect(rt, 0x81, 3);
        DeviceId dev = deviceId(0x81);
        FlowRule rule = pinned(dev, 8000, 10);
        long t0 = now.get();
        rt.flowRuleService().applyFlowRules(rule);
        settle(rt, sw);
        flowEvents.clear();

        pollAt(rt, dev, t0, 1_000);
        pollAt(rt, dev, t0, 6_000);
        pollAt(rt, dev, t0, 10_000); // now - lastSeen == timeout: still alive (<=)
        assertEquals(List.of(ADDED, UPDATED, UPDATED), types(flowEvents));
        assertTrue(sw.all(OFFlowDeleteStrict.class).isEmpty());

        sw.clearReceived();
        pollAt(rt, dev, t0, 10_001);
        OFFlowDeleteStrict del = notNull("DELETE_STRICT of the dead rule",
                sw.await(OFFlowDeleteStrict.class, m -> m.getCookie().getValue() == rule.id().value(), WAIT));
        notNull("and its barrier", sw.await(OFBarrierRequest.class, m -> m.getXid() > del.getXid(), WAIT));
        settle(rt, sw);
        assertEquals(List.of(ADDED, UPDATED, UPDATED, REMOVE_REQUESTED, REMOVED), types(flowEvents));
        FlowRule requested = flowEvents.get(3).subject();
        assertFalse(requested instanceof FlowEntry, "RULE_REMOVE_REQUESTED: a FlowRule copy of the stored entry");
        assertTrue(requested.exactMatch(rule));
        FlowEntry removed = (FlowEntry) flowEvents.get(4).subject();
        assertTrue(removed.exactMatch(rule));
        assertEquals(FlowEntry.FlowEntryState.PENDING_REMOVE, removed.state());
        assertEquals(FlowRule.FlowRemoveReason.NO_REASON, removed.reason(), "no event carries IDLE_TIMEOUT");
        assertEquals(10, removed.timeout());
        assertFalse(removed.isPermanent());
        assertEquals(rule.treatment(), removed.treatment());
        assertEquals(rule.appId(), removed.appId());
        assertNull(rt.flowRuleService().getFlowEntry(rule));
        assertTrue(sw.flows().isEmpty());
    }

    @Test
    void trafficSeenAtAPollRestartsTheIdleTimeAndRemovedComesAtTheNextPollWhenFlowRemovedIsLost() throws Exception {
        OpenFlowRuntime rt = start(manual().build());
        FakeSwitch sw = connect(rt, 0x82, 3);
        DeviceId dev = deviceId(0x82);
        FlowRule rule = pinned(dev, 8100, 10);
        long t0 = now.get();
        rt.flowRuleService().applyFlowRules(rule);
        settle(rt, sw);
        flowEvents.clear();

        pollAt(rt, dev, t0, 1_000);
        sw.setCounters(rule.id().value(), 4, 400);
        pollAt(rt, dev, t0, 6_000);  // counters changed: last seen = this poll
        pollAt(rt, dev, t0, 16_000); // 10 s after it: alive
        assertEquals(List.of(ADDED, UPDATED, UPDATED), types(flowEvents));

        sw.suppressFlowRemoved = true;
        pollAt(rt, dev, t0, 16_001);
        settle(rt, sw);
        assertEquals(List.of(ADDED, UPDATED, UPDATED, REMOVE_REQUESTED), types(flowEvents),
                "no FLOW_REMOVED: the rule waits in PENDING_REMOVE");
        assertEquals(FlowEntry.FlowEntryState.PENDING_REMOVE, rt.flowRuleService().getFlowEntry(rule).state());

        pollAt(rt, dev, t0, 21_001);
        assertEquals(List.of(ADDED, UPDATED, UPDATED, REMOVE_REQUESTED, REMOVED), types(flowEvents),
                "the next poll finds it absent");
        FlowEntry removed = (FlowEntry) flowEvents.get(4).subject();
        assertEquals(FlowEntry.FlowEntryState.PENDING_REMOVE, removed.state());
        assertEquals(4, removed.packets(), "counters of the last poll where it was alive");
        assertEquals(400, removed.bytes());
        assertEquals(3, removed.life());
    }

    @Test
    void hardTimeoutCountsFromTheFirstPollWhateverTheTraffic() throws Exception {
        OpenFlowRuntime rt = start(manual().build());
        FakeSwitch sw = connect(rt, 0x83, 3);
        DeviceId dev = deviceId(0x83);
        FlowRule rule = DefaultFlowRule.builder().forDevice(dev)
                .withSelector(DefaultTrafficSelector.builder().matchEthType(Ethernet.TYPE_ARP).build())
                .withTreatment(DefaultTrafficTreatment.builder().setOutput(PortNumber.NORMAL).build())
                .withPriority(100).fromApp(APP).withHardTimeout(5).build();
        long t0 = now.get();
        rt.flowRuleService().applyFlowRules(rule);
        settle(rt, sw);
        flowEvents.clear();
        long packets = 0;
        for (long at : new long[]{1_000, 3_000, 6_000}) { // first seen at 1 s; 6 s - 1 s = 5 s: not more than 5 s
            sw.setCounters(rule.id().value(), ++packets, packets * 60);
            pollAt(rt, dev, t0, at);
        }
        assertEquals(List.of(ADDED, UPDATED, UPDATED), types(flowEvents));
        sw.setCounters(rule.id().value(), ++packets, packets * 60);
        pollAt(rt, dev, t0, 6_001);
        settle(rt, sw);
        assertEquals(List.of(ADDED, UPDATED, UPDATED, REMOVE_REQUESTED, REMOVED), types(flowEvents),
                "dead 5 s after first seen although its counters moved");
    }

    @Test
    void permanentRulesNeverExpire() throws Exception {
        OpenFlowRuntime rt = start(manual().build());
        FakeSwitch sw = connect(rt, 0x84, 3);
        DeviceId dev = deviceId(0x84);
        FlowRule rule = FlowRuleServiceTest.arp(dev);
        long t0 = now.get();
        rt.flowRuleService().applyFlowRules(rule);
        settle(rt, sw);
        pollAt(rt, dev, t0, 1_000);
        pollAt(rt, dev, t0, 86_400_000);
        settle(rt, sw);
        assertEquals(List.of(FlowRuleEvent.Type.RULE_ADD_REQUESTED, ADDED, UPDATED), types(flowEvents));
    }
}
