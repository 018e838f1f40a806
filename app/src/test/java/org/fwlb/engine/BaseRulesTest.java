package org.fwlb.engine;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.fwlb.config.ExampleConfigs;
import org.fwlb.model.Firewall;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.Server;
import org.fwlb.testing.Treats;
import org.junit.jupiter.api.Test;
import org.onlab.packet.Ethernet;
import org.onlab.packet.IpAddress;
import org.onlab.packet.MacAddress;
import org.onosproject.net.DeviceId;
import org.onosproject.net.PortNumber;
import org.onosproject.net.flow.DefaultTrafficSelector;
import org.onosproject.net.flow.FlowRule;
import org.onosproject.net.flow.criteria.Criterion;
import org.onosproject.net.flow.criteria.EthTypeCriterion;
import org.onosproject.net.flow.criteria.TcpFlagsCriterion;
import org.onosproject.net.flow.criteria.TcpPortCriterion;
import org.onosproject.net.flow.instructions.Instructions;
import org.onosproject.net.meter.MeterId;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.fwlb.engine.EnginePlanTest.D01;
import static org.fwlb.engine.EnginePlanTest.D02;
import static org.fwlb.engine.EnginePlanTest.F01;
import static org.fwlb.engine.EnginePlanTest.F02;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rules each device holds independent of connections, for the owners attached.
 */
class BaseRulesTest {

    private static final MeterId PUNT = MeterId.meterId(11);
    private static final MeterId ARP = MeterId.meterId(22);
    private static final BaseRules.Meters METERS = new BaseRules.Meters(Optional.of(PUNT), Optional.of(ARP));

    private static List<FlowRule> base(EngineRig rig, DeviceId dev, boolean tcpFlags) {
        return new BaseRules(rig.ctx.rules(), tcpFlags).rules(rig.plan, dev, METERS, rig.ctx.firewallBuckets(),
                                                                rig.ctx::stageBuckets);
    }

    private static List<FlowRule> base(EngineRig rig, DeviceId dev) {
        return base(rig, dev, false);
    }

    private static List<FlowRule> at(List<FlowRule> rs, int lo, int hi) {
        return rs.stream().filter(r -> r.priority() >= lo && r.priority() < hi).collect(Collectors.toList());
    }

    private static List<FlowRule> at(List<FlowRule> rs, int prio) {
        return at(rs, prio, prio + 1);
    }

    private static boolean punts(FlowRule r) {
        return PortNumber.CONTROLLER.equals(Treats.output(r.treatment()));
    }

    private static Set<MeterId> meters(FlowRule r) {
        return r.treatment().meters().stream().map(Instructions.MeterInstruction::meterId)
                .collect(Collectors.toSet());
    }

    private static boolean isArp(FlowRule r) {
        EthTypeCriterion c = (EthTypeCriterion) r.selector().getCriterion(Criterion.Type.ETH_TYPE);
        return c != null && c.ethType().toShort() == Ethernet.TYPE_ARP;
    }

    private static int tcp(FlowRule r, Criterion.Type type) {
        TcpPortCriterion c = (TcpPortCriterion) r.selector().getCriterion(type);
        return c == null ? -1 : c.tcpPort().toInt();
    }

    /** Every punt goes through a meter: ARP and probe answers through the ARP meter, TCP through the punt meter. */
    private static void assertMetered(List<FlowRule> rs) {
        for (FlowRule r : rs) {
            if (!punts(r)) {
                assertTrue(meters(r).isEmpty(), "only punts are metered: " + r);
                continue;
            }
            boolean probe = tcp(r, Criterion.Type.TCP_DST) == BaseRules.PROBE_PORT;
            assertEquals(Set.of(isArp(r) || probe ? ARP : PUNT), meters(r), r.toString());
            assertTrue(r.isPermanent(), r.toString());
        }
    }

