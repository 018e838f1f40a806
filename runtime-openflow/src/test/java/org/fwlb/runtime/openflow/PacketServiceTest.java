package org.fwlb.runtime.openflow;

import org.junit.jupiter.api.Test;
import org.onlab.packet.Ethernet;
import org.onlab.packet.IPv4;
import org.onlab.packet.MacAddress;
import org.onlab.packet.TCP;
import org.onosproject.net.ConnectPoint;
import org.onosproject.net.DeviceId;
import org.onosproject.net.PortNumber;
import org.onosproject.net.flow.DefaultTrafficSelector;
import org.onosproject.net.flow.DefaultTrafficTreatment;
import org.onosproject.net.flow.FlowEntry;
import org.onosproject.core.ApplicationId;
import org.onosproject.net.flow.TrafficSelector;
import org.onosproject.net.packet.DefaultOutboundPacket;
import org.onosproject.net.packet.InboundPacket;
import org.onosproject.net.packet.PacketContext;
import org.onosproject.net.packet.PacketPriority;
import org.onosproject.net.packet.PacketProcessor;
import org.onosproject.net.packet.PacketRequest;
import org.onosproject.net.packet.PacketService;
import org.projectfloodlight.openflow.protocol.OFFlowAdd;
import org.projectfloodlight.openflow.protocol.OFFlowDeleteStrict;
import org.projectfloodlight.openflow.protocol.OFPacketOut;
import org.projectfloodlight.openflow.protocol.action.OFActionOutput;
import org.projectfloodlight.openflow.protocol.action.OFActionSetField;
import org.projectfloodlight.openflow.protocol.instruction.OFInstructionApplyActions;
import org.projectfloodlight.openflow.protocol.instruction.OFInstructionClearActions;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFPort;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PacketServiceTest extends RuntimeTestBase {

    static byte[] tcpSyn() {
        TCP tcp = new TCP();
        tcp.setSourcePort(40000);
        tcp.setDestinationPort(80);
        tcp.setFlags((short) 0x02);
        tcp.setWindowSize((short) 1000);
        IPv4 ip = new IPv4();
        ip.setSourceAddress("10.0.1.10");
        ip.setDestinationAddress("10.0.2.20");
        ip.setProtocol(IPv4.PROTOCOL_TCP);
        ip.setTtl((byte) 64);
        ip.setPayload(tcp);
        Ethernet eth = new Ethernet();
        eth.setSourceMACAddress("02:00:00:00:00:01");
        eth.setDestinationMACAddress("02:fb:00:00:01:fe");
        eth.setEtherType(Ethernet.TYPE_IPV4);
        eth.setPayload(ip);
        return eth.serialize();
    }

    @Test
    void packetInGoesToProcessorsInPriorityOrderAndSendEmitsPacketOut() throws Exception {
        OpenFlowRuntime rt = start();
        PacketService ps = rt.packetService();
        List<String> order = new CopyOnWriteArrayList<>();
        AtomicReference<InboundPacket> seen = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        PacketProcessor observer = ctx -> {
            order.add("observer handled=" + ctx.isHandled());
            done.countDown();
        };
        PacketProcessor thrower = ctx -> {
            order.add("thrower");
            throw new IllegalStateException("processor bug");
        };
        PacketProcessor director = ctx -> {
            order.add("director");
            seen.set(ctx.inPacket());
            ctx.treatmentBuilder().setEthDst(MacAddress.valueOf("02:fb:00:01:00:01")).setOutput(PortNumber.portNumber(3));
            ctx.send();
            ctx.send(); // a second send is ignored, as in ONOS
        };
        ps.addProcessor(observer, PacketProcessor.observer(1));
        ps.addProcessor(director, PacketProcessor.director(2));
        ps.addProcessor(thrower, PacketProcessor.advisor(1));
        assertEquals(3, ps.getProcessors().size());
        assertEquals(thrower, ps.getProcessors().get(0).processor(), "lowest priority value first");

        FakeSwitch sw = connect(rt, 0x21, 3);
        byte[] frame = tcpSyn();
        sw.packetIn(2, frame, 0x1234);
        assertTrue(done.await(WAIT, TimeUnit.MILLISECONDS));
        assertEquals(List.of("thrower", "director", "observer handled=true"), order,
                "a throwing processor does not stop the others; send() marks the packet handled");

        InboundPacket in = seen.get();
        assertEquals(new ConnectPoint(deviceId(0x21), PortNumber.portNumber(2)), in.receivedFrom());
        assertEquals(MacAddress.valueOf("02:fb:00:00:01:fe"), in.parsed().getDestinationMAC());
        assertEquals(IPv4.PROTOCOL_TCP, ((IPv4) in.parsed().getPayload()).getProtocol());
        assertEquals(Optional.of(0x1234L), in.cookie());
        assertEquals(frame.length, in.unparsed().remaining());

        OFPacketOut po = notNull("PACKET_OUT", sw.await(OFPacketOut.class, m -> true, WAIT));
        assertEquals(OFPort.of(2), po.getInPort(), "in_port is the packet-in port");
        assertEquals(OFBufferId.NO_BUFFER, po.getBufferId());
        assertArrayEquals(frame, po.getData(), "the whole packet goes back");
        assertEquals(2, po.getActions().size());
        assertTrue(po.getActions().get(0) instanceof OFActionSetField);
        assertEquals(OFPort.of(3), ((OFActionOutput) po.getActions().get(1)).getPort());
        settle(rt, sw);
        assertEquals(1, sw.all(OFPacketOut.class).size(), "send() emits once");
        assertEquals(1, rt.stats().forDevice(deviceId(0x21)).packetIns());
        assertEquals(1, rt.stats().forDevice(deviceId(0x21)).packetOuts());

        ps.removeProcessor(thrower);
        assertEquals(2, ps.getProcessors().size());
    }

    @Test
    void blockedPacketIsNotSent() throws Exception {
        OpenFlowRuntime rt = start();
        CountDownLatch done = new CountDownLatch(1);
        rt.packetService().addProcessor(PacketContext::block, 1);
        rt.packetService().addProcessor(ctx -> {
            ctx.treatmentBuilder().setOutput(PortNumber.FLOOD);
            ctx.send();
            done.countDown();
        }, 2);
        FakeSwitch sw = connect(rt, 0x22, 2);
        sw.packetIn(1, tcpSyn(), 0);
        assertTrue(done.await(WAIT, TimeUnit.MILLISECONDS), "the processor after the blocking one still runs");
        settle(rt, sw);
        assertTrue(sw.all(OFPacketOut.class).isEmpty(), "send() after block() does nothing, as in ONOS");
    }

    @Test
    void emitSendsPacketOutWithTreatmentActions() throws Exception {
        OpenFlowRuntime rt = start();
        FakeSwitch sw = connect(rt, 0x23, 2);
        byte[] frame = tcpSyn();
        rt.packetService().emit(new DefaultOutboundPacket(deviceId(0x23),
                DefaultTrafficTreatment.builder().setOutput(PortNumber.portNumber(1)).setOutput(PortNumber.CONTROLLER).build(),
                ByteBuffer.wrap(frame)));
        OFPacketOut po = notNull("PACKET_OUT", sw.await(OFPacketOut.class, m -> true, WAIT));
        assertEquals(OFPort.CONTROLLER, po.getInPort());
        assertEquals(OFPort.of(1), ((OFActionOutput) po.getActions().get(0)).getPort());
        assertEquals(OFPort.CONTROLLER, ((OFActionOutput) po.getActions().get(1)).getPort());
        assertEquals(0xffff, ((OFActionOutput) po.getActions().get(1)).getMaxLen());
        assertArrayEquals(frame, po.getData());

        assertThrows(IllegalArgumentException.class, () -> rt.packetService().emit(new DefaultOutboundPacket(deviceId(0x23),
                DefaultTrafficTreatment.builder().setTunnelId(5).build(), ByteBuffer.wrap(frame))),
                "an action the runtime cannot express is refused");
    }

    @Test
    void requestPacketsInstallsTheRuleOnosWouldOnCurrentAndFutureDevicesUntilTheLastCancel() throws Exception {
        OpenFlowRuntime rt = start(manual().build());
        FakeSwitch a = connect(rt, 0x31, 1);
        settle(rt, a); // DEVICE_ADDED delivered (it would push every request again)
        TrafficSelector arp = DefaultTrafficSelector.builder().matchEthType(Ethernet.TYPE_ARP).build();
        ApplicationId other = new org.onosproject.core.DefaultApplicationId(8, "other");
        rt.packetService().requestPackets(arp, PacketPriority.CONTROL, APP);

        OFFlowAdd punt = notNull("punt FLOW_MOD", a.await(OFFlowAdd.class, m -> true, WAIT));
        assertEquals(PacketPriority.CONTROL.priorityValue(), punt.getPriority(), "priority = PacketPriority value");
        assertEquals(40000, punt.getPriority());
        assertEquals(0, punt.getTableId().getValue());
        assertEquals(0, punt.getIdleTimeout(), "permanent");
        assertEquals(0, punt.getHardTimeout());
        assertEquals(2, punt.getInstructions().size(), "clear-deferred and output CONTROLLER, no meter");
        assertTrue(punt.getInstructions().get(0) instanceof OFInstructionClearActions, "FlowModBuilder order: clear first");
        OFInstructionApplyActions apply = (OFInstructionApplyActions) punt.getInstructions().get(1);
        assertEquals(1, apply.getActions().size());
        assertEquals(OFPort.CONTROLLER, ((OFActionOutput) apply.getActions().get(0)).getPort());
        assertEquals(0xffff, ((OFActionOutput) apply.getActions().get(0)).getMaxLen());
        assertEquals(OpenFlowOptions.DEFAULT_CORE_APP_ID.id(), (short) (punt.getCookie().getValue() >>> 48),
                "punt rules belong to org.onosproject.core (id 1), as in ONOS");
        FlowEntry stored = rt.flowRuleService().getFlowEntries(deviceId(0x31)).iterator().next();
        assertTrue(stored.isPermanent());
        assertEquals(DefaultTrafficTreatment.builder().punt().wipeDeferred().build(), stored.treatment());
        assertTrue(stored.treatment().clearedDeferred());
        assertEquals(null, stored.treatment().metered());

        rt.packetService().requestPackets(arp, PacketPriority.CONTROL, other);
        settle(rt, a);
        assertEquals(2, a.all(OFFlowAdd.class).size(), "a new requester re-applies the identical rule, as ONOS does");

        FakeSwitch b = connect(rt, 0x32, 1);
        notNull("punt FLOW_MOD on a switch that connects later (DEVICE_ADDED)", b.await(OFFlowAdd.class, m -> true, WAIT));
        settle(rt, b);
        assertEquals(2, b.all(OFFlowAdd.class).size(), "pushed once per request");
        List<PacketRequest> reqs = rt.packetService().getRequests();
        assertEquals(2, reqs.size());

        rt.packetService().cancelPackets(arp, PacketPriority.CONTROL, APP);
        settle(rt, a, b);
        assertTrue(a.all(OFFlowDeleteStrict.class).isEmpty(), "another app still wants the packets");
        assertTrue(b.all(OFFlowDeleteStrict.class).isEmpty());
        rt.packetService().cancelPackets(arp, PacketPriority.CONTROL, other);
        notNull("punt rule removed", a.await(OFFlowDeleteStrict.class, m -> m.getCookie().equals(punt.getCookie()), WAIT));
        notNull("punt rule removed", b.await(OFFlowDeleteStrict.class, m -> true, WAIT));
        assertTrue(rt.packetService().getRequests().isEmpty());
        DeviceId aid = deviceId(0x31);
        await("punt entry gone from the store (FLOW_REMOVED)",
                () -> !rt.flowRuleService().getFlowEntries(aid).iterator().hasNext());
    }

    @Test
    void requestsArePushedAgainWhenADeviceComesBackAndListedByAscendingPriority() throws Exception {
        OpenFlowRuntime rt = start(manual().build());
        FakeSwitch a = connect(rt, 0x33, 1);
        TrafficSelector ipv4 = DefaultTrafficSelector.builder().matchEthType(Ethernet.TYPE_IPV4).build();
        TrafficSelector arp = DefaultTrafficSelector.builder().matchEthType(Ethernet.TYPE_ARP).build();
        rt.packetService().requestPackets(ipv4, PacketPriority.REACTIVE, APP);
        rt.packetService().requestPackets(arp, PacketPriority.CONTROL, APP);
        OFFlowAdd reactive = notNull("REACTIVE punt", a.await(OFFlowAdd.class, m -> m.getPriority() == 5, WAIT));
        assertEquals(PacketPriority.REACTIVE.priorityValue(), reactive.getPriority());
        List<PacketRequest> reqs = rt.packetService().getRequests();
        assertEquals(PacketPriority.REACTIVE, reqs.get(0).priority(), "ascending priority value, as ONOS sorts them");
        assertEquals(PacketPriority.CONTROL, reqs.get(1).priority());

        a.close();
        await("unavailable", () -> !rt.deviceService().isAvailable(deviceId(0x33)));
        FakeSwitch again = new FakeSwitch(0x33, 1).connect(rt.boundPort());
        switches.add(again);
        await("available", () -> rt.deviceService().isAvailable(deviceId(0x33)));
        notNull("REACTIVE punt pushed again", again.await(OFFlowAdd.class, m -> m.getPriority() == 5, WAIT));
        notNull("CONTROL punt pushed again", again.await(OFFlowAdd.class, m -> m.getPriority() == 40000, WAIT));
    }

    @Test
    void unsupportedMethodsSayWhichMethod() throws Exception {
        OpenFlowRuntime rt = start();
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> rt.packetService().addFilter(null));
        assertEquals("PacketService.addFilter is not supported by the fwlb standalone runtime", e.getMessage());
        e = assertThrows(UnsupportedOperationException.class,
                () -> rt.flowRuleService().getFlowRulesByGroupId(APP, (short) 1));
        assertEquals("FlowRuleService.getFlowRulesByGroupId is not supported by the fwlb standalone runtime", e.getMessage());
        assertFalse(rt.packetService().getFilters().iterator().hasNext());
    }

}
