package org.fwlb.bench;

import org.onlab.packet.MacAddress;
import org.onosproject.net.flow.instructions.Instruction;
import org.onosproject.net.flow.instructions.L2ModificationInstruction;
import org.onosproject.net.flow.instructions.L2ModificationInstruction.ModEtherInstruction;
import org.onosproject.net.flow.instructions.L2ModificationInstruction.ModVlanIdInstruction;
import org.onosproject.net.packet.OutboundPacket;

import java.nio.ByteBuffer;

/**
 * What the network does to a released SYN between two punts, for the per-stage benchmark: a switch applies the
 * packet-out's L2 actions (Ethernet source and destination, VLAN push, VLAN id, VLAN pop; the output port and any
 * L3 rewrite are not needed to reach the next decision point), and a firewall routes it (new MACs, TTL minus one
 * with the IPv4 checksum updated). Frames are plain Ethernet II, optionally with one 802.1Q tag.
 */
final class Wire {

    private static final int TPID = 0x8100;

    private Wire() {
    }

    /**
     * Returns the frame a packet-out puts on the wire.
     *
     * @param out packet-out
     * @return new frame bytes
     */
    static byte[] apply(OutboundPacket out) {
        ByteBuffer data = out.data().duplicate();
        byte[] f = new byte[data.remaining()];
        data.get(f);
        for (Instruction i : out.treatment().immediate()) {
            if (!(i instanceof L2ModificationInstruction)) {
                continue;
            }
            L2ModificationInstruction l2 = (L2ModificationInstruction) i;
            switch (l2.subtype()) {
                case ETH_DST:
                    mac(f, 0, ((ModEtherInstruction) l2).mac());
                    break;
                case ETH_SRC:
                    mac(f, 6, ((ModEtherInstruction) l2).mac());
                    break;
                case VLAN_PUSH:
                    f = pushTag(f);
                    break;
                case VLAN_ID:
                    if (!tagged(f)) {
                        throw new IllegalStateException("VLAN id set on an untagged frame");
                    }
                    int vid = ((ModVlanIdInstruction) l2).vlanId().toShort();
                    f[14] = (byte) ((f[14] & 0xf0) | ((vid >>> 8) & 0x0f));
                    f[15] = (byte) vid;
                    break;
                case VLAN_POP:
                    f = popTag(f);
                    break;
                default:
                    throw new IllegalStateException("the benchmark's wire does not apply " + l2);
            }
        }
        return f;
    }

    /**
     * A firewall routes a frame: its MACs become the firewall's and the next hop's, the TTL drops by one.
     *
     * @param f   frame (changed in place)
     * @param src the firewall's interface MAC
     * @param dst the next hop's MAC
     */
    static void route(byte[] f, MacAddress src, MacAddress dst) {
        mac(f, 0, dst);
        mac(f, 6, src);
        int l3 = tagged(f) ? 18 : 14;
        int oldWord = ((f[l3 + 8] & 0xff) << 8) | (f[l3 + 9] & 0xff);
        int ttl = (f[l3 + 8] & 0xff) - 1;
        f[l3 + 8] = (byte) ttl;
        int newWord = (ttl << 8) | (f[l3 + 9] & 0xff);
        int c = ((f[l3 + 10] & 0xff) << 8) | (f[l3 + 11] & 0xff);
        int s = (~c & 0xffff) + (~oldWord & 0xffff) + newWord;
        s = (s & 0xffff) + (s >>> 16);
        s = (s & 0xffff) + (s >>> 16);
        c = ~s & 0xffff;
        f[l3 + 10] = (byte) (c >>> 8);
        f[l3 + 11] = (byte) c;
    }

    /**
     * Returns the destination MAC of a frame.
     *
     * @param f frame
     * @return MAC as the low 48 bits
     */
    static long dstMac(byte[] f) {
        long m = 0;
        for (int i = 0; i < 6; i++) {
            m = (m << 8) | (f[i] & 0xff);
        }
        return m;
    }

    /**
     * Returns the VLAN id of a tagged frame.
     *
     * @param f frame
     * @return VLAN id, or -1 when untagged
     */
    static int vlan(byte[] f) {
        return tagged(f) ? ((f[14] & 0x0f) << 8) | (f[15] & 0xff) : -1;
    }

    private static boolean tagged(byte[] f) {
        return (((f[12] & 0xff) << 8) | (f[13] & 0xff)) == TPID;
    }

    private static void mac(byte[] f, int at, MacAddress mac) {
        System.arraycopy(mac.toBytes(), 0, f, at, 6);
    }

    private static byte[] pushTag(byte[] f) {
        byte[] out = new byte[f.length + 4];
        System.arraycopy(f, 0, out, 0, 12);
        out[12] = (byte) (TPID >>> 8);
        out[13] = (byte) TPID;
        System.arraycopy(f, 12, out, 16, f.length - 12);
        return out;
    }

    private static byte[] popTag(byte[] f) {
        if (!tagged(f)) {
            throw new IllegalStateException("VLAN pop on an untagged frame");
        }
        byte[] out = new byte[f.length - 4];
        System.arraycopy(f, 0, out, 0, 12);
        System.arraycopy(f, 16, out, 12, f.length - 16);
        return out;
    }
}