    private static void assertNoTcpFlags(List<FlowRule> rs) {
        for (FlowRule r : rs) {
            assertNull(r.selector().getCriterion(Criterion.Type.TCP_FLAGS),
                       "ONOS 2.7 cannot translate tcp_flags: " + r);
        }
    }

    // ---- firewall dispatchers ----------------------------------------------------------------------

    @Test
    void fig1OnePuntPerPinnedClassBelowThePinnedRulesAndNoTcpFlags() {
        FwlbTopology t = ExampleConfigs.topology(1);
        EngineRig rig = new EngineRig(t);
        for (DeviceId dev : List.of(F01, F02)) {
            List<FlowRule> rs = base(rig, dev);
            MacAddress gw = (dev.equals(F01) ? t.external() : t.internal()).get().gatewayMac();
            // web (80, 443; rank 3): requests to and replies from each port; default (any port; rank 1): one
            List<FlowRule> web = at(rs, Priorities.PUNT + 3);
            assertEquals(4, web.size(), web.toString());
            assertEquals(Set.of("dst80", "src80", "dst443", "src443"), web.stream()
                    .map(r -> tcp(r, Criterion.Type.TCP_DST) > 0 ? "dst" + tcp(r, Criterion.Type.TCP_DST)
                            : "src" + tcp(r, Criterion.Type.TCP_SRC)).collect(Collectors.toSet()));
            List<FlowRule> any = at(rs, Priorities.PUNT + 1);
            assertEquals(1, any.size());
            assertEquals(DefaultTrafficSelector.builder().matchEthDst(gw).matchEthType(Ethernet.TYPE_IPV4)
                                 .matchIPProtocol((byte) 6).build(), any.get(0).selector());
            assertEquals(5, at(rs, Priorities.PUNT, Priorities.PUNT + 1000).size(), "the UDP class gets no punt");
            for (FlowRule r : at(rs, Priorities.PUNT, Priorities.PUNT + 1000)) {
                assertTrue(punts(r));
                assertEquals(gw, Treats.matchedEthDst(r), "only frames routed through the gateway");
                assertTrue(r.priority() < Priorities.HOLD && r.priority() > Priorities.UNKNOWN, "below held 5-tuples");
            }
            assertTrue(at(rs, Priorities.CLOSE, Priorities.CLOSE + 1000).isEmpty());
            assertTrue(at(rs, Priorities.UNKNOWN, Priorities.UNKNOWN + 1000).isEmpty());
            List<FlowRule> arp = at(rs, Priorities.ARP);
            assertEquals(1, arp.size());
            assertTrue(isArp(arp.get(0)));
            assertEquals(1, at(rs, Priorities.OTHER_IP).size());
            assertEquals(1, at(rs, Priorities.BASE).size());
            assertEquals(8, rs.size(), rs.toString());
            assertNoTcpFlags(rs);
            assertMetered(rs);
            assertTrue(rs.stream().allMatch(r -> r.appId() == EngineRig.SANDWICH_APP.id()));
        }
    }

    @Test
    void tcpFlagsModePuntsSynsAndClosesAndHandlesUnknownSegmentsInTheSwitch() {
        FwlbTopology t = ExampleConfigs.topology(1);
        EngineRig rig = new EngineRig(t);
        List<FlowRule> rs = base(rig, F01, true);
        List<FlowRule> syn = at(rs, Priorities.PUNT, Priorities.PUNT + 1000);
        assertEquals(3, syn.size(), "web: to 80 and 443; default: any");
        for (FlowRule r : syn) {
            assertEquals(BaseRules.SYN_FLAGS, ((TcpFlagsCriterion) r.selector().getCriterion(Criterion.Type.TCP_FLAGS))
                    .flags());
        }
        List<FlowRule> close = at(rs, Priorities.CLOSE, Priorities.CLOSE + 1000);
        assertEquals(BaseRules.CLOSE_FLAGS.length * 5, close.size());
        assertTrue(close.stream().allMatch(r -> r.priority() > Priorities.PINNED && punts(r)),
                   "FIN/RST outrank the pinned rules");
        List<FlowRule> unknown = at(rs, Priorities.UNKNOWN, Priorities.UNKNOWN + 1000);
        assertEquals(4, at(unknown, Priorities.UNKNOWN + 3).stream().filter(BaseRulesTest::punts).count(),
                     "web is drop-rst: its unknown segments are punted to be answered");
        assertTrue(Treats.drops(at(unknown, Priorities.UNKNOWN + 1).get(0).treatment()), "default drops them");
        assertMetered(rs);
    }

