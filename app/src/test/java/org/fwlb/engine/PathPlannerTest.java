package org.fwlb.engine;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.fwlb.config.ExampleConfigs;
import org.fwlb.model.AdminState;
import org.fwlb.model.ConnectionEntry;
import org.fwlb.model.ConnectionPath;
import org.fwlb.model.FirewallDispatcher.Role;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.TcpState;
import org.fwlb.packet.PacketSummary;
import org.fwlb.testing.TcpFrames;
import org.junit.jupiter.api.Test;
import org.onlab.packet.MacAddress;
import org.onosproject.net.PortNumber;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static org.fwlb.engine.EnginePlanTest.D03;
import static org.fwlb.engine.EnginePlanTest.D04;
import static org.fwlb.engine.EnginePlanTest.F02;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How far one punt decides a connection's path: the whole path when this instance masters every switch on it and
 * knows every answering stage's uplink, else up to the first point it may not decide ahead (that point decides
 * when its own SYN arrives, reading the firewall from the path tag the L4/2 stage before it pushed).
 */
class PathPlannerTest {

    private static final MacAddress CLIENT = MacAddress.valueOf("02:00:00:00:01:0b");
    private static final String VIP = "10.0.2.100";

    /** FIG 8 with l4c's uplink configured (else it could not be decided ahead). */
    static FwlbTopology fig8(boolean uplink) {
        return ExampleConfigs.topology(8, (ObjectNode f) -> {
            if (uplink) {
                ExampleConfigs.dispatcher(f, "l4c").put("uplink", 1);
            }
        });
    }

    /** Takes the L7 hosts out, so stage1 hands every connection to l4c. */
    static void onlyL4c(EngineRig rig) {
        rig.states.setAdminState("l7a", AdminState.DOWN);
        rig.states.setAdminState("l7b", AdminState.DOWN);
    }

    private static PacketSummary syn(MacAddress src, MacAddress dst, String sip, int sp, String dip, int dp,
                                     int vlan) {
        return EngineRig.parse(TcpFrames.tcp().from(src, sip, sp).to(dst, dip, dp).vlan(vlan).bytes());
    }

    private static PacketSummary publicSyn(FwlbTopology t, int sp, String dip, int dp) {
        return syn(CLIENT, t.external().get().gatewayMac(), "10.0.1.11", sp, dip, dp, -1);
    }

    private static List<String> decided(PathPlanner.Decision d) {
        return d.decided.stream().map(DecisionPoint::id).collect(Collectors.toList());
    }

    private static ConnectionEntry pinned(EngineRig rig, PacketSummary p, PathPlanner.Decision d) {
        ConnectionEntry e = ConnectionEntry.pinned(p.flowKey(), d.path, System.currentTimeMillis(),
                                                   d.decided.get(0).owner().appName());
        assertTrue(rig.store.pin(e).isPinned());
        return e;
    }

    // ---- whole paths ------------------------------------------------------------------------------

    @Test
    void fig6FirewallAndServerAreDecidedAtTheExternalPunt() {
        FwlbTopology t = ExampleConfigs.topology(6);
        EngineRig rig = new EngineRig(t);
        PathPlanner.Decision d = rig.planner.decide(rig.plan, rig.plan.firewallChoice(Role.EXTERNAL),
                                                    publicSyn(t, 40000, VIP, 80), null, false);
        assertNull(d.refusal);
        assertEquals(List.of("external", "int-dispatch"), decided(d));
        assertEquals(2, d.chosen.size());
        assertEquals(d.chosen.get(0), d.path.firewallId().get());
        assertEquals(d.chosen.get(1), d.path.serverId().get());
        assertEquals(List.of("int-dispatch"), d.path.dispatcherIds());
        assertEquals(t.firewall(d.chosen.get(0)).pathTag(), d.path.pathTag().get(), "the answering stage's tag");
        assertNull(d.pushTag, "nothing decides later: no tag on the wire");
    }

