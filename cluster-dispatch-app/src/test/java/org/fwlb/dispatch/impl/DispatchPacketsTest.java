package org.fwlb.dispatch.impl;

import org.fwlb.engine.EnginePlan;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.Server;
import org.fwlb.packet.ArpPackets;
import org.fwlb.packet.PacketSummary;
import org.fwlb.testing.MapMemberStates;
import org.fwlb.testing.Presets;
import org.fwlb.testing.RecordingPackets;
import org.fwlb.testing.TcpFrames;
import org.fwlb.testing.Treats;
import org.junit.jupiter.api.Test;
import org.onlab.packet.ARP;
import org.onlab.packet.Ip4Address;
import org.onlab.packet.MacAddress;
import org.onosproject.net.DeviceId;
import org.onosproject.net.PortNumber;

import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.fwlb.dispatch.impl.StagePlacementTest.D01;
import static org.fwlb.dispatch.impl.StagePlacementTest.D21;
import static org.fwlb.dispatch.impl.StagePlacementTest.dev;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dispatch application's own punts: ARP for its VIPs (ported from VipArpTest), the servers' ARP for their
 * stage's address and the answers to server probes (from ServerProberTest and DispatchPacketProcessorTest).
 */
class DispatchPacketsTest {

    private static final MacAddress C1 = MacAddress.valueOf("02:fb:00:10:01:0b");

    private final RecordingPackets packets = new RecordingPackets();
    private final MapMemberStates states = new MapMemberStates();
    private final AtomicInteger answered = new AtomicInteger();

    private DispatchPackets processor(FwlbTopology t, boolean master) {
        EnginePlan plan = EnginePlan.of(t);
        ServerProber prober = new ServerProber(packets, () -> { }, states, d -> master);
        return new DispatchPackets(() -> plan, packets, d -> master, prober, answered::incrementAndGet);
    }

    private static byte[] request(MacAddress from, String fromIp, String target) {
        return ArpPackets.request(from, Ip4Address.valueOf(fromIp), Ip4Address.valueOf(target), -1).serialize();
    }

    private RecordingPackets.Context process(DispatchPackets p, DeviceId dev, int port, byte[] frame) {
        RecordingPackets.Context pc = RecordingPackets.context(dev, port, frame);
        p.process(pc);
        return pc;
    }

    private void assertReply(DeviceId dev, int port, MacAddress answer, String vip) {
        assertEquals(1, packets.emitted.size());
        assertEquals(dev, packets.last().sendThrough());
        assertEquals(PortNumber.portNumber(port), Treats.output(packets.last().treatment()));
        PacketSummary p = org.fwlb.engine.EngineRig.parse(RecordingPackets.bytes(packets.last()));
        assertTrue(p.isArp());
        assertEquals(ARP.OP_REPLY, p.arpOp());
        assertEquals(answer.toLong(), p.arpSenderMac());
        assertEquals(Ip4Address.valueOf(vip).toInt(), p.arpSenderIp());
    }

    @Test
    void firstStageAnswersArpForItsVip() {
        FwlbTopology t = Presets.topology("fig2");
        assertTrue(process(processor(t, true), D01, 1, request(C1, "10.0.1.11", "10.0.1.100")).isHandled());
        assertReply(D01, 1, t.dispatcher("d1").mac(), "10.0.1.100");
        assertEquals(1, answered.get());
    }

    @Test
    void laterStagesStaySilentForClients() {
        FwlbTopology t = Presets.topology("fig2");
        DispatchPackets p = processor(t, true);
        for (String d : new String[]{"0000000000000d21", "0000000000000d22"}) {
            assertFalse(process(p, dev(d), 1, request(C1, "10.0.1.11", "10.0.1.100")).isHandled());
        }
        assertTrue(packets.emitted.isEmpty(), "else clients would bypass the first stage");
    }

    @Test
    void otherAddressesRepliesAndDevicesMasteredElsewhereAreNotAnswered() {
        FwlbTopology t = Presets.topology("fig2");
        DispatchPackets p = processor(t, true);
        assertFalse(process(p, D01, 1, request(C1, "10.0.1.11", "10.0.1.99")).isHandled());
        // an ARP reply addressed to the VIP (its target is the VIP, as a request's would be) is not a question
        byte[] reply = ArpPackets.reply(C1, Ip4Address.valueOf("10.0.1.11"), MacAddress.valueOf("02:00:00:00:00:01"),
                                        Ip4Address.valueOf("10.0.1.100"), -1).serialize();
        assertFalse(process(p, D01, 1, reply).isHandled());
        assertFalse(process(processor(t, false), D01, 1, request(C1, "10.0.1.11", "10.0.1.100")).isHandled());
        assertTrue(packets.emitted.isEmpty());
        assertEquals(0, answered.get());
    }