    @Test
    void fig6InternalDispatcherAnswersArpForTheVipAndPuntsTcpToItsL43Stage() {
        FwlbTopology t = ExampleConfigs.topology(6);
        EngineRig rig = new EngineRig(t);
        List<FlowRule> rs = base(rig, F02);
        List<FlowRule> arp = at(rs, Priorities.ARP);
        assertEquals(2, arp.size(), "the gateway and the VIP");
        Set<String> targets = new HashSet<>();
        arp.forEach(r -> targets.add(((org.onosproject.net.flow.criteria.ArpPaCriterion) r.selector()
                .getCriterion(Criterion.Type.ARP_TPA)).ip().toString()));
        assertEquals(Set.of("10.0.2.254", "10.0.2.100"), targets);
        List<FlowRule> stage = at(rs, Priorities.PUNT);
        assertEquals(1, stage.size());
        assertEquals(t.dispatcher("int-dispatch").mac(), Treats.matchedEthDst(stage.get(0)));
        assertEquals(IpAddress.valueOf("10.0.2.100"), Treats.matchedIp(stage.get(0), Criterion.Type.IPV4_DST));
        assertEquals(EngineRig.SANDWICH_APP.id(), stage.get(0).appId(), "FIG 6's stage is the sandwich's");
        assertEquals(6, rs.size(), rs.toString());
        assertTrue(rs.stream().allMatch(r -> r.appId() == EngineRig.SANDWICH_APP.id()));
        assertMetered(rs);
        assertNoTcpFlags(rs);
        assertEquals(4, base(rig, F01).size(), "ARP, the one class's punt, other IP, NORMAL");
    }

    @Test
    void fig7InternalDispatcherCarriesBothApplicationsRulesAndOneNormal() {
        FwlbTopology t = ExampleConfigs.topology(7);
        EngineRig rig = new EngineRig(t);
        List<FlowRule> rs = base(rig, F02);
        Map<Short, List<Integer>> byApp = new TreeMap<>();
        rs.forEach(r -> byApp.computeIfAbsent(r.appId(), k -> new ArrayList<>()).add(r.priority()));
        assertEquals(List.of(Priorities.ARP, Priorities.PUNT + 1, Priorities.OTHER_IP, Priorities.BASE),
                     byApp.get(EngineRig.SANDWICH_APP.id()));
        assertEquals(List.of(Priorities.PUNT, Priorities.ARP), byApp.get(EngineRig.DISPATCH_APP.id()));
        FlowRule stagePunt = at(rs, Priorities.PUNT).get(0);
        assertEquals(t.dispatcher("stage1").mac(), Treats.matchedEthDst(stagePunt));
        assertMetered(rs);

        // without the sandwich attached the dispatch application does not take over NORMAL on a sandwich device
        EngineRig dispatchOnly = new EngineRig(t).detach(Owner.SANDWICH);
        List<FlowRule> d = base(dispatchOnly, F02);
        assertEquals(2, d.size(), d.toString());
        assertTrue(at(d, Priorities.BASE).isEmpty());
        assertTrue(base(dispatchOnly, F01).isEmpty());
    }

    // ---- stages -----------------------------------------------------------------------------------

