package org.fwlb.packet;

import org.fwlb.model.ConnectionKey;
import org.fwlb.model.FlowKey;
import org.fwlb.model.Ip4;
import org.fwlb.policy.FlowHash;
import org.onlab.packet.MacAddress;

/**
 * The header fields of one frame, filled by {@link PacketParser}. Mutable and reusable (one per thread)
 * so that parsing allocates nothing; copy what you keep. Fields not present in the frame keep their
 * reset values (-1 for VLAN/MPLS, 0 otherwise).
 */
public final class PacketSummary {
    /** VLAN id / MPLS label value meaning "absent". */
    public static final int NONE = -1;
    /** Ethertype IPv4. */
    public static final int ETH_IPV4 = 0x0800;
    /** Ethertype ARP. */
    public static final int ETH_ARP = 0x0806;
    /** IP protocol ICMP. */
    public static final int PROTO_ICMP = 1;
    /** IP protocol TCP. */
    public static final int PROTO_TCP = 6;
    /** IP protocol UDP. */
    public static final int PROTO_UDP = 17;
    /** TCP flag FIN. */
    public static final int FIN = 0x01;
    /** TCP flag SYN. */
    public static final int SYN = 0x02;
    /** TCP flag RST. */
    public static final int RST = 0x04;
    /** TCP flag PSH. */
    public static final int PSH = 0x08;
    /** TCP flag ACK. */
    public static final int ACK = 0x10;

    ParseStatus status = ParseStatus.NOT_PARSED;
    long ethDst;
    long ethSrc;
    int vlanId;
    int vlanPcp;
    int innerVlanId;
    int mplsLabel;
    int ethType;
    int l3Offset;
    int ipSrc;
    int ipDst;
    int ipProto;
    int ipHeaderLength;
    int ipTotalLength;
    int ttl;
    int dscp;
    boolean fragment;
    boolean truncated;
    int l4Offset;
    int srcPort;
    int dstPort;
    int tcpFlags;
    int seq;
    int ack;
    int window;
    int l4HeaderLength;
    int payloadLength;
    int icmpType;
    int icmpCode;
    int icmpId;
    int icmpSeq;
    int arpOp;
    long arpSenderMac;
    int arpSenderIp;
    long arpTargetMac;
    int arpTargetIp;

    /**
     * Creates an empty summary.
     */
    public PacketSummary() {
        reset();
    }

    /**
     * Clears every field.
     */
    public void reset() {
        status = ParseStatus.NOT_PARSED;
        ethDst = 0;
        ethSrc = 0;
        vlanId = NONE;
        vlanPcp = 0;
        innerVlanId = NONE;
        mplsLabel = NONE;
        ethType = 0;
        l3Offset = 0;
        ipSrc = 0;
        ipDst = 0;
        ipProto = 0;
        ipHeaderLength = 0;
        ipTotalLength = 0;
        ttl = 0;
        dscp = 0;
        fragment = false;
        truncated = false;
        l4Offset = 0;
        srcPort = 0;
        dstPort = 0;
        tcpFlags = 0;
        seq = 0;
        ack = 0;
        window = 0;
        l4HeaderLength = 0;
        payloadLength = 0;
        icmpType = 0;
        icmpCode = 0;
        icmpId = 0;
        icmpSeq = 0;
        arpOp = 0;
        arpSenderMac = 0;
        arpSenderIp = 0;
        arpTargetMac = 0;
        arpTargetIp = 0;
    }

    /**
     * Returns the parse outcome.
     *
     * @return status
     */
    public ParseStatus status() {
        return status;
    }

    /**
     * Returns true when the frame was parsed (fully or up to a known layer).
     *
     * @return true when parsed
     */
    public boolean isParsed() {
        return status.isParsed();
    }

    /**
     * Returns destination MAC as the low 48 bits.
     *
     * @return MAC
     */
    public long ethDst() {
        return ethDst;
    }

    /**
     * Returns source MAC as the low 48 bits.
     *
     * @return MAC
     */
    public long ethSrc() {
        return ethSrc;
    }

    /**
     * Returns the destination MAC (allocates).
     *
     * @return MAC address
     */
    public MacAddress ethDstMac() {
        return MacAddress.valueOf(ethDst);
    }

    /**
     * Returns the source MAC (allocates).
     *
     * @return MAC address
     */
    public MacAddress ethSrcMac() {
        return MacAddress.valueOf(ethSrc);
    }

    /**
     * Returns the outer VLAN id.
     *
     * @return 0..4095, or {@link #NONE}
     */
    public int vlanId() {
        return vlanId;
    }

    /**
     * Returns the outer VLAN priority.
     *
     * @return 0..7
     */
    public int vlanPcp() {
        return vlanPcp;
    }

