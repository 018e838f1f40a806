package org.fwlb.testing;

import org.onlab.packet.Ethernet;
import org.onlab.packet.IPv4;
import org.onlab.packet.MacAddress;
import org.onlab.packet.TCP;

/**
 * Raw TCP segments for tests that play a switch punting packets.
 */
public final class TcpFrames {

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
        eth.setEtherType(Ethernet.TYPE_IPV4);
        eth.setPayload(ip);
        return eth.serialize();
    }
}
