package org.fwlb.testing;

import org.onlab.packet.Ethernet;
import org.onlab.packet.IPv4;
import org.onlab.packet.MacAddress;
import org.onlab.packet.TCP;

/**
 * Raw TCP segments for tests that play a switch punting packets (built with onlab's classes, an implementation
 * independent of fwlb's parser): a short form for plain segments and a builder for SYNs with a given ISN, TTL,
 * path tag (VLAN) or a broken checksum.
 */
public final class TcpFrames {

    /** TCP flags. */
    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;
    public static final int URG = 0x20;
    public static final int SYN_ACK = SYN | ACK;
    public static final int FIN_ACK = FIN | ACK;

    private TcpFrames() {
    }

    /**
     * Builds an Ethernet/IPv4/TCP frame without payload.
     *
     * @param src   source MAC
     * @param dst   destination MAC
     * @param sip   source IPv4
     * @param sp    source port
     * @param dip   destination IPv4
     * @param dp    destination port
     * @param flags TCP flags
     * @return the frame's bytes
     */
    public static byte[] segment(MacAddress src, MacAddress dst, String sip, int sp, String dip, int dp,
                                 int flags) {
        return tcp().from(src, sip, sp).to(dst, dip, dp).flags(flags).bytes();
    }

    /**
     * Same, with an optional 802.1Q tag (the path tag of FIG 8).
     *
     * @param vlan VLAN id, or -1 for an untagged frame
     * @return the frame's bytes
     */
    public static byte[] segment(MacAddress src, MacAddress dst, String sip, int sp, String dip, int dp,
                                 int flags, int vlan) {
        return tcp().from(src, sip, sp).to(dst, dip, dp).flags(flags).vlan(vlan).bytes();
    }

    /** @return a builder of one segment (a SYN unless told otherwise) */
    public static Builder tcp() {
        return new Builder();
    }

    /** Builds one segment. */
    public static final class Builder {
        private MacAddress src = MacAddress.valueOf("02:00:00:00:00:01");
        private MacAddress dst = MacAddress.valueOf("02:00:00:00:00:02");
        private String sip = "10.0.1.11";
        private String dip = "10.0.2.21";
        private int sp = 40000;
        private int dp = 80;
        private int flags = SYN;
        private int seq = 1000;
        private Integer ack;
        private int vlan = -1;
        private int ttl = 64;
        private boolean badIpChecksum;
        private boolean badTcpChecksum;

        public Builder from(MacAddress mac, String ip, int port) {
            this.src = mac;
            this.sip = ip;
            this.sp = port;
            return this;
        }

        public Builder to(MacAddress mac, String ip, int port) {
            this.dst = mac;
            this.dip = ip;
            this.dp = port;
            return this;
        }

        public Builder flags(int f) {
            this.flags = f;
            return this;
        }

        /** The initial (or current) sequence number. */
        public Builder seq(int s) {
            this.seq = s;
            return this;
        }

        public Builder ack(int a) {
            this.ack = a;
            return this;
        }

        /** An 802.1Q tag; -1 for none. */
        public Builder vlan(int v) {
            this.vlan = v;
            return this;
        }

        public Builder ttl(int t) {
            this.ttl = t;
            return this;
        }

        /** The IPv4 header checksum will not verify. */
        public Builder badIpChecksum() {
            this.badIpChecksum = true;
            return this;
        }

        /** The TCP checksum will not verify. */
        public Builder badTcpChecksum() {
            this.badTcpChecksum = true;
            return this;
        }

        public byte[] bytes() {
            TCP tcp = new TCP();
            tcp.setSourcePort(sp);
            tcp.setDestinationPort(dp);
            tcp.setFlags((short) flags);
            tcp.setSequence(seq);
            tcp.setAcknowledge(ack != null ? ack : (flags & ACK) != 0 ? 2000 : 0);
            tcp.setDataOffset((byte) 5);
            tcp.setWindowSize((short) 1000);
            IPv4 ip = new IPv4();
            ip.setSourceAddress(sip);
            ip.setDestinationAddress(dip);
            ip.setProtocol(IPv4.PROTOCOL_TCP);
            ip.setTtl((byte) ttl);
            ip.setPayload(tcp);
            Ethernet eth = new Ethernet();
            eth.setSourceMACAddress(src);
            eth.setDestinationMACAddress(dst);
            if (vlan >= 0) {
                eth.setVlanID((short) vlan);
            }
            eth.setEtherType(Ethernet.TYPE_IPV4);
            eth.setPayload(ip);
            byte[] out = eth.serialize();
            int l3 = vlan >= 0 ? 18 : 14;
            if (badIpChecksum) {
                out[l3 + 10] ^= 0x5a;
            }
            if (badTcpChecksum) {
                out[l3 + 20 + 16] ^= 0x5a;
            }
            return out;
        }
    }
}
