package org.fwlb.engine;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.fwlb.config.ExampleConfigs;
import org.fwlb.model.ConnectionEntry;
import org.fwlb.model.ConnectionPath;
import org.fwlb.model.Firewall;
import org.fwlb.model.FlowKey;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.Ip4;
import org.fwlb.model.PathTag;
import org.fwlb.model.Server;
import org.junit.jupiter.api.Test;
import org.onlab.packet.Ethernet;
import org.onlab.packet.IPv4;
import org.onlab.packet.IpAddress;
import org.onlab.packet.IpPrefix;
import org.onlab.packet.MacAddress;
import org.onlab.packet.TpPort;
import org.onlab.packet.VlanId;
import org.onosproject.core.ApplicationId;
import org.onosproject.net.DeviceId;
import org.onosproject.net.PortNumber;
import org.onosproject.net.flow.DefaultTrafficSelector;
import org.onosproject.net.flow.DefaultTrafficTreatment;
import org.onosproject.net.flow.FlowRule;
import org.onosproject.net.flow.TrafficSelector;
import org.onosproject.net.flow.TrafficTreatment;
import org.onosproject.net.flow.criteria.Criterion;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static org.fwlb.engine.EnginePlanTest.D01;
import static org.fwlb.engine.EnginePlanTest.D02;
import static org.fwlb.engine.EnginePlanTest.D04;
import static org.fwlb.engine.EnginePlanTest.F01;
import static org.fwlb.engine.EnginePlanTest.F02;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The exact per-connection rules of every kind of hop: device, priority, match (the 5-tuple and nothing else),
 * treatment, timeout, application id, and cookies that a connection keeps whatever builds them. The expected
 * selectors and treatments are written out here with ONOS's builders.
 */
class PathRulesTest {

    private static final int IDLE = 10;

    static int ip(String s) {
        return Ip4.toInt(IpAddress.valueOf(s).getIp4Address());
    }

    static FlowKey flow(String src, int sp, String dst, int dp) {
        return FlowKey.of(6, ip(src), sp, ip(dst), dp);
    }

    static ConnectionEntry entry(FlowKey f, ConnectionPath p, Owner o) {
        return ConnectionEntry.pinned(f, p, 1000, o.appName());
    }

    /** The exact selector of one direction of a TCP connection, written out. */
    static TrafficSelector exact(FlowKey f) {
        return DefaultTrafficSelector.builder().matchEthType(Ethernet.TYPE_IPV4).matchIPProtocol(IPv4.PROTOCOL_TCP)
                .matchIPSrc(IpPrefix.valueOf(Ip4.toAddress(f.srcIp()), 32))
                .matchIPDst(IpPrefix.valueOf(Ip4.toAddress(f.dstIp()), 32))
                .matchTcpSrc(TpPort.tpPort(f.srcPort())).matchTcpDst(TpPort.tpPort(f.dstPort())).build();
    }

    private static List<FlowRule> rules(EngineRig rig, ConnectionEntry e, int idle) {
        return rig.ctx.rules().rules(rig.topology, rig.plan, e, Hop.of(rig.plan, e, rig.ctx::uplink), idle);
    }

    private static void assertRule(FlowRule r, DeviceId dev, int prio, ApplicationId app, TrafficSelector sel,
                                   TrafficTreatment tr) {
        assertEquals(dev, r.deviceId(), r.toString());
        assertEquals(prio, r.priority(), r.toString());
        assertEquals(app.id(), r.appId(), r.toString());
        assertEquals(sel, r.selector(), r.toString());
        assertEquals(tr, r.treatment(), r.toString());
        assertEquals(IDLE, r.timeout());
        assertFalse(r.isPermanent(), "per-connection rules idle out");
        assertEquals(0, r.hardTimeout());
        assertNull(r.selector().getCriterion(Criterion.Type.TCP_FLAGS));
        assertEquals(6, r.selector().criteria().size(), "the 5-tuple and the ether type, nothing else");
    }

    private static TrafficTreatment.Builder tr() {
        return DefaultTrafficTreatment.builder();
    }

    // ---- firewall choice ---------------------------------------------------------------------------

