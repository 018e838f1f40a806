package org.fwlb.packet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.onlab.packet.Ip4Address;
import org.onlab.packet.MacAddress;

import java.util.Arrays;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Malformed and truncated frames give a status naming the problem; the parser never throws.
 */
class MalformedFrameTest {

    private static byte[] syn() {
        return Frames.syn();
    }

    private static byte[] udp() {
        return Frames.udp(1000, 53, new byte[4]).serialize();
    }

    private static byte[] icmp() {
        return Frames.icmpEcho(1, 1).serialize();
    }

    private static byte[] arp() {
        return ArpPackets.request(MacAddress.valueOf("02:00:00:00:00:01"), Ip4Address.valueOf("10.0.1.1"),
                                  Ip4Address.valueOf("10.0.1.2"), ArpPackets.UNTAGGED).serialize();
    }

    private static byte[] with(byte[] f, int index, int value) {
        f[index] = (byte) value;
        return f;
    }

    private static byte[] cut(byte[] f, int len) {
        return Arrays.copyOf(f, len);
    }

    private static byte[] ethertype(int type, int len) {
        byte[] f = new byte[len];
        f[12] = (byte) (type >> 8);
        f[13] = (byte) type;
        return f;
    }

    private static Arguments a(String name, Supplier<byte[]> frame, ParseStatus expected) {
        return Arguments.of(name, frame, expected);
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                a("empty array", () -> new byte[0], ParseStatus.NO_DATA),
                a("13 bytes", () -> new byte[13], ParseStatus.TRUNCATED_ETHERNET),
                a("vlan tag cut", () -> ethertype(0x8100, 16), ParseStatus.TRUNCATED_VLAN),
                a("second vlan tag cut", () -> with(with(ethertype(0x88a8, 20), 16, 0x81), 17, 0x00),
                  ParseStatus.TRUNCATED_VLAN),
                a("mpls entry cut", () -> ethertype(0x8847, 16), ParseStatus.TRUNCATED_MPLS),
                a("mpls stack without bottom", () -> ethertype(0x8847, 14 + 4 * 9), ParseStatus.BAD_MPLS),
                a("arp cut", () -> cut(arp(), 30), ParseStatus.TRUNCATED_ARP),
                a("arp for ipv6", () -> with(arp(), 16, 0x86), ParseStatus.BAD_ARP),
                a("arp hw length 8", () -> with(arp(), 18, 8), ParseStatus.BAD_ARP),
                a("ipv4 header cut", () -> cut(syn(), 30), ParseStatus.TRUNCATED_IPV4),
                a("ip version 6 under 0x0800", () -> with(syn(), 14, 0x65), ParseStatus.BAD_IP_VERSION),
                a("ihl 4", () -> with(syn(), 14, 0x44), ParseStatus.BAD_IP_HEADER_LENGTH),
                a("ihl 15 beyond frame", () -> with(syn(), 14, 0x4f), ParseStatus.TRUNCATED_IPV4),
                a("total length below header", () -> with(with(syn(), 16, 0), 17, 19),
                  ParseStatus.BAD_IP_TOTAL_LENGTH),
                a("tcp header cut", () -> cut(syn(), 50), ParseStatus.TRUNCATED_TCP),
                a("tcp declared shorter than header", () -> with(with(syn(), 16, 0), 17, 30),
                  ParseStatus.TRUNCATED_TCP),
                a("tcp data offset 4", () -> with(syn(), 46, 0x40), ParseStatus.BAD_TCP_DATA_OFFSET),
                a("tcp data offset beyond segment", () -> with(syn(), 46, 0xf0), ParseStatus.BAD_TCP_DATA_OFFSET),
                a("tcp options cut", () -> {
                    byte[] f = with(with(syn(), 46, 0x60), 17, 44);
                    return f; // total length says 24-byte header but only 20 bytes follow
                }, ParseStatus.TRUNCATED_TCP),
                a("udp header cut", () -> cut(udp(), 38), ParseStatus.TRUNCATED_UDP),
                a("udp length 7", () -> with(with(udp(), 38, 0), 39, 7), ParseStatus.BAD_UDP_LENGTH),
                a("udp length beyond datagram", () -> with(with(udp(), 38, 0x10), 39, 0), ParseStatus.BAD_UDP_LENGTH),
                a("icmp header cut", () -> cut(icmp(), 38), ParseStatus.TRUNCATED_ICMP));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void malformedFrameIsNamed(String name, Supplier<byte[]> frame, ParseStatus expected) {
        PacketSummary s = new PacketSummary();
        assertEquals(expected, PacketParser.parse(frame.get(), s));
        assertEquals(expected, s.status());
        assertFalse(s.isParsed());
        assertFalse(s.isTcp());
        assertFalse(s.isSyn());
    }

    @Test
    void nullAndBadBounds() {
        PacketSummary s = new PacketSummary();
        assertEquals(ParseStatus.NO_DATA, PacketParser.parse((byte[]) null, s));
        assertEquals(ParseStatus.NO_DATA, PacketParser.parse(null, 0, 10, s));
        byte[] f = syn();
        assertEquals(ParseStatus.BAD_BOUNDS, PacketParser.parse(f, -1, 20, s));
        assertEquals(ParseStatus.BAD_BOUNDS, PacketParser.parse(f, 10, f.length, s));
        assertEquals(ParseStatus.BAD_BOUNDS, PacketParser.parse(f, 0, -5, s));
        assertEquals(ParseStatus.BAD_BOUNDS, PacketParser.parse(f, Integer.MAX_VALUE, 10, s));
    }

    @Test
    void randomMutationsAndTruncationsNeverThrow() {
        Random rnd = new Random(2005_0183140L);
        byte[][] seeds = {syn(), udp(), icmp(), arp(), Frames.tcp(PacketSummary.SYN, 1, 0, null, 5).serialize()};
        PacketSummary s = new PacketSummary();
        int parsed = 0;
        for (int i = 0; i < 200_000; i++) {
            byte[] f = seeds[rnd.nextInt(seeds.length)].clone();
            int flips = rnd.nextInt(4);
            for (int k = 0; k < flips; k++) {
                f[rnd.nextInt(f.length)] = (byte) rnd.nextInt(256);
            }
            int len = rnd.nextInt(f.length + 1);
            ParseStatus st = PacketParser.parse(f, 0, len, s);
            assertNotNull(st);
            if (st.isParsed()) {
                parsed++;
            }
        }
        // some inputs must still parse (the test is not vacuous), and many must not
        assertFalse(parsed == 0 || parsed == 200_000, "parsed " + parsed);
    }

    @Test
    void randomGarbageNeverThrows() {
        Random rnd = new Random(42);
        PacketSummary s = new PacketSummary();
        for (int i = 0; i < 100_000; i++) {
            byte[] f = new byte[rnd.nextInt(120)];
            rnd.nextBytes(f);
            if (f.length > 14 && rnd.nextBoolean()) {
                f[12] = 0x08;
                f[13] = 0x00;
                f[14] = 0x45;
            }
            assertNotNull(PacketParser.parse(f, 0, f.length, s));
        }
    }
}
