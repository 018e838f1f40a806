package org.fwlb.sandwich.impl;

import org.fwlb.config.ExampleConfigs;
import org.fwlb.model.Firewall;
import org.fwlb.model.FirewallDispatcher.Role;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.HealthState;
import org.fwlb.model.Ip4;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FirewallProberTest {

    private final FwlbTopology t = ExampleConfigs.topology(1);
    private final SandwichRig rig = new SandwichRig(t);
    private final FirewallProber prober = new FirewallProber(rig.ctx, rig.members, d -> true);
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
        return rig.view.health(fw);
    }

    @Test
    void probesGoOutOfBothInterfacesOfEveryFirewall() {
        prober.tick(t);
        assertEquals(2 * t.firewalls().size(), rig.packets.emitted.size());
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
        for (org.fwlb.model.Firewall fw : t.firewalls()) {
            assertEquals(HealthState.UP, health(fw), fw.id());
        }
    }

    @Test
    void portDownMarksTheFirewallDownAtOnce() {
        prober.onPortStatus(t, t.internal().get().deviceId(), fw1.inside().port(), false);
        assertEquals(HealthState.DOWN, health(fw1));
    }

    @Test
    void onlyTheMastersSideIsProbed() {
        FirewallProber half = new FirewallProber(rig.ctx, rig.members,
                                                 d -> d.equals(t.external().get().deviceId()));
        half.tick(t);
        assertEquals(t.firewalls().size(), rig.packets.emitted.size());
    }
}
