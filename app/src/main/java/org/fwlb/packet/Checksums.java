package org.fwlb.packet;

/**
 * Verifies the IPv4 header checksum and the TCP checksum of a parsed frame (RFC 1071 one's-complement sums),
 * so a corrupted SYN never opens a connection. Allocation-free; never throws.
 */
public final class Checksums {

    private Checksums() {
    }

    /**
     * Tells whether an IPv4 frame's header checksum and, for a complete TCP segment, its TCP checksum verify.
     *
     * @param frame the frame the summary was parsed from (offset 0)
     * @param p     its summary
     * @return true when both verify; false when either does not, or the segment is truncated
     */
    public static boolean tcpValid(byte[] frame, PacketSummary p) {
        if (!p.isIpv4() || !p.isTcp() || p.isTruncated()) {
            return false;
        }
        int l3 = p.l3Offset();
        int ihl = p.ipHeaderLength();
        int total = p.ipTotalLength();
        if (l3 + total > frame.length || ihl < 20 || total < ihl) {
            return false;
        }
        if (fold(sum(frame, l3, ihl, 0)) != 0xffff) {
            return false;
        }
        int tcpLen = total - ihl;
        long s = 0;
        s += u16(frame, l3 + 12) + u16(frame, l3 + 14) + u16(frame, l3 + 16) + u16(frame, l3 + 18);
        s += 6 + tcpLen;
        s = sum(frame, l3 + ihl, tcpLen, s);
        return fold(s) == 0xffff;
    }

    private static long sum(byte[] b, int off, int len, long acc) {
        long s = acc;
        int i = off;
        int end = off + len;
        for (; i + 1 < end; i += 2) {
            s += u16(b, i);
        }
        if (i < end) {
            s += (b[i] & 0xff) << 8;
        }
        return s;
    }

    private static int fold(long s) {
        long v = s;
        while ((v >>> 16) != 0) {
            v = (v & 0xffff) + (v >>> 16);
        }
        return (int) v;
    }

    private static int u16(byte[] b, int i) {
        return ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
    }
}