    @Test
    void stagesPuntTheirVipsTcpAndL43StagesAlsoTheirProbeAnswersAndServersArp() {
        FwlbTopology t = ExampleConfigs.topology(2);
        EngineRig rig = new EngineRig(t);
        List<FlowRule> d1 = base(rig, D01);
        assertEquals(3, d1.size(), d1.toString());
        assertEquals(t.dispatcher("d1").mac(), Treats.matchedEthDst(at(d1, Priorities.PUNT).get(0)));
        assertTrue(isArp(at(d1, Priorities.ARP).get(0)), "the first stage answers ARP for the VIP");
        List<FlowRule> d2a = base(rig, D02);
        List<FlowRule> high = at(d2a, Priorities.ARP);
        assertEquals(2, high.size(), "one probe-answer rule for both servers, one ARP rule: " + high);
        assertEquals(1, high.stream().filter(r -> tcp(r, Criterion.Type.TCP_DST) == BaseRules.PROBE_PORT).count());
        assertEquals(t.dispatcher("d2a").mac(), Treats.matchedEthDst(at(d2a, Priorities.PUNT).get(0)));
        assertEquals(4, d2a.size());
        for (List<FlowRule> rs : List.of(d1, d2a)) {
            assertMetered(rs);
            assertNoTcpFlags(rs);
            assertTrue(rs.stream().allMatch(r -> r.appId() == EngineRig.DISPATCH_APP.id()));
            assertEquals(1, at(rs, Priorities.BASE).size());
        }
        assertTrue(base(new EngineRig(t).detach(Owner.DISPATCH), D01).isEmpty(), "nothing without its owner");
    }

    @Test
    void aFirstStageReachedThroughAnotherSwitchIsSteeredThere() {
        DeviceId f03 = DeviceId.deviceId("of:0000000000000f03");
        FwlbTopology t = ExampleConfigs.topology(2, (ObjectNode f) -> ExampleConfigs.dispatcher(f, "d1")
                .putObject("location").put("deviceId", f03.toString()).put("port", 4));
        EngineRig rig = new EngineRig(t);
        assertTrue(rig.plan.devices(Owner.DISPATCH).contains(f03));
        List<FlowRule> rs = base(rig, f03);
        List<FlowRule> steer = at(rs, Priorities.STEER);
        assertEquals(1, steer.size());
        assertEquals(DefaultTrafficSelector.builder().matchEthDst(t.dispatcher("d1").mac()).build(),
                     steer.get(0).selector());
        assertEquals(PortNumber.portNumber(4), Treats.output(steer.get(0).treatment()));
        assertEquals(1, at(rs, Priorities.ARP).size(), "ARP for the VIP answered where clients reach d1");
        assertEquals(1, at(rs, Priorities.BASE).size());
        assertEquals(3, rs.size());
    }

    @Test
    void everyDeviceOfEveryFigureGetsExactlyOneNormal() {
        for (int fig : ExampleConfigs.FIGURES) {
            EngineRig rig = new EngineRig(ExampleConfigs.topology(fig));
            Set<DeviceId> devs = new LinkedHashSet<>(rig.plan.devices(Owner.SANDWICH));
            devs.addAll(rig.plan.devices(Owner.DISPATCH));
            assertFalse(devs.isEmpty());
            for (DeviceId d : devs) {
                List<FlowRule> rs = base(rig, d);
                List<FlowRule> normal = rs.stream().filter(r -> r.priority() == Priorities.BASE
                        && r.selector().criteria().isEmpty()).collect(Collectors.toList());
                assertEquals(1, normal.size(), "FIG " + fig + " " + d + ": " + normal);
                assertEquals(PortNumber.NORMAL, Treats.output(normal.get(0).treatment()));
                assertEquals(rs.size(), rs.stream().map(r -> List.of(r.priority(), r.selector())).distinct().count(),
                             "one rule per match and priority on " + d);
                assertNoTcpFlags(rs);
                assertMetered(rs);
            }
        }
    }

    // ---- static hash -------------------------------------------------------------------------------

