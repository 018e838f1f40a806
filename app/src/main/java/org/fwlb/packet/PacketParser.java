package org.fwlb.packet;

import java.nio.ByteBuffer;

/**
 * Parses raw Ethernet frames (up to two VLAN tags, an MPLS label stack over IPv4, ARP, IPv4 with TCP,
 * UDP or ICMP) into a {@link PacketSummary}. Allocation-free; never throws on any input: malformed or
 * truncated headers give a status that names the problem. A frame whose headers are complete but whose
 * payload is shorter than the IPv4 total length (e.g. a packet-in cut by miss_send_len) still parses
 * and is flagged {@link PacketSummary#isTruncated()}.
 */
public final class PacketParser {
    private static final int ETH_HEADER = 14;
    private static final int MAX_VLAN_TAGS = 2;
    private static final int MAX_MPLS_LABELS = 8;

    private PacketParser() {
    }

    /**
     * Parses a frame held in an array.
     *
     * @param frame  bytes
     * @param offset start of the frame
     * @param length frame length
     * @param out    summary to fill (reset first)
     * @return the status (also in {@code out.status()})
     */
    public static ParseStatus parse(byte[] frame, int offset, int length, PacketSummary out) {
        out.reset();
        out.status = doParse(frame, offset, length, out);
        return out.status;
    }

    /**
     * Parses a whole array.
     *
     * @param frame bytes
     * @param out   summary to fill
     * @return the status
     */
    public static ParseStatus parse(byte[] frame, PacketSummary out) {
        return parse(frame, 0, frame == null ? 0 : frame.length, out);
    }

    /**
     * Parses the bytes between a buffer's position and limit without moving its position. Heap buffers
     * are read in place; direct buffers are copied into a per-thread scratch array.
     *
     * @param buffer buffer
     * @param out    summary to fill
     * @return the status
     */
    public static ParseStatus parse(ByteBuffer buffer, PacketSummary out) {
        if (buffer == null) {
            return parse(null, 0, 0, out);
        }
        int len = buffer.remaining();
        if (buffer.hasArray()) {
            return parse(buffer.array(), buffer.arrayOffset() + buffer.position(), len, out);
        }
        byte[] scratch = Scratch.get(len);
        buffer.duplicate().get(scratch, 0, len);
        return parse(scratch, 0, len, out);
    }

    private static ParseStatus doParse(byte[] b, int offset, int length, PacketSummary out) {
        if (b == null || length == 0) {
            return ParseStatus.NO_DATA;
        }
        if (offset < 0 || length < 0 || offset > b.length - length) {
            return ParseStatus.BAD_BOUNDS;
        }
        int end = offset + length;
        if (length < ETH_HEADER) {
            return ParseStatus.TRUNCATED_ETHERNET;
        }
        out.ethDst = u48(b, offset);
        out.ethSrc = u48(b, offset + 6);
        int type = u16(b, offset + 12);
        int p = offset + ETH_HEADER;
        for (int tags = 0; isVlanType(type) && tags < MAX_VLAN_TAGS; tags++) {
            if (end - p < 4) {
                return ParseStatus.TRUNCATED_VLAN;
            }
            int tci = u16(b, p);
            if (tags == 0) {
                out.vlanId = tci & 0x0fff;
                out.vlanPcp = tci >>> 13;
            } else {
                out.innerVlanId = tci & 0x0fff;
            }
            type = u16(b, p + 2);
            p += 4;
        }
        if (type == 0x8847 || type == 0x8848) {
            for (int labels = 0; ; labels++) {
                if (labels == MAX_MPLS_LABELS) {
                    return ParseStatus.BAD_MPLS;
                }
                if (end - p < 4) {
                    return ParseStatus.TRUNCATED_MPLS;
                }
                int entry = s32(b, p);
                p += 4;
                if (labels == 0) {
                    out.mplsLabel = entry >>> 12;
                }
                if ((entry & 0x100) != 0) {
                    break;
                }
            }
            out.l3Offset = p - offset;
            if (p < end && (b[p] & 0xf0) == 0x40) {
                type = PacketSummary.ETH_IPV4;
            } else {
                out.ethType = type;
                return ParseStatus.OK_L2;
            }
        }
        out.ethType = type;
        out.l3Offset = p - offset;
        if (type == PacketSummary.ETH_ARP) {
            return parseArp(b, p, end, out);
        }
        if (type != PacketSummary.ETH_IPV4) {
            return ParseStatus.OK_L2;
        }
        return parseIpv4(b, p, end, offset, out);
    }

    private static boolean isVlanType(int type) {
        return type == 0x8100 || type == 0x88a8 || type == 0x9100;
    }

    private static ParseStatus parseArp(byte[] b, int p, int end, PacketSummary out) {
        if (end - p < 28) {
            return ParseStatus.TRUNCATED_ARP;
        }
        if (u16(b, p) != 1 || u16(b, p + 2) != PacketSummary.ETH_IPV4 || (b[p + 4] & 0xff) != 6
                || (b[p + 5] & 0xff) != 4) {
            return ParseStatus.BAD_ARP;
        }
        out.arpOp = u16(b, p + 6);
        out.arpSenderMac = u48(b, p + 8);
        out.arpSenderIp = s32(b, p + 14);
        out.arpTargetMac = u48(b, p + 18);
        out.arpTargetIp = s32(b, p + 24);
        return ParseStatus.OK_ARP;
    }

