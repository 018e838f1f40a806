package org.fwlb.packet;

import org.fwlb.model.ConnectionKey;
import org.fwlb.model.FlowKey;
import org.fwlb.policy.FlowHash;
import org.junit.jupiter.api.Test;
import org.onlab.packet.ARP;
import org.onlab.packet.Ethernet;
import org.onlab.packet.Ip4Address;
import org.onlab.packet.MacAddress;

import java.nio.ByteBuffer;
import java.util.Arrays;

import static org.fwlb.packet.Frames.CLIENT;
import static org.fwlb.packet.Frames.CLIENT_MAC;
import static org.fwlb.packet.Frames.GW_MAC;
import static org.fwlb.packet.Frames.VIP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PacketParserTest {
    private final PacketSummary s = new PacketSummary();

    private static int ip(String a) {
        return Ip4Address.valueOf(a).toInt();
    }

    @Test
    void tcpSyn() {
        assertEquals(ParseStatus.OK_L4, PacketParser.parse(Frames.syn(), s));
        assertTrue(s.isParsed());
        assertEquals(CLIENT_MAC.toLong(), s.ethSrc());
        assertEquals(GW_MAC.toLong(), s.ethDst());
        assertEquals(GW_MAC, s.ethDstMac());
        assertEquals(PacketSummary.NONE, s.vlanId());
        assertEquals(0x0800, s.ethType());
        assertEquals(14, s.l3Offset());
        assertEquals(34, s.l4Offset());
        assertEquals(ip(CLIENT), s.ipSrc());
        assertEquals(ip(VIP), s.ipDst());
        assertEquals(6, s.ipProto());
        assertEquals(63, s.ttl());
        assertEquals(10, s.dscp());
        assertEquals(20, s.ipHeaderLength());
        assertEquals(40, s.ipTotalLength());
        assertEquals(40000, s.srcPort());
        assertEquals(80, s.dstPort());
        assertEquals(1000, s.seq());
        assertEquals(20, s.l4HeaderLength());
        assertEquals(29200, s.window());
        assertEquals(0, s.payloadLength());
        assertTrue(s.isTcp());
        assertTrue(s.isSyn());
        assertFalse(s.isSynAck());
        assertFalse(s.isFin());
        assertFalse(s.isRst());
        assertFalse(s.isFragment());
        assertFalse(s.isTruncated());
        assertEquals(FlowKey.of(6, ip(CLIENT), 40000, ip(VIP), 80), s.flowKey());
        assertEquals(ConnectionKey.of(6, ip(VIP), 80, ip(CLIENT), 40000), s.connectionKey());
        assertEquals(FlowHash.of(s.connectionKey()), s.symmetricHash());
    }

    @Test
    void tcpFlagsAndPayload() {
        byte[] f = Frames.tcp(PacketSummary.ACK | PacketSummary.PSH | PacketSummary.FIN, 5000, 0x80000001,
                              new byte[100], -1).serialize();
        PacketParser.parse(f, s);
        assertTrue(s.isFin());
        assertFalse(s.isSyn());
        assertEquals(100, s.payloadLength());
        assertEquals(0x80000001, s.ack());
        assertEquals("2147483649", Integer.toUnsignedString(s.ack()));
        PacketParser.parse(Frames.tcp(PacketSummary.SYN | PacketSummary.ACK, 1, 2, null, -1).serialize(), s);
        assertTrue(s.isSynAck());
        assertFalse(s.isSyn());
        PacketParser.parse(Frames.tcp(PacketSummary.RST, 1, 0, null, -1).serialize(), s);
        assertTrue(s.isRst());
    }

    @Test
    void tcpOptionsAreSkipped() {
        byte[] f = Frames.syn();
        // rebuild with a 24-byte TCP header: data offset 6, 4 option bytes (MSS), total length + 4
        byte[] g = Arrays.copyOf(f, f.length + 4);
        g[16 + 1] = (byte) 44; // IPv4 total length low byte (40 -> 44)
        g[34 + 12] = (byte) 0x60;
        g[54] = 2;
        g[55] = 4;
        g[56] = 0x05;
        g[57] = (byte) 0xb4;
        assertEquals(ParseStatus.OK_L4, PacketParser.parse(g, s));
        assertEquals(24, s.l4HeaderLength());
        assertEquals(0, s.payloadLength());
    }

    @Test
    void vlanTaggedFrame() {
        byte[] f = Frames.tcp(PacketSummary.SYN, 1, 0, null, 101).serialize();
        assertEquals(ParseStatus.OK_L4, PacketParser.parse(f, s));
        assertEquals(101, s.vlanId());
        assertEquals(18, s.l3Offset());
        assertEquals(0x0800, s.ethType());
        assertTrue(s.isSyn());
    }

    @Test
    void qinqFrameRecordsBothTags() {
        byte[] inner = Frames.tcp(PacketSummary.SYN, 1, 0, null, 20).serialize(); // one tag: 0x8100 vid 20
        byte[] f = new byte[inner.length + 4];
        System.arraycopy(inner, 0, f, 0, 12);
        f[12] = (byte) 0x88;
        f[13] = (byte) 0xa8;
        f[14] = (byte) 0xa0; // pcp 5, vid 0x00a? -> vid 10
        f[15] = 10;
        System.arraycopy(inner, 12, f, 16, inner.length - 12);
        assertEquals(ParseStatus.OK_L4, PacketParser.parse(f, s));
        assertEquals(10, s.vlanId());
        assertEquals(5, s.vlanPcp());
        assertEquals(20, s.innerVlanId());
        assertEquals(22, s.l3Offset());
    }

    @Test
    void mplsOverIpv4() {
        byte[] plain = Frames.syn();
        byte[] f = new byte[plain.length + 4];
        System.arraycopy(plain, 0, f, 0, 12);
        f[12] = (byte) 0x88;
        f[13] = (byte) 0x47;
        int entry = (102 << 12) | 0x100 | 64; // label 102, bottom of stack, ttl 64
        f[14] = (byte) (entry >>> 24);
        f[15] = (byte) (entry >>> 16);
        f[16] = (byte) (entry >>> 8);
        f[17] = (byte) entry;
        System.arraycopy(plain, 14, f, 18, plain.length - 14);
        assertEquals(ParseStatus.OK_L4, PacketParser.parse(f, s));
        assertEquals(102, s.mplsLabel());
        assertEquals(18, s.l3Offset());
        assertTrue(s.isSyn());
        assertEquals(80, s.dstPort());
    }

    @Test
    void udpAndIcmp() {
        PacketParser.parse(Frames.udp(5353, 53, new byte[12]).serialize(), s);
        assertTrue(s.isUdp());
        assertEquals(53, s.dstPort());
        assertEquals(12, s.payloadLength());
        assertEquals(17, s.flowKey().protocol());
        PacketParser.parse(Frames.icmpEcho(0x1234, 7).serialize(), s);
        assertTrue(s.isIcmp());
        assertEquals(8, s.icmpType());
        assertEquals(0x1234, s.icmpId());
        assertEquals(7, s.icmpSeq());
        assertThrows(IllegalStateException.class, s::flowKey);
    }

    @Test
    void arpRequest() {
        Ethernet req = ArpPackets.request(CLIENT_MAC, Ip4Address.valueOf(CLIENT), Ip4Address.valueOf("10.0.1.254"),
                                          ArpPackets.UNTAGGED);
        assertEquals(ParseStatus.OK_ARP, PacketParser.parse(req.serialize(), s));
        assertTrue(s.isArp());
        assertEquals(ARP.OP_REQUEST, s.arpOp());
        assertEquals(CLIENT_MAC.toLong(), s.arpSenderMac());
        assertEquals(ip(CLIENT), s.arpSenderIp());
        assertEquals(ip("10.0.1.254"), s.arpTargetIp());
        assertEquals(MacAddress.BROADCAST.toLong(), s.ethDst());
        assertFalse(s.isIpv4());
    }

    @Test
    void otherEthertypeIsLayer2Only() {
        byte[] f = Frames.syn();
        f[12] = (byte) 0x86;
        f[13] = (byte) 0xdd; // IPv6
        assertEquals(ParseStatus.OK_L2, PacketParser.parse(f, s));
        assertEquals(0x86dd, s.ethType());
        assertFalse(s.isIpv4());
    }

    @Test
    void otherIpProtocolIsLayer3() {
        byte[] f = Frames.syn();
        f[14 + 9] = 47; // GRE
        assertEquals(ParseStatus.OK_L3, PacketParser.parse(f, s));
        assertTrue(s.isIpv4());
        assertFalse(s.isTcp());
        assertEquals(47, s.ipProto());
    }

    @Test
    void fragments() {
        byte[] first = Frames.syn();
        first[14 + 6] = 0x20; // MF, offset 0: transport header present
        assertEquals(ParseStatus.OK_L4, PacketParser.parse(first, s));
        assertTrue(s.isFragment());
        byte[] later = Frames.syn();
        later[14 + 7] = 0x10; // offset 16 * 8 bytes: no transport header
        assertEquals(ParseStatus.OK_L3, PacketParser.parse(later, s));
        assertTrue(s.isFragment());
        assertEquals(0, s.dstPort());
    }

    @Test
    void payloadCutByMissSendLenStillParsesHeaders() {
        byte[] f = Frames.tcp(PacketSummary.ACK, 1, 2, new byte[1400], -1).serialize();
        assertEquals(ParseStatus.OK_L4, PacketParser.parse(f, 0, 128, s));
        assertTrue(s.isTruncated());
        assertEquals(1400, s.payloadLength());
    }

    @Test
    void ethernetPaddingIsIgnored() {
        byte[] f = Arrays.copyOf(Frames.syn(), 60);
        assertEquals(ParseStatus.OK_L4, PacketParser.parse(f, s));
        assertEquals(0, s.payloadLength());
        assertFalse(s.isTruncated());
    }

    @Test
    void frameAtAnOffsetInsideALargerArray() {
        byte[] f = Frames.syn();
        byte[] big = new byte[f.length + 100];
        Arrays.fill(big, (byte) 0xee);
        System.arraycopy(f, 0, big, 37, f.length);
        assertEquals(ParseStatus.OK_L4, PacketParser.parse(big, 37, f.length, s));
        assertEquals(34, s.l4Offset());
        assertTrue(s.isSyn());
    }

    @Test
    void heapAndDirectByteBuffers() {
        byte[] f = Frames.syn();
        ByteBuffer heap = ByteBuffer.allocate(f.length + 10);
        heap.position(10);
        heap.put(f);
        heap.position(10);
        assertEquals(ParseStatus.OK_L4, PacketParser.parse(heap, s));
        assertEquals(10, heap.position(), "position untouched");
        ByteBuffer direct = ByteBuffer.allocateDirect(f.length);
        direct.put(f).flip();
        assertEquals(ParseStatus.OK_L4, PacketParser.parse(direct, s));
        assertEquals(0, direct.position());
        assertEquals(80, s.dstPort());
        assertEquals(ParseStatus.NO_DATA, PacketParser.parse((ByteBuffer) null, s));
    }

    @Test
    void reuseResetsEveryField() {
        PacketParser.parse(Frames.tcp(PacketSummary.SYN, 1, 0, null, 7).serialize(), s);
        PacketParser.parse(Frames.udp(1, 2, new byte[1]).serialize(), s);
        assertEquals(PacketSummary.NONE, s.vlanId());
        assertEquals(0, s.tcpFlags());
        assertEquals(0, s.seq());
        assertFalse(s.isSyn());
    }

    @Test
    void parsingDoesNotAllocate() {
        byte[] f = Frames.tcp(PacketSummary.SYN, 1, 0, null, 101).serialize();
        long bytes = org.fwlb.testing.Allocations.allocatedBytes(() -> {
            for (int i = 0; i < 200_000; i++) {
                PacketParser.parse(f, 0, f.length, s);
            }
        });
        assertTrue(bytes < 200_000, "parser allocated " + bytes + " bytes");
    }

    @Test
    void readableToString() {
        PacketParser.parse(Frames.syn(), s);
        assertEquals("OK_L4 02:00:00:00:00:05 > 02:FB:00:00:01:FE 10.0.1.5:40000 > 10.0.2.100:80 proto 6 "
                             + "flags 0x2 seq 1000 ack 0 len 0", s.toString());
        PacketParser.parse(new byte[3], s);
        assertEquals("TRUNCATED_ETHERNET: truncated Ethernet header", s.toString());
    }
}