    @Test
    void inboundConnectionIsPinnedToOneFirewallOnBothDispatchers() {
        FwlbTopology t = ExampleConfigs.topology(1);
        EngineRig rig = new EngineRig(t);
        Firewall fw2 = t.firewall("fw2");
        FlowKey f = flow("10.0.1.11", 40000, "10.0.2.21", 80);
        List<FlowRule> r = rules(rig, entry(f, ConnectionPath.viaFirewall("fw2"), Owner.SANDWICH), IDLE);
        assertEquals(2, r.size());
        assertRule(r.get(0), F01, Priorities.PINNED_ORIGIN, EngineRig.SANDWICH_APP, exact(f),
                   tr().setEthSrc(t.external().get().gatewayMac()).setEthDst(fw2.outside().mac())
                           .setOutput(fw2.outside().port()).build());
        assertRule(r.get(1), F02, Priorities.PINNED, EngineRig.SANDWICH_APP, exact(f.reverse()),
                   tr().setEthSrc(t.internal().get().gatewayMac()).setEthDst(fw2.inside().mac())
                           .setOutput(fw2.inside().port()).build());
    }

    @Test
    void outboundConnectionIsTheMirrorImageWithItsOriginOnTheInternalDispatcher() {
        FwlbTopology t = ExampleConfigs.topology(1);
        EngineRig rig = new EngineRig(t);
        Firewall fw1 = t.firewall("fw1");
        FlowKey f = flow("10.0.2.11", 50000, "10.0.1.11", 443);
        List<FlowRule> r = rules(rig, entry(f, ConnectionPath.viaFirewall("fw1"), Owner.SANDWICH), IDLE);
        assertEquals(2, r.size());
        assertRule(r.get(0), F02, Priorities.PINNED_ORIGIN, EngineRig.SANDWICH_APP, exact(f),
                   tr().setEthSrc(t.internal().get().gatewayMac()).setEthDst(fw1.inside().mac())
                           .setOutput(fw1.inside().port()).build());
        assertRule(r.get(1), F01, Priorities.PINNED, EngineRig.SANDWICH_APP, exact(f.reverse()),
                   tr().setEthSrc(t.external().get().gatewayMac()).setEthDst(fw1.outside().mac())
                           .setOutput(fw1.outside().port()).build());
    }

    @Test
    void fig6RepliesComeFromTheL43StageRewrittenToTheVipNotFromTheFirewallChoice() {
        FwlbTopology t = ExampleConfigs.topology(6);
        EngineRig rig = new EngineRig(t);
        Firewall fw3 = t.firewall("fw3");
        Server srv2 = t.server("srv2");
        MacAddress gw = t.internal().get().gatewayMac();
        FlowKey f = flow("10.0.1.12", 41000, "10.0.2.100", 80);
        ConnectionEntry e = entry(f, ConnectionPath.viaFirewall("fw3").withNextDispatcher("int-dispatch")
                .withServer("srv2").withPathTag(fw3.pathTag()), Owner.SANDWICH);
        List<FlowRule> r = rules(rig, e, IDLE);
        assertEquals(3, r.size(), r.toString());
        assertRule(r.get(0), F01, Priorities.PINNED_ORIGIN, EngineRig.SANDWICH_APP, exact(f),
                   tr().setEthSrc(t.external().get().gatewayMac()).setEthDst(fw3.outside().mac())
                           .setOutput(fw3.outside().port()).build());
        assertRule(r.get(1), F02, Priorities.PINNED, EngineRig.SANDWICH_APP, exact(f),
                   tr().setEthSrc(gw).setEthDst(srv2.mac()).setIpDst(srv2.ip()).setOutput(srv2.location().port())
                           .build());
        FlowKey fromServer = FlowKey.of(6, ip("10.0.2.22"), 80, ip("10.0.1.12"), 41000);
        assertRule(r.get(2), F02, Priorities.PINNED, EngineRig.SANDWICH_APP, exact(fromServer),
                   tr().setIpSrc(IpAddress.valueOf("10.0.2.100")).setEthSrc(gw).setEthDst(fw3.inside().mac())
                           .setOutput(fw3.inside().port()).build());
        assertTrue(r.stream().noneMatch(x -> exact(f.reverse()).equals(x.selector())),
                   "no reply rule from the VIP: the server's replies are rewritten by the L4/3 stage");
        for (FlowRule x : r) {
            assertEquals(Optional.of(e.key()), PathRules.connectionKeyOf(x), "keyed by client and VIP: " + x);
        }
    }

