package org.fwlb.dispatch.impl;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.fwlb.engine.BaseRules;
import org.fwlb.engine.EngineRig;
import org.fwlb.engine.Hop;
import org.fwlb.engine.Owner;
import org.fwlb.engine.PathRules;
import org.fwlb.engine.Priorities;
import org.fwlb.engine.Treatments;
import org.fwlb.model.ConnectionEntry;
import org.fwlb.model.ConnectionPath;
import org.fwlb.model.FlowKey;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.Ip4;
import org.fwlb.testing.Presets;
import org.fwlb.testing.Treats;
import org.junit.jupiter.api.Test;
import org.onlab.packet.IpAddress;
import org.onosproject.net.DeviceId;
import org.onosproject.net.PortNumber;
import org.onosproject.net.flow.FlowRule;
import org.onosproject.net.flow.criteria.Criterion;
import org.onosproject.net.flow.criteria.TcpFlagsCriterion;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.fwlb.dispatch.impl.StagePlacementTest.D01;
import static org.fwlb.dispatch.impl.StagePlacementTest.D21;
import static org.fwlb.dispatch.impl.StagePlacementTest.E21;
import static org.fwlb.dispatch.impl.StagePlacementTest.dev;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dispatch stages' rules on the engine, on the presets' port geometry (ported from StageRulesTest).
 */
class DispatchRulesTest {

    private static final DeviceId F02 = dev("0000000000000f02");
    private static final String VIP2 = "10.0.1.100";
    private static final String VIP7 = "10.0.2.100";

    private static int ip(String s) {
        return Ip4.toInt(IpAddress.valueOf(s).getIp4Address());
    }

    private static FlowKey flow(String client, int port, String vip) {
        return FlowKey.of(6, ip(client), port, ip(vip), 80);
    }

    private static List<FlowRule> at(List<FlowRule> rs, int prio) {
        return rs.stream().filter(r -> r.priority() == prio).collect(Collectors.toList());
    }

    private static List<FlowRule> base(EngineRig rig, DeviceId dev, boolean tcpFlags) {
        return new BaseRules(rig.ctx.rules(), tcpFlags).rules(rig.plan, dev, BaseRules.Meters.none(),
                                                                rig.ctx.firewallBuckets(), rig.ctx::stageBuckets);
    }

    private static List<FlowRule> rules(EngineRig rig, ConnectionEntry e) {
        return rig.ctx.rules().rules(rig.topology, rig.plan, e, Hop.of(rig.plan, e, rig.ctx::uplink), 10);
    }

    private static ConnectionEntry entry(FlowKey f, ConnectionPath p) {
        return ConnectionEntry.pinned(f, p, 0, Owner.DISPATCH.appName());
    }

    private static Set<Integer> tcpFlags(List<FlowRule> rs) {
        Set<Integer> out = new HashSet<>();
        for (FlowRule r : rs) {
            out.add((int) ((TcpFlagsCriterion) r.selector().getCriterion(Criterion.Type.TCP_FLAGS)).flags());
        }
        return out;
    }

    // ---- base rules ----------------------------------------------------------------------------

    @Test
    void firstStageBaseRulesPuntItsTcpAnswerArpAndSwitchTheRest() {
        EngineRig rig = new EngineRig(Presets.topology("fig2"));
        List<FlowRule> rs = base(rig, D01, false);
        assertEquals(1, at(rs, Priorities.PUNT).size());
        assertEquals(rig.topology.dispatcher("d1").mac(), Treats.matchedEthDst(at(rs, Priorities.PUNT).get(0)));
        assertEquals(1, at(rs, Priorities.ARP).size());
        assertEquals(PortNumber.NORMAL, Treats.output(at(rs, Priorities.BASE).get(0).treatment()));
        assertEquals(3, rs.size(), rs.toString());

        // the optional tcp_flags mode: SYN and FIN/RST punts, unknown segments dropped in the switch
        List<FlowRule> flags = base(rig, D01, true);
        assertEquals(Set.of(0x02), tcpFlags(at(flags, Priorities.PUNT)));
        assertEquals(Set.of(0x01, 0x11, 0x19, 0x04, 0x14, 0x15, 0x1c), tcpFlags(at(flags, Priorities.CLOSE)));
        List<FlowRule> unknown = at(flags, Priorities.UNKNOWN);
        assertEquals(1, unknown.size());
        assertTrue(Treats.drops(unknown.get(0).treatment()), "unknown non-SYN segments are dropped");
        assertEquals(11, flags.size(), flags.toString());
        assertEquals(flags.size(), new HashSet<>(flags).size(), "no rule twice");
    }

    @Test
    void l43StageAlsoPuntsProbeAnswersAndServersArpForTheVip() {
        EngineRig rig = new EngineRig(Presets.topology("fig2"));
        List<FlowRule> rs = base(rig, D21, false);
        assertEquals(2, at(rs, Priorities.ARP).size(), "one probe-answer rule (two servers, one address), one ARP");
        assertEquals(1, at(rs, Priorities.PUNT).size());
        assertEquals(rig.topology.dispatcher("d2a").mac(), Treats.matchedEthDst(at(rs, Priorities.PUNT).get(0)));
    }

