package org.fwlb.dispatch.impl;

import org.fwlb.engine.EnginePlan;
import org.fwlb.model.FwlbTopology;
import org.fwlb.testing.MapMemberStates;
import org.fwlb.testing.Presets;
import org.fwlb.testing.RecordingPackets;
import org.fwlb.testing.TcpFrames;
import org.fwlb.model.HealthState;
import org.fwlb.model.ProbeSettings;
import org.fwlb.model.Server;
import org.fwlb.packet.PacketSummary;
import org.junit.jupiter.api.Test;
import org.onlab.packet.Ip4Address;
import org.onosproject.net.ConnectPoint;
import org.onosproject.net.DeviceId;
import org.onosproject.net.PortNumber;
import org.onosproject.net.packet.OutboundPacket;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import static org.fwlb.dispatch.impl.StagePlacementTest.dev;
import static org.fwlb.testing.Treats.output;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServerProberTest {

    private static final DeviceId D21 = dev("0000000000000d21");
    private static final ProbeSettings SETTINGS = ProbeSettings.of(500, 3, 2);

    private final FwlbTopology t = Presets.topology("fig2");
    private final EnginePlan plan = EnginePlan.of(t);
    private final RecordingPackets packets = new RecordingPackets();
    private final MapMemberStates states = new MapMemberStates();
    private final java.util.Set<DeviceId> downDevices = new java.util.HashSet<>();
    private final java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger();
    private final ServerProber prober = new ServerProber(packets, sent::incrementAndGet, states,
                                                         d -> !downDevices.contains(d));

    private static List<String> targets(String preset) {
        return EnginePlan.of(Presets.topology(preset)).probeTargets().stream()
                .map(tg -> tg.key() + ":" + tg.port()).sorted().collect(Collectors.toList());
    }

    private static PacketSummary parse(byte[] frame) {
        return org.fwlb.engine.EngineRig.parse(frame);
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
        for (OutboundPacket p : packets.emitted) {
            PacketSummary ps = parse(RecordingPackets.bytes(p));
            if (ps.isTcp() && ps.ipDst() == Ip4Address.valueOf(s.ip().toString()).toInt()) {
                return p;
            }
        }
        throw new AssertionError("no probe to " + server);
    }

    @Test
    void probeIsASynFromTheStageAddressToTheServersServicePort() {
        prober.tick(plan, SETTINGS);
        assertEquals(4, packets.emitted.size());
        assertEquals(4, sent.get());
        OutboundPacket out = probeTo("srv2");
        assertEquals(D21, out.sendThrough());
        assertEquals(PortNumber.portNumber(3), output(out.treatment()));
        PacketSummary p = parse(RecordingPackets.bytes(out));
        assertEquals(PacketSummary.SYN, p.tcpFlags());
        assertEquals(ServerProber.PROBE_PORT, p.srcPort());
        assertEquals(80, p.dstPort());
        assertEquals(Ip4Address.valueOf("10.0.1.100").toInt(), p.ipSrc());
        assertEquals(t.dispatcher("d2a").mac().toLong(), p.ethSrc());
        assertEquals(t.server("srv2").mac().toLong(), p.ethDst());
    }

    @Test
    void switchThatIsNotUsableSendsNoProbes() {
        downDevices.add(D21);
        prober.tick(plan, SETTINGS);
        assertEquals(2, packets.emitted.size());
    }

    private byte[] answer(String server, int flags) {
        Server s = t.server(server);
        return TcpFrames.segment(s.mac(), t.dispatcher("d2a").mac(), s.ip().toString(), 80, "10.0.1.100",
                                 ServerProber.PROBE_PORT, flags);
    }

    private boolean answered(String server, int flags) {
        Server s = t.server(server);
        return prober.onPacket(plan, new ConnectPoint(D21, s.location().port()),
                                   parse(answer(server, flags)));
    }

    @Test
    void silenceMarksDownAfterDownAfterRoundsAndSynAcksUpAfterUpAfter() {
        prober.tick(plan, SETTINGS);                  // round 1 sent
        prober.tick(plan, SETTINGS);                  // 1 unanswered
        prober.tick(plan, SETTINGS);                  // 2 unanswered
        assertEquals(HealthState.UP, states.status("srv1").health());
        prober.tick(plan, SETTINGS);                  // 3 unanswered
        assertEquals(HealthState.DOWN, states.status("srv1").health());
        assertEquals(1, states.reports.stream().filter(r -> r.equals("srv1=DOWN")).count());

        assertTrue(answered("srv1", TcpFrames.SYN_ACK));      // 1 success
        assertEquals(HealthState.DOWN, states.status("srv1").health(), "hysteresis");
        prober.tick(plan, SETTINGS);
        assertTrue(answered("srv1", TcpFrames.SYN_ACK));      // 2 successes
        assertEquals(HealthState.UP, states.status("srv1").health());
    }

    @Test
    void synAckIsAnsweredWithARstAndARstAnswerIsAFailure() {
        prober.tick(plan, SETTINGS);
        packets.emitted.clear();
        assertTrue(answered("srv1", TcpFrames.SYN_ACK));
        assertEquals(1, packets.emitted.size());
        PacketSummary rst = parse(RecordingPackets.bytes(packets.last()));
        assertTrue(rst.isRst());
        assertEquals(Ip4Address.valueOf("10.0.1.21").toInt(), rst.ipDst());
        assertEquals(PortNumber.portNumber(2), output(packets.last().treatment()));

        for (int i = 0; i < 3; i++) {
            prober.tick(plan, SETTINGS);
            assertTrue(answered("srv2", TcpFrames.RST | TcpFrames.ACK));
        }
        assertEquals(HealthState.DOWN, states.status("srv2").health(), "a refused port is a dead service");
        assertEquals(HealthState.UP, states.status("srv1").health());
    }

    @Test
    void segmentsThatAreNoProbeAnswersAreLeftAlone() {
        prober.tick(plan, SETTINGS);
        Server s = t.server("srv1");
        byte[] other = TcpFrames.segment(s.mac(), t.dispatcher("d2a").mac(), "10.0.1.21", 80, "10.0.1.11",
                                         ServerProber.PROBE_PORT, TcpFrames.SYN_ACK);
        assertFalse(prober.onPacket(plan, new ConnectPoint(D21, s.location().port()),
                                        parse(other)), "a client on port 65001 is no probe answer");
        assertFalse(prober.onPacket(plan, new ConnectPoint(dev("0000000000000d22"), PortNumber.portNumber(2)),
                                        parse(answer("srv1", TcpFrames.SYN_ACK))), "wrong switch");
    }
}