    @Test
    void fig8WholePathFromOnePuntWhenEverySwitchIsMasteredHere() {
        FwlbTopology t = fig8(true);
        EngineRig rig = new EngineRig(t);
        onlyL4c(rig);
        PathPlanner.Decision d = rig.planner.decide(rig.plan, rig.plan.firewallChoice(Role.EXTERNAL),
                                                    publicSyn(t, 40000, VIP, 80), null, false);
        assertEquals(List.of("external", "stage1", "l4c"), decided(d));
        String fw = d.path.firewallId().get();
        assertEquals(List.of(fw, "l4c", d.path.serverId().get()), d.chosen);
        assertEquals(List.of("stage1", "l4c"), d.path.dispatcherIds());
        assertTrue(List.of("srv5", "srv6").contains(d.path.serverId().get()));
        assertEquals(t.firewall(fw).pathTag(), d.path.pathTag().get());
        assertNull(d.pushTag);
    }

    // ---- per-stage decisions --------------------------------------------------------------------------

    @Test
    void fig8StopsBeforeAnL42StageWhoseAnsweringStageIsMasteredElsewhereAndTagsTheSynThere() {
        FwlbTopology t = fig8(true);
        EngineRig rig = new EngineRig(t);
        onlyL4c(rig);
        rig.elsewhere.add(D04);
        PacketSummary s = publicSyn(t, 40000, VIP, 80);
        PathPlanner.Decision atFc = rig.planner.decide(rig.plan, rig.plan.firewallChoice(Role.EXTERNAL), s, null,
                                                       false);
        assertEquals(List.of("external"), decided(atFc), "stage1 could not tag the SYN for l4c if decided now");
        assertNull(atFc.pushTag);
        String fw = atFc.path.firewallId().get();
        ConnectionEntry e = pinned(rig, s, atFc);

        // the firewall routes the SYN to the VIP: stage1's own punt on the internal dispatcher
        PacketSummary atStage1 = syn(t.firewall(fw).inside().mac(), t.dispatcher("stage1").mac(), "10.0.1.11",
                                     40000, VIP, 80, -1);
        PathPlanner.Decision d1 = rig.planner.decide(rig.plan, rig.plan.pointOf("stage1"), atStage1, e, false);
        assertEquals(List.of("stage1"), decided(d1));
        assertEquals(List.of("l4c"), d1.chosen);
        assertEquals(Integer.valueOf(t.firewall(fw).pathTag().value()), d1.pushTag, "the firewall's path tag");
        assertFalse(d1.path.pathTag().isPresent(), "no answering stage decided yet");

        // another instance (l4c's master) reads the tag: the connection's firewall even if the MAC says nothing
        EngineRig other = new EngineRig(t, EngineRig.settings().build(), rig.storage, rig.states);
        other.elsewhere.add(t.external().get().deviceId());
        other.elsewhere.add(F02);
        ConnectionEntry e2 = e.withPath(d1.path);
        PacketSummary tagged = syn(MacAddress.valueOf("02:00:00:00:99:99"), t.dispatcher("l4c").mac(), "10.0.1.11",
                                   40000, VIP, 80, t.firewall(fw).pathTag().value());
        PathPlanner.Decision d2 = other.planner.decide(other.plan, other.plan.pointOf("l4c"), tagged, e2, false);
        assertEquals(List.of("l4c"), decided(d2));
        assertEquals(fw, d2.path.firewallId().get());
        assertEquals(t.firewall(fw).pathTag(), d2.path.pathTag().get());
        assertTrue(d2.path.serverId().isPresent());
        assertNull(d2.pushTag);
    }

