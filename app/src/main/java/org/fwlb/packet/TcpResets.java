package org.fwlb.packet;

import org.onlab.packet.Ethernet;
import org.onlab.packet.IPv4;
import org.onlab.packet.MacAddress;
import org.onlab.packet.TCP;

import java.util.Optional;

/**
 * Builds the TCP RST the controller sends in answer to a segment of an unknown connection
 * (unknownNonSyn = drop-rst), following RFC 793 "Reset Generation" for a connection that does not exist:
 * if the segment carries ACK, the RST has SEQ = SEG.ACK and no ACK; otherwise SEQ = 0, ACK flag set and
 * ACK = SEG.SEQ + SEG.LEN (payload plus one for SYN and one for FIN). A RST is never answered.
 * The answer goes back to the sender: addresses and ports swapped, same VLAN.
 */
public final class TcpResets {
    private static final byte TTL = 64;

    private TcpResets() {
    }

    /**
     * Builds the RST answering a parsed TCP segment.
     *
     * @param segment the offending segment (must be TCP)
     * @return the RST frame, or empty when the segment is itself a RST
     * @throws IllegalArgumentException when the summary is not a parsed TCP segment
     */
    public static Optional<Ethernet> answer(PacketSummary segment) {
        if (!segment.isTcp()) {
            throw new IllegalArgumentException("not a TCP segment: " + segment);
        }
        int flags = segment.tcpFlags();
        if ((flags & PacketSummary.RST) != 0) {
            return Optional.empty();
        }
        TCP tcp = new TCP();
        tcp.setSourcePort(segment.dstPort());
        tcp.setDestinationPort(segment.srcPort());
        tcp.setDataOffset((byte) 5);
        tcp.setWindowSize((short) 0);
        if ((flags & PacketSummary.ACK) != 0) {
            tcp.setSequence(segment.ack());
            tcp.setAcknowledge(0);
            tcp.setFlags((short) PacketSummary.RST);
        } else {
            int segLen = segment.payloadLength() + ((flags & PacketSummary.SYN) != 0 ? 1 : 0)
                    + ((flags & PacketSummary.FIN) != 0 ? 1 : 0);
            tcp.setSequence(0);
            tcp.setAcknowledge(segment.seq() + segLen);
            tcp.setFlags((short) (PacketSummary.RST | PacketSummary.ACK));
        }
        IPv4 ip = new IPv4();
        ip.setSourceAddress(segment.ipDst());
        ip.setDestinationAddress(segment.ipSrc());
        ip.setTtl(TTL);
        ip.setProtocol(IPv4.PROTOCOL_TCP);
        ip.setPayload(tcp);
        Ethernet eth = new Ethernet();
        eth.setSourceMACAddress(MacAddress.valueOf(segment.ethDst()));
        eth.setDestinationMACAddress(MacAddress.valueOf(segment.ethSrc()));
        eth.setEtherType(Ethernet.TYPE_IPV4);
        if (segment.vlanId() != PacketSummary.NONE) {
            eth.setVlanID((short) segment.vlanId());
        }
        eth.setPayload(ip);
        return Optional.of(eth);
    }
}