    // ---- dispatch stages ----------------------------------------------------------------------------

    @Test
    void l42RewritesOnlyTheMacAndL43RewritesToTheServerAndBackToTheVip() {
        FwlbTopology t = ExampleConfigs.topology(2);
        EngineRig rig = new EngineRig(t);
        Server srv1 = t.server("srv1");
        FlowKey f = flow("10.0.1.11", 40000, "10.0.2.100", 80);
        ConnectionEntry e = entry(f, ConnectionPath.empty().withNextDispatcher("d1").withNextDispatcher("d2a")
                .withServer("srv1"), Owner.DISPATCH);
        List<FlowRule> r = rules(rig, e, IDLE);
        assertEquals(3, r.size(), r.toString());
        assertRule(r.get(0), D01, Priorities.PINNED_ORIGIN, EngineRig.DISPATCH_APP, exact(f),
                   tr().setEthDst(t.dispatcher("d2a").mac()).setOutput(PortNumber.portNumber(2)).build());
        assertRule(r.get(1), D02, Priorities.PINNED, EngineRig.DISPATCH_APP, exact(f),
                   tr().setEthDst(srv1.mac()).setIpDst(srv1.ip()).setOutput(srv1.location().port()).build());
        FlowKey fromServer = FlowKey.of(6, ip("10.0.2.21"), 80, ip("10.0.1.11"), 40000);
        assertRule(r.get(2), D02, Priorities.PINNED, EngineRig.DISPATCH_APP, exact(fromServer),
                   tr().setIpSrc(IpAddress.valueOf("10.0.2.100")).setEthSrc(t.dispatcher("d2a").mac())
                           .setOutput(PortNumber.NORMAL).build());

        // once the stage's uplink is known (learned from its SYNs), replies leave by it
        rig.ctx.learnedUplinks.put("d2a", PortNumber.portNumber(1));
        assertEquals(PortNumber.portNumber(1), org.fwlb.testing.Treats.output(rules(rig, e, IDLE).get(2).treatment()));
    }

    @Test
    void aOneArmedL42StageSendsTheConnectionBackOutItsArmWithInPort() {
        // the fig2 preset: d1 hangs off the fabric by port 1 only; clients and both second stages are behind it.
        // OpenFlow never outputs a packet to the port it came in on unless told IN_PORT: a rule naming port 1
        // would drop every packet of the connection after its SYN (which a packet-out, naming the port, released)
        FwlbTopology t = org.fwlb.testing.Presets.topology("fig2");
        EngineRig rig = new EngineRig(t);
        DeviceId d01 = DeviceId.deviceId("of:0000000000000d01");
        rig.punt(d01, 1, org.fwlb.testing.TcpFrames.tcp().from(MacAddress.valueOf("02:fb:00:10:01:0b"), "10.0.1.11",
                40000).to(t.dispatcher("d1").mac(), "10.0.1.100", 80).bytes());
        ConnectionEntry e = rig.only();
        String next = e.path().dispatcherIds().get(1);
        FlowRule r = rig.appliedOn(d01).get(0);
        assertEquals(tr().setEthDst(t.dispatcher(next).mac()).setOutput(PortNumber.IN_PORT).build(), r.treatment());
        assertEquals(PortNumber.portNumber(1), org.fwlb.testing.Treats.output(rig.lastEmitted().treatment()),
                     "a packet-out has no in port: it names the port");
        assertEquals(r, rules(rig, e, IDLE).get(0), "rebuilt the same, so its removal ends the connection");
    }