    @Test
    void perStageDecisionsSettingDecidesOnlyTheTriggerEvenWhenEverythingIsMastered() {
        FwlbTopology t = fig8(true);
        EngineRig rig = new EngineRig(t, EngineRig.settings().perStageDecisions(true).build());
        onlyL4c(rig);
        PacketSummary s = publicSyn(t, 40000, VIP, 80);
        PathPlanner.Decision d = rig.planner.decide(rig.plan, rig.plan.firewallChoice(Role.EXTERNAL), s, null,
                                                    false);
        assertEquals(List.of("external"), decided(d));
        ConnectionEntry e = pinned(rig, s, d);
        String fw = d.path.firewallId().get();
        PathPlanner.Decision d1 = rig.planner.decide(rig.plan, rig.plan.pointOf("stage1"),
                syn(t.firewall(fw).inside().mac(), t.dispatcher("stage1").mac(), "10.0.1.11", 40000, VIP, 80, -1),
                e, false);
        assertEquals(List.of("stage1"), decided(d1));
        assertEquals(Integer.valueOf(t.firewall(fw).pathTag().value()), d1.pushTag);
    }

    @Test
    void fig6StopsAtTheFirewallWhenTheInternalDispatcherIsMasteredElsewhere() {
        FwlbTopology t = ExampleConfigs.topology(6);
        EngineRig rig = new EngineRig(t);
        rig.elsewhere.add(F02);
        PathPlanner.Decision d = rig.planner.decide(rig.plan, rig.plan.firewallChoice(Role.EXTERNAL),
                                                    publicSyn(t, 40000, VIP, 80), null, false);
        assertEquals(List.of("external"), decided(d));
        assertFalse(d.path.serverId().isPresent());
        assertNull(d.pushTag, "the next point is no L4/2 stage's");
    }

    @Test
    void anUnknownUplinkStopsTheHorizonUntilTheStagesSynTeachesIt() {
        FwlbTopology t = fig8(false);
        EngineRig rig = new EngineRig(t);
        onlyL4c(rig);
        PathPlanner.Decision d = rig.planner.decide(rig.plan, rig.plan.firewallChoice(Role.EXTERNAL),
                                                    publicSyn(t, 40000, VIP, 80), null, false);
        assertEquals(List.of("external"), decided(d), "l4c's replies would not know where to go");
        rig.ctx.learnedUplinks.put("l4c", PortNumber.portNumber(1));
        PathPlanner.Decision later = rig.planner.decide(rig.plan, rig.plan.firewallChoice(Role.EXTERNAL),
                                                        publicSyn(t, 40001, VIP, 80), null, false);
        assertEquals(List.of("external", "stage1", "l4c"), decided(later));

        // without a sandwich (FIG 2) the first stage decides alone, and no tag is pushed
        FwlbTopology t2 = ExampleConfigs.topology(2);
        EngineRig r2 = new EngineRig(t2);
        PacketSummary s2 = syn(CLIENT, t2.dispatcher("d1").mac(), "10.0.1.11", 40000, VIP, 80, -1);
        PathPlanner.Decision atD1 = r2.planner.decide(r2.plan, r2.plan.pointOf("d1"), s2, null, false);
        assertEquals(List.of("d1"), decided(atD1));
        assertNull(atD1.pushTag);
        r2.ctx.learnedUplinks.put("d2a", PortNumber.portNumber(1));
        r2.ctx.learnedUplinks.put("d2b", PortNumber.portNumber(1));
        PathPlanner.Decision both = r2.planner.decide(r2.plan, r2.plan.pointOf("d1"),
                syn(CLIENT, t2.dispatcher("d1").mac(), "10.0.1.11", 40001, VIP, 80, -1), null, false);
        assertEquals(List.of("d1", both.chosen.get(0)), decided(both));
        assertTrue(both.path.serverId().isPresent());
    }

