package org.fwlb.dispatch.impl;

import org.fwlb.model.FwlbTopology;
import org.junit.jupiter.api.Test;
import org.onlab.packet.MacAddress;
import org.onosproject.net.DeviceId;
import org.onosproject.net.packet.PacketContext;

import java.util.Arrays;
import java.util.Random;

import static org.fwlb.dispatch.impl.DispatchRig.dev;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DispatchPacketProcessorTest {

    private static final DeviceId D01 = dev("0000000000000d01");
    private static final DeviceId D21 = dev("0000000000000d21");
    private static final MacAddress C1 = MacAddress.valueOf("02:fb:00:10:01:0b");

    private final DispatchRig rig = new DispatchRig("fig2");
    private final FwlbTopology t = rig.topology;

    private byte[] toD1(int cport, int flags) {
        return TcpFrames.segment(C1, t.dispatcher("d1").mac(), "10.0.1.11", cport, "10.0.1.100", 80, flags);
    }

    @Test
    void garbageFramesNeverThrowAndChangeNothing() {
        byte[] syn = toD1(40000, TcpFrames.SYN);
        Random rnd = new Random(7);
        for (int len = 0; len < syn.length; len++) {
            byte[] cut = Arrays.copyOf(syn, len);
            assertDoesNotThrow(() -> rig.process(D01, 1, cut));
        }
        for (int i = 0; i < 2000; i++) {
            byte[] noise = syn.clone();
            // flip bytes beyond the Ethernet header, keep it addressed to the stage
            for (int k = 0; k < 4; k++) {
                noise[14 + rnd.nextInt(noise.length - 14)] = (byte) rnd.nextInt(256);
            }
            assertDoesNotThrow(() -> rig.process(D01, 1, noise));
            byte[] random = new byte[rnd.nextInt(120)];
            rnd.nextBytes(random);
            assertDoesNotThrow(() -> rig.process(D01, 1, random));
        }
        assertEquals(0, rig.counters.get(DispatchCounters.ERRORS), "nothing reached the catch-all");
        assertTrue(rig.counters.get(DispatchCounters.MALFORMED) > 0);
    }

    @Test
    void packetsOfOtherDevicesOrNotAddressedToAStageAreLeftToOthers() {
        PacketContext fabric = rig.process(dev("0000000000000f03"), 11, toD1(40000, TcpFrames.SYN));
        assertFalse(fabric.isHandled());
        byte[] toServer = TcpFrames.segment(C1, t.server("srv1").mac(), "10.0.1.11", 40000, "10.0.1.21", 80,
                                            TcpFrames.SYN);
        assertFalse(rig.process(D21, 1, toServer).isHandled());
        byte[] d1AtD21 = toD1(40000, TcpFrames.SYN);
        assertFalse(rig.process(D21, 1, d1AtD21).isHandled(), "d1's MAC is no stage on d2a's switch");
        byte[] udp = new org.onlab.packet.Ethernet().setSourceMACAddress(C1)
                .setDestinationMACAddress(t.dispatcher("d1").mac()).setEtherType(org.onlab.packet.Ethernet.TYPE_IPV4)
                .setPayload(new org.onlab.packet.IPv4().setSourceAddress("10.0.1.11").setDestinationAddress("10.0.1.100")
                                    .setProtocol(org.onlab.packet.IPv4.PROTOCOL_UDP)
                                    .setPayload(new org.onlab.packet.UDP().setSourcePort(5000).setDestinationPort(53)))
                .serialize();
        assertFalse(rig.process(D01, 1, udp).isHandled());
        assertEquals(0, rig.store.size());
        assertTrue(rig.packets.emitted.isEmpty());
    }

    @Test
    void sortsSynsClosesAndUnknownSegments() {
        PacketContext syn = rig.process(D01, 1, toD1(40000, TcpFrames.SYN));
        assertTrue(syn.isHandled());
        assertEquals(1, rig.store.size());
        assertEquals(1, rig.packets.emitted.size());

        PacketContext fin = rig.process(D01, 1, toD1(40000, TcpFrames.FIN_ACK));
        assertTrue(fin.isHandled());
        assertEquals(1, rig.counters.get(DispatchCounters.CLOSE_PUNTS));
        assertEquals(2, rig.packets.emitted.size(), "the FIN went on");

        PacketContext stray = rig.process(D01, 1, toD1(41000, TcpFrames.ACK));
        assertTrue(stray.isHandled(), "an unknown segment to the stage is consumed (dropped)");
        assertEquals(1, rig.counters.get(DispatchCounters.UNKNOWN_PUNTS));
        assertEquals(2, rig.packets.emitted.size());

        PacketContext strayFin = rig.process(D01, 1, toD1(41001, TcpFrames.FIN_ACK));
        assertTrue(strayFin.isHandled());
        assertEquals(2, rig.counters.get(DispatchCounters.UNKNOWN_PUNTS));
        assertEquals(1, rig.store.size());
    }

    @Test
    void deviceMasteredElsewhereIsLeftAlone() {
        DispatchPacketProcessor p = new DispatchPacketProcessor(rig.ctx, d -> false, rig.arp, rig.placer,
                                                                rig.lifecycle, rig.prober);
        PacketContext pc = new DispatchRig.Ctx(D01, 1, toD1(40000, TcpFrames.SYN));
        p.process(pc);
        assertFalse(pc.isHandled());
        assertEquals(0, rig.store.size());
    }

    @Test
    void inactiveContextPlacesNothing() {
        rig.ctx.deactivate();
        assertFalse(rig.process(D01, 1, toD1(40000, TcpFrames.SYN)).isHandled());
        assertEquals(0, rig.store.size());
    }
}