    @Test
    void fig8L43StageBehindTheSandwichSendsRepliesStraightToTheConnectionsFirewall() {
        FwlbTopology t = ExampleConfigs.topology(8, (ObjectNode f) -> ExampleConfigs.dispatcher(f, "l4c")
                .put("uplink", 1));
        EngineRig rig = new EngineRig(t);
        Firewall fw2 = t.firewall("fw2");
        Server srv5 = t.server("srv5");
        FlowKey f = flow("10.0.1.11", 40000, "10.0.2.100", 80);
        ConnectionEntry e = entry(f, ConnectionPath.viaFirewall("fw2").withNextDispatcher("stage1")
                .withNextDispatcher("l4c").withServer("srv5").withPathTag(PathTag.of(102)), Owner.SANDWICH);
        List<FlowRule> r = rules(rig, e, IDLE);
        assertEquals(5, r.size(), r.toString());
        assertRule(r.get(0), F01, Priorities.PINNED_ORIGIN, EngineRig.SANDWICH_APP, exact(f),
                   tr().setEthSrc(t.external().get().gatewayMac()).setEthDst(fw2.outside().mac())
                           .setOutput(fw2.outside().port()).build());
        assertRule(r.get(1), F02, Priorities.PINNED, EngineRig.SANDWICH_APP, exact(f.reverse()),
                   tr().setEthSrc(t.internal().get().gatewayMac()).setEthDst(fw2.inside().mac())
                           .setOutput(fw2.inside().port()).build());
        assertRule(r.get(2), F02, Priorities.PINNED, EngineRig.DISPATCH_APP, exact(f),
                   tr().setEthDst(t.dispatcher("l4c").mac()).setOutput(PortNumber.portNumber(14)).build());
        assertRule(r.get(3), D04, Priorities.PINNED, EngineRig.DISPATCH_APP, exact(f),
                   tr().setEthDst(srv5.mac()).setIpDst(srv5.ip()).setOutput(srv5.location().port()).build());
        assertRule(r.get(4), D04, Priorities.PINNED, EngineRig.DISPATCH_APP,
                   exact(FlowKey.of(6, ip("10.0.2.25"), 80, ip("10.0.1.11"), 40000)),
                   tr().setIpSrc(IpAddress.valueOf("10.0.2.100")).setEthSrc(t.dispatcher("l4c").mac())
                           .setEthDst(fw2.inside().mac()).setOutput(PortNumber.portNumber(1)).build());
    }

    @Test
    void withoutAFirewallChoiceThePathTagNamesTheFirewallTheRepliesGoTo() {
        // the sandwich's class is static-hash: no firewall choice pinned the connection, l4c read fw2's tag
        FwlbTopology t = ExampleConfigs.topology(8, (ObjectNode f) -> ExampleConfigs.dispatcher(f, "l4c")
                .put("uplink", 1));
        EngineRig rig = new EngineRig(t);
        FlowKey f = flow("10.0.1.11", 40000, "10.0.2.100", 80);
        ConnectionEntry e = entry(f, ConnectionPath.empty().withNextDispatcher("stage1").withNextDispatcher("l4c")
                .withServer("srv5").withPathTag(PathTag.of(102)), Owner.DISPATCH);
        List<FlowRule> r = rules(rig, e, IDLE);
        assertEquals(3, r.size(), "no firewall choice rules");
        assertEquals(Priorities.PINNED_ORIGIN, r.get(0).priority(), "stage1's rule records the direction");
        assertEquals(t.firewall("fw2").inside().mac(), org.fwlb.testing.Treats.ethDst(r.get(2).treatment()));
    }

    @Test
    void dfPassesTheConnectionToItsHostAndSendsTheHostsRepliesToTheFirewall() {
        DeviceId e21 = DeviceId.deviceId("of:0000000000000e21");
        FwlbTopology t = ExampleConfigs.topology(8, (ObjectNode f) -> ExampleConfigs.dispatcher(f, "l7a")
                .put("uplink", 1).putObject("attachment").put("deviceId", e21.toString()).put("port", 2));
        EngineRig rig = new EngineRig(t);
        Firewall fw1 = t.firewall("fw1");
        FlowKey f = flow("10.0.1.11", 40000, "10.0.2.100", 80);
        ConnectionEntry e = entry(f, ConnectionPath.viaFirewall("fw1").withNextDispatcher("stage1")
                .withNextDispatcher("l7a").withPathTag(PathTag.of(101)), Owner.SANDWICH);
        List<FlowRule> r = rules(rig, e, IDLE);
        assertEquals(5, r.size(), r.toString());
        assertRule(r.get(2), F02, Priorities.PINNED, EngineRig.DISPATCH_APP, exact(f),
                   tr().setEthDst(t.dispatcher("l7a").mac()).setOutput(PortNumber.portNumber(12)).build());
        assertRule(r.get(3), e21, Priorities.PINNED, EngineRig.DISPATCH_APP, exact(f),
                   tr().setOutput(PortNumber.portNumber(2)).build());
        assertRule(r.get(4), e21, Priorities.PINNED, EngineRig.DISPATCH_APP, exact(f.reverse()),
                   tr().setEthDst(fw1.inside().mac()).setOutput(PortNumber.portNumber(1)).build());
    }

