package org.fwlb.engine;

import org.fwlb.config.ExampleConfigs;
import org.fwlb.model.ConnectionEntry;
import org.fwlb.model.Firewall;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.TcpState;
import org.fwlb.packet.PacketSummary;
import org.fwlb.testing.RecordingFlowRules;
import org.fwlb.testing.RecordingPackets;
import org.fwlb.testing.TcpFrames;
import org.fwlb.testing.Treats;
import org.junit.jupiter.api.Test;
import org.onlab.packet.Ip4Address;
import org.onlab.packet.MacAddress;
import org.onosproject.net.DeviceId;
import org.onosproject.net.PortNumber;
import org.onosproject.net.flow.FlowRule;
import org.onosproject.net.flow.criteria.Criterion;
import org.onosproject.net.flow.criteria.EthCriterion;
import org.onosproject.net.flow.criteria.EthTypeCriterion;
import org.onosproject.net.flow.criteria.IPCriterion;
import org.onosproject.net.flow.criteria.IPProtocolCriterion;
import org.onosproject.net.flow.criteria.TcpPortCriterion;
import org.onosproject.net.meter.MeterId;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

import static org.fwlb.engine.EnginePlanTest.F01;
import static org.fwlb.engine.EnginePlanTest.F02;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SYN-flood defense: under overload the dispatchers carry new connections of pinned classes by symmetric
 * static-hash rules below the pins (no punt); afterwards segments of the connections they carried are adopted on
 * the same firewall; a flood of half-open connections never evicts an established one.
 */
class OverloadDefenseTest {

    private static final MeterId PUNT = MeterId.meterId(11);
    private static final BaseRules.Meters METERS = new BaseRules.Meters(Optional.of(PUNT),
                                                                        Optional.of(MeterId.meterId(22)));
    private static final MacAddress CLIENT = MacAddress.valueOf("02:00:00:00:01:0b");
    private static final MacAddress SERVER = MacAddress.valueOf("02:00:00:00:02:15");

    private static List<FlowRule> base(EngineRig rig, DeviceId dev, boolean overload) {
        return new BaseRules(rig.ctx.rules(), false, overload).rules(rig.plan, dev, METERS,
                                                                     rig.ctx.firewallBuckets(), rig.ctx::stageBuckets);
    }

    /** A frame from the public side (client 10.0.1.11) to the external gateway. */
    private static byte[] outside(FwlbTopology t, int sp, String dst, int dp, int flags) {
        return TcpFrames.tcp().from(CLIENT, "10.0.1.11", sp).to(t.external().get().gatewayMac(), dst, dp)
                .flags(flags).bytes();
    }

    /** A frame from the private side (10.0.2.21) to the internal gateway. */
    private static byte[] inside(FwlbTopology t, int sp, String dst, int dp, int flags) {
        return TcpFrames.tcp().from(SERVER, "10.0.2.21", sp).to(t.internal().get().gatewayMac(), dst, dp)
                .flags(flags).bytes();
    }

    // ---- an OpenFlow table lookup over the rules built (what OVS does with them) -----------------------

    private static boolean port(Criterion c, int value) {
        TcpPortCriterion p = (TcpPortCriterion) c;
        int mask = p.mask() == null ? 0xffff : p.mask().toInt();
        return (value & mask) == (p.tcpPort().toInt() & mask);
    }

