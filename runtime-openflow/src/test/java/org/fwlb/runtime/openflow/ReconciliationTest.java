package org.fwlb.runtime.openflow;

import org.junit.jupiter.api.Test;
import org.onosproject.net.DeviceId;
import org.onosproject.net.device.DeviceEvent;
import org.onosproject.net.flow.FlowEntry;
import org.onosproject.net.flow.FlowRule;
import org.onosproject.net.flow.FlowRuleEvent;
import org.projectfloodlight.openflow.protocol.OFFlowAdd;
import org.projectfloodlight.openflow.protocol.OFFlowDeleteStrict;
import org.projectfloodlight.openflow.protocol.OFFlowModFlags;
import org.projectfloodlight.openflow.protocol.action.OFActionOutput;
import org.projectfloodlight.openflow.protocol.instruction.OFInstructionApplyActions;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.EthType;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.fwlb.runtime.openflow.FlowRuleServiceTest.arp;
import static org.fwlb.runtime.openflow.FlowRuleServiceTest.pinned;
import static org.fwlb.runtime.openflow.FlowRuleServiceTest.types;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The poll's reconciliation of the store with the switch (FlowRuleManager.pushFlowMetricsInternal):
 * extraneous rules, imports, switch copies that differ, missing rules, reconnects and restarts.
 */
class ReconciliationTest extends RuntimeTestBase {
    private static final long STALE = 0x00ab_0000_0000_0001L;

    /** OVS's own NORMAL flow (cookie 0). */
    private static OFFlowAdd normal() {
        return FakeSwitch.F.buildFlowAdd().setCookie(U64.ZERO).setPriority(0).setTableId(TableId.of(0))
                .setMatch(FakeSwitch.F.buildMatch().build())
                .setInstructions(List.of(FakeSwitch.F.instructions().applyActions(
                        List.of(FakeSwitch.F.actions().output(OFPort.NORMAL, 0)))))
                .build();
    }

    /** A rule left by another controller (cookie of app 0xab). */
    private static OFFlowAdd stale(long cookie) {
        return FakeSwitch.F.buildFlowAdd().setCookie(U64.of(cookie)).setPriority(999).setTableId(TableId.of(0))
                .setFlags(EnumSet.of(OFFlowModFlags.SEND_FLOW_REM))
                .setMatch(FakeSwitch.F.buildMatch().setExact(MatchField.ETH_TYPE, EthType.of(0x88b5)).build())
                .setInstructions(List.of()).build();
    }

    private static List<FlowEntry> entries(OpenFlowRuntime rt, DeviceId dev) {
        List<FlowEntry> out = new ArrayList<>();
        rt.flowRuleService().getFlowEntries(dev).forEach(out::add);
        return out;
    }

    private FakeSwitch connectWith(OpenFlowRuntime rt, long dpid, OFFlowAdd... flows) throws Exception {
        FakeSwitch sw = new FakeSwitch(dpid, 3);
        for (OFFlowAdd f : flows) {
            sw.preinstall(f);
        }
        sw.connect(rt.boundPort());
        switches.add(sw);
        await("available", () -> rt.deviceService().isAvailable(deviceId(dpid)));
        return sw;
    }

    @Test
    void extraneousRulesAreDeletedAtTheFirstPollSilently() throws Exception {
        OpenFlowRuntime rt = start(manual().build());
        FakeSwitch sw = connectWith(rt, 0x51, stale(STALE), normal());
        DeviceId dev = deviceId(0x51);
        settle(rt, sw);
        assertTrue(entries(rt, dev).isEmpty(), "the store does not know what the switch holds");
        pollFlows(rt, dev);
        settle(rt, sw);
        List<OFFlowDeleteStrict> dels = sw.all(OFFlowDeleteStrict.class);
        assertEquals(2, dels.size(), "every rule the store does not have, cookie 0 included");
        assertTrue(sw.flows().isEmpty());
        assertTrue(flowEvents.isEmpty(), "no event");
        assertTrue(entries(rt, dev).isEmpty());
    }

