package org.fwlb.packet;

import org.onlab.packet.ARP;
import org.onlab.packet.Ethernet;
import org.onlab.packet.Ip4Address;
import org.onlab.packet.MacAddress;
import org.onosproject.net.ConnectPoint;
import org.onosproject.net.flow.DefaultTrafficTreatment;
import org.onosproject.net.packet.DefaultOutboundPacket;
import org.onosproject.net.packet.OutboundPacket;

import java.nio.ByteBuffer;

import static com.google.common.base.Preconditions.checkNotNull;

/**
 * Builds the ARP packets the controller originates: replies for virtual gateways and VIPs, and requests
 * used as health probes.
 */
public final class ArpPackets {
    /** VLAN value meaning untagged. */
    public static final int UNTAGGED = PacketSummary.NONE;

    private ArpPackets() {
    }

    /**
     * Builds an ARP reply.
     *
     * @param answerMac    the MAC being announced (e.g. the virtual gateway's)
     * @param answerIp     the IP it belongs to
     * @param requesterMac who asked
     * @param requesterIp  its IP
     * @param vlanId       VLAN id, or {@link #UNTAGGED}
     * @return the frame
     */
    public static Ethernet reply(MacAddress answerMac, Ip4Address answerIp, MacAddress requesterMac,
                                 Ip4Address requesterIp, int vlanId) {
        return frame(ARP.OP_REPLY, answerMac, answerIp, requesterMac, requesterIp, requesterMac, vlanId);
    }

    /**
     * Builds the reply to a parsed ARP request.
     *
     * @param request   the request (must be ARP)
     * @param answerMac the MAC that owns the requested IP
     * @return the frame
     * @throws IllegalArgumentException when the summary is not an ARP request
     */
    public static Ethernet replyTo(PacketSummary request, MacAddress answerMac) {
        if (!request.isArp() || request.arpOp() != ARP.OP_REQUEST) {
            throw new IllegalArgumentException("not an ARP request: " + request);
        }
        return reply(answerMac, Ip4Address.valueOf(request.arpTargetIp()), MacAddress.valueOf(request.arpSenderMac()),
                     Ip4Address.valueOf(request.arpSenderIp()), request.vlanId());
    }

    /**
     * Returns the packet-out answering an ARP request out of the port it came in on.
     *
     * @param from      where the request came in
     * @param request   the request
     * @param answerMac the MAC the target address resolves to
     * @return packet to emit
     */
    public static OutboundPacket replyOut(ConnectPoint from, PacketSummary request, MacAddress answerMac) {
        return new DefaultOutboundPacket(from.deviceId(),
                                         DefaultTrafficTreatment.builder().setOutput(from.port()).build(),
                                         ByteBuffer.wrap(replyTo(request, answerMac).serialize()));
    }

    /**
     * Builds a broadcast ARP request (e.g. a probe of a firewall interface).
     *
     * @param senderMac MAC of the asker
     * @param senderIp  IP of the asker
     * @param targetIp  IP asked for
     * @param vlanId    VLAN id, or {@link #UNTAGGED}
     * @return the frame
     */
    public static Ethernet request(MacAddress senderMac, Ip4Address senderIp, Ip4Address targetIp, int vlanId) {
        return frame(ARP.OP_REQUEST, senderMac, senderIp, MacAddress.ZERO, targetIp, MacAddress.BROADCAST, vlanId);
    }

    private static Ethernet frame(short op, MacAddress senderMac, Ip4Address senderIp, MacAddress targetMac,
                                  Ip4Address targetIp, MacAddress ethDst, int vlanId) {
        checkNotNull(senderMac, "senderMac");
        checkNotNull(senderIp, "senderIp");
        checkNotNull(targetMac, "targetMac");
        checkNotNull(targetIp, "targetIp");
        ARP arp = new ARP();
        arp.setHardwareType(ARP.HW_TYPE_ETHERNET);
        arp.setProtocolType(ARP.PROTO_TYPE_IP);
        arp.setHardwareAddressLength((byte) Ethernet.DATALAYER_ADDRESS_LENGTH);
        arp.setProtocolAddressLength((byte) Ip4Address.BYTE_LENGTH);
        arp.setOpCode(op);
        arp.setSenderHardwareAddress(senderMac.toBytes());
        arp.setSenderProtocolAddress(senderIp.toOctets());
        arp.setTargetHardwareAddress(targetMac.toBytes());
        arp.setTargetProtocolAddress(targetIp.toOctets());
        Ethernet eth = new Ethernet();
        eth.setSourceMACAddress(senderMac);
        eth.setDestinationMACAddress(ethDst);
        eth.setEtherType(Ethernet.TYPE_ARP);
        if (vlanId != UNTAGGED) {
            eth.setVlanID((short) vlanId);
        }
        eth.setPayload(arp);
        return eth;
    }
}
