package org.fwlb.packet;

import org.onlab.packet.Data;
import org.onlab.packet.Ethernet;
import org.onlab.packet.ICMP;
import org.onlab.packet.IPv4;
import org.onlab.packet.MacAddress;
import org.onlab.packet.TCP;
import org.onlab.packet.UDP;

/**
 * Builds well-formed frames with onlab classes (an independent implementation) for parser tests.
 */
final class Frames {
    static final MacAddress CLIENT_MAC = MacAddress.valueOf("02:00:00:00:00:05");
    static final MacAddress GW_MAC = MacAddress.valueOf("02:fb:00:00:01:fe");
    static final String CLIENT = "10.0.1.5";
    static final String VIP = "10.0.2.100";

    private Frames() {
    }

    static Ethernet tcp(int flags, int seq, int ack, byte[] payload, int vlan) {
        TCP tcp = new TCP();
        tcp.setSourcePort(40000);
        tcp.setDestinationPort(80);
        tcp.setSequence(seq);
        tcp.setAcknowledge(ack);
        tcp.setFlags((short) flags);
        tcp.setWindowSize((short) 29200);
        tcp.setDataOffset((byte) 5);
        if (payload != null) {
            tcp.setPayload(new Data(payload));
        }
        return ip(IPv4.PROTOCOL_TCP, tcp, vlan);
    }

    static Ethernet udp(int srcPort, int dstPort, byte[] payload) {
        UDP udp = new UDP();
        udp.setSourcePort(srcPort);
        udp.setDestinationPort(dstPort);
        udp.setPayload(new Data(payload));
        return ip(IPv4.PROTOCOL_UDP, udp, -1);
    }

    static Ethernet icmpEcho(int id, int seq) {
        ICMP icmp = new ICMP();
        icmp.setIcmpType(ICMP.TYPE_ECHO_REQUEST);
        icmp.setIcmpCode((byte) 0);
        icmp.setPayload(new Data(new byte[]{(byte) (id >> 8), (byte) id, (byte) (seq >> 8), (byte) seq, 1, 2, 3, 4}));
        return ip(IPv4.PROTOCOL_ICMP, icmp, -1);
    }

    static Ethernet ip(byte proto, org.onlab.packet.IPacket l4, int vlan) {
        IPv4 ip = new IPv4();
        ip.setSourceAddress(CLIENT);
        ip.setDestinationAddress(VIP);
        ip.setTtl((byte) 63);
        ip.setDiffServ((byte) (10 << 2));
        ip.setProtocol(proto);
        ip.setPayload(l4);
        Ethernet eth = new Ethernet();
        eth.setSourceMACAddress(CLIENT_MAC);
        eth.setDestinationMACAddress(GW_MAC);
        eth.setEtherType(Ethernet.TYPE_IPV4);
        if (vlan >= 0) {
            eth.setVlanID((short) vlan);
        }
        eth.setPayload(ip);
        return eth;
    }

    static byte[] syn() {
        return tcp(PacketSummary.SYN, 1000, 0, null, -1).serialize();
    }
}