    @Test
    void aOneArmedFirstStageIsDecidedAheadOnlyOnceItsArmIsKnown() {
        // the fig7 preset: d1 hangs off the fabric by port 1, where its second stages are too; its rule must say
        // IN_PORT, which needs the port its SYNs come in by
        FwlbTopology t = org.fwlb.testing.Presets.topology("fig7");
        EngineRig rig = new EngineRig(t);
        for (String s : List.of("d2a", "d2b", "d2c")) {
            rig.ctx.learnedUplinks.put(s, PortNumber.portNumber(1));
        }
        PathPlanner.Decision d = rig.planner.decide(rig.plan, rig.plan.firewallChoice(Role.EXTERNAL),
                                                    publicSyn(t, 40000, VIP, 80), null, false);
        assertEquals(List.of("external"), decided(d));
        rig.ctx.learnedUplinks.put("d1", PortNumber.portNumber(1));
        PathPlanner.Decision later = rig.planner.decide(rig.plan, rig.plan.firewallChoice(Role.EXTERNAL),
                                                        publicSyn(t, 40001, VIP, 80), null, false);
        assertEquals(3, later.decided.size(), decided(later).toString());
        // (FIG 8's stage1 sits on the internal firewall dispatcher: its connections come in by their firewall's
        // inside port, known without any SYN: fig8WholePathFromOnePuntWhenEverySwitchIsMasteredHere)
    }

    @Test
    void aDetachedOwnersPointIsNotDecidedAhead() {
        FwlbTopology t = fig8(true);
        EngineRig rig = new EngineRig(t).detach(Owner.DISPATCH);
        onlyL4c(rig);
        PathPlanner.Decision d = rig.planner.decide(rig.plan, rig.plan.firewallChoice(Role.EXTERNAL),
                                                    publicSyn(t, 40000, VIP, 80), null, false);
        assertEquals(List.of("external"), decided(d));
    }

    // ---- choices ------------------------------------------------------------------------------------

    @Test
    void staticHashPolicyAndHashDecisionsUseTheBuckets() {
        FwlbTopology t = ExampleConfigs.topology(1, (ObjectNode f) -> ((ObjectNode) f.path("sandwich")
                .path("trafficClasses").get(2)).put("policy", "static-hash"));
        EngineRig rig = new EngineRig(t);
        for (int port = 40000; port < 40200; port++) {
            PathPlanner.Decision d = rig.planner.decide(rig.plan, rig.plan.firewallChoice(Role.EXTERNAL),
                                                        publicSyn(t, port, "10.0.2.21", 8080), null, false);
            assertEquals(rig.ctx.firewallBuckets().ownerOf(port), d.path.firewallId().get(), "port " + port);
        }
        // a round-robin class still goes by the buckets when pinned from a mid-stream segment (byHash)
        FwlbTopology t1 = ExampleConfigs.topology(1);
        EngineRig r1 = new EngineRig(t1);
        for (int port = 40000; port < 40050; port++) {
            PathPlanner.Decision d = r1.planner.decide(r1.plan, r1.plan.firewallChoice(Role.EXTERNAL),
                    publicSyn(t1, port, "10.0.2.21", 8080).flowKey(), null, null, true);
            assertEquals(r1.ctx.firewallBuckets().ownerOf(port), d.path.firewallId().get());
        }
        // a stage's static-hash policy: its own buckets over its candidates
        FwlbTopology t2 = ExampleConfigs.topology(2, (ObjectNode f) -> ExampleConfigs.dispatcher(f, "d1")
                .put("policy", "static-hash"));
        EngineRig r2 = new EngineRig(t2);
        HashBuckets b = r2.ctx.stageBuckets(t2.dispatcher("d1"), t2.service("web"));
        for (int port = 40000; port < 40050; port++) {
            PathPlanner.Decision d = r2.planner.decide(r2.plan, r2.plan.pointOf("d1"),
                    syn(CLIENT, t2.dispatcher("d1").mac(), "10.0.1.11", port, VIP, 80, -1), null, false);
            assertEquals(b.ownerOf(port), d.chosen.get(0));
        }
    }

