package org.fwlb.dispatch.impl;

import org.fwlb.model.ConnectionEntry;
import org.fwlb.model.ConnectionPath;
import org.fwlb.model.Firewall;
import org.fwlb.model.FlowKey;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.Ip4;
import org.junit.jupiter.api.Test;
import org.onlab.packet.Ethernet;
import org.onlab.packet.IpAddress;
import org.onlab.packet.MacAddress;
import org.onosproject.net.DeviceId;
import org.onosproject.net.PortNumber;
import org.onosproject.net.flow.FlowRule;
import org.onosproject.net.flow.criteria.Criterion;
import org.onosproject.net.flow.criteria.EthCriterion;
import org.onosproject.net.flow.criteria.TcpFlagsCriterion;
import org.onosproject.net.flow.instructions.L3ModificationInstruction.L3SubType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.fwlb.dispatch.impl.DispatchRig.dev;
import static org.fwlb.dispatch.impl.DispatchRig.ethDst;
import static org.fwlb.dispatch.impl.DispatchRig.ethSrc;
import static org.fwlb.dispatch.impl.DispatchRig.ipMod;
import static org.fwlb.dispatch.impl.DispatchRig.output;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StageRulesTest {

    private static final DeviceId D01 = dev("0000000000000d01");
    private static final DeviceId D21 = dev("0000000000000d21");
    private static final DeviceId F02 = dev("0000000000000f02");
    private static final DeviceId E21 = dev("0000000000000e21");
    private static final String VIP2 = "10.0.1.100";
    private static final String VIP7 = "10.0.2.100";

    private final StageRules rules = new StageRules(DispatchRig.APP);

    private static int ip(String s) {
        return Ip4.toInt(IpAddress.valueOf(s).getIp4Address());
    }

    private static FlowKey flow(String client, int port, String vip) {
        return FlowKey.of(6, ip(client), port, ip(vip), 80);
    }

    private static List<FlowRule> at(List<FlowRule> rs, int prio) {
        return rs.stream().filter(r -> r.priority() == prio).collect(Collectors.toList());
    }

    private static MacAddress matchedEthDst(FlowRule r) {
        EthCriterion c = (EthCriterion) r.selector().getCriterion(Criterion.Type.ETH_DST);
        return c == null ? null : c.mac();
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
    void firstStageBaseRulesPuntSynsAndClosesDropUnknownsAnswerArpAndSwitchTheRest() {
        DispatchPlan p = DispatchPlan.of(DispatchRig.preset("fig2"));
        MacAddress d1 = p.topology().dispatcher("d1").mac();
        List<FlowRule> rs = rules.baseRules(p, D01, true);
        assertEquals(1, at(rs, StageRules.PRIO_SYN).size());
        assertEquals(new HashSet<>(Arrays.asList(0x02)), tcpFlags(at(rs, StageRules.PRIO_SYN)));
        assertEquals(new HashSet<>(Arrays.asList(0x01, 0x11, 0x19, 0x04, 0x14, 0x15, 0x1c)),
                     tcpFlags(at(rs, StageRules.PRIO_CLOSE)));
        List<FlowRule> unknown = at(rs, StageRules.PRIO_UNKNOWN);
        assertEquals(1, unknown.size());
        assertTrue(unknown.get(0).treatment().clearedDeferred() || unknown.get(0).treatment().allInstructions()
                .stream().noneMatch(i -> i.type() == org.onosproject.net.flow.instructions.Instruction.Type.OUTPUT),
                   "unknown non-SYN segments are dropped");
        for (FlowRule r : at(rs, StageRules.PRIO_SYN)) {
            assertEquals(d1, matchedEthDst(r), "punts only frames addressed to the stage");
            assertEquals(PortNumber.CONTROLLER, output(r.treatment()));
            assertTrue(r.isPermanent());
        }
        List<FlowRule> arp = at(rs, StageRules.PRIO_ARP);
        assertEquals(1, arp.size());
        assertEquals(Ethernet.TYPE_ARP, ((org.onosproject.net.flow.criteria.EthTypeCriterion) arp.get(0).selector()
                .getCriterion(Criterion.Type.ETH_TYPE)).ethType().toShort());
        List<FlowRule> base = at(rs, StageRules.PRIO_BASE);
        assertEquals(1, base.size());
        assertEquals(PortNumber.NORMAL, output(base.get(0).treatment()));
        assertTrue(at(rs, StageRules.PRIO_STEER).isEmpty());
        assertEquals(11, rs.size(), rs.toString());
        assertEquals(rs.size(), new HashSet<>(rs).size(), "no rule twice");
    }

    @Test
    void l43StageAlsoPuntsProbeAnswersAndServersArpForTheVip() {
        DispatchPlan p = DispatchPlan.of(DispatchRig.preset("fig2"));
        List<FlowRule> rs = rules.baseRules(p, D21, true);
        List<FlowRule> high = at(rs, StageRules.PRIO_ARP);
        assertEquals(2, high.size(), "one probe-answer rule (two servers, one stage address) and one ARP rule");
        assertEquals(1, at(rs, StageRules.PRIO_SYN).size());
        assertEquals(p.topology().dispatcher("d2a").mac(), matchedEthDst(at(rs, StageRules.PRIO_SYN).get(0)));
    }

    @Test
    void sandwichDeviceGetsArpAndSteeringButNoNormal() {
        DispatchPlan p = DispatchPlan.of(DispatchRig.preset("fig7"));
        List<FlowRule> rs = rules.baseRules(p, F02, false);
        assertTrue(at(rs, StageRules.PRIO_BASE).isEmpty(), "the sandwich owns NORMAL on its devices");
        assertTrue(at(rs, StageRules.PRIO_SYN).isEmpty(), "si is no stage");
        assertEquals(1, at(rs, StageRules.PRIO_ARP).size());
        List<FlowRule> steer = at(rs, StageRules.PRIO_STEER);
        assertEquals(1, steer.size());
        assertEquals(p.topology().dispatcher("d1").mac(), matchedEthDst(steer.get(0)));
        assertEquals(PortNumber.portNumber(4), output(steer.get(0).treatment()), "si's uplink toward d1");
        assertEquals(2, rs.size());
    }

    @Test
    void dfPuntsSynsAndClosesButDropsNothing() {
        DispatchPlan p = DispatchPlan.of(DispatchRig.preset("fig8"));
        List<FlowRule> rs = rules.baseRules(p, E21, true);
        assertEquals(1, at(rs, StageRules.PRIO_SYN).size());
        assertEquals(p.topology().dispatcher("d7a").mac(), matchedEthDst(at(rs, StageRules.PRIO_SYN).get(0)));
        assertEquals(7, at(rs, StageRules.PRIO_CLOSE).size());
        assertTrue(at(rs, StageRules.PRIO_UNKNOWN).isEmpty(), "the host's other segments pass");
        assertEquals(1, at(rs, StageRules.PRIO_BASE).size());
    }

    // ---- per-connection rules ------------------------------------------------------------------

    @Test
    void l42RuleRewritesOnlyTheDestinationMacAndSendsBackThroughTheArm() {
        FwlbTopology t = DispatchRig.preset("fig2");
        FlowKey f = flow("10.0.1.11", 40000, VIP2);
        StageDecision d = new StageDecision(D01, t.dispatcher("d1"), false, f, "d2a", PortNumber.portNumber(1), null);
        List<FlowRule> rs = rules.decisionRules(t, d, 10);
        assertEquals(1, rs.size());
        FlowRule r = rs.get(0);
        assertEquals(StageRules.PRIO_PINNED, r.priority());
        assertEquals(D01, r.deviceId());
        assertEquals(10, r.timeout());
        assertFalse(r.isPermanent());
        assertEquals(t.dispatcher("d2a").mac(), ethDst(r.treatment()));
        assertEquals(PortNumber.IN_PORT, output(r.treatment()), "the next stage is behind the arm the SYN came in");
        assertNull(ipMod(r.treatment(), L3SubType.IPV4_DST));
        assertNull(ethSrc(r.treatment()));
        assertTrue(rules.isPinned(r));
    }

    @Test
    void l42ForwardingNamesTheNextHopsPortWhenItIsNotTheInPort() {
        FwlbTopology t = DispatchRig.preset("fig2");
        assertEquals(PortNumber.portNumber(1),
                     output(StageRules.l2Forward(t, D01, "d2a", PortNumber.portNumber(7), false, null, false)));
        assertEquals(PortNumber.portNumber(1),
                     output(StageRules.l2Forward(t, D01, "d2a", PortNumber.portNumber(1), true, null, false)),
                     "a packet-out has no in port: it names the port");
        assertEquals(Integer.valueOf(3), DispatchRig.pushedVlan(
                StageRules.l2Forward(t, D01, "d2a", PortNumber.portNumber(1), true, 3, false)));
    }

    @Test
    void l43RulesRewriteToTheServerAndRepliesBackToTheVip() {
        FwlbTopology t = DispatchRig.preset("fig2");
        FlowKey f = flow("10.0.1.11", 40000, VIP2);
        StageDecision d = new StageDecision(D21, t.dispatcher("d2a"), false, f, "srv2", PortNumber.portNumber(1),
                                            null);
        List<FlowRule> rs = rules.decisionRules(t, d, 10);
        assertEquals(2, rs.size());
        FlowRule fwd = rs.get(0);
        assertEquals("10.0.1.22", ipMod(fwd.treatment(), L3SubType.IPV4_DST));
        assertEquals(t.server("srv2").mac(), ethDst(fwd.treatment()));
        assertEquals(PortNumber.portNumber(3), output(fwd.treatment()));
        FlowRule rev = rs.get(1);
        assertEquals(ip("10.0.1.22"), ip(rev, Criterion.Type.IPV4_SRC));
        assertEquals(ip("10.0.1.11"), ip(rev, Criterion.Type.IPV4_DST));
        assertEquals(VIP2, ipMod(rev.treatment(), L3SubType.IPV4_SRC));
        assertEquals(t.dispatcher("d2a").mac(), ethSrc(rev.treatment()));
        assertNull(ethDst(rev.treatment()), "without a sandwich the server's own next hop stands");
        assertEquals(PortNumber.portNumber(1), output(rev.treatment()), "replies leave by the uplink");
    }

    private static int ip(FlowRule r, Criterion.Type type) {
        return Ip4.toInt(((org.onosproject.net.flow.criteria.IPCriterion) r.selector().getCriterion(type)).ip()
                                 .address().getIp4Address());
    }

    @Test
    void l43ReplyRuleGoesToTheFirewallsInsideMacBehindASandwich() {
        FwlbTopology t = DispatchRig.preset("fig7");
        Firewall fw2 = t.firewall("fw2");
        FlowKey f = flow("10.0.1.11", 40000, VIP7);
        StageDecision d = new StageDecision(D21, t.dispatcher("d2a"), false, f, "srv1", PortNumber.portNumber(1),
                                            fw2);
        FlowRule rev = rules.decisionRules(t, d, 10).get(1);
        assertEquals(fw2.inside().mac(), ethDst(rev.treatment()));
        assertEquals(VIP7, ipMod(rev.treatment(), L3SubType.IPV4_SRC));
    }

    @Test
    void dfRuleSendsTheHostsRepliesToTheFirewall() {
        FwlbTopology t = DispatchRig.preset("fig8");
        Firewall fw3 = t.firewall("fw3");
        FlowKey f = flow("10.0.1.12", 40001, VIP7);
        List<FlowRule> rs = rules.decisionRules(t, new StageDecision(E21, t.dispatcher("d7a"), true, f, null,
                                                                     PortNumber.portNumber(1), fw3), 10);
        assertEquals(1, rs.size());
        FlowRule r = rs.get(0);
        assertEquals(ip(VIP7), ip(r, Criterion.Type.IPV4_SRC));
        assertEquals(fw3.inside().mac(), ethDst(r.treatment()));
        assertEquals(PortNumber.portNumber(1), output(r.treatment()));
        assertTrue(rules.decisionRules(t, new StageDecision(E21, t.dispatcher("d7a"), true, f, null,
                                                            PortNumber.portNumber(1), null), 10).isEmpty());
    }

    @Test
    void everyPerConnectionRuleMapsBackToTheClientVipKey() {
        FlowKey f2 = flow("10.0.1.11", 40000, VIP2);
        FwlbTopology t2 = DispatchRig.preset("fig2");
        FwlbTopology t8 = DispatchRig.preset("fig8");
        FlowKey f8 = flow("10.0.1.11", 40000, VIP7);
        List<FlowRule> all = new ArrayList<>();
        all.addAll(rules.decisionRules(t2, new StageDecision(D01, t2.dispatcher("d1"), false, f2, "d2a",
                                                             PortNumber.portNumber(1), null), 10));
        all.addAll(rules.decisionRules(t2, new StageDecision(D21, t2.dispatcher("d2a"), false, f2, "srv1",
                                                             PortNumber.portNumber(1), null), 10));
        List<FlowRule> df = rules.decisionRules(t8, new StageDecision(E21, t8.dispatcher("d7a"), true, f8, null,
                                                                      PortNumber.portNumber(1), t8.firewall("fw1")), 10);
        assertEquals(3, all.size());
        for (FlowRule r : all) {
            assertEquals(f2.canonical(), StageRules.connectionKeyOf(r).get(), r.toString());
        }
        assertEquals(f8.canonical(), StageRules.connectionKeyOf(df.get(0)).get());
        List<FlowRule> base = rules.baseRules(DispatchPlan.of(t2), D21, true);
        for (FlowRule r : base) {
            assertFalse(StageRules.connectionKeyOf(r).isPresent(), "base rule " + r);
            assertFalse(rules.isPinned(r));
        }
    }

    @Test
    void cookiesAreStableSoRebuiltRulesReplaceAndRemoveTheInstalledOnes() {
        FwlbTopology t = DispatchRig.preset("fig2");
        FlowKey f = flow("10.0.1.11", 40000, VIP2);
        StageDecision at1 = new StageDecision(D01, t.dispatcher("d1"), false, f, "d2a", PortNumber.portNumber(1), null);
        StageDecision at2 = new StageDecision(D21, t.dispatcher("d2a"), false, f, "srv1", PortNumber.portNumber(1),
                                              null);
        List<FlowRule> a = new ArrayList<>(rules.decisionRules(t, at1, 10));
        a.addAll(rules.decisionRules(t, at2, 10));
        List<FlowRule> b = new ArrayList<>(new StageRules(DispatchRig.APP).decisionRules(t, at1, 2));
        b.addAll(new StageRules(DispatchRig.APP).decisionRules(t, at2, 2));
        Set<Long> ids = new HashSet<>();
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).id(), b.get(i).id(), "same connection, same rule id, whatever the timeout");
            assertEquals(DispatchRig.APP.id(), a.get(i).appId());
            ids.add(a.get(i).id().value());
        }
        assertEquals(3, ids.size(), "forward and reply rules differ");
        FlowRule other = rules.decisionRules(t, new StageDecision(D01, t.dispatcher("d1"), false,
                flow("10.0.1.11", 40001, VIP2), "d2a", PortNumber.portNumber(1), null), 10).get(0);
        assertNotEquals(a.get(0).id(), other.id());

        // what the life cycle removes is what the placer installed
        ConnectionEntry e = ConnectionEntry.pinned(f, ConnectionPath.empty().withNextDispatcher("d1")
                .withNextDispatcher("d2a").withServer("srv1"), 0, DispatchContext.APP_NAME);
        Set<String> removal = rules.allRules(t, e).stream().map(r -> r.deviceId() + "/" + r.id())
                .collect(Collectors.toSet());
        Set<String> installed = a.stream().map(r -> r.deviceId() + "/" + r.id()).collect(Collectors.toSet());
        assertEquals(installed, removal);
    }

    @Test
    void forwardRulesRebuildTheWholeChainOfAThreeStageConnection() {
        FwlbTopology t = DispatchRig.preset("three-stage");
        FlowKey f = flow("10.0.1.11", 40000, VIP2);
        ConnectionEntry e = ConnectionEntry.pinned(f, ConnectionPath.empty().withNextDispatcher("d1")
                .withNextDispatcher("d2a").withNextDispatcher("d3b").withServer("srv4"), 0, DispatchContext.APP_NAME);
        List<FlowRule> fwd = rules.forwardRules(t, e, 2);
        assertEquals(3, fwd.size());
        assertEquals(t.dispatcher("d2a").mac(), ethDst(fwd.get(0).treatment()));
        assertEquals(t.dispatcher("d3b").mac(), ethDst(fwd.get(1).treatment()));
        assertEquals(t.server("srv4").mac(), ethDst(fwd.get(2).treatment()));
        assertEquals("10.0.1.24", ipMod(fwd.get(2).treatment(), L3SubType.IPV4_DST));
        assertEquals(4, rules.allRules(t, e).size(), "plus the L4/3 stage's reply rule");
    }

    // ---- static-hash mode ------------------------------------------------------------------------

    @Test
    void staticHashServicesGetBucketRulesAtEveryStageAndNoPuntIsNeeded() {
        DispatchPlan p = DispatchPlan.of(DispatchRig.preset("fig2", f -> {
            com.fasterxml.jackson.databind.node.ObjectNode v =
                    (com.fasterxml.jackson.databind.node.ObjectNode) f.get("services").get(0);
            v.put("mode", "static-hash");
            v.put("policy", "static-hash");
        }));
        java.util.function.BiFunction<org.fwlb.model.Dispatcher, org.fwlb.model.VirtualService, String[]> buckets =
            (stage, v) -> {
                String[] out = new String[StageRules.HASH_BUCKETS];
                List<String> c = p.topology().candidates(stage.id(), v.serviceType());
                for (int b = 0; b < out.length; b++) {
                    out[b] = c.get(b % c.size());
                }
                return out;
            };
        List<FlowRule> d1 = rules.baseRules(p, D01, true, buckets);
        // one-armed first stage: per bucket a rule for packets arriving on the arm (IN_PORT) and a generic one
        List<FlowRule> arm = at(d1, StageRules.PRIO_HASH + 1);
        assertEquals(StageRules.HASH_BUCKETS, arm.size());
        assertEquals(StageRules.HASH_BUCKETS, at(d1, StageRules.PRIO_HASH).size());
        for (FlowRule r : arm) {
            assertEquals(PortNumber.IN_PORT, DispatchRig.output(r.treatment()));
            assertEquals(p.topology().dispatcher("d1").mac(), matchedEthDst(r));
        }
        // L4/3: per bucket a NAT rule to a server, plus each server's replies back to the VIP (by L2)
        List<FlowRule> d2a = at(rules.baseRules(p, D21, true, buckets), StageRules.PRIO_HASH);
        assertEquals(StageRules.HASH_BUCKETS + 2, d2a.size());
        long toSrv1 = d2a.stream().filter(r -> "10.0.1.21".equals(
                DispatchRig.ipMod(r.treatment(), L3SubType.IPV4_DST))).count();
        assertEquals(StageRules.HASH_BUCKETS / 2, toSrv1);
        assertEquals(2, d2a.stream().filter(r -> VIP2.equals(
                DispatchRig.ipMod(r.treatment(), L3SubType.IPV4_SRC))).count());
        // a bucket with no eligible member gets no rule (its SYNs are punted and dropped)
        List<FlowRule> none = rules.baseRules(p, D21, true, (stage, v) -> new String[StageRules.HASH_BUCKETS]);
        assertEquals(2, at(none, StageRules.PRIO_HASH).size());
    }
}