    @Test
    void internalFirewallDispatcherGetsTheVipsArpAndTheSteeringTowardTheFirstStage() {
        EngineRig rig = new EngineRig(Presets.topology("fig7"));
        List<FlowRule> mine = base(rig, F02, false).stream()
                .filter(r -> r.appId() == EngineRig.DISPATCH_APP.id()).collect(Collectors.toList());
        assertTrue(at(mine, Priorities.BASE).isEmpty(), "the sandwich owns NORMAL on its devices");
        assertTrue(at(mine, Priorities.PUNT).isEmpty(), "si is no stage");
        assertEquals(1, at(mine, Priorities.ARP).size());
        List<FlowRule> steer = at(mine, Priorities.STEER);
        assertEquals(1, steer.size());
        assertEquals(rig.topology.dispatcher("d1").mac(), Treats.matchedEthDst(steer.get(0)));
        assertEquals(PortNumber.portNumber(4), Treats.output(steer.get(0).treatment()), "si's uplink toward d1");
        assertEquals(2, mine.size());
    }

    @Test
    void dfPuntsItsTcpButDropsNothing() {
        EngineRig rig = new EngineRig(Presets.topology("fig8"));
        List<FlowRule> rs = base(rig, E21, true);
        assertEquals(1, at(rs, Priorities.PUNT).size());
        assertEquals(rig.topology.dispatcher("d7a").mac(), Treats.matchedEthDst(at(rs, Priorities.PUNT).get(0)));
        assertEquals(7, at(rs, Priorities.CLOSE).size());
        assertTrue(at(rs, Priorities.UNKNOWN).isEmpty(), "the host's other segments pass");
        assertEquals(1, at(rs, Priorities.BASE).size());
    }

    // ---- per-connection rules ------------------------------------------------------------------

    @Test
    void l42ForwardingNamesTheNextHopsPortUnlessTheConnectionCameInThere() {
        FwlbTopology t = Presets.topology("fig2");
        assertEquals(PortNumber.portNumber(1),
                     Treats.output(Treatments.l2Forward(t, D01, "d2a", PortNumber.portNumber(7), false, null, false)));
        assertEquals(PortNumber.IN_PORT,
                     Treats.output(Treatments.l2Forward(t, D01, "d2a", PortNumber.portNumber(1), false, null, false)));
        assertEquals(PortNumber.portNumber(1),
                     Treats.output(Treatments.l2Forward(t, D01, "d2a", PortNumber.portNumber(1), true, null, false)),
                     "a packet-out has no in port: it names the port");
        assertEquals(Integer.valueOf(3), Treats.pushedVlan(
                Treatments.l2Forward(t, D01, "d2a", PortNumber.portNumber(1), true, 3, false)));
    }

    @Test
    void l43RulesRewriteToTheServerAndRepliesBackToTheVip() {
        EngineRig rig = new EngineRig(Presets.topology("fig2"));
        FwlbTopology t = rig.topology;
        rig.learnUplink("d1", 1);
        rig.learnUplink("d2a", 1);
        List<FlowRule> rs = rules(rig, entry(flow("10.0.1.11", 40000, VIP2), ConnectionPath.empty()
                .withNextDispatcher("d1").withNextDispatcher("d2a").withServer("srv2")));
        assertEquals(3, rs.size());
        FlowRule l42 = rs.get(0);
        assertEquals(Priorities.PINNED_ORIGIN, l42.priority());
        assertEquals(t.dispatcher("d2a").mac(), Treats.ethDst(l42.treatment()));
        assertEquals(PortNumber.IN_PORT, Treats.output(l42.treatment()));
        assertNull(Treats.ipDst(l42.treatment()));
        assertNull(Treats.ethSrc(l42.treatment()));
        FlowRule fwd = rs.get(1);
        assertEquals("10.0.1.22", Treats.ipDst(fwd.treatment()));
        assertEquals(t.server("srv2").mac(), Treats.ethDst(fwd.treatment()));
        assertEquals(PortNumber.portNumber(3), Treats.output(fwd.treatment()));
        FlowRule rev = rs.get(2);
        assertEquals(IpAddress.valueOf("10.0.1.22"), Treats.matchedIp(rev, Criterion.Type.IPV4_SRC));
        assertEquals(IpAddress.valueOf("10.0.1.11"), Treats.matchedIp(rev, Criterion.Type.IPV4_DST));
        assertEquals(VIP2, Treats.ipSrc(rev.treatment()));
        assertEquals(t.dispatcher("d2a").mac(), Treats.ethSrc(rev.treatment()));
        assertNull(Treats.ethDst(rev.treatment()), "without a sandwich the server's own next hop stands");
        assertEquals(PortNumber.portNumber(1), Treats.output(rev.treatment()), "replies leave by the uplink");
    }

