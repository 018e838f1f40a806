package org.fwlb.packet;

import org.junit.jupiter.api.Test;
import org.onlab.packet.Ethernet;
import org.onlab.packet.Ip4Address;

import static org.fwlb.packet.Frames.CLIENT;
import static org.fwlb.packet.Frames.CLIENT_MAC;
import static org.fwlb.packet.Frames.GW_MAC;
import static org.fwlb.packet.Frames.VIP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TcpResetsTest {
    private final PacketSummary in = new PacketSummary();
    private final PacketSummary out = new PacketSummary();

    private PacketSummary answer(Ethernet segment) {
        PacketParser.parse(segment.serialize(), in);
        byte[] rst = TcpResets.answer(in).get().serialize();
        assertEquals(ParseStatus.OK_L4, PacketParser.parse(rst, out));
        assertEquals(0, ChecksumsForTests.ipv4Header(rst, out.l3Offset()), "IPv4 header checksum");
        assertEquals(0, ChecksumsForTests.tcp(rst, out), "TCP checksum");
        return out;
    }

    @Test
    void segmentWithAckGetsRstWithSeqEqualToItsAck() {
        PacketSummary r = answer(Frames.tcp(PacketSummary.ACK | PacketSummary.PSH, 5000, 777_000, new byte[10], -1));
        assertEquals(PacketSummary.RST, r.tcpFlags());
        assertEquals(777_000, r.seq());
        assertEquals(0, r.ack());
    }

    @Test
    void synWithoutAckGetsRstAckAcknowledgingTheSyn() {
        PacketSummary r = answer(Frames.tcp(PacketSummary.SYN, 1000, 0, null, -1));
        assertEquals(PacketSummary.RST | PacketSummary.ACK, r.tcpFlags());
        assertEquals(0, r.seq());
        assertEquals(1001, r.ack());
    }

    @Test
    void segLenCountsPayloadSynAndFin() {
        PacketSummary r = answer(Frames.tcp(PacketSummary.FIN, 0xfffffff0, 0, new byte[20], -1));
        assertEquals(PacketSummary.RST | PacketSummary.ACK, r.tcpFlags());
        assertEquals(0xfffffff0 + 21, r.ack(), "wraps modulo 2^32");
        assertEquals(5, r.ack());
    }

    @Test
    void addressesPortsAndVlanPointBackToTheSender() {
        PacketSummary r = answer(Frames.tcp(PacketSummary.ACK, 1, 2, null, 42));
        assertEquals(GW_MAC.toLong(), r.ethSrc());
        assertEquals(CLIENT_MAC.toLong(), r.ethDst());
        assertEquals(Ip4Address.valueOf(VIP).toInt(), r.ipSrc());
        assertEquals(Ip4Address.valueOf(CLIENT).toInt(), r.ipDst());
        assertEquals(80, r.srcPort());
        assertEquals(40000, r.dstPort());
        assertEquals(42, r.vlanId());
        assertEquals(0, r.payloadLength());
        assertEquals(in.connectionKey(), r.connectionKey());
    }

    @Test
    void aRstIsNeverAnswered() {
        PacketParser.parse(Frames.tcp(PacketSummary.RST | PacketSummary.ACK, 1, 2, null, -1).serialize(), in);
        assertFalse(TcpResets.answer(in).isPresent());
    }

    @Test
    void nonTcpIsRefused() {
        PacketParser.parse(Frames.udp(1, 2, new byte[2]).serialize(), in);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TcpResets.answer(in));
        assertTrue(e.getMessage().startsWith("not a TCP segment"));
    }
}
