package org.fwlb.dispatch.impl;

import org.fwlb.model.FwlbTopology;
import org.fwlb.packet.ArpPackets;
import org.fwlb.packet.PacketSummary;
import org.junit.jupiter.api.Test;
import org.onlab.packet.ARP;
import org.onlab.packet.Ip4Address;
import org.onlab.packet.MacAddress;
import org.onosproject.net.DeviceId;
import org.onosproject.net.PortNumber;
import org.onosproject.net.packet.PacketContext;

import static org.fwlb.dispatch.impl.DispatchRig.dev;
import static org.fwlb.dispatch.impl.DispatchRig.output;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VipArpTest {

    private static final MacAddress C1 = MacAddress.valueOf("02:fb:00:10:01:0b");

    private static byte[] request(MacAddress from, String fromIp, String target) {
        return ArpPackets.request(from, Ip4Address.valueOf(fromIp), Ip4Address.valueOf(target), -1).serialize();
    }

    private static void assertReply(DispatchRig rig, DeviceId dev, int port, MacAddress answer, String vip) {
        assertEquals(1, rig.packets.emitted.size());
        assertEquals(dev, rig.lastEmitted().sendThrough());
        assertEquals(PortNumber.portNumber(port), output(rig.lastEmitted().treatment()));
        PacketSummary p = DispatchRig.parse(DispatchRig.bytes(rig.lastEmitted()));
        assertTrue(p.isArp());
        assertEquals(ARP.OP_REPLY, p.arpOp());
        assertEquals(answer.toLong(), p.arpSenderMac());
        assertEquals(Ip4Address.valueOf(vip).toInt(), p.arpSenderIp());
    }

    @Test
    void firstStageAnswersArpForItsVip() {
        DispatchRig rig = new DispatchRig("fig2");
        PacketContext pc = rig.process(dev("0000000000000d01"), 1, request(C1, "10.0.1.11", "10.0.1.100"));
        assertTrue(pc.isHandled());
        assertReply(rig, dev("0000000000000d01"), 1, rig.topology.dispatcher("d1").mac(), "10.0.1.100");
        assertEquals(1, rig.counters.get(DispatchCounters.ARP_ANSWERED));
    }

    @Test
    void laterStagesStaySilentForClients() {
        DispatchRig rig = new DispatchRig("fig2");
        for (String d : new String[]{"0000000000000d21", "0000000000000d22"}) {
            PacketContext pc = rig.process(dev(d), 1, request(C1, "10.0.1.11", "10.0.1.100"));
            assertFalse(pc.isHandled());
        }
        assertTrue(rig.packets.emitted.isEmpty(), "else clients would bypass the first stage");
    }

    @Test
    void otherAddressesAndRepliesAreNotAnswered() {
        DispatchRig rig = new DispatchRig("fig2");
        assertFalse(rig.process(dev("0000000000000d01"), 1, request(C1, "10.0.1.11", "10.0.1.99")).isHandled());
        byte[] reply = ArpPackets.reply(MacAddress.valueOf("02:00:00:00:00:01"), Ip4Address.valueOf("10.0.1.100"),
                                        C1, Ip4Address.valueOf("10.0.1.11"), -1).serialize();
        assertFalse(rig.process(dev("0000000000000d01"), 1, reply).isHandled());
        assertTrue(rig.packets.emitted.isEmpty());
    }

    @Test
    void fig7InternalFirewallDispatcherAnswersWithTheFirstStagesMac() {
        DispatchRig rig = new DispatchRig("fig7");
        FwlbTopology t = rig.topology;
        MacAddress fw1 = t.firewall("fw1").inside().mac();
        PacketContext pc = rig.process(dev("0000000000000f02"), 1, request(fw1, "10.0.2.1", "10.0.2.100"));
        assertTrue(pc.isHandled());
        assertReply(rig, dev("0000000000000f02"), 1, t.dispatcher("d1").mac(), "10.0.2.100");
        rig.packets.emitted.clear();
        assertFalse(rig.process(dev("0000000000000d21"), 1, request(fw1, "10.0.2.1", "10.0.2.100")).isHandled());
        assertTrue(rig.packets.emitted.isEmpty());
    }
}
