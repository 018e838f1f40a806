package org.fwlb.runtime.openflow;

import org.junit.jupiter.api.Test;
import org.onlab.packet.Ethernet;
import org.onlab.packet.IPv4;
import org.onosproject.net.DeviceId;
import org.onosproject.net.PortNumber;
import org.onosproject.net.flow.DefaultFlowRule;
import org.onosproject.net.flow.DefaultTrafficSelector;
import org.onosproject.net.flow.DefaultTrafficTreatment;
import org.onosproject.net.flow.FlowRule;
import org.onosproject.net.meter.Band;
import org.onosproject.net.meter.DefaultBand;
import org.onosproject.net.meter.DefaultMeterRequest;
import org.onosproject.net.meter.Meter;
import org.onosproject.net.meter.MeterContext;
import org.onosproject.net.meter.MeterEvent;
import org.onosproject.net.meter.MeterFailReason;
import org.onosproject.net.meter.MeterId;
import org.onosproject.net.meter.MeterRequest;
import org.onosproject.net.meter.MeterState;
import org.projectfloodlight.openflow.protocol.OFFlowAdd;
import org.projectfloodlight.openflow.protocol.OFMeterFlags;
import org.projectfloodlight.openflow.protocol.OFMeterMod;
import org.projectfloodlight.openflow.protocol.OFMeterModCommand;
import org.projectfloodlight.openflow.protocol.instruction.OFInstructionMeter;
import org.projectfloodlight.openflow.protocol.meterband.OFMeterBandDrop;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** MeterService as ONOS 2.7's MeterManager + OpenFlow meter provider: confirmation and reconciliation by polls. */
class MeterServiceTest extends RuntimeTestBase {

    final List<MeterEvent> meterEvents = new CopyOnWriteArrayList<>();

    static MeterRequest.Builder pktps(DeviceId dev, long rate, long burst, List<String> results) {
        return DefaultMeterRequest.builder().forDevice(dev).fromApp(APP).withUnit(Meter.Unit.PKTS_PER_SEC).burst()
                .withBands(List.of(DefaultBand.builder().ofType(Band.Type.DROP).withRate(rate).burstSize(burst).build()))
                .withContext(new MeterContext() {
                    @Override
                    public void onSuccess(MeterRequest op) {
                        results.add("success");
                    }

                    @Override
                    public void onError(MeterRequest op, MeterFailReason reason) {
                        results.add("error " + reason);
                    }
                });
    }

    private List<MeterEvent.Type> meterTypes() {
        List<MeterEvent.Type> out = new ArrayList<>();
        meterEvents.forEach(e -> out.add(e.type()));
        return out;
    }