    @Test
    void fig7InternalFirewallDispatcherAnswersWithTheFirstStagesMac() {
        FwlbTopology t = Presets.topology("fig7");
        DispatchPackets p = processor(t, true);
        MacAddress fw1 = t.firewall("fw1").inside().mac();
        assertTrue(process(p, dev("0000000000000f02"), 1, request(fw1, "10.0.2.1", "10.0.2.100")).isHandled());
        assertReply(dev("0000000000000f02"), 1, t.dispatcher("d1").mac(), "10.0.2.100");
        packets.emitted.clear();
        assertFalse(process(p, D21, 1, request(fw1, "10.0.2.1", "10.0.2.100")).isHandled());
        assertTrue(packets.emitted.isEmpty());
    }

    @Test
    void serversArpForTheVipIsAnsweredWithTheirStagesMacOnly() {
        FwlbTopology t = Presets.topology("fig2");
        DispatchPackets p = processor(t, true);
        Server srv1 = t.server("srv1");
        assertTrue(process(p, D21, 2, request(srv1.mac(), srv1.ip().toString(), "10.0.1.100")).isHandled());
        PacketSummary reply = org.fwlb.engine.EngineRig.parse(RecordingPackets.bytes(packets.last()));
        assertEquals(ARP.OP_REPLY, reply.arpOp());
        assertEquals(t.dispatcher("d2a").mac().toLong(), reply.arpSenderMac());
        assertEquals(PortNumber.portNumber(2), Treats.output(packets.last().treatment()));
        packets.emitted.clear();
        // srv3 belongs to d2b: d2a does not answer it; nor is srv1 answered at d2b; only the VIP is
        Server srv3 = t.server("srv3");
        assertFalse(process(p, D21, 2, request(srv3.mac(), srv3.ip().toString(), "10.0.1.100")).isHandled());
        assertFalse(process(p, dev("0000000000000d22"), 2, request(srv1.mac(), srv1.ip().toString(), "10.0.1.100"))
                            .isHandled());
        assertFalse(process(p, D21, 2, request(srv1.mac(), srv1.ip().toString(), "10.0.1.22")).isHandled());
        assertTrue(packets.emitted.isEmpty());
    }

    @Test
    void probeAnswersAreConsumedAndOtherTcpIsLeftToTheEngine() {
        FwlbTopology t = Presets.topology("fig2");
        DispatchPackets p = processor(t, true);
        Server srv1 = t.server("srv1");
        byte[] synAck = TcpFrames.segment(srv1.mac(), t.dispatcher("d2a").mac(), "10.0.1.21", 80, "10.0.1.100",
                                          ServerProber.PROBE_PORT, TcpFrames.SYN_ACK);
        assertTrue(process(p, D21, 2, synAck).isHandled());
        byte[] client = TcpFrames.segment(C1, t.dispatcher("d2a").mac(), "10.0.1.11", 40000, "10.0.1.100", 80,
                                          TcpFrames.SYN);
        assertFalse(process(p, D21, 1, client).isHandled(), "the engine's");
    }

    @Test
    void garbageIsNeverHandledAndNeverAnswered() {
        FwlbTopology t = Presets.topology("fig2");
        DispatchPackets p = processor(t, true);
        byte[] arp = request(C1, "10.0.1.11", "10.0.1.100");
        Random rnd = new Random(11);
        int handled = 0;
        for (int len = 0; len < arp.length - 1; len++) {
            handled += process(p, D01, 1, Arrays.copyOf(arp, len)).isHandled() ? 1 : 0;
        }
        for (int i = 0; i < 1000; i++) {
            byte[] random = new byte[rnd.nextInt(80)];
            rnd.nextBytes(random);
            handled += process(p, D01, 1, random).isHandled() ? 1 : 0;
        }
        assertEquals(0, handled);
        assertTrue(packets.emitted.isEmpty());
    }
}
