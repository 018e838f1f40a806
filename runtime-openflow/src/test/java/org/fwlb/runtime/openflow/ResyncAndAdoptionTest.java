package org.fwlb.runtime.openflow;

import org.junit.jupiter.api.Test;
import org.onlab.packet.Ethernet;
import org.onosproject.net.DeviceId;
import org.onosproject.net.PortNumber;
import org.onosproject.net.device.DeviceEvent;
import org.onosproject.net.flow.DefaultFlowRule;
import org.onosproject.net.flow.DefaultTrafficSelector;
import org.onosproject.net.flow.DefaultTrafficTreatment;
import org.onosproject.net.flow.FlowEntry;
import org.onosproject.net.flow.FlowRule;
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

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResyncAndAdoptionTest extends RuntimeTestBase {

    private static OFFlowAdd foreignNormal() {
        return FakeSwitch.F.buildFlowAdd().setCookie(U64.ZERO).setPriority(0).setTableId(TableId.of(0))
                .setMatch(FakeSwitch.F.buildMatch().build())
                .setInstructions(List.of(FakeSwitch.F.instructions().applyActions(
                        List.of(FakeSwitch.F.actions().output(OFPort.NORMAL, 0xffff)))))
                .build();
    }

    private static OFFlowAdd stale(long cookie) {
        return FakeSwitch.F.buildFlowAdd().setCookie(U64.of(cookie)).setPriority(999).setTableId(TableId.of(0))
                .setFlags(EnumSet.of(OFFlowModFlags.SEND_FLOW_REM))
                .setMatch(FakeSwitch.F.buildMatch().setExact(MatchField.ETH_TYPE, EthType.of(0x88b5)).build())
                .setInstructions(List.of()).build();
    }

    private static FlowRule base(DeviceId dev) {
        return DefaultFlowRule.builder().forDevice(dev)
                .withSelector(DefaultTrafficSelector.builder().matchEthType(Ethernet.TYPE_ARP).build())
                .withTreatment(DefaultTrafficTreatment.builder().setOutput(PortNumber.NORMAL).build())
                .withPriority(45000).fromApp(APP).makePermanent().build();
    }

    private static List<FlowEntry> entries(OpenFlowRuntime rt, DeviceId dev) {
        List<FlowEntry> out = new ArrayList<>();
        rt.flowRuleService().getFlowEntries(dev).forEach(out::add);
        return out;
    }

    @Test
    void reconnectReinstallsKnownRulesAndRemovesStaleOnesAfterGrace() throws Exception {
        OpenFlowRuntime rt = start(options().adoptionGrace(Duration.ofMillis(1500)).build());
        DeviceId dev = deviceId(0x51);
        FakeSwitch sw = connect(rt, 0x51, 3);
        FlowRule pin = FlowRuleServiceTest.pinned(dev, 8000, 60);
        FlowRule arp = base(dev);
        rt.flowRuleService().applyFlowRules(pin, arp);
        await("ADDED", () -> rt.flowRuleService().getActiveFlowRuleCount(dev) == 2);

        sw.close();
        awaitEvent(deviceEvents, e -> e.type() == DeviceEvent.Type.DEVICE_AVAILABILITY_CHANGED
                && !rt.deviceService().isAvailable(dev));
        assertEquals(2, rt.flowRuleService().getFlowRuleCount(dev), "the store keeps the rules while disconnected");

        // the switch restarts: its table lost our rules, an unknown rule and OVS's NORMAL flow are there
        FakeSwitch again = new FakeSwitch(0x51, 3);
        again.preinstall(stale(0x00ab_0000_0000_0001L));
        again.preinstall(foreignNormal());
        again.connect(rt.boundPort());
        switches.add(again);
        await("available again", () -> rt.deviceService().isAvailable(dev));
        awaitEvent(deviceEvents, e -> e.type() == DeviceEvent.Type.DEVICE_AVAILABILITY_CHANGED
                && rt.deviceService().isAvailable(dev));

        notNull("pinned rule re-installed", again.await(OFFlowAdd.class, m -> m.getCookie().getValue() == pin.id().value(), WAIT));
        notNull("base rule re-installed", again.await(OFFlowAdd.class, m -> m.getCookie().getValue() == arp.id().value(), WAIT));
        assertEquals(4, entries(rt, dev).size(), "own rules + the stale one (kept during the grace period) + foreign");
        FlowEntry staleEntry = entries(rt, dev).stream().filter(e -> e.id().value() == 0x00ab_0000_0000_0001L)
                .findFirst().orElseThrow();
        assertEquals((short) 0xab, staleEntry.appId(), "app id from the cookie's upper 16 bits");

        notNull("stale rule deleted after the grace period",
                again.await(OFFlowDeleteStrict.class, m -> m.getCookie().getValue() == 0x00ab_0000_0000_0001L, WAIT));
        await("store without the stale rule", () -> entries(rt, dev).size() == 3);
        await("stale rule gone from the switch", () -> again.flowWithCookie(0x00ab_0000_0000_0001L) == null);
        assertNotNull(again.flowWithCookie(0), "a cookie-0 rule is not ours to delete");
        assertTrue(again.all(OFFlowDeleteStrict.class).stream().noneMatch(m -> m.getCookie().getValue() == 0));
        await("own rules ADDED again", () -> rt.flowRuleService().getActiveFlowRuleCount(dev) >= 2);
    }

    @Test
    void restartedRuntimeReportsRulesAtConnectAndAdoptsReappliedOnesWithoutChurn() throws Exception {
        DeviceId dev = deviceId(0x52);
        OpenFlowRuntime first = start();
        FakeSwitch sw = connect(first, 0x52, 3);
        FlowRule keep = FlowRuleServiceTest.pinned(dev, 9000, 60);
        FlowRule drop = FlowRuleServiceTest.pinned(dev, 9001, 60);
        FlowRule arp = base(dev);
        first.flowRuleService().applyFlowRules(keep, drop, arp);
        await("3 on the switch", () -> sw.flows().size() == 3);
        sw.setCounters(keep.id().value(), 77, 7700);
        first.close(); // a restart: the rules stay on the switch
        assertTrue(sw.awaitClosed(WAIT));
        assertEquals(3, sw.flows().size());

        // the same switch table meets the new runtime
        OpenFlowRuntime second = start(options().adoptionGrace(Duration.ofMillis(2000)).build());
        List<List<FlowEntry>> atDeviceAdded = new CopyOnWriteArrayList<>();
        second.deviceService().addListener(e -> {
            if (e.type() == DeviceEvent.Type.DEVICE_ADDED) {
                atDeviceAdded.add(entries(second, e.subject().id()));
            }
        });
        FakeSwitch same = new FakeSwitch(0x52, 3);
        sw.flows().forEach(f -> same.preinstall(f.mod));
        same.setCounters(keep.id().value(), 77, 7700);
        same.connect(second.boundPort());
        switches.add(same);
        await("DEVICE_ADDED seen", () -> !atDeviceAdded.isEmpty());

        List<FlowEntry> found = atDeviceAdded.get(0);
        assertEquals(3, found.size(), "rules on the switch are reported as soon as the device is added");
        FlowEntry keepFound = found.stream().filter(e -> e.id().equals(keep.id())).findFirst().orElseThrow();
        assertEquals(keep, keepFound, "rebuilt rule equals the original (device, priority, selector, table)");
        assertEquals(keep.treatment(), keepFound.treatment(), "treatment rebuilt from the instructions");
        assertEquals(keep.selector(), keepFound.selector());
        assertEquals(keep.appId(), keepFound.appId());
        assertEquals(keep.timeout(), keepFound.timeout());
        assertEquals(77, keepFound.packets());
        assertEquals(found.size(), count(second.flowRuleService().getFlowEntriesById(APP)));

        // the application adopts two of them by applying the same rules again
        same.clearReceived();
        second.flowRuleService().applyFlowRules(keep, arp);
        Thread.sleep(300);
        assertTrue(same.all(OFFlowAdd.class).isEmpty(), "an identical rule is adopted without a FLOW_MOD");
        FlowEntry adopted = second.flowRuleService().getFlowEntry(keep);
        assertEquals(FlowEntry.FlowEntryState.ADDED, adopted.state());
        assertEquals(77, adopted.packets(), "counters survive the adoption");

        // the unadopted one goes after the grace period
        notNull("unadopted rule deleted",
                same.await(OFFlowDeleteStrict.class, m -> m.getCookie().getValue() == drop.id().value(), WAIT));
        await("2 rules left", () -> same.flows().size() == 2);
        Thread.sleep(500);
        assertEquals(2, same.flows().size(), "adopted rules are not touched");
        assertNull(second.flowRuleService().getFlowEntry(drop));
    }

    @Test
    void changedRuleUnderSameIdIsRewrittenAndWithdrawnRuleDeletedAtReconnect() throws Exception {
        OpenFlowRuntime rt = start();
        DeviceId dev = deviceId(0x53);
        FakeSwitch sw = connect(rt, 0x53, 3);
        FlowRule arp = base(dev);
        FlowRule pin = FlowRuleServiceTest.pinned(dev, 9100, 60);
        rt.flowRuleService().applyFlowRules(arp, pin);
        await("2 ADDED", () -> rt.flowRuleService().getActiveFlowRuleCount(dev) == 2);
        sw.close();
        await("unavailable", () -> !rt.deviceService().isAvailable(dev));

        // while disconnected: the app changes the treatment of one rule and withdraws the other
        FlowRule arpToController = DefaultFlowRule.builder().forDevice(dev).withSelector(arp.selector())
                .withTreatment(DefaultTrafficTreatment.builder().setOutput(PortNumber.CONTROLLER).build())
                .withPriority(arp.priority()).fromApp(APP).makePermanent().build();
        assertEquals(arp.id(), arpToController.id(), "same selector and priority: same id");
        rt.flowRuleService().applyFlowRules(arpToController);
        rt.flowRuleService().removeFlowRules(pin);

        FakeSwitch again = new FakeSwitch(0x53, 3);
        sw.flows().forEach(f -> again.preinstall(f.mod));
        again.connect(rt.boundPort());
        switches.add(again);
        OFFlowAdd rewritten = notNull("changed rule rewritten",
                again.await(OFFlowAdd.class, m -> m.getCookie().getValue() == arp.id().value(), WAIT));
        OFInstructionApplyActions apply = (OFInstructionApplyActions) rewritten.getInstructions().get(0);
        assertEquals(OFPort.CONTROLLER, ((OFActionOutput) apply.getActions().get(0)).getPort());
        notNull("withdrawn rule deleted",
                again.await(OFFlowDeleteStrict.class, m -> m.getCookie().getValue() == pin.id().value(), WAIT));
        await("store converged", () -> rt.flowRuleService().getFlowRuleCount(dev) == 1
                && rt.flowRuleService().getFlowEntry(arpToController).state() == FlowEntry.FlowEntryState.ADDED);
        assertEquals(1, again.flows().size());
    }

    private static int count(Iterable<?> it) {
        int n = 0;
        for (Object o : it) {
            n++;
        }
        return n;
    }

}