    @Test
    void l43ReplyRuleGoesToTheFirewallsInsideMacBehindASandwich() {
        EngineRig rig = new EngineRig(Presets.topology("fig7"));
        FwlbTopology t = rig.topology;
        List<FlowRule> rs = rules(rig, entry(flow("10.0.1.11", 40000, VIP7), ConnectionPath.viaFirewall("fw2")
                .withNextDispatcher("d1").withNextDispatcher("d2a").withServer("srv1")));
        FlowRule rev = rs.get(rs.size() - 1);
        assertEquals(t.firewall("fw2").inside().mac(), Treats.ethDst(rev.treatment()));
        assertEquals(VIP7, Treats.ipSrc(rev.treatment()));
        assertEquals(DeviceId.deviceId("of:0000000000000d21"), rev.deviceId());
    }

    @Test
    void dfRuleSendsTheHostsRepliesToTheFirewallAndThereIsNoDfWithoutOne() {
        EngineRig rig = new EngineRig(Presets.topology("fig8"));
        FwlbTopology t = rig.topology;
        rig.learnUplink("d7a", 1);
        FlowKey f = flow("10.0.1.12", 40001, VIP7);
        List<FlowRule> rs = rules(rig, entry(f, ConnectionPath.viaFirewall("fw3").withNextDispatcher("d1")
                .withNextDispatcher("d7a")));
        List<FlowRule> df = rs.stream().filter(r -> r.deviceId().equals(E21)).collect(Collectors.toList());
        assertEquals(2, df.size());
        FlowRule back = df.get(1);
        assertEquals(IpAddress.valueOf(VIP7), Treats.matchedIp(back, Criterion.Type.IPV4_SRC));
        assertEquals(t.firewall("fw3").inside().mac(), Treats.ethDst(back.treatment()));
        assertEquals(PortNumber.portNumber(1), Treats.output(back.treatment()));
        assertTrue(rules(rig, entry(f, ConnectionPath.empty().withNextDispatcher("d1").withNextDispatcher("d7a")))
                           .stream().noneMatch(r -> r.deviceId().equals(E21)), "no firewall, no DF rules");
    }

    @Test
    void everyRuleOfAThreeStageChainIsRebuiltAndMapsBackToTheConnection() {
        EngineRig rig = new EngineRig(Presets.topology("three-stage"));
        FwlbTopology t = rig.topology;
        FlowKey f = flow("10.0.1.11", 40000, VIP2);
        ConnectionEntry e = entry(f, ConnectionPath.empty().withNextDispatcher("d1").withNextDispatcher("d2a")
                .withNextDispatcher("d3b").withServer("srv4"));
        List<FlowRule> rs = rules(rig, e);
        assertEquals(4, rs.size(), "three forward rules and the L4/3 stage's reply rule");
        assertEquals(t.dispatcher("d2a").mac(), Treats.ethDst(rs.get(0).treatment()));
        assertEquals(t.dispatcher("d3b").mac(), Treats.ethDst(rs.get(1).treatment()));
        assertEquals(t.server("srv4").mac(), Treats.ethDst(rs.get(2).treatment()));
        assertEquals("10.0.1.24", Treats.ipDst(rs.get(2).treatment()));
        for (FlowRule r : rs) {
            assertEquals(f.canonical(), PathRules.connectionKeyOf(r).get(), r.toString());
            assertEquals(EngineRig.DISPATCH_APP.id(), r.appId());
        }
        assertEquals(4, rs.stream().map(r -> r.deviceId() + "/" + r.id()).distinct().count());
    }

    // ---- static-hash mode ------------------------------------------------------------------------

    @Test
    void staticHashServicesGetBucketRulesAtEveryStageAndNoPuntIsNeeded() {
        EngineRig rig = new EngineRig(Presets.topology("fig2", (ObjectNode f) -> ((ObjectNode) f.get("services")
                .get(0)).put("mode", "static-hash").put("policy", "static-hash")));
        List<FlowRule> d1 = base(rig, D01, false);
        // one-armed first stage: per bucket a rule for packets arriving on the arm (IN_PORT) and a generic one
        List<FlowRule> arm = at(d1, Priorities.HASH + 1);
        assertEquals(64, arm.size());
        for (FlowRule r : arm) {
            assertEquals(PortNumber.IN_PORT, Treats.output(r.treatment()));
            assertEquals(rig.topology.dispatcher("d1").mac(), Treats.matchedEthDst(r));
        }
        assertEquals(64, at(d1, Priorities.HASH).size());
        // L4/3: per bucket a NAT rule to a server, plus each server's replies back to the VIP (by L2)
        List<FlowRule> d2a = at(base(rig, D21, false), Priorities.HASH);
        assertEquals(64 + 2, d2a.size());
        assertEquals(32, d2a.stream().filter(r -> "10.0.1.21".equals(Treats.ipDst(r.treatment()))).count());
        assertEquals(2, d2a.stream().filter(r -> VIP2.equals(Treats.ipSrc(r.treatment()))).count());
        // a stage whose members are all down has no bucket rules (its SYNs are punted and dropped)
        rig.states.setAdminState("srv1", org.fwlb.model.AdminState.DOWN);
        rig.states.setAdminState("srv2", org.fwlb.model.AdminState.DOWN);
        rig.recomputeBuckets();
        assertEquals(2, at(base(rig, D21, false), Priorities.HASH).size());
        assertFalse(base(rig, D21, false).isEmpty());
    }
}
