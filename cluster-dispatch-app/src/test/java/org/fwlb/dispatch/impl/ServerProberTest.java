package org.fwlb.dispatch.impl;

import org.fwlb.model.FwlbTopology;
import org.fwlb.model.HealthState;
import org.fwlb.model.ProbeSettings;
import org.fwlb.model.Server;
import org.fwlb.packet.ArpPackets;
import org.fwlb.packet.PacketSummary;
import org.junit.jupiter.api.Test;
import org.onlab.packet.ARP;
import org.onlab.packet.Ip4Address;
import org.onosproject.net.ConnectPoint;
import org.onosproject.net.DeviceId;
import org.onosproject.net.PortNumber;
import org.onosproject.net.packet.OutboundPacket;
import org.onosproject.net.packet.PacketContext;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import static org.fwlb.dispatch.impl.DispatchRig.dev;
import static org.fwlb.dispatch.impl.DispatchRig.output;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServerProberTest {

    private static final DeviceId D21 = dev("0000000000000d21");
    private static final ProbeSettings SETTINGS = ProbeSettings.of(500, 3, 2);

    private final DispatchRig rig = new DispatchRig("fig2");
    private final FwlbTopology t = rig.topology;

    private static List<String> targets(String preset) {
        return ServerProber.targets(DispatchPlan.of(DispatchRig.preset(preset))).stream()
                .map(tg -> tg.key() + ":" + tg.port).sorted().collect(Collectors.toList());
    }

    @Test
    void targetsAreTheServersOnEachL43StagesSwitchOnTheirServicesPort() {
        assertEquals(Arrays.asList("d2a/srv1:80", "d2a/srv2:80", "d2b/srv3:80", "d2b/srv4:80"), targets("fig2"));
        assertEquals(Arrays.asList("d2a/srv1:80", "d2a/srv2-1:80", "d2a/srv3-1:21", "d2b/srv2-2:80",
                                   "d2b/srv3-2:21", "d2b/srv4:21"), targets("fig4"));
        assertEquals(Arrays.asList("d2c/srv5:80", "d2c/srv6:80"), targets("fig8"), "L7 hosts probe their own");
        assertFalse(targets("three-stage").stream().anyMatch(s -> s.contains("srv7")), "srv7 hangs off no L4/3 switch");
        assertTrue(targets("fig6").isEmpty());
    }

    private OutboundPacket probeTo(String server) {
        Server s = t.server(server);
        for (OutboundPacket p : rig.packets.emitted) {
            PacketSummary ps = DispatchRig.parse(DispatchRig.bytes(p));
            if (ps.isTcp() && ps.ipDst() == Ip4Address.valueOf(s.ip().toString()).toInt()) {
                return p;
            }
        }
        throw new AssertionError("no probe to " + server);
    }

    @Test
    void probeIsASynFromTheStageAddressToTheServersServicePort() {
        rig.prober.tick(rig.plan, SETTINGS);
        assertEquals(4, rig.packets.emitted.size());
        assertEquals(4, rig.counters.get(DispatchCounters.PROBES_SENT));
        OutboundPacket out = probeTo("srv2");
        assertEquals(D21, out.sendThrough());
        assertEquals(PortNumber.portNumber(3), output(out.treatment()));
        PacketSummary p = DispatchRig.parse(DispatchRig.bytes(out));
        assertEquals(PacketSummary.SYN, p.tcpFlags());
        assertEquals(ServerProber.PROBE_PORT, p.srcPort());
        assertEquals(80, p.dstPort());
        assertEquals(Ip4Address.valueOf("10.0.1.100").toInt(), p.ipSrc());
        assertEquals(t.dispatcher("d2a").mac().toLong(), p.ethSrc());
        assertEquals(t.server("srv2").mac().toLong(), p.ethDst());
    }

    @Test
    void switchThatIsNotUsableSendsNoProbes() {
        rig.downDevices.add(D21);
        rig.prober.tick(rig.plan, SETTINGS);
        assertEquals(2, rig.packets.emitted.size());
    }

    private byte[] answer(String server, int flags) {
        Server s = t.server(server);
        return TcpFrames.segment(s.mac(), t.dispatcher("d2a").mac(), s.ip().toString(), 80, "10.0.1.100",
                                 ServerProber.PROBE_PORT, flags);
    }

    private boolean answered(String server, int flags) {
        Server s = t.server(server);
        return rig.prober.onPacket(rig.plan, new ConnectPoint(D21, s.location().port()),
                                   DispatchRig.parse(answer(server, flags)));
    }

    @Test
    void silenceMarksDownAfterDownAfterRoundsAndSynAcksUpAfterUpAfter() {
        rig.prober.tick(rig.plan, SETTINGS);                  // round 1 sent
        rig.prober.tick(rig.plan, SETTINGS);                  // 1 unanswered
        rig.prober.tick(rig.plan, SETTINGS);                  // 2 unanswered
        assertEquals(HealthState.UP, rig.members.status("srv1").health());
        rig.prober.tick(rig.plan, SETTINGS);                  // 3 unanswered
        assertEquals(HealthState.DOWN, rig.members.status("srv1").health());
        assertEquals(1, rig.members.reports.stream().filter(r -> r.equals("srv1=DOWN")).count());

        assertTrue(answered("srv1", TcpFrames.SYN_ACK));      // 1 success
        assertEquals(HealthState.DOWN, rig.members.status("srv1").health(), "hysteresis");
        rig.prober.tick(rig.plan, SETTINGS);
        assertTrue(answered("srv1", TcpFrames.SYN_ACK));      // 2 successes
        assertEquals(HealthState.UP, rig.members.status("srv1").health());
    }

    @Test
    void synAckIsAnsweredWithARstAndARstAnswerIsAFailure() {
        rig.prober.tick(rig.plan, SETTINGS);
        rig.packets.emitted.clear();
        assertTrue(answered("srv1", TcpFrames.SYN_ACK));
        assertEquals(1, rig.packets.emitted.size());
        PacketSummary rst = DispatchRig.parse(DispatchRig.bytes(rig.lastEmitted()));
        assertTrue(rst.isRst());
        assertEquals(Ip4Address.valueOf("10.0.1.21").toInt(), rst.ipDst());
        assertEquals(PortNumber.portNumber(2), output(rig.lastEmitted().treatment()));

        for (int i = 0; i < 3; i++) {
            rig.prober.tick(rig.plan, SETTINGS);
            assertTrue(answered("srv2", TcpFrames.RST | TcpFrames.ACK));
        }
        assertEquals(HealthState.DOWN, rig.members.status("srv2").health(), "a refused port is a dead service");
        assertEquals(HealthState.UP, rig.members.status("srv1").health());
    }

    @Test
    void segmentsThatAreNoProbeAnswersAreLeftAlone() {
        rig.prober.tick(rig.plan, SETTINGS);
        Server s = t.server("srv1");
        byte[] other = TcpFrames.segment(s.mac(), t.dispatcher("d2a").mac(), "10.0.1.21", 80, "10.0.1.11",
                                         ServerProber.PROBE_PORT, TcpFrames.SYN_ACK);
        assertFalse(rig.prober.onPacket(rig.plan, new ConnectPoint(D21, s.location().port()),
                                        DispatchRig.parse(other)), "a client on port 65001 is no probe answer");
        assertFalse(rig.prober.onPacket(rig.plan, new ConnectPoint(dev("0000000000000d22"), PortNumber.portNumber(2)),
                                        DispatchRig.parse(answer("srv1", TcpFrames.SYN_ACK))), "wrong switch");
    }

    private static byte[] arpFrom(Server s, String target) {
        return ArpPackets.request(s.mac(), Ip4Address.valueOf(s.ip().toString()), Ip4Address.valueOf(target), -1)
                .serialize();
    }

    @Test
    void serversArpForTheVipIsAnsweredWithTheirStagesMacOnly() {
        Server srv1 = t.server("srv1");
        PacketContext pc = rig.process(D21, 2, arpFrom(srv1, "10.0.1.100"));
        assertTrue(pc.isHandled());
        PacketSummary reply = DispatchRig.parse(DispatchRig.bytes(rig.lastEmitted()));
        assertEquals(ARP.OP_REPLY, reply.arpOp());
        assertEquals(t.dispatcher("d2a").mac().toLong(), reply.arpSenderMac());
        assertEquals(PortNumber.portNumber(2), output(rig.lastEmitted().treatment()));
        rig.packets.emitted.clear();
        // srv3 belongs to d2b: d2a does not answer it; nor is srv1 answered at d2b
        assertFalse(rig.process(D21, 2, arpFrom(t.server("srv3"), "10.0.1.100")).isHandled());
        assertFalse(rig.process(dev("0000000000000d22"), 2, arpFrom(srv1, "10.0.1.100")).isHandled());
        assertFalse(rig.process(D21, 2, arpFrom(srv1, "10.0.1.22")).isHandled(), "only the VIP");
        assertTrue(rig.packets.emitted.isEmpty());
    }
}
