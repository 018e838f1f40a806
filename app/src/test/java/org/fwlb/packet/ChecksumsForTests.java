package org.fwlb.packet;

/**
 * Independent Internet checksum verification for tests: a correct header sums to zero.
 */
final class ChecksumsForTests {
    private ChecksumsForTests() {
    }

    private static long sum(byte[] b, int from, int len, long acc) {
        for (int i = 0; i + 1 < len; i += 2) {
            acc += ((b[from + i] & 0xff) << 8) | (b[from + i + 1] & 0xff);
        }
        if ((len & 1) != 0) {
            acc += (b[from + len - 1] & 0xff) << 8;
        }
        return acc;
    }

    private static int fold(long acc) {
        while ((acc >>> 16) != 0) {
            acc = (acc & 0xffff) + (acc >>> 16);
        }
        return (int) (~acc & 0xffff);
    }

    static int ipv4Header(byte[] frame, int l3) {
        int ihl = (frame[l3] & 0x0f) * 4;
        return fold(sum(frame, l3, ihl, 0));
    }

    static int tcp(byte[] frame, PacketSummary s) {
        int l3 = s.l3Offset();
        int tcpLen = s.ipTotalLength() - s.ipHeaderLength();
        long acc = sum(frame, l3 + 12, 8, 0); // source and destination address
        acc += 6 + tcpLen;
        return fold(sum(frame, s.l4Offset(), tcpLen, acc));
    }
}