    @Test
    void allowExtraneousRulesLeavesThemAlone() throws Exception {
        OpenFlowRuntime rt = start(manual().allowExtraneousRules(true).build());
        FakeSwitch sw = connectWith(rt, 0x52, stale(STALE), normal());
        DeviceId dev = deviceId(0x52);
        pollFlows(rt, dev);
        pollFlows(rt, dev);
        settle(rt, sw);
        assertTrue(sw.all(OFFlowDeleteStrict.class).isEmpty());
        assertEquals(2, sw.flows().size());
        assertTrue(entries(rt, dev).isEmpty(), "not imported");
        assertTrue(flowEvents.isEmpty());
    }

    @Test
    void importExtraneousRulesAdoptsThemSilentlyThenUpdatesThemEveryPoll() throws Exception {
        OpenFlowRuntime rt = start(manual().allowExtraneousRules(true).importExtraneousRules(true).build());
        FakeSwitch sw = connectWith(rt, 0x53, stale(STALE));
        DeviceId dev = deviceId(0x53);
        pollFlows(rt, dev);
        settle(rt, sw);
        assertTrue(flowEvents.isEmpty(), "the import itself posts nothing");
        List<FlowEntry> found = entries(rt, dev);
        assertEquals(1, found.size());
        FlowEntry imported = found.get(0);
        assertEquals(FlowEntry.FlowEntryState.ADDED, imported.state());
        assertTrue(imported.isPermanent(), "idle 0 on the switch: permanent");
        assertEquals(STALE, imported.id().value(), "FlowId = cookie");
        assertEquals((short) 0xab, imported.appId(), "appId = cookie >>> 48");
        assertEquals(999, imported.priority());

        pollFlows(rt, dev);
        pollFlows(rt, dev);
        assertEquals(List.of(FlowRuleEvent.Type.RULE_UPDATED, FlowRuleEvent.Type.RULE_UPDATED), types(flowEvents),
                "RULE_UPDATED from the next poll on, never RULE_ADDED");
        assertTrue(sw.all(OFFlowDeleteStrict.class).isEmpty() && sw.all(OFFlowAdd.class).isEmpty());
    }

    @Test
    void aSwitchCopyWithOtherTreatmentOrCookieIsReplacedEvenWhenExtraneousRulesAreAllowed() throws Exception {
        OpenFlowRuntime rt = start(manual().allowExtraneousRules(true).build());
        FakeSwitch sw = connectWith(rt, 0x54);
        DeviceId dev = deviceId(0x54);
        FlowRule confirmed = arp(dev);
        FlowRule pending = pinned(dev, 9100, 60);
        rt.flowRuleService().applyFlowRules(confirmed);
        pollFlows(rt, dev);
        rt.flowRuleService().applyFlowRules(pending);
        settle(rt, sw);
        sw.rewrite(confirmed.id().value(), List.of(FakeSwitch.F.instructions().applyActions(
                List.of(FakeSwitch.F.actions().output(OFPort.CONTROLLER, 0xffff)))));
        sw.recookie(pending.id().value(), 0x0077_0000_0000_0042L);
        sw.clearReceived();
        flowEvents.clear();

        pollFlows(rt, dev);
        settle(rt, sw);
        List<OFFlowDeleteStrict> dels = sw.all(OFFlowDeleteStrict.class);
        List<OFFlowAdd> adds = sw.all(OFFlowAdd.class);
        assertEquals(2, dels.size(), "both switch copies deleted");
        assertEquals(3, adds.size(), "both stored rules re-sent, and the FLOW_REMOVED of the deleted copy with the "
                + "stored rule's cookie re-installs it once more (flowRemoved of an ADDED rule)");
        OFFlowAdd arpBack = adds.stream().filter(a -> a.getCookie().getValue() == confirmed.id().value()).findFirst()
                .orElseThrow();
        assertEquals(OFPort.NORMAL, ((OFActionOutput) ((OFInstructionApplyActions) arpBack.getInstructions().get(0))
                .getActions().get(0)).getPort(), "the stored treatment comes back");
        assertEquals(List.of(FlowRuleEvent.Type.RULE_UPDATED), types(flowEvents),
                "the PENDING_ADD rule gets RULE_UPDATED, the ADDED one nothing");
        assertEquals(pending, flowEvents.get(0).subject());
    }