    private static boolean matches(FlowRule r, PacketSummary p) {
        for (Criterion c : r.selector().criteria()) {
            boolean ok;
            switch (c.type()) {
                case ETH_DST:
                    ok = ((EthCriterion) c).mac().toLong() == p.ethDst();
                    break;
                case ETH_TYPE:
                    ok = ((EthTypeCriterion) c).ethType().toShort() == org.onlab.packet.Ethernet.TYPE_IPV4;
                    break;
                case IP_PROTO:
                    ok = ((IPProtocolCriterion) c).protocol() == 6;
                    break;
                case IPV4_DST:
                    ok = ((IPCriterion) c).ip().contains(Ip4Address.valueOf(p.ipDst()));
                    break;
                case TCP_SRC:
                case TCP_SRC_MASKED:
                    ok = port(c, p.srcPort());
                    break;
                case TCP_DST:
                case TCP_DST_MASKED:
                    ok = port(c, p.dstPort());
                    break;
                default:
                    ok = false;     // ARP, in ports, flags: not these frames' rules
            }
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** The rule a switch applies to a frame: the highest priority that matches (ties would be a bug). */
    private static FlowRule lookup(List<FlowRule> rules, byte[] frame) {
        PacketSummary p = EngineRig.parse(frame);
        List<FlowRule> hits = rules.stream().filter(r -> matches(r, p))
                .sorted(Comparator.comparingInt(FlowRule::priority).reversed()).collect(Collectors.toList());
        assertTrue(!hits.isEmpty(), "a base rule matches everything");
        assertTrue(hits.size() == 1 || hits.get(1).priority() < hits.get(0).priority(), "one winner: " + hits);
        return hits.get(0);
    }

    private static String firewallOf(FwlbTopology t, FlowRule r) {
        MacAddress mac = Treats.ethDst(r.treatment());
        for (Firewall f : t.firewalls()) {
            if (f.outside().mac().equals(mac) || f.inside().mac().equals(mac)) {
                return f.id();
            }
        }
        return null;
    }

    private static boolean punts(FlowRule r) {
        return PortNumber.CONTROLLER.equals(Treats.output(r.treatment()));
    }

    // ---- rules ---------------------------------------------------------------------------------------

    @Test
    void underOverloadBothDispatchersCarryBothDirectionsToTheHashFirewallWithoutPunting() {
        FwlbTopology t = ExampleConfigs.topology(1);     // web 80, 443 (rank 3); catch-all default (rank 1)
        EngineRig rig = new EngineRig(t);
        List<FlowRule> ext = base(rig, F01, true);
        List<FlowRule> in = base(rig, F02, true);
        Random rnd = new Random(7);
        Set<String> used = new java.util.HashSet<>();
        for (int i = 0; i < 400; i++) {
            int cp = 1024 + rnd.nextInt(64512);
            for (int sp : new int[]{80, 443, 22, 25}) {
                String fw = rig.ctx.firewallBuckets().ownerOf(cp);
                // a public client: request at the external dispatcher, reply at the internal one
                FlowRule req = lookup(ext, outside(t, cp, "10.0.2.21", sp, TcpFrames.SYN));
                FlowRule rep = lookup(in, inside(t, sp, "10.0.1.11", cp, TcpFrames.SYN_ACK));
                // a private client: the other way round
                FlowRule req2 = lookup(in, inside(t, cp, "10.0.1.11", sp, TcpFrames.SYN));
                FlowRule rep2 = lookup(ext, outside(t, sp, "10.0.2.21", cp, TcpFrames.SYN_ACK));
                for (FlowRule r : List.of(req, rep, req2, rep2)) {
                    assertTrue(r.priority() > Priorities.PUNT + Priorities.MAX_RANK && r.priority() < Priorities.HOLD,
                               "below the pins and holds, above the punt: " + r);
                    assertTrue(!punts(r) && r.isPermanent());
                    assertEquals(fw, firewallOf(t, r), "the static-hash bucket's firewall, both ways: " + r);
                }
                assertEquals(sp == 80 || sp == 443 ? Priorities.OVERLOAD + 3 : Priorities.OVERLOAD + 1,
                             req.priority());
                used.add(fw);
            }
        }
        assertEquals(t.firewalls().size(), used.size(), "every firewall carries some");
        for (FlowRule r : ext) {
            assertNull(r.selector().getCriterion(Criterion.Type.TCP_FLAGS), "ONOS 2.7 cannot translate tcp_flags");
        }
    }

    @Test
    void whatTheHashCannotPlaceKeepsItsMeteredPuntAndNormalHasNoOverloadRules() {
        FwlbTopology t = ExampleConfigs.topology(1);
        EngineRig rig = new EngineRig(t);
        List<FlowRule> ext = base(rig, F01, true);
        // both ports above 1024 (no service port to tell the direction) and both below: punted, metered
        for (byte[] f : List.of(outside(t, 40000, "10.0.2.21", 8080, TcpFrames.SYN),
                                outside(t, 600, "10.0.2.21", 22, TcpFrames.SYN))) {
            FlowRule r = lookup(ext, f);
            assertTrue(punts(r), r.toString());
            assertEquals(Set.of(PUNT), r.treatment().meters().stream().map(m -> m.meterId())
                    .collect(Collectors.toSet()));
        }
        List<FlowRule> normal = base(rig, F01, false);
        assertTrue(normal.stream().noneMatch(r -> r.priority() >= Priorities.OVERLOAD
                && r.priority() <= Priorities.OVERLOAD_PUNT), "no overload rules when not overloaded");
        assertTrue(punts(lookup(normal, outside(t, 40000, "10.0.2.21", 80, TcpFrames.SYN))));
        assertEquals(normal.size() + 64 * 2 * 2 + 64 * 2 + 1, ext.size(),
                     "web: 64 buckets x 2 ports x 2 ways; catch-all: 64 x 2 ways + its both-below-1024 punt");
    }

    @Test
    void fig6VipTrafficKeepsItsPuntSoItsStageStillChoosesTheServer() {
        FwlbTopology t = ExampleConfigs.topology(6);
        EngineRig rig = new EngineRig(t);
        FlowRule r = lookup(base(rig, F01, true), outside(t, 40000, "10.0.2.100", 80, TcpFrames.SYN));
        assertEquals(Priorities.OVERLOAD_PUNT, r.priority());
        assertTrue(punts(r));
        FlowRule plain = lookup(base(rig, F01, true), outside(t, 40000, "10.0.2.21", 80, TcpFrames.SYN));
        assertEquals(Priorities.OVERLOAD + 1, plain.priority());
    }

    // ---- adoption after the overload -------------------------------------------------------------------

    @Test
    void inGraceASegmentTheHashRulesCarriedIsAdoptedOnItsHashFirewallBothWays() {
        FwlbTopology t = ExampleConfigs.topology(1);
        EngineRig rig = new EngineRig(t);
        rig.ctx.overload(OverloadDetector.State.GRACE);
        String fw = rig.ctx.firewallBuckets().ownerOf(40006);
        rig.punt(F01, 9, outside(t, 40006, "10.0.2.21", 22, TcpFrames.ACK));    // catch-all class, default drop
        ConnectionEntry e = rig.only();
        assertEquals(fw, e.path().firewallId().get());
        assertEquals(TcpState.ESTABLISHED, e.state());
        assertEquals(1, rig.count(Owner.SANDWICH, EngineCounters.FORWARDED));
        // the server's side of another such connection, seen first at the internal dispatcher
        EngineRig other = new EngineRig(t);
        other.ctx.overload(OverloadDetector.State.GRACE);
        other.punt(F02, 5, inside(t, 22, "10.0.1.11", 40006, TcpFrames.ACK));
        ConnectionEntry viaServer = other.only();
        assertEquals(e.flow(), viaServer.flow(), "keyed client to server");
        assertEquals(fw, viaServer.path().firewallId().get());
    }

    @Test
    void outsideGraceOrOutsideWhatTheHashCarriedTheClassActionStands() {
        FwlbTopology t = ExampleConfigs.topology(1);
        EngineRig normal = new EngineRig(t);
        normal.punt(F01, 9, outside(t, 40006, "10.0.2.21", 22, TcpFrames.ACK));
        assertEquals(0, normal.store.size(), "normal: the default class drops and holds");
        assertEquals(1, normal.count(Owner.SANDWICH, EngineCounters.HELD));
        EngineRig grace = new EngineRig(t);
        grace.ctx.overload(OverloadDetector.State.GRACE);
        grace.punt(F01, 9, outside(t, 40006, "10.0.2.21", 8080, TcpFrames.ACK));
        assertEquals(0, grace.store.size(), "both ports above 1024: never hash-carried, held");
        assertEquals(1, grace.count(Owner.SANDWICH, EngineCounters.HELD));
        FwlbTopology fig6 = ExampleConfigs.topology(6);
        EngineRig vip = new EngineRig(fig6);
        vip.ctx.overload(OverloadDetector.State.GRACE);
        vip.punt(F01, 9, outside(fig6, 40006, "10.0.2.100", 80, TcpFrames.ACK));
        assertEquals(0, vip.store.size(), "VIP traffic kept its punt: not adopted by hash");
    }

    @Test
    void inOverloadOrGraceASynAckTheHashWouldCarryIsPassedToItsHashFirewallNeitherPinnedNorHeld() {
        FwlbTopology t = ExampleConfigs.topology(1);
        for (OverloadDetector.State s : List.of(OverloadDetector.State.OVERLOAD, OverloadDetector.State.GRACE)) {
            EngineRig rig = new EngineRig(t);
            rig.ctx.overload(s);
            byte[] synAck = inside(t, 80, "203.0.113.9", 40010, TcpFrames.SYN_ACK);
            rig.punt(F02, 5, synAck);
            assertEquals(0, rig.store.size(), s + ": a flood's server retransmitting to a spoofed source pins nothing");
            assertEquals(0, rig.count(Owner.SANDWICH, EngineCounters.HELD), "not held: the client's retry must pass");
            assertEquals(1, rig.count(Owner.SANDWICH, EngineCounters.PASSED_BY_HASH));
            String fw = rig.ctx.firewallBuckets().ownerOf(40010);
            assertArrayEquals(synAck, RecordingPackets.bytes(rig.lastEmitted()));
            assertEquals(Treatments.towardsFirewall(t, t.firewall(fw), org.fwlb.model.FirewallDispatcher.Role.INTERNAL),
                         rig.lastEmitted().treatment());
        }
        EngineRig normal = new EngineRig(t);
        normal.punt(F02, 5, inside(t, 80, "203.0.113.9", 40010, TcpFrames.SYN_ACK));
        assertEquals(0, normal.count(Owner.SANDWICH, EngineCounters.PASSED_BY_HASH), "normal: the class's action");
        assertEquals(1, normal.count(Owner.SANDWICH, EngineCounters.HELD));
    }

    // ---- a flood of half-open connections --------------------------------------------------------------

    @Test
    void aSynFloodIsRefusedAtTheHalfOpenLimitWithoutEvictingAndTheDetectorSeesIt() {
        FwlbTopology t = ExampleConfigs.topology(1);
        EngineRig rig = new EngineRig(t, EngineRig.settings().maxHalfOpen(50).build());
        OverloadDetector d = new OverloadDetector(1_000_000, 10_000, 15_000);    // only refusals can trigger
        EngineCounters c = rig.ctx.counters(Owner.SANDWICH);
        d.observe(0, c.get(EngineCounters.SYN_PUNTS), 0, c.get(EngineCounters.HALF_OPEN_FULL));
        for (int i = 0; i < 3; i++) {
            rig.punt(F01, 9, outside(t, 41000 + i, "10.0.2.21", 80, TcpFrames.SYN));
        }
        for (ConnectionEntry e : rig.connections()) {
            rig.lifecycle.onRuleStats(RecordingFlowRules.polled(rig.rulesOf(e).get(0), 1, 5));
        }
        List<ConnectionEntry> real = rig.connections();
        assertTrue(real.stream().allMatch(e -> e.state() == TcpState.ESTABLISHED));
        Random rnd = new Random(3);
        for (int i = 0; i < 200; i++) {
            String src = (11 + rnd.nextInt(200)) + "." + rnd.nextInt(256) + "." + rnd.nextInt(256) + ".7";
            rig.punt(F01, 9, TcpFrames.tcp().from(CLIENT, src, 1024 + rnd.nextInt(60000))
                    .to(t.external().get().gatewayMac(), "10.0.2.21", 80).bytes());
        }
        assertEquals(3 + 50, rig.store.size(), "50 half-open admitted, the rest refused");
        assertEquals(150, c.get(EngineCounters.HALF_OPEN_FULL));
        for (ConnectionEntry e : real) {
            ConnectionEntry now = rig.store.get(e.key());
            assertNotNull(now, "an established connection is never evicted");
            assertEquals(e.path(), now.path());
            assertEquals(TcpState.ESTABLISHED, now.state());
        }
        assertEquals(OverloadDetector.State.OVERLOAD, d.observe(250, c.get(EngineCounters.SYN_PUNTS), 0,
                c.get(EngineCounters.HALF_OPEN_FULL) + c.get(EngineCounters.TABLE_FULL)));
    }
}
