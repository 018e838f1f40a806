package org.fwlb.packet;

import org.junit.jupiter.api.Test;
import org.onlab.packet.ARP;
import org.onlab.packet.Ip4Address;
import org.onlab.packet.MacAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ArpPacketsTest {
    private static final MacAddress HOST = MacAddress.valueOf("02:00:00:00:00:05");
    private static final MacAddress GW = MacAddress.valueOf("02:fb:00:00:01:fe");
    private static final Ip4Address HOST_IP = Ip4Address.valueOf("10.0.1.5");
    private static final Ip4Address GW_IP = Ip4Address.valueOf("10.0.1.254");

    @Test
    void replyToARequestForTheVirtualGateway() {
        PacketSummary req = new PacketSummary();
        PacketParser.parse(ArpPackets.request(HOST, HOST_IP, GW_IP, 7).serialize(), req);
        PacketSummary rep = new PacketSummary();
        assertEquals(ParseStatus.OK_ARP, PacketParser.parse(ArpPackets.replyTo(req, GW).serialize(), rep));
        assertEquals(ARP.OP_REPLY, rep.arpOp());
        assertEquals(GW.toLong(), rep.arpSenderMac());
        assertEquals(GW_IP.toInt(), rep.arpSenderIp());
        assertEquals(HOST.toLong(), rep.arpTargetMac());
        assertEquals(HOST_IP.toInt(), rep.arpTargetIp());
        assertEquals(GW.toLong(), rep.ethSrc());
        assertEquals(HOST.toLong(), rep.ethDst());
        assertEquals(7, rep.vlanId());
    }

    @Test
    void requestIsBroadcastWithZeroTarget() {
        PacketSummary s = new PacketSummary();
        PacketParser.parse(ArpPackets.request(GW, GW_IP, HOST_IP, ArpPackets.UNTAGGED).serialize(), s);
        assertEquals(ARP.OP_REQUEST, s.arpOp());
        assertEquals(MacAddress.BROADCAST.toLong(), s.ethDst());
        assertEquals(0, s.arpTargetMac());
        assertEquals(HOST_IP.toInt(), s.arpTargetIp());
        assertEquals(PacketSummary.NONE, s.vlanId());
    }

    @Test
    void replyToSomethingElseIsRefused() {
        PacketSummary s = new PacketSummary();
        PacketParser.parse(Frames.syn(), s);
        assertThrows(IllegalArgumentException.class, () -> ArpPackets.replyTo(s, GW));
        PacketParser.parse(ArpPackets.reply(GW, GW_IP, HOST, HOST_IP, -1).serialize(), s);
        assertThrows(IllegalArgumentException.class, () -> ArpPackets.replyTo(s, GW), "a reply is not a request");
    }
}