    private static ParseStatus parseIpv4(byte[] b, int p, int end, int frameStart, PacketSummary out) {
        if (end - p < 20) {
            return ParseStatus.TRUNCATED_IPV4;
        }
        int vihl = b[p] & 0xff;
        if ((vihl >>> 4) != 4) {
            return ParseStatus.BAD_IP_VERSION;
        }
        int ihl = (vihl & 0x0f) * 4;
        if (ihl < 20) {
            return ParseStatus.BAD_IP_HEADER_LENGTH;
        }
        if (end - p < ihl) {
            return ParseStatus.TRUNCATED_IPV4;
        }
        int total = u16(b, p + 2);
        if (total < ihl) {
            return ParseStatus.BAD_IP_TOTAL_LENGTH;
        }
        out.ipHeaderLength = ihl;
        out.ipTotalLength = total;
        out.truncated = total > end - p;
        out.dscp = (b[p + 1] & 0xff) >>> 2;
        int flagsFrag = u16(b, p + 6);
        int fragOffset = flagsFrag & 0x1fff;
        out.fragment = fragOffset != 0 || (flagsFrag & 0x2000) != 0;
        out.ttl = b[p + 8] & 0xff;
        out.ipProto = b[p + 9] & 0xff;
        out.ipSrc = s32(b, p + 12);
        out.ipDst = s32(b, p + 16);
        int l4 = p + ihl;
        int l4Declared = total - ihl;
        int l4Available = end - l4;
        out.l4Offset = l4 - frameStart;
        if (fragOffset != 0) {
            return ParseStatus.OK_L3;
        }
        switch (out.ipProto) {
            case PacketSummary.PROTO_TCP:
                return parseTcp(b, l4, l4Declared, l4Available, out);
            case PacketSummary.PROTO_UDP:
                return parseUdp(b, l4, l4Declared, l4Available, out);
            case PacketSummary.PROTO_ICMP:
                return parseIcmp(b, l4, l4Declared, l4Available, out);
            default:
                return ParseStatus.OK_L3;
        }
    }

    private static ParseStatus parseTcp(byte[] b, int p, int declared, int available, PacketSummary out) {
        if (declared < 20 || available < 20) {
            return ParseStatus.TRUNCATED_TCP;
        }
        int off = ((b[p + 12] & 0xff) >>> 4) * 4;
        if (off < 20 || off > declared) {
            return ParseStatus.BAD_TCP_DATA_OFFSET;
        }
        if (available < off) {
            return ParseStatus.TRUNCATED_TCP;
        }
        out.srcPort = u16(b, p);
        out.dstPort = u16(b, p + 2);
        out.seq = s32(b, p + 4);
        out.ack = s32(b, p + 8);
        out.tcpFlags = ((b[p + 12] & 0x01) << 8) | (b[p + 13] & 0xff);
        out.window = u16(b, p + 14);
        out.l4HeaderLength = off;
        out.payloadLength = declared - off;
        return ParseStatus.OK_L4;
    }

    private static ParseStatus parseUdp(byte[] b, int p, int declared, int available, PacketSummary out) {
        if (declared < 8 || available < 8) {
            return ParseStatus.TRUNCATED_UDP;
        }
        int len = u16(b, p + 4);
        if (len < 8 || len > declared) {
            return ParseStatus.BAD_UDP_LENGTH;
        }
        out.srcPort = u16(b, p);
        out.dstPort = u16(b, p + 2);
        out.l4HeaderLength = 8;
        out.payloadLength = len - 8;
        return ParseStatus.OK_L4;
    }

    private static ParseStatus parseIcmp(byte[] b, int p, int declared, int available, PacketSummary out) {
        if (declared < 8 || available < 8) {
            return ParseStatus.TRUNCATED_ICMP;
        }
        out.icmpType = b[p] & 0xff;
        out.icmpCode = b[p + 1] & 0xff;
        out.icmpId = u16(b, p + 4);
        out.icmpSeq = u16(b, p + 6);
        out.l4HeaderLength = 8;
        out.payloadLength = declared - 8;
        return ParseStatus.OK_L4;
    }

    private static int u16(byte[] b, int p) {
        return ((b[p] & 0xff) << 8) | (b[p + 1] & 0xff);
    }

    private static int s32(byte[] b, int p) {
        return ((b[p] & 0xff) << 24) | ((b[p + 1] & 0xff) << 16) | ((b[p + 2] & 0xff) << 8) | (b[p + 3] & 0xff);
    }

    private static long u48(byte[] b, int p) {
        return ((long) u16(b, p) << 32) | (s32(b, p + 2) & 0xffffffffL);
    }

    /**
     * Per-thread scratch array for direct buffers.
     */
    private static final class Scratch {
        private static final ThreadLocal<byte[][]> HOLDER = ThreadLocal.withInitial(() -> new byte[][]{new byte[2048]});

        static byte[] get(int len) {
            byte[][] h = HOLDER.get();
            if (h[0].length < len) {
                h[0] = new byte[Math.max(len, h[0].length * 2)];
            }
            return h[0];
        }
    }
}