    @Test
    void aHopOfADetachedOwnerGetsNoRules() {
        FwlbTopology t = ExampleConfigs.topology(8, (ObjectNode f) -> ExampleConfigs.dispatcher(f, "l4c")
                .put("uplink", 1));
        EngineRig rig = new EngineRig(t).detach(Owner.DISPATCH);
        ConnectionEntry e = entry(flow("10.0.1.11", 40000, "10.0.2.100", 80), ConnectionPath.viaFirewall("fw2")
                .withNextDispatcher("stage1").withNextDispatcher("l4c").withServer("srv5"), Owner.SANDWICH);
        List<FlowRule> r = rules(rig, e, IDLE);
        assertEquals(2, r.size());
        assertTrue(r.stream().allMatch(x -> x.appId() == EngineRig.SANDWICH_APP.id()));
    }

    // ---- ids ----------------------------------------------------------------------------------------

    @Test
    void cookiesDependOnDevicePriorityAndTupleOnlySoRebuiltRulesHaveTheSameIds() {
        FwlbTopology t = ExampleConfigs.topology(6);
        EngineRig rig = new EngineRig(t);
        FlowKey f = flow("10.0.1.12", 41000, "10.0.2.100", 80);
        ConnectionEntry e = entry(f, ConnectionPath.viaFirewall("fw1").withNextDispatcher("int-dispatch")
                .withServer("srv1"), Owner.SANDWICH);
        List<FlowRule> a = rules(rig, e, IDLE);
        List<FlowRule> closing = rules(rig, e, 2);
        PathRules other = new PathRules();
        other.setApp(Owner.SANDWICH, EngineRig.SANDWICH_APP);
        List<FlowRule> b = other.rules(t, rig.plan, e, Hop.of(rig.plan, e, x -> null), 3);
        assertEquals(ids(a), ids(closing), "the closing timeout keeps the ids");
        assertEquals(ids(a), ids(b), "another instance builds the same ids");
        assertEquals(3, new HashSet<>(ids(a)).size(), "each rule its own id");
        for (FlowRule r : a) {
            assertEquals(EngineRig.SANDWICH_APP.id(), (short) (r.id().value() >>> 48), "app id in the cookie");
            assertEquals(PathRules.cookie(EngineRig.SANDWICH_APP, r.deviceId(), r.priority(),
                                          PathRules.selectorKey(r)), r.id().value());
        }
        // the same rules of another server: same ids for the rules matching the same tuple on the same device
        ConnectionEntry moved = entry(f, ConnectionPath.viaFirewall("fw2").withNextDispatcher("int-dispatch")
                .withServer("srv3"), Owner.SANDWICH);
        List<FlowRule> m = rules(rig, moved, IDLE);
        assertEquals(a.get(0).id(), m.get(0).id());
        assertNotEquals(a.get(0).treatment(), m.get(0).treatment());
        assertNotEquals(a.get(2).id(), m.get(2).id(), "the reply rule matches the server's address");
        ConnectionEntry otherPort = entry(flow("10.0.1.12", 41001, "10.0.2.100", 80), e.path(), Owner.SANDWICH);
        assertTrue(rules(rig, otherPort, IDLE).stream().noneMatch(r -> ids(a).contains(r.id().value())));
    }

    private static List<Long> ids(List<FlowRule> rules) {
        return rules.stream().map(r -> r.id().value()).collect(Collectors.toList());
    }

    @Test
    void holdRuleDropsOneDirectionOfATupleForAFewSeconds() {
        FlowKey f = flow("10.0.1.11", 40000, "10.0.2.21", 80);
        FlowRule h = PathRules.hold(EngineRig.SANDWICH_APP, F01, f, 5);
        assertEquals(Priorities.HOLD, h.priority());
        assertEquals(exact(f), h.selector());
        assertEquals(DefaultTrafficTreatment.builder().drop().build(), h.treatment());
        assertEquals(5, h.timeout());
        assertFalse(h.isPermanent());
        // above the punt (a held 5-tuple is not punted again), below the connections' own rules
        assertTrue(h.priority() > Priorities.PUNT + Priorities.MAX_RANK && h.priority() < Priorities.PINNED);
    }