    @Test
    void submitReturnsAPendingMeterThatTheFirstPollShowingItConfirms() throws Exception {
        OpenFlowRuntime rt = start(manual().build());
        rt.meterService().addListener(meterEvents::add);
        FakeSwitch sw = connect(rt, 0x71, 2);
        DeviceId dev = deviceId(0x71);
        List<String> results = new CopyOnWriteArrayList<>();
        Meter m = rt.meterService().submit(pktps(dev, 100, 20, results).add());
        assertEquals(1L, m.id().id(), "ids from a per-device counter starting at 1");
        assertEquals(MeterState.PENDING_ADD, m.state());

        OFMeterMod mod = notNull("METER_MOD", sw.await(OFMeterMod.class, x -> true, WAIT));
        assertEquals(OFMeterModCommand.ADD, mod.getCommand());
        assertEquals(1, mod.getMeterId());
        assertEquals(EnumSet.of(OFMeterFlags.PKTPS, OFMeterFlags.BURST, OFMeterFlags.STATS), mod.getFlags());
        OFMeterBandDrop drop = (OFMeterBandDrop) mod.getMeters().get(0);
        assertEquals(100, drop.getRate());
        assertEquals(20, drop.getBurstSize());
        settle(rt, sw);
        assertTrue(results.isEmpty(), "not confirmed before a meter statistics poll shows it");
        assertTrue(meterEvents.isEmpty(), "METER_ADD_REQ is internal to ONOS's store: applications never see it");

        pollMeters(rt, dev);
        assertEquals(List.of("success"), results);
        assertEquals(List.of(MeterEvent.Type.METER_ADDED), meterTypes());
        assertEquals(MeterState.ADDED, rt.meterService().getMeter(dev, m.id()).state());

        pollMeters(rt, dev);
        assertEquals(List.of(MeterEvent.Type.METER_ADDED, MeterEvent.Type.METER_REFERENCE_COUNT_ZERO), meterTypes(),
                "an installed meter no flow uses is reported at every poll");

        FlowRule punt = DefaultFlowRule.builder().forDevice(dev)
                .withSelector(DefaultTrafficSelector.builder().matchEthType(Ethernet.TYPE_IPV4)
                        .matchIPProtocol(IPv4.PROTOCOL_TCP).build())
                .withTreatment(DefaultTrafficTreatment.builder().meter(m.id()).setOutput(PortNumber.CONTROLLER).build())
                .withPriority(20000).fromApp(APP).makePermanent().build();
        rt.flowRuleService().applyFlowRules(punt);
        OFFlowAdd add = notNull("FLOW_MOD", sw.await(OFFlowAdd.class, x -> true, WAIT));
        assertEquals(1, ((OFInstructionMeter) add.getInstructions().get(add.getInstructions().size() - 1)).getMeterId(),
                "FlowModBuilderVer13 puts the meter instruction last");
        settle(rt, sw);
        meterEvents.clear();
        pollMeters(rt, dev);
        assertTrue(meterEvents.isEmpty(), "used by a flow: no reference-count event");
        assertEquals(1, rt.meterService().getMeter(dev, m.id()).referenceCount());
    }

    @Test
    void withdrawDeletesThenTheForcedPollPurgesAndTheIdIsReused() throws Exception {
        OpenFlowRuntime rt = start(manual().build());
        rt.meterService().addListener(meterEvents::add);
        FakeSwitch sw = connect(rt, 0x72, 2);
        DeviceId dev = deviceId(0x72);
        List<String> results = new CopyOnWriteArrayList<>();
        Meter first = rt.meterService().submit(pktps(dev, 100, 0, results).add());
        Meter second = rt.meterService().submit(pktps(dev, 50, 10, results).add());
        assertEquals(2L, second.id().id());
        pollMeters(rt, dev);
        results.clear();
        meterEvents.clear();

        rt.meterService().withdraw(pktps(dev, 50, 10, results).remove(), second.id());
        Meter removing = rt.meterService().getMeter(dev, second.id()); // the forced poll may already have purged it
        assertTrue(removing == null || removing.state() == MeterState.PENDING_REMOVE);
        notNull("METER_MOD DELETE", sw.await(OFMeterMod.class,
                x -> x.getCommand() == OFMeterModCommand.DELETE && x.getMeterId() == 2, WAIT));
        await("purged by the statistics request that follows the DELETE",
                () -> rt.meterService().getMeter(dev, second.id()) == null);
        settle(rt, sw);
        assertEquals(List.of("success"), results);
        List<MeterEvent.Type> types = meterTypes();
        types.remove(MeterEvent.Type.METER_REFERENCE_COUNT_ZERO); // meter 1, seen by the same poll, unused
        assertEquals(List.of(MeterEvent.Type.METER_REMOVED), types, "no METER_REM_REQ for applications");
        assertEquals(second.id(), ((Meter) meterEvents.stream().filter(ev -> ev.type() == MeterEvent.Type.METER_REMOVED)
                .findFirst().orElseThrow().subject()).id());
        assertEquals(Set.of(1L), sw.meters().keySet());

        Meter third = rt.meterService().submit(pktps(dev, 70, 0, results).add());
        assertEquals(2L, third.id().id(), "a freed id is reused first");
        Meter fourth = rt.meterService().submit(pktps(dev, 80, 0, results).add());
        assertEquals(3L, fourth.id().id());

        results.clear();
        rt.meterService().withdraw(pktps(dev, 1, 0, results).remove(), MeterId.meterId(42));
        await("withdrawing an unknown meter succeeds at once", () -> results.equals(List.of("success")));
        assertEquals(first.id(), rt.meterService().getMeter(dev, first.id()).id());
    }