    @Test
    void ftpDataConnectionsFollowTheirClientsControlConnectionAtEveryStage() {
        FwlbTopology t = ExampleConfigs.topology(4, (ObjectNode f) -> ((ObjectNode) f.path("services").get(1))
                .putArray("dataPorts").add(30000).add(30099));
        EngineRig rig = new EngineRig(t);
        rig.ctx.learnedUplinks.put("d2a", PortNumber.portNumber(1));
        rig.ctx.learnedUplinks.put("d2b", PortNumber.portNumber(1));
        MacAddress d1 = t.dispatcher("d1").mac();
        // the client's control connection went d1 -> d2b -> srv3
        PacketSummary control = syn(CLIENT, d1, "10.0.1.11", 40000, VIP, 21, -1);
        ConnectionEntry c = ConnectionEntry.pinned(control.flowKey(), ConnectionPath.empty().withNextDispatcher("d1")
                .withNextDispatcher("d2b").withServer("srv3"), System.currentTimeMillis(), Owner.DISPATCH.appName());
        rig.store.pin(c);
        for (int i = 0; i < 5; i++) {
            PathPlanner.Decision d = rig.planner.decide(rig.plan, rig.plan.pointOf("d1"),
                    syn(CLIENT, d1, "10.0.1.11", 41000 + i, VIP, 30000 + 11 * i, -1), null, false);
            assertEquals(List.of("d1", "d2b"), decided(d));
            assertEquals(List.of("d2b", "srv3"), d.chosen);
        }
        assertEquals(10, rig.count(Owner.DISPATCH, EngineCounters.FTP_DATA));
        // another client has no control connection: its data connection is refused
        PathPlanner.Decision stray = rig.planner.decide(rig.plan, rig.plan.pointOf("d1"),
                syn(CLIENT, d1, "10.0.1.12", 41000, VIP, 30001, -1), null, false);
        assertEquals(EngineCounters.NO_MEMBER, stray.refusal);
        // a closing control connection is no longer followed
        rig.store.markClosing(c.key());
        assertEquals(EngineCounters.NO_MEMBER, rig.planner.decide(rig.plan, rig.plan.pointOf("d1"),
                syn(CLIENT, d1, "10.0.1.11", 41009, VIP, 30001, -1), null, false).refusal);
        assertEquals(TcpState.CLOSING, rig.store.get(c.key()).state());
    }

    @Test
    void refusalsNameTheirCounter() {
        FwlbTopology t = ExampleConfigs.topology(2);
        EngineRig rig = new EngineRig(t);
        MacAddress d1 = t.dispatcher("d1").mac();
        assertEquals(EngineCounters.NO_SERVICE, rig.planner.decide(rig.plan, rig.plan.pointOf("d1"),
                syn(CLIENT, d1, "10.0.1.11", 40000, VIP, 8080, -1), null, false).refusal);
        rig.states.setAdminState("d2a", AdminState.DOWN);
        rig.disconnected.add(D03);                  // d2b's switch is gone: d2b is down
        assertEquals(EngineCounters.NO_MEMBER, rig.planner.decide(rig.plan, rig.plan.pointOf("d1"),
                syn(CLIENT, d1, "10.0.1.11", 40000, VIP, 80, -1), null, false).refusal);

        FwlbTopology t1 = ExampleConfigs.topology(1, (ObjectNode f) -> {
            ObjectNode web = (ObjectNode) f.path("sandwich").path("trafficClasses").get(0);
            web.put("mode", "static-hash").put("policy", "static-hash").put("unknownNonSyn", "forward");
        });
        EngineRig r1 = new EngineRig(t1);
        assertEquals(EngineCounters.NO_SERVICE, r1.planner.decide(r1.plan, r1.plan.firewallChoice(Role.EXTERNAL),
                publicSyn(t1, 40000, "10.0.2.21", 80), null, false).refusal, "a static-hash class is not placed");
        List<String> all = new ArrayList<>();
        for (String fw : List.of("fw1", "fw2", "fw3")) {
            r1.states.setAdminState(fw, AdminState.DOWN);
            all.add(fw);
        }
        assertEquals(EngineCounters.NO_MEMBER, r1.planner.decide(r1.plan, r1.plan.firewallChoice(Role.EXTERNAL),
                publicSyn(t1, 40000, "10.0.2.21", 8080), null, false).refusal, "every firewall is down: " + all);
    }
}
