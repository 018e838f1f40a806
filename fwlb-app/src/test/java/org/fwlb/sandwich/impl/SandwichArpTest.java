package org.fwlb.sandwich.impl;

import org.fwlb.config.ExampleConfigs;
import org.fwlb.engine.EnginePlan;
import org.fwlb.model.FirewallDispatcher.Role;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.Ip4;
import org.fwlb.packet.ArpPackets;
import org.fwlb.packet.PacketSummary;
import org.fwlb.testing.RecordingPackets;
import org.fwlb.testing.Treats;
import org.junit.jupiter.api.Test;
import org.onlab.packet.ARP;
import org.onlab.packet.Ip4Address;
import org.onlab.packet.MacAddress;
import org.onosproject.net.DeviceId;
import org.onosproject.net.PortNumber;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SandwichArpTest {

    private static final DeviceId F01 = DeviceId.deviceId("of:0000000000000f01");
    private static final DeviceId F02 = DeviceId.deviceId("of:0000000000000f02");
    private static final MacAddress HOST = MacAddress.valueOf("02:00:00:00:01:0b");

    private final RecordingPackets packets = new RecordingPackets();
    private final List<String> probeReplies = new ArrayList<>();
    private final AtomicInteger answered = new AtomicInteger();

    private SandwichArp arp(FwlbTopology t, boolean master) {
        EnginePlan plan = EnginePlan.of(t);
        return new SandwichArp(() -> plan, packets, d -> master,
                               (role, ip) -> probeReplies.add(role + " " + Ip4.toAddress(ip)), answered::incrementAndGet);
    }

    private static byte[] request(String from, String target) {
        return ArpPackets.request(HOST, Ip4Address.valueOf(from), Ip4Address.valueOf(target), -1).serialize();
    }

    private RecordingPackets.Context process(SandwichArp a, DeviceId dev, byte[] frame) {
        RecordingPackets.Context pc = RecordingPackets.context(dev, 7, frame);
        a.process(pc);
        return pc;
    }

    @Test
    void gatewaysAreAnsweredWithTheirMacOutThePortTheRequestCameIn() {
        FwlbTopology t = ExampleConfigs.topology(1);
        SandwichArp a = arp(t, true);
        assertTrue(process(a, F01, request("10.0.1.11", "10.0.1.254")).isHandled());
        PacketSummary reply = EngineArp.parse(packets.last());
        assertEquals(ARP.OP_REPLY, reply.arpOp());
        assertEquals(t.external().get().gatewayMac().toLong(), reply.arpSenderMac());
        assertEquals(PortNumber.portNumber(7), Treats.output(packets.last().treatment()));
        assertEquals(F01, packets.last().sendThrough());
        assertTrue(process(a, F02, request("10.0.2.11", "10.0.2.254")).isHandled());
        assertEquals(t.internal().get().gatewayMac().toLong(), EngineArp.parse(packets.last()).arpSenderMac());
        assertEquals(2, answered.get());
    }

    @Test
    void theInternalDispatcherAnswersForItsOwnVipInFig6() {
        FwlbTopology t = ExampleConfigs.topology(6);
        SandwichArp a = arp(t, true);
        assertTrue(process(a, F02, request("10.0.2.1", "10.0.2.100")).isHandled());
        assertEquals(t.dispatcher("int-dispatch").mac().toLong(), EngineArp.parse(packets.last()).arpSenderMac());
        // not on the outside
        RecordingPackets.Context outside = process(a, F01, request("10.0.1.11", "10.0.2.100"));
        assertEquals(1, packets.emitted.size());
        assertEquals(1, outside.sent, "other ARP goes on as the switch would have sent it");
    }

    @Test
    void probeAnswersGoToTheProberAndOtherArpIsSentOnByNormal() {
        FwlbTopology t = ExampleConfigs.topology(1);
        SandwichArp a = arp(t, true);
        byte[] answer = ArpPackets.reply(t.firewall("fw2").inside().mac(), Ip4Address.valueOf("10.0.2.2"),
                t.internal().get().gatewayMac(), Ip4Address.valueOf("10.0.2.254"), -1).serialize();
        assertTrue(process(a, F02, answer).isHandled());
        assertEquals(List.of(Role.INTERNAL + " 10.0.2.2"), probeReplies);
        RecordingPackets.Context other = process(a, F01, request("10.0.1.11", "10.0.1.12"));
        assertTrue(other.isHandled());
        assertEquals(1, other.sent);
        assertTrue(packets.emitted.isEmpty());
    }

    @Test
    void devicesMasteredElsewhereOrNoFirewallDispatcherAreLeftAlone() {
        FwlbTopology t = ExampleConfigs.topology(1);
        assertFalse(process(arp(t, false), F01, request("10.0.1.11", "10.0.1.254")).isHandled());
        assertFalse(process(arp(t, true), DeviceId.deviceId("of:00000000000000d1"),
                            request("10.0.1.11", "10.0.1.254")).isHandled());
        assertTrue(packets.emitted.isEmpty());
    }

    /** Parses a packet-out. */
    static final class EngineArp {
        static PacketSummary parse(org.onosproject.net.packet.OutboundPacket p) {
            return org.fwlb.engine.EngineRig.parse(RecordingPackets.bytes(p));
        }
    }
}
