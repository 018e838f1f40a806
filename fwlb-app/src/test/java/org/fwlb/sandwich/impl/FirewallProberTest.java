package org.fwlb.sandwich.impl;

import org.fwlb.config.ExampleConfigs;
import org.fwlb.engine.EngineRig;
import org.fwlb.model.Firewall;
import org.fwlb.model.FirewallDispatcher.Role;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.HealthState;
import org.fwlb.model.Ip4;
import org.fwlb.packet.PacketSummary;
import org.fwlb.testing.RecordingPackets;
import org.fwlb.testing.Treats;
import org.junit.jupiter.api.Test;
import org.onlab.packet.ARP;
import org.onosproject.net.packet.OutboundPacket;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FirewallProberTest {

    private final FwlbTopology t = ExampleConfigs.topology(1);
    private final EngineRig rig = new EngineRig(t);
    private final AtomicInteger sent = new AtomicInteger();
    private final FirewallProber prober = new FirewallProber(rig.packets, sent::incrementAndGet, rig.states, d -> true);
    private final Firewall fw1 = t.firewall("fw1");

    private void answerAllBut(Firewall silent) {
        for (Firewall fw : t.firewalls()) {
            if (fw != silent) {
                prober.onReply(t, Role.EXTERNAL, Ip4.toInt(fw.outside().ip().getIp4Address()));
                prober.onReply(t, Role.INTERNAL, Ip4.toInt(fw.inside().ip().getIp4Address()));
            }
        }
    }

    private HealthState health(Firewall fw) {
        return rig.members.health(fw);
    }

    @Test
    void probesGoOutOfBothInterfacesOfEveryFirewall() {
        prober.tick(t);
        assertEquals(2 * t.firewalls().size(), rig.packets.emitted.size());
        assertEquals(2 * t.firewalls().size(), sent.get());
        for (OutboundPacket p : rig.packets.emitted) {
            PacketSummary s = EngineRig.parse(RecordingPackets.bytes(p));
            assertEquals(ARP.OP_REQUEST, s.arpOp());
            boolean ext = p.sendThrough().equals(t.external().get().deviceId());
            Firewall fw = ext ? t.firewallByOutsidePort(Treats.output(p.treatment()))
                    : t.firewallByInsidePort(Treats.output(p.treatment()));
            assertEquals(Ip4.toInt((ext ? fw.outside() : fw.inside()).ip().getIp4Address()), s.arpTargetIp(),
                         "asks the interface behind the port it goes out of");
            assertEquals((ext ? t.external() : t.internal()).get().gatewayMac().toLong(), s.arpSenderMac());
        }
    }

    @Test
    void missesMarkDownOnlyAfterTheThresholdAndAnswersBringItBackWithHysteresis() {
        int down = t.probe().downAfter();
        int up = t.probe().upAfter();
        prober.tick(t);
        for (int i = 1; i < down; i++) {
            answerAllBut(fw1);
            prober.tick(t);
            assertEquals(HealthState.UP, health(fw1), "after " + i + " missed rounds");
        }
        answerAllBut(fw1);
        prober.tick(t);
        assertEquals(HealthState.DOWN, health(fw1));
        assertEquals(HealthState.UP, health(t.firewall("fw2")));
        for (int i = 1; i < up; i++) {
            answerAllBut(null);
            prober.tick(t);
            assertEquals(HealthState.DOWN, health(fw1), "after " + i + " answered rounds");
        }
        answerAllBut(null);
        prober.tick(t);
        assertEquals(HealthState.UP, health(fw1));
    }

    @Test
    void aRoundWithoutAnyAnswerOnOneSideIsInconclusive() {
        prober.tick(t);
        for (int i = 0; i < t.probe().downAfter() + 2; i++) {
            prober.tick(t);                           // nobody answers: the controller's own path is suspect
        }
        for (Firewall fw : t.firewalls()) {
            assertEquals(HealthState.UP, health(fw), fw.id());
        }
    }

    @Test
    void portDownMarksTheFirewallDownAtOnce() {
        prober.onPortStatus(t, t.internal().get().deviceId(), fw1.inside().port(), false);
        assertEquals(HealthState.DOWN, health(fw1));
        assertEquals(HealthState.DOWN, rig.states.status(FirewallProber.probeId(fw1, false)).health());
        assertEquals(HealthState.UP, rig.states.status(FirewallProber.probeId(fw1, true)).health(),
                     "each side is its own health entry");
    }

    @Test
    void onlyTheMastersSideIsProbed() {
        FirewallProber half = new FirewallProber(rig.packets, () -> { }, rig.states,
                                                 d -> d.equals(t.external().get().deviceId()));
        half.tick(t);
        assertEquals(t.firewalls().size(), rig.packets.emitted.size());
    }

    @Test
    void probingOffReportsEveryInterfaceUp() {
        prober.onPortStatus(t, t.internal().get().deviceId(), fw1.inside().port(), false);
        prober.forgetAll(t);
        assertEquals(HealthState.UP, health(fw1));
    }
}
