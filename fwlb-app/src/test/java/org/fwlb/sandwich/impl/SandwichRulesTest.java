package org.fwlb.sandwich.impl;

import org.fwlb.config.ExampleConfigs;
import org.fwlb.model.ConnectionEntry;
import org.fwlb.model.ConnectionPath;
import org.fwlb.model.Firewall;
import org.fwlb.model.FirewallDispatcher.Role;
import org.fwlb.model.FlowKey;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.Ip4;
import org.fwlb.policy.SimpleMember;
import org.junit.jupiter.api.Test;
import org.onlab.packet.Ip4Address;
import org.onlab.packet.MacAddress;
import org.onosproject.core.DefaultApplicationId;
import org.onosproject.net.PortNumber;
import org.onosproject.net.flow.FlowRule;
import org.onosproject.net.flow.criteria.Criterion;
import org.onosproject.net.flow.criteria.EthCriterion;
import org.onosproject.net.flow.criteria.TcpFlagsCriterion;
import org.onosproject.net.flow.instructions.Instruction;
import org.onosproject.net.flow.instructions.Instructions;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SandwichRulesTest {

    static final DefaultApplicationId APP = new DefaultApplicationId(7, "org.fwlb.sandwich");
    private final SandwichRules rules = new SandwichRules(APP);

    static int ip(String s) {
        return Ip4.toInt(Ip4Address.valueOf(s));
    }

    static ConnectionEntry entry(String src, int sp, String dst, int dp, ConnectionPath path) {
        return ConnectionEntry.pinned(FlowKey.of(6, ip(src), sp, ip(dst), dp), path, 1000, SandwichContext.APP_NAME);
    }

    private static PortNumber output(FlowRule r) {
        for (Instruction i : r.treatment().allInstructions()) {
            if (i instanceof Instructions.OutputInstruction) {
                return ((Instructions.OutputInstruction) i).port();
            }
        }
        return null;
    }

    @Test
    void inboundConnectionPinsBothDispatchersToOneFirewall() {
        FwlbTopology t = ExampleConfigs.topology(1);
        Firewall fw2 = t.firewall("fw2");
        ConnectionEntry e = entry("10.0.1.11", 40000, "10.0.2.21", 80, ConnectionPath.viaFirewall("fw2"));
        List<FlowRule> r = rules.pinnedRules(t, e, Role.EXTERNAL, 10);
        assertEquals(2, r.size());
        FlowRule in = r.get(0);
        FlowRule back = r.get(1);
        assertEquals(t.external().get().deviceId(), in.deviceId());
        assertEquals(t.internal().get().deviceId(), back.deviceId());
        assertEquals(e.flow(), ConnectionLifecycle.selectorKey(in));
        assertEquals(e.flow().reverse(), ConnectionLifecycle.selectorKey(back));
        assertEquals(Optional.of(fw2.outside().mac()), SandwichRules.ethDstOf(in));
        assertEquals(Optional.of(fw2.inside().mac()), SandwichRules.ethDstOf(back));
        assertEquals(fw2.outside().port(), output(in));
        assertEquals(fw2.inside().port(), output(back));
        for (FlowRule x : r) {
            assertTrue(SandwichRules.isPinned(x.priority()));
            assertEquals(10, x.timeout());
            assertEquals(Optional.of(e.key()), SandwichRules.connectionKeyOf(x));
        }
    }

    @Test
    void outboundConnectionIsTheMirrorImage() {
        FwlbTopology t = ExampleConfigs.topology(1);
        Firewall fw1 = t.firewall("fw1");
        ConnectionEntry e = entry("10.0.2.11", 50000, "10.0.1.11", 80, ConnectionPath.viaFirewall("fw1"));
        assertEquals(Role.INTERNAL, SandwichContext.originOf(t, e));
        List<FlowRule> r = rules.pinnedRules(t, e, Role.INTERNAL, 10);
        assertEquals(t.internal().get().deviceId(), r.get(0).deviceId());
        assertEquals(Optional.of(fw1.inside().mac()), SandwichRules.ethDstOf(r.get(0)));
        assertEquals(t.external().get().deviceId(), r.get(1).deviceId());
        assertEquals(Optional.of(fw1.outside().mac()), SandwichRules.ethDstOf(r.get(1)));
    }

    @Test
    void fig6ServiceRewritesToTheServerAndRepliesGoBackThroughTheFirewall() {
        FwlbTopology t = ExampleConfigs.topology(6);
        assertEquals(1, SandwichRules.fig6Services(t).size());
        Firewall fw3 = t.firewall("fw3");
        ConnectionPath p = ConnectionPath.viaFirewall("fw3").withNextDispatcher("int-dispatch").withServer("srv2");
        ConnectionEntry e = entry("10.0.1.12", 41000, "10.0.2.100", 80, p);
        List<FlowRule> r = rules.pinnedRules(t, e, Role.EXTERNAL, 10);
        assertEquals(3, r.size());
        FlowRule toServer = r.get(1);
        FlowRule back = r.get(2);
        assertEquals(Optional.of(t.server("srv2").mac()), SandwichRules.ethDstOf(toServer));
        assertEquals(t.server("srv2").location().port(), output(toServer));
        assertEquals(Optional.of(fw3.inside().mac()), SandwichRules.ethDstOf(back));
        assertEquals(ip("10.0.2.22"), ConnectionLifecycle.selectorKey(back).srcIp());
        for (FlowRule x : r) {
            assertEquals(Optional.of(e.key()), SandwichRules.connectionKeyOf(x), x.toString());
        }
    }

    @Test
    void rebuiltRulesKeepTheirIdsWhateverTheTimeout() {
        FwlbTopology t = ExampleConfigs.topology(1);
        ConnectionEntry e = entry("10.0.1.11", 40000, "10.0.2.21", 80, ConnectionPath.viaFirewall("fw1"));
        List<FlowRule> a = rules.pinnedRules(t, e, Role.EXTERNAL, 10);
        List<FlowRule> b = rules.pinnedRules(t, e, Role.EXTERNAL, 2);
        assertEquals(a.stream().map(FlowRule::id).collect(Collectors.toList()),
                     b.stream().map(FlowRule::id).collect(Collectors.toList()));
    }

    private static List<Integer> tcpFlags(List<FlowRule> rules, int priority) {
        List<Integer> out = new ArrayList<>();
        for (FlowRule r : rules) {
            Criterion c = r.selector().getCriterion(Criterion.Type.TCP_FLAGS);
            if (r.priority() >= priority && r.priority() < priority + 1000 && c != null) {
                out.add(((TcpFlagsCriterion) c).flags());
            }
        }
        return out;
    }

    @Test
    void baseRulesPuntSynsAndClosesOfPinnedClassesAndAnswerArpForTheGateway() {
        FwlbTopology t = ExampleConfigs.topology(1);
        List<SimpleMember> members = new ArrayList<>();
        t.firewalls().forEach(f -> members.add(SimpleMember.of(f.id(), f.weight())));
        StaticHashAssignment a = StaticHashAssignment.of(t.firewalls(), members, 64);
        List<FlowRule> ext = rules.baseRules(t, Role.EXTERNAL, Optional.empty(), a);
        assertTrue(ext.stream().anyMatch(r -> r.priority() == SandwichRules.PRIO_BASE
                && PortNumber.NORMAL.equals(output(r))), "NORMAL base rule");
        assertTrue(ext.stream().anyMatch(r -> r.priority() == SandwichRules.PRIO_ARP
                && PortNumber.CONTROLLER.equals(output(r))), "ARP punt");
        // fig1 has two pinned TCP classes: web (2 ports) and default (any port)
        assertEquals(3, tcpFlags(ext, SandwichRules.PRIO_SYN).size());
        assertTrue(tcpFlags(ext, SandwichRules.PRIO_SYN).stream().allMatch(f -> f == SandwichRules.SYN_FLAGS));
        assertEquals(SandwichRules.CLOSE_FLAGS.length * (4 + 1), tcpFlags(ext, SandwichRules.PRIO_CLOSE).size());
        MacAddress gw = t.external().get().gatewayMac();
        for (FlowRule r : ext) {
            if (r.priority() >= SandwichRules.PRIO_SYN && r.priority() < SandwichRules.PRIO_SYN + 1000) {
                assertEquals(gw, ((EthCriterion) r.selector().getCriterion(Criterion.Type.ETH_DST)).mac());
            }
        }
    }

    @Test
    void earlierTrafficClassesOutrankLaterOnes() {
        FwlbTopology t = ExampleConfigs.topology(1);
        List<FlowRule> ext = rules.baseRules(t, Role.EXTERNAL, Optional.empty(), StaticHashAssignment.none());
        int web = -1;
        int catchAll = -1;
        for (FlowRule r : ext) {
            if (r.priority() > SandwichRules.PRIO_SYN && r.priority() < SandwichRules.PRIO_SYN + 1000) {
                if (r.selector().getCriterion(Criterion.Type.TCP_DST) != null) {
                    web = r.priority();
                } else {
                    catchAll = r.priority();
                }
            }
        }
        assertTrue(web > catchAll && catchAll > SandwichRules.PRIO_SYN, web + " vs " + catchAll);
    }

    @Test
    void staticHashClassGetsBucketRulesOnBothSides() {
        FwlbTopology t = ExampleConfigs.topology(1);
        List<SimpleMember> members = new ArrayList<>();
        t.firewalls().forEach(f -> members.add(SimpleMember.of(f.id(), f.weight())));
        StaticHashAssignment a = StaticHashAssignment.of(t.firewalls(), members, 64);
        // turn the web class into static-hash
        FwlbTopology hashed = t.toBuilder().trafficClasses(t.trafficClasses().stream()
                .map(c -> c.id().equals("web") ? org.fwlb.model.TrafficClass.of(c.id(), c.protocol(), c.ports(),
                        org.fwlb.model.DispatchMode.STATIC_HASH, "static-hash", c.unknownNonSyn()) : c)
                .collect(Collectors.toList())).build();
        for (Role role : Role.values()) {
            long n = rules.baseRules(hashed, role, Optional.empty(), a).stream()
                    .filter(r -> r.priority() > SandwichRules.PRIO_HASH_CLASS
                            && r.priority() < SandwichRules.PRIO_HASH_CLASS + 1000).count();
            assertEquals(64 * 2 * 2, n, role.toString());
        }
    }
}