    @Test
    void metersTheStoreDoesNotKnowAreDeletedAndMissingOnesResentAtTheFirstPoll() throws Exception {
        OpenFlowRuntime rt = start(manual().build());
        rt.meterService().addListener(meterEvents::add);
        FakeSwitch sw = new FakeSwitch(0x73, 2);
        sw.preinstallMeter(FakeSwitch.F.buildMeterConfig().setMeterId(7).setFlags(EnumSet.of(OFMeterFlags.PKTPS))
                .setEntries(List.of(FakeSwitch.F.meterBands().drop(10, 0))).build());
        sw.connect(rt.boundPort());
        switches.add(sw);
        DeviceId dev = deviceId(0x73);
        await("available", () -> rt.deviceService().isAvailable(dev));
        List<String> results = new CopyOnWriteArrayList<>();
        Meter ours = rt.meterService().submit(pktps(dev, 100, 0, results).add());
        assertEquals(1L, ours.id().id(), "ids do not skip what the switch holds");
        pollMeters(rt, dev);
        settle(rt, sw);
        assertEquals(Set.of(1L), sw.meters().keySet(), "meter 7, unknown to the store, deleted at the first poll");

        sw.clearReceived();
        sw.clearMeters(); // the switch lost its meters
        pollMeters(rt, dev);
        notNull("missing meter re-sent", sw.await(OFMeterMod.class,
                x -> x.getCommand() == OFMeterModCommand.ADD && x.getMeterId() == 1, WAIT));
        assertEquals(MeterState.ADDED, rt.meterService().getMeter(dev, ours.id()).state());
    }

    @Test
    void aRejectedMeterFailsItsRequestStaysInTheStoreAndIsResent() throws Exception {
        OpenFlowRuntime rt = start(manual().build());
        rt.meterService().addListener(meterEvents::add);
        FakeSwitch sw = connect(rt, 0x74, 2);
        DeviceId dev = deviceId(0x74);
        sw.rejectMeterMod = mm -> true;
        List<String> results = new CopyOnWriteArrayList<>();
        Meter m = rt.meterService().submit(pktps(dev, 100, 0, results).add());
        await("onError", () -> !results.isEmpty());
        assertEquals(List.of("error " + MeterFailReason.OUT_OF_METERS), results);
        assertEquals(MeterState.PENDING_ADD, rt.meterService().getMeter(dev, m.id()).state());
        sw.rejectMeterMod = mm -> false;
        sw.clearReceived();
        pollMeters(rt, dev);
        notNull("re-sent by the poll", sw.await(OFMeterMod.class, x -> x.getCommand() == OFMeterModCommand.ADD, WAIT));
        pollMeters(rt, dev);
        assertEquals(MeterState.ADDED, rt.meterService().getMeter(dev, m.id()).state());
        assertEquals(List.of(MeterEvent.Type.METER_ADDED), meterTypes());
        assertEquals(List.of("error " + MeterFailReason.OUT_OF_METERS), results, "the request was already answered");
    }

    @Test
    void badRequestsAreRefusedNamingTheProblem() throws Exception {
        OpenFlowRuntime rt = start(manual().build());
        DeviceId dev = deviceId(0x75);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> rt.meterService().submit(
                DefaultMeterRequest.builder().forDevice(dev).fromApp(APP).withUnit(Meter.Unit.BYTES_PER_SEC)
                        .withBands(List.of(DefaultBand.builder().ofType(Band.Type.DROP).withRate(5).build())).add()));
        assertTrue(e.getMessage().contains("BYTES_PER_SEC"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> rt.meterService().submit(pktps(dev, 10, 0, new ArrayList<>()).add()));
        assertTrue(e.getMessage().contains("Must specify a cell id"), "no meter features without the switch: "
                + e.getMessage());
        assertTrue(rt.meterService().getMeters(dev).isEmpty());
        assertNull(rt.meterService().allocateMeterId(dev));
        e = assertThrows(IllegalArgumentException.class, () -> rt.meterService().submit(
                pktps(dev, 10, 0, new ArrayList<>()).withIndex(3L).add()));
        assertTrue(e.getMessage().contains("userDefinedIndex"), e.getMessage());
    }
}