    @Test
    void staticHashClassGetsBucketRulesOnBothSidesMatchingTheBucketsOwner() {
        FwlbTopology t = ExampleConfigs.topology(1, (ObjectNode f) -> {
            ObjectNode web = (ObjectNode) f.path("sandwich").path("trafficClasses").get(0);
            web.put("mode", "static-hash").put("policy", "static-hash").put("unknownNonSyn", "forward");
        });
        EngineRig rig = new EngineRig(t);
        HashBuckets buckets = rig.ctx.firewallBuckets();
        for (DeviceId dev : List.of(F01, F02)) {
            List<FlowRule> rs = base(rig, dev);
            List<FlowRule> hash = at(rs, Priorities.HASH + 3);
            assertEquals(HashBuckets.DEFAULT_BUCKETS * 2 * 2, hash.size(), "per bucket: 2 ports, both ways");
            for (FlowRule r : hash) {
                TcpPortCriterion masked = (TcpPortCriterion) Optional.ofNullable(
                        r.selector().getCriterion(Criterion.Type.TCP_SRC_MASKED))
                        .orElse(r.selector().getCriterion(Criterion.Type.TCP_DST_MASKED));
                assertNotNull(masked, r.toString());
                assertEquals(HashBuckets.mask(64), masked.mask().toInt());
                // any client port with these bits belongs to the firewall the rule sends to
                int clientPort = 0x8000 | masked.tcpPort().toInt();
                Firewall fw = dev.equals(F01) ? t.firewallByOutsideMac(Treats.ethDst(r.treatment()))
                        : t.firewallByInsideMac(Treats.ethDst(r.treatment()));
                assertEquals(buckets.ownerOf(clientPort), fw.id(), r.toString());
            }
            assertTrue(at(rs, Priorities.PUNT + 3).isEmpty(), "no punt for the static-hash class");
            assertEquals(1, at(rs, Priorities.PUNT + 1).size(), "the pinned default class is still punted");
            assertTrue(hash.stream().allMatch(r -> r.priority() > Priorities.PUNT + 999));
        }
    }

    @Test
    void staticHashServiceGetsBucketRulesAtEveryStage() {
        FwlbTopology t = ExampleConfigs.topology(2, (ObjectNode f) -> ((ObjectNode) f.path("services").get(0))
                .put("mode", "static-hash").put("policy", "static-hash"));
        EngineRig rig = new EngineRig(t);
        List<FlowRule> d1 = base(rig, D01);
        // a bucket's next hop hangs off a port of d1: a variant for packets coming in on that port (IN_PORT)
        List<FlowRule> inPort = at(d1, Priorities.HASH + 1);
        assertEquals(64, inPort.size());
        for (FlowRule r : inPort) {
            assertEquals(PortNumber.IN_PORT, Treats.output(r.treatment()));
            assertNotNull(r.selector().getCriterion(Criterion.Type.IN_PORT));
        }
        List<FlowRule> generic = at(d1, Priorities.HASH);
        assertEquals(64, generic.size());
        Map<String, Long> perNext = generic.stream().collect(Collectors.groupingBy(
                r -> rig.plan.memberByMac(Treats.ethDst(r.treatment())), TreeMap::new, Collectors.counting()));
        assertEquals(Map.of("d2a", 32L, "d2b", 32L), perNext, "equal weights: half the buckets each");
        List<FlowRule> d2a = at(base(rig, D02), Priorities.HASH);
        assertEquals(64 + 2, d2a.size(), "a NAT rule per bucket, a reply rule per server");
        for (Server s : t.childServers("d2a")) {
            FlowRule back = d2a.stream().filter(r -> s.ip().equals(Treats.matchedIp(r, Criterion.Type.IPV4_SRC)))
                    .findFirst().orElseThrow();
            assertEquals("10.0.2.100", Treats.ipSrc(back.treatment()));
            assertEquals(t.dispatcher("d2a").mac(), Treats.ethSrc(back.treatment()));
        }
        assertEquals(1, at(base(rig, D02), Priorities.PUNT).size(), "SYNs of buckets without a member still punt");
    }
}