    @Test
    void rulesMissingFromTheSwitchFollowTheirStoredState() throws Exception {
        OpenFlowRuntime rt = start(manual().build());
        FakeSwitch sw = connectWith(rt, 0x55);
        DeviceId dev = deviceId(0x55);
        FlowRule added = arp(dev);
        FlowRule removing = pinned(dev, 9200, 60);
        FlowRule pending = pinned(dev, 9201, 60);
        rt.flowRuleService().applyFlowRules(added, removing);
        pollFlows(rt, dev);
        sw.suppressFlowRemoved = true;
        rt.flowRuleService().removeFlowRules(removing);
        rt.flowRuleService().applyFlowRules(pending);
        settle(rt, sw);
        sw.clearFlows(); // the switch lost its table
        sw.clearReceived();
        flowEvents.clear();

        pollFlows(rt, dev);
        settle(rt, sw);
        assertEquals(3, flowEvents.size(), "one event per stored rule: " + flowEvents);
        FlowRuleEvent forAdded = flowEvents.stream().filter(e -> e.subject().equals(added)).findFirst().orElseThrow();
        assertEquals(FlowRuleEvent.Type.RULE_ADD_REQUESTED, forAdded.type(), "ADDED and missing: RULE_ADD_REQUESTED");
        assertTrue(forAdded.subject() instanceof FlowEntry, "with the stored entry");
        assertEquals(FlowEntry.FlowEntryState.ADDED, ((FlowEntry) forAdded.subject()).state());
        assertEquals(FlowRuleEvent.Type.RULE_UPDATED,
                flowEvents.stream().filter(e -> e.subject().equals(pending)).findFirst().orElseThrow().type(),
                "PENDING_ADD and missing: RULE_UPDATED");
        assertEquals(FlowRuleEvent.Type.RULE_REMOVED,
                flowEvents.stream().filter(e -> e.subject().equals(removing)).findFirst().orElseThrow().type(),
                "PENDING_REMOVE and missing: RULE_REMOVED");
        assertEquals(2, sw.all(OFFlowAdd.class).size(), "the two wanted rules re-sent");
        assertEquals(FlowEntry.FlowEntryState.ADDED, rt.flowRuleService().getFlowEntry(added).state(),
                "an ADDED rule stays ADDED while re-sent");
        assertNull(rt.flowRuleService().getFlowEntry(removing));
    }

    @Test
    void aReconnectingSwitchKeepsItsStoredRulesAndTheFirstPollReinstallsThem() throws Exception {
        OpenFlowRuntime rt = start(manual().build());
        DeviceId dev = deviceId(0x56);
        FakeSwitch sw = connectWith(rt, 0x56);
        FlowRule a = arp(dev);
        FlowRule b = pinned(dev, 9300, 60);
        rt.flowRuleService().applyFlowRules(a, b);
        pollFlows(rt, dev);
        sw.close();
        awaitEvent(deviceEvents, e -> e.type() == DeviceEvent.Type.DEVICE_AVAILABILITY_CHANGED
                && !rt.deviceService().isAvailable(dev));
        assertEquals(2, rt.flowRuleService().getFlowRuleCount(dev), "purgeOnDisconnection is off");
        flowEvents.clear();

        FakeSwitch again = connectWith(rt, 0x56, stale(STALE)); // restarted: our rules gone, a stale one there
        settle(rt, again);
        assertTrue(again.all(OFFlowAdd.class).isEmpty(), "nothing is done before the first poll");
        pollFlows(rt, dev);
        settle(rt, again);
        assertEquals(List.of(FlowRuleEvent.Type.RULE_ADD_REQUESTED, FlowRuleEvent.Type.RULE_ADD_REQUESTED),
                types(flowEvents));
        assertEquals(2, again.all(OFFlowAdd.class).size());
        assertEquals(1, again.all(OFFlowDeleteStrict.class).size(), "the stale rule deleted");
        flowEvents.clear();
        pollFlows(rt, dev);
        assertEquals(List.of(FlowRuleEvent.Type.RULE_UPDATED, FlowRuleEvent.Type.RULE_UPDATED), types(flowEvents));
    }