    /**
     * Returns the inner VLAN id (QinQ).
     *
     * @return 0..4095, or {@link #NONE}
     */
    public int innerVlanId() {
        return innerVlanId;
    }

    /**
     * Returns the top MPLS label.
     *
     * @return label, or {@link #NONE}
     */
    public int mplsLabel() {
        return mplsLabel;
    }

    /**
     * Returns the ethertype after VLAN tags (0x0800 also for IPv4 under MPLS).
     *
     * @return ethertype
     */
    public int ethType() {
        return ethType;
    }

    /**
     * Returns the offset of the network header from the start of the frame.
     *
     * @return bytes
     */
    public int l3Offset() {
        return l3Offset;
    }

    /**
     * Returns true for an IPv4 packet.
     *
     * @return true when IPv4 was parsed
     */
    public boolean isIpv4() {
        return status == ParseStatus.OK_L3 || status == ParseStatus.OK_L4;
    }

    /**
     * Returns the IPv4 source.
     *
     * @return address as int
     */
    public int ipSrc() {
        return ipSrc;
    }

    /**
     * Returns the IPv4 destination.
     *
     * @return address as int
     */
    public int ipDst() {
        return ipDst;
    }

    /**
     * Returns the IP protocol number.
     *
     * @return protocol
     */
    public int ipProto() {
        return ipProto;
    }

    /**
     * Returns the IPv4 header length.
     *
     * @return bytes
     */
    public int ipHeaderLength() {
        return ipHeaderLength;
    }

    /**
     * Returns the IPv4 total length as declared.
     *
     * @return bytes
     */
    public int ipTotalLength() {
        return ipTotalLength;
    }

    /**
     * Returns the TTL.
     *
     * @return TTL
     */
    public int ttl() {
        return ttl;
    }

    /**
     * Returns the DSCP.
     *
     * @return DSCP
     */
    public int dscp() {
        return dscp;
    }

    /**
     * Returns true for an IPv4 fragment (more fragments, or a non-zero offset).
     *
     * @return true when fragmented
     */
    public boolean isFragment() {
        return fragment;
    }

    /**
     * Returns true when the frame holds fewer bytes than the IPv4 total length says (e.g. a packet-in
     * cut by miss_send_len); the headers were complete.
     *
     * @return true when the payload is cut short
     */
    public boolean isTruncated() {
        return truncated;
    }

    /**
     * Returns the offset of the transport header from the start of the frame.
     *
     * @return bytes
     */
    public int l4Offset() {
        return l4Offset;
    }

    /**
     * Returns true when a TCP header was parsed.
     *
     * @return true for TCP
     */
    public boolean isTcp() {
        return status == ParseStatus.OK_L4 && ipProto == PROTO_TCP;
    }

    /**
     * Returns true when a UDP header was parsed.
     *
     * @return true for UDP
     */
    public boolean isUdp() {
        return status == ParseStatus.OK_L4 && ipProto == PROTO_UDP;
    }

    /**
     * Returns true when an ICMP header was parsed.
     *
     * @return true for ICMP
     */
    public boolean isIcmp() {
        return status == ParseStatus.OK_L4 && ipProto == PROTO_ICMP;
    }

    /**
     * Returns true for an ARP packet.
     *
     * @return true for ARP
     */
    public boolean isArp() {
        return status == ParseStatus.OK_ARP;
    }

    /**
     * Returns the transport source port (TCP/UDP).
     *
     * @return port
     */
    public int srcPort() {
        return srcPort;
    }

    /**
     * Returns the transport destination port (TCP/UDP).
     *
     * @return port
     */
    public int dstPort() {
        return dstPort;
    }

    /**
     * Returns the TCP flags (9 bits: NS, CWR, ECE, URG, ACK, PSH, RST, SYN, FIN).
     *
     * @return flags
     */
    public int tcpFlags() {
        return tcpFlags;
    }

    /**
     * Returns true for a connection-opening SYN (SYN without ACK).
     *
     * @return true for an initial SYN
     */
    public boolean isSyn() {
        return isTcp() && (tcpFlags & (SYN | ACK | RST)) == SYN;
    }

    /**
     * Returns true for a SYN-ACK.
     *
     * @return true for SYN+ACK
     */
    public boolean isSynAck() {
        return isTcp() && (tcpFlags & (SYN | ACK | RST)) == (SYN | ACK);
    }

    /**
     * Returns true when FIN is set.
     *
     * @return true for FIN
     */
    public boolean isFin() {
        return isTcp() && (tcpFlags & FIN) != 0;
    }

    /**
     * Returns true when RST is set.
     *
     * @return true for RST
     */
    public boolean isRst() {
        return isTcp() && (tcpFlags & RST) != 0;
    }

