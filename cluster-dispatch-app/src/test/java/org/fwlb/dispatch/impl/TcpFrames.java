package org.fwlb.dispatch.impl;

import org.onlab.packet.Ethernet;
import org.onlab.packet.IPv4;
import org.onlab.packet.MacAddress;
import org.onlab.packet.TCP;

/**
 * Raw TCP segments for tests that play a switch punting packets (as fwlb-app's test TcpFrames, plus an
 * optional VLAN tag: the path tag of FIG 8).
 */
final class TcpFrames {

    static final int SYN = 0x02;
    static final int SYN_ACK = 0x12;
    static final int ACK = 0x10;
    static final int FIN_ACK = 0x11;
    static final int RST = 0x04;

    private TcpFrames() {
    }

    static byte[] segment(MacAddress src, MacAddress dst, String sip, int sp, String dip, int dp, int flags) {
        return segment(src, dst, sip, sp, dip, dp, flags, -1);
    }

    /**
     * Builds an Ethernet[/802.1Q]/IPv4/TCP frame without payload.
     *
     * @param vlan VLAN id, or -1 for an untagged frame
     */
    static byte[] segment(MacAddress src, MacAddress dst, String sip, int sp, String dip, int dp, int flags,
                          int vlan) {
        TCP tcp = new TCP();
        tcp.setSourcePort(sp);
        tcp.setDestinationPort(dp);
        tcp.setFlags((short) flags);
        tcp.setSequence(1000);
        tcp.setAcknowledge((flags & 0x10) != 0 ? 2000 : 0);
        tcp.setDataOffset((byte) 5);
        tcp.setWindowSize((short) 1000);
        IPv4 ip = new IPv4();
        ip.setSourceAddress(sip);
        ip.setDestinationAddress(dip);
        ip.setProtocol(IPv4.PROTOCOL_TCP);
        ip.setTtl((byte) 64);
        ip.setPayload(tcp);
        Ethernet eth = new Ethernet();
        eth.setSourceMACAddress(src);
        eth.setDestinationMACAddress(dst);
        if (vlan >= 0) {
            eth.setVlanID((short) vlan);
        }
        eth.setEtherType(Ethernet.TYPE_IPV4);
        eth.setPayload(ip);
        return eth.serialize();
    }
}