    @Test
    void purgeOnDisconnectionForgetsTheRulesWithoutEvents() throws Exception {
        OpenFlowRuntime rt = start(manual().purgeOnDisconnection(true).build());
        DeviceId dev = deviceId(0x57);
        FakeSwitch sw = connectWith(rt, 0x57);
        rt.flowRuleService().applyFlowRules(arp(dev));
        settle(rt, sw);
        flowEvents.clear();
        sw.close();
        await("store purged", () -> rt.flowRuleService().getFlowRuleCount(dev) == 0);
        assertTrue(rt.drainEvents(WAIT));
        assertTrue(flowEvents.isEmpty());
    }

    @Test
    void aRestartedRuntimeKeepsOnlyWhatTheApplicationReappliesBeforeTheFirstPoll() throws Exception {
        DeviceId dev = deviceId(0x58);
        OpenFlowRuntime first = start(manual().build());
        FakeSwitch sw = connectWith(first, 0x58);
        FlowRule keep = pinned(dev, 9400, 60);
        FlowRule drop = pinned(dev, 9401, 60);
        FlowRule base = arp(dev);
        first.flowRuleService().applyFlowRules(keep, drop, base);
        settle(first, sw);
        sw.setCounters(keep.id().value(), 77, 7700);
        first.close(); // a restart: the rules stay on the switch
        assertTrue(sw.awaitClosed(WAIT));

        OpenFlowRuntime second = start(manual().build());
        List<List<FlowEntry>> atDeviceAdded = new CopyOnWriteArrayList<>();
        second.deviceService().addListener(e -> {
            if (e.type() == DeviceEvent.Type.DEVICE_ADDED) {
                atDeviceAdded.add(entries(second, e.subject().id()));
            }
        });
        flowEvents.clear();
        FakeSwitch same = new FakeSwitch(0x58, 3);
        sw.flows().forEach(f -> same.preinstall(f.mod));
        same.setCounters(keep.id().value(), 77, 7700);
        same.connect(second.boundPort());
        switches.add(same);
        await("DEVICE_ADDED seen", () -> !atDeviceAdded.isEmpty());
        assertTrue(atDeviceAdded.get(0).isEmpty(), "the new store is empty: nothing is read at connect");

        second.flowRuleService().applyFlowRules(keep, base); // the application comes back before the first poll
        settle(second, same);
        pollFlows(second, dev);
        settle(second, same);
        assertEquals(List.of(FlowRuleEvent.Type.RULE_ADD_REQUESTED, FlowRuleEvent.Type.RULE_ADD_REQUESTED,
                FlowRuleEvent.Type.RULE_ADDED, FlowRuleEvent.Type.RULE_ADDED), types(flowEvents));
        FlowEntry keepAdded = (FlowEntry) flowEvents.stream().filter(e -> e.type() == FlowRuleEvent.Type.RULE_ADDED
                && e.subject().equals(keep)).findFirst().orElseThrow().subject();
        assertEquals(77, keepAdded.packets(), "the switch kept the flow and its counters");
        assertEquals(1, same.all(OFFlowDeleteStrict.class).size());
        assertEquals(drop.id().value(), same.all(OFFlowDeleteStrict.class).get(0).getCookie().getValue(),
                "what the application did not re-apply is extraneous");
        assertEquals(2, same.flows().size());
        assertFalse(entries(second, dev).stream().anyMatch(e -> e.id().equals(drop.id())));
    }
}