    /**
     * Returns the TCP sequence number.
     *
     * @return sequence number (unsigned in an int)
     */
    public int seq() {
        return seq;
    }

    /**
     * Returns the TCP acknowledgment number.
     *
     * @return ack number (unsigned in an int)
     */
    public int ack() {
        return ack;
    }

    /**
     * Returns the TCP window.
     *
     * @return window
     */
    public int window() {
        return window;
    }

    /**
     * Returns the transport header length (TCP incl. options, UDP 8, ICMP 8).
     *
     * @return bytes
     */
    public int l4HeaderLength() {
        return l4HeaderLength;
    }

    /**
     * Returns the transport payload length as declared by the headers.
     *
     * @return bytes
     */
    public int payloadLength() {
        return payloadLength;
    }

    /**
     * Returns the ICMP type.
     *
     * @return type
     */
    public int icmpType() {
        return icmpType;
    }

    /**
     * Returns the ICMP code.
     *
     * @return code
     */
    public int icmpCode() {
        return icmpCode;
    }

    /**
     * Returns the ICMP echo identifier.
     *
     * @return identifier
     */
    public int icmpId() {
        return icmpId;
    }

    /**
     * Returns the ICMP echo sequence number.
     *
     * @return sequence
     */
    public int icmpSeq() {
        return icmpSeq;
    }

    /**
     * Returns the ARP opcode (1 request, 2 reply).
     *
     * @return opcode
     */
    public int arpOp() {
        return arpOp;
    }

    /**
     * Returns the ARP sender hardware address.
     *
     * @return MAC as low 48 bits
     */
    public long arpSenderMac() {
        return arpSenderMac;
    }

    /**
     * Returns the ARP sender protocol address.
     *
     * @return IPv4 as int
     */
    public int arpSenderIp() {
        return arpSenderIp;
    }

    /**
     * Returns the ARP target hardware address.
     *
     * @return MAC as low 48 bits
     */
    public long arpTargetMac() {
        return arpTargetMac;
    }

    /**
     * Returns the ARP target protocol address.
     *
     * @return IPv4 as int
     */
    public int arpTargetIp() {
        return arpTargetIp;
    }

    /**
     * Returns the directional 5-tuple (allocates).
     *
     * @return flow key
     * @throws IllegalStateException when no TCP/UDP header was parsed
     */
    public FlowKey flowKey() {
        requireTransport();
        return FlowKey.of(ipProto, ipSrc, srcPort, ipDst, dstPort);
    }

    /**
     * Returns the canonical connection key (allocates).
     *
     * @return key
     * @throws IllegalStateException when no TCP/UDP header was parsed
     */
    public ConnectionKey connectionKey() {
        requireTransport();
        return ConnectionKey.of(ipProto, ipSrc, srcPort, ipDst, dstPort);
    }

    /**
     * Returns the symmetric hash of the connection (both directions equal); allocation-free.
     *
     * @return hash
     */
    public long symmetricHash() {
        return FlowHash.symmetric(ipProto, ipSrc, srcPort, ipDst, dstPort);
    }

    private void requireTransport() {
        if (!isTcp() && !isUdp()) {
            throw new IllegalStateException("no TCP/UDP header parsed (" + status.description() + ")");
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(status.name());
        if (!status.isParsed()) {
            return sb.append(": ").append(status.description()).toString();
        }
        sb.append(' ').append(MacAddress.valueOf(ethSrc)).append(" > ").append(MacAddress.valueOf(ethDst));
        if (vlanId != NONE) {
            sb.append(" vlan ").append(vlanId);
        }
        if (mplsLabel != NONE) {
            sb.append(" mpls ").append(mplsLabel);
        }
        if (isArp()) {
            sb.append(" arp op ").append(arpOp).append(' ').append(Ip4.format(arpSenderIp)).append(" > ")
                    .append(Ip4.format(arpTargetIp));
        } else if (isIpv4()) {
            sb.append(' ').append(Ip4.format(ipSrc));
            if (isTcp() || isUdp()) {
                sb.append(':').append(srcPort);
            }
            sb.append(" > ").append(Ip4.format(ipDst));
            if (isTcp() || isUdp()) {
                sb.append(':').append(dstPort);
            }
            sb.append(" proto ").append(ipProto);
            if (isTcp()) {
                sb.append(" flags 0x").append(Integer.toHexString(tcpFlags)).append(" seq ")
                        .append(Integer.toUnsignedString(seq)).append(" ack ").append(Integer.toUnsignedString(ack))
                        .append(" len ").append(payloadLength);
            }
        } else {
            sb.append(" ethertype 0x").append(Integer.toHexString(ethType));
        }
        return sb.toString();
    }
}
