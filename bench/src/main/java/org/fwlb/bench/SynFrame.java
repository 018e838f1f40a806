package org.fwlb.bench;

import org.onlab.packet.Ethernet;
import org.onlab.packet.IPv4;
import org.onlab.packet.MacAddress;
import org.onlab.packet.TCP;

/**
 * One raw TCP SYN frame, as a switch punts it, whose client address and port are rewritten in place for
 * every decision (so that every decision sees a new connection) without allocating. The frame is built
 * once with onlab's packet classes; it carries the options of a Linux SYN (MSS, SACK permitted,
 * timestamps, window scale) and optionally one VLAN tag (the FIG 8 path tag). Its IPv4 and TCP checksums stay
 * valid (the engine verifies both before a SYN may open a connection): every rewrite of the client address and
 * port updates them incrementally (RFC 1624), a few integer operations.
 */
final class SynFrame {

    /** Clients come from 198.18.0.0/15 (RFC 2544 benchmarking range). */
    static final int CLIENT_NET = 0xC6120000;
    /** Client ports used per client address. */
    static final int PORTS_PER_CLIENT = 64512;
    private static final int CLIENTS = 1 << 17;

    private static final byte[] SYN_OPTIONS = {
        2, 4, 0x05, (byte) 0xb4,                  // MSS 1460
        4, 2,                                     // SACK permitted
        8, 10, 0, 0, 0, 1, 0, 0, 0, 0,            // timestamps
        1,                                        // NOP
        3, 3, 7,                                  // window scale 7
    };

    private final byte[] bytes;
    private final int l3;
    private final boolean tagged;

    private SynFrame(byte[] bytes, boolean tagged) {
        this.bytes = bytes;
        this.tagged = tagged;
        this.l3 = tagged ? 18 : 14;
    }

    /**
     * Builds a SYN.
     *
     * @param src     source MAC
     * @param dst     destination MAC
     * @param vlan    VLAN id to carry, or -1 for none
     * @param dstIp   destination IPv4 (server or VIP)
     * @param dstPort destination port
     * @return frame
     */
    static SynFrame build(MacAddress src, MacAddress dst, int vlan, String dstIp, int dstPort) {
        return build(src, dst, vlan, dstIp, dstPort, 64);
    }

    /**
     * Builds a SYN with a given TTL (a SYN a firewall routed has one less).
     *
     * @param src     source MAC
     * @param dst     destination MAC
     * @param vlan    VLAN id to carry, or -1 for none
     * @param dstIp   destination IPv4 (server or VIP)
     * @param dstPort destination port
     * @param ttl     IPv4 TTL
     * @return frame
     */
    static SynFrame build(MacAddress src, MacAddress dst, int vlan, String dstIp, int dstPort, int ttl) {
        TCP tcp = new TCP();
        tcp.setSourcePort(1024);
        tcp.setDestinationPort(dstPort);
        tcp.setSequence(0x1234567);
        tcp.setFlags((short) 0x02);
        tcp.setWindowSize((short) 64240);
        tcp.setOptions(SYN_OPTIONS);
        tcp.setDataOffset((byte) ((20 + SYN_OPTIONS.length) / 4));
        IPv4 ip = new IPv4();
        ip.setSourceAddress(CLIENT_NET);
        ip.setDestinationAddress(dstIp);
        ip.setProtocol(IPv4.PROTOCOL_TCP);
        ip.setTtl((byte) ttl);
        ip.setPayload(tcp);
        Ethernet eth = new Ethernet();
        eth.setSourceMACAddress(src);
        eth.setDestinationMACAddress(dst);
        eth.setEtherType(Ethernet.TYPE_IPV4);
        if (vlan >= 0) {
            eth.setVlanID((short) vlan);
        }
        eth.setPayload(ip);
        return new SynFrame(eth.serialize(), vlan >= 0);
    }

    /**
     * Returns the client address of the n-th connection.
     *
     * @param n connection number
     * @return IPv4 as int
     */
    static int clientIp(long n) {
        return CLIENT_NET + (int) ((n / PORTS_PER_CLIENT) % CLIENTS);
    }

    /**
     * Returns the client port of the n-th connection.
     *
     * @param n connection number
     * @return port
     */
    static int clientPort(long n) {
        return 1024 + (int) (n % PORTS_PER_CLIENT);
    }

    /**
     * Rewrites the frame to be the SYN of the n-th connection.
     *
     * @param n connection number
     * @return the frame's bytes
     */
    byte[] connection(long n) {
        int ip = clientIp(n);
        int port = clientPort(n);
        int ipCsum = l3 + 10;
        int tcpCsum = l3 + 20 + 16;
        // the source address is in the IPv4 header and in the TCP pseudo-header; the port only in TCP
        rewrite16(l3 + 12, ip >>> 16, ipCsum, tcpCsum);
        rewrite16(l3 + 14, ip & 0xffff, ipCsum, tcpCsum);
        rewrite16(l3 + 20, port, -1, tcpCsum);
        return bytes;
    }

    /** Writes a 16-bit word and updates the checksums that cover it: HC' = ~(~HC + ~m + m'), RFC 1624 eqn. 3. */
    private void rewrite16(int at, int value, int csum1, int csum2) {
        int old = u16(at);
        if (old == value) {
            return;
        }
        put16(at, value);
        if (csum1 >= 0) {
            put16(csum1, adjust(u16(csum1), old, value));
        }
        put16(csum2, adjust(u16(csum2), old, value));
    }

    private static int adjust(int checksum, int oldWord, int newWord) {
        int s = (~checksum & 0xffff) + (~oldWord & 0xffff) + newWord;
        s = (s & 0xffff) + (s >>> 16);
        s = (s & 0xffff) + (s >>> 16);
        return ~s & 0xffff;
    }

    private int u16(int at) {
        return ((bytes[at] & 0xff) << 8) | (bytes[at + 1] & 0xff);
    }

    private void put16(int at, int v) {
        bytes[at] = (byte) (v >>> 8);
        bytes[at + 1] = (byte) v;
    }

    /**
     * Rewrites the source MAC (e.g. the firewall that forwarded the SYN).
     *
     * @param mac MAC as the low 48 bits
     */
    void sourceMac(long mac) {
        for (int i = 0; i < 6; i++) {
            bytes[6 + i] = (byte) (mac >>> (40 - 8 * i));
        }
    }

    /**
     * Rewrites the destination MAC.
     *
     * @param mac MAC as the low 48 bits
     */
    void destinationMac(long mac) {
        for (int i = 0; i < 6; i++) {
            bytes[i] = (byte) (mac >>> (40 - 8 * i));
        }
    }

    /**
     * Rewrites the VLAN id of a tagged frame.
     *
     * @param vlan VLAN id
     */
    void vlan(int vlan) {
        if (!tagged) {
            throw new IllegalStateException("frame has no VLAN tag");
        }
        bytes[14] = (byte) ((bytes[14] & 0xf0) | ((vlan >>> 8) & 0x0f));
        bytes[15] = (byte) vlan;
    }

    /**
     * Returns the frame's bytes.
     *
     * @return bytes (shared, rewritten by {@link #connection})
     */
    byte[] bytes() {
        return bytes;
    }
}