    // ---- releasing the SYN -------------------------------------------------------------------------

    @Test
    void releasedSynFollowsTheHopsForwardTreatmentWithTheTagPushedOrRemoved() {
        DeviceId e21 = DeviceId.deviceId("of:0000000000000e21");
        FwlbTopology t = ExampleConfigs.topology(8, (ObjectNode f) -> {
            ExampleConfigs.dispatcher(f, "l4c").put("uplink", 1);
            ExampleConfigs.dispatcher(f, "l7a").putObject("attachment").put("deviceId", e21.toString())
                    .put("port", 2);
        });
        EnginePlan plan = EnginePlan.of(t);
        Firewall fw3 = t.firewall("fw3");
        Server srv6 = t.server("srv6");
        Hop fc = new Hop(plan.firewallChoice(org.fwlb.model.FirewallDispatcher.Role.EXTERNAL), fw3, null, null, true);
        assertEquals(Treatments.towardsFirewall(t, fw3, org.fwlb.model.FirewallDispatcher.Role.EXTERNAL),
                     PathRules.release(t, fc, PortNumber.portNumber(9), null, false));

        Hop l42 = new Hop(plan.pointOf("stage1"), fw3, "l4c", null, false);
        assertEquals(tr().pushVlan().setVlanId(VlanId.vlanId((short) 103)).setEthDst(t.dispatcher("l4c").mac())
                             .setOutput(PortNumber.portNumber(14)).build(),
                     PathRules.release(t, l42, PortNumber.portNumber(3), 103, false), "the path tag pushed");
        assertEquals(tr().setEthDst(t.dispatcher("l4c").mac()).setOutput(PortNumber.portNumber(14)).build(),
                     PathRules.release(t, l42, PortNumber.portNumber(3), null, false));

        Hop l43 = new Hop(plan.pointOf("l4c"), fw3, "srv6", PortNumber.portNumber(1), false);
        assertEquals(tr().popVlan().setEthDst(srv6.mac()).setIpDst(srv6.ip()).setOutput(srv6.location().port())
                             .build(), PathRules.release(t, l43, PortNumber.portNumber(1), null, true),
                     "the answering stage strips the tag it read");
        assertEquals(tr().setEthDst(srv6.mac()).setIpDst(srv6.ip()).setOutput(srv6.location().port()).build(),
                     PathRules.release(t, l43, PortNumber.portNumber(1), null, false));

        Hop df = new Hop(plan.pointOf("l7a"), fw3, null, null, false);
        assertEquals(tr().popVlan().setOutput(PortNumber.portNumber(2)).build(),
                     PathRules.release(t, df, PortNumber.portNumber(1), null, true));
    }

    @Test
    void everyPerConnectionRuleReadsBackToItsConnectionAndBaseRulesDoNot() {
        FwlbTopology t = ExampleConfigs.topology(8, (ObjectNode f) -> ExampleConfigs.dispatcher(f, "l4c")
                .put("uplink", 1));
        EngineRig rig = new EngineRig(t);
        ConnectionEntry e = entry(flow("10.0.1.11", 40000, "10.0.2.100", 80), ConnectionPath.viaFirewall("fw2")
                .withNextDispatcher("stage1").withNextDispatcher("l4c").withServer("srv5"), Owner.SANDWICH);
        Set<Object> devices = new HashSet<>();
        for (FlowRule r : rules(rig, e, IDLE)) {
            assertEquals(Optional.of(e.key()), PathRules.connectionKeyOf(r), r.toString());
            assertTrue(Priorities.isPinned(r.priority()));
            devices.add(r.deviceId());
        }
        assertEquals(Set.of(F01, F02, D04), devices);
        List<FlowRule> base = new ArrayList<>();
        for (DeviceId d : List.of(F01, F02, D04)) {
            base.addAll(new BaseRules(rig.ctx.rules(), false).rules(rig.plan, d, BaseRules.Meters.none(),
                    rig.ctx.firewallBuckets(), rig.ctx::stageBuckets));
        }
        assertFalse(base.isEmpty());
        for (FlowRule r : base) {
            assertFalse(PathRules.connectionKeyOf(r).isPresent(), r.toString());
            assertFalse(Priorities.isPinned(r.priority()), r.toString());
        }
    }
}
