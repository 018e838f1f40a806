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
import org.onosproject.net.flow.criteria.Criteria;
import org.onosproject.net.meter.Band;
import org.onosproject.net.meter.DefaultBand;
import org.onosproject.net.meter.DefaultMeterRequest;
import org.onosproject.net.meter.Meter;
import org.onosproject.net.meter.MeterContext;
import org.onosproject.net.meter.MeterEvent;
import org.onosproject.net.meter.MeterFailReason;
import org.onosproject.net.meter.MeterRequest;
import org.onosproject.net.meter.MeterState;
import org.projectfloodlight.openflow.protocol.OFFlowAdd;
import org.projectfloodlight.openflow.protocol.OFMeterFlags;
import org.projectfloodlight.openflow.protocol.OFMeterMod;
import org.projectfloodlight.openflow.protocol.OFMeterModCommand;
import org.projectfloodlight.openflow.protocol.instruction.OFInstructionMeter;
import org.projectfloodlight.openflow.protocol.meterband.OFMeterBandDrop;

import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MeterServiceTest extends RuntimeTestBase {

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

    @Test
    void submitInstallsMeterAndFlowUsesIt() throws Exception {
        OpenFlowRuntime rt = start();
        FakeSwitch sw = connect(rt, 0x71, 2);
        DeviceId dev = deviceId(0x71);
        List<String> results = new CopyOnWriteArrayList<>();
        List<MeterEvent> events = new CopyOnWriteArrayList<>();
        rt.meterService().addListener(events::add);
        sw.holdBarriers = true;
        Meter m = rt.meterService().submit(pktps(dev, 100, 20, results).add());
        assertEquals(1L, m.id().id(), "ids are allocated per device from 1");
        assertEquals(MeterState.PENDING_ADD, m.state());

        OFMeterMod mod = notNull("METER_MOD", sw.await(OFMeterMod.class, x -> true, WAIT));
        assertEquals(OFMeterModCommand.ADD, mod.getCommand());
        assertEquals(1, mod.getMeterId());
        assertEquals(EnumSet.of(OFMeterFlags.PKTPS, OFMeterFlags.BURST, OFMeterFlags.STATS), mod.getFlags());
        OFMeterBandDrop drop = (OFMeterBandDrop) mod.getMeters().get(0);
        assertEquals(100, drop.getRate());
        assertEquals(20, drop.getBurstSize());
        Thread.sleep(200);
        assertTrue(results.isEmpty(), "confirmed only by the barrier reply");
        sw.releaseBarriers();
        await("onSuccess", () -> results.equals(List.of("success")));
        assertEquals(MeterState.ADDED, rt.meterService().getMeter(dev, m.id()).state());
        await("METER_ADDED", () -> events.stream().anyMatch(e -> e.type() == MeterEvent.Type.METER_ADDED));

        FlowRule punt = DefaultFlowRule.builder().forDevice(dev)
                .withSelector(DefaultTrafficSelector.builder().matchEthType(Ethernet.TYPE_IPV4)
                        .matchIPProtocol(IPv4.PROTOCOL_TCP).add(Criteria.matchTcpFlags(0x002)).build())
                .withTreatment(DefaultTrafficTreatment.builder().meter(m.id()).setOutput(PortNumber.CONTROLLER).build())
                .withPriority(20000).fromApp(APP).makePermanent().build();
        rt.flowRuleService().applyFlowRules(punt);
        OFFlowAdd add = notNull("FLOW_MOD", sw.await(OFFlowAdd.class, x -> true, WAIT));
        assertEquals(1, ((OFInstructionMeter) add.getInstructions().get(0)).getMeterId(), "meter instruction first");

        Meter second = rt.meterService().submit(pktps(dev, 50, 10, results).add());
        assertEquals(2L, second.id().id());
        rt.meterService().withdraw(pktps(dev, 50, 10, results).remove(), second.id());
        notNull("METER_MOD DELETE", sw.await(OFMeterMod.class,
                x -> x.getCommand() == OFMeterModCommand.DELETE && x.getMeterId() == 2, WAIT));
        await("meter 2 gone", () -> rt.meterService().getMeter(dev, second.id()) == null);
        await("switch has meter 1 only", () -> sw.meters().keySet().equals(java.util.Set.of(1L)));
        assertEquals(1, rt.meterService().getMeters(dev).size());
    }

    @Test
    void meterSubmittedBeforeTheSwitchConnectsIsInstalledBeforeFlowsAtConnect() throws Exception {
        OpenFlowRuntime rt = start();
        DeviceId dev = deviceId(0x72);
        List<String> results = new CopyOnWriteArrayList<>();
        Meter m = rt.meterService().submit(pktps(dev, 200, 0, results).add());
        FlowRule punt = DefaultFlowRule.builder().forDevice(dev)
                .withSelector(DefaultTrafficSelector.builder().matchEthType(Ethernet.TYPE_ARP).build())
                .withTreatment(DefaultTrafficTreatment.builder().meter(m.id()).punt().build())
                .withPriority(45000).fromApp(APP).makePermanent().build();
        rt.flowRuleService().applyFlowRules(punt);
        assertTrue(results.isEmpty());
        FakeSwitch sw = connect(rt, 0x72, 2);
        OFMeterMod mod = notNull("METER_MOD at connect", sw.await(OFMeterMod.class, x -> true, WAIT));
        OFFlowAdd add = notNull("FLOW_MOD at connect", sw.await(OFFlowAdd.class, x -> true, WAIT));
        assertTrue(mod.getXid() < add.getXid(), "the meter goes before the flow that uses it");
        await("onSuccess after connect", () -> results.equals(List.of("success")));
    }

    @Test
    void badRequestsAreRefusedNamingTheProblem() throws Exception {
        OpenFlowRuntime rt = start();
        DeviceId dev = deviceId(0x73);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> rt.meterService().submit(
                DefaultMeterRequest.builder().forDevice(dev).fromApp(APP).withUnit(Meter.Unit.BYTES_PER_SEC)
                        .withBands(List.of(DefaultBand.builder().ofType(Band.Type.DROP).withRate(5).build())).add()));
        assertTrue(e.getMessage().contains("BYTES_PER_SEC"), e.getMessage());
        assertTrue(rt.meterService().getMeters(dev).isEmpty());
        e = assertThrows(IllegalArgumentException.class,
                () -> rt.meterService().withdraw(pktps(dev, 1, 1, List.of()).remove(),
                        org.onosproject.net.meter.MeterId.meterId(9)));
        assertTrue(e.getMessage().contains("no meter 9"), e.getMessage());
    }
}
