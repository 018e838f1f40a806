package org.fwlb.bench;

import org.fwlb.connection.impl.DistributedConnectionStore;
import org.fwlb.model.AdminState;
import org.fwlb.model.ConnectionEntry;
import org.fwlb.model.ConnectionKey;
import org.fwlb.model.ConnectionPath;
import org.fwlb.model.Firewall;
import org.fwlb.model.FlowKey;
import org.fwlb.model.FwlbTopology;
import org.fwlb.packet.PacketSummary;
import org.fwlb.sandwich.impl.SandwichRules;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.onosproject.net.flow.FlowRule;
import org.onosproject.net.flow.FlowRuleOperation;
import org.onosproject.net.flow.FlowRuleOperations;
import org.onosproject.net.flow.criteria.Criterion;
import org.onosproject.net.flow.criteria.IPCriterion;
import org.onosproject.net.flow.criteria.TcpPortCriterion;
import org.onosproject.net.flow.instructions.Instruction;
import org.onosproject.net.flow.instructions.L2ModificationInstruction;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The benchmarks measure what they claim: every operation is a complete decision on a new connection,
 * the table stays at its size, the rules are the connection's, the kryo store really serializes, and the
 * trial check fails when decisions fail.
 */
class DecisionBenchmarksTest {

    private static final int LIVE = 200;
    private static final int RUNS = 3_000;

    static Stream<Arguments> policiesAndStores() {
        List<Arguments> out = new ArrayList<>();
        for (String p : new String[]{"round-robin", "weighted-round-robin", "least-connections", "least-packets",
                                     "static-hash"}) {
            for (StoreKind s : StoreKind.values()) {
                out.add(Arguments.of(p, s));
            }
        }
        return out.stream();
    }

    private static SynDecisionBenchmark syn(String policy, StoreKind store, int fig) {
        SynDecisionBenchmark b = new SynDecisionBenchmark();
        b.policy = policy;
        b.store = store;
        b.fig = fig;
        b.live = LIVE;
        b.setup();
        return b;
    }

    @ParameterizedTest
    @MethodSource("policiesAndStores")
    void synDecisionPinsEveryConnectionAndKeepsTheTableAtItsSize(String policy, StoreKind store) {
        SynDecisionBenchmark b = syn(policy, store, 1);
        for (int i = 0; i < RUNS; i++) {
            assertNotNull(b.decide());
        }
        b.check();
        DistributedConnectionStore table = b.core.connections;
        assertEquals(LIVE, table.size());
        Map<String, Integer> counts = table.connectionCounts();
        assertEquals(LIVE, counts.values().stream().mapToInt(Integer::intValue).sum());
        if (policy.equals("round-robin")) {
            // exactly a third of the live connections on each firewall
            for (Firewall fw : b.topology.firewalls()) {
                int c = counts.getOrDefault(fw.id(), 0);
                assertTrue(Math.abs(c - LIVE / 3) <= 1, fw.id() + " holds " + c);
            }
        }
    }

    @Test
    void synDecisionRulesAreTheLastConnectionsAndGoToItsFirewall() {
        SynDecisionBenchmark b = syn("round-robin", StoreKind.plain, 1);
        b.decide();
        FlowRuleOperations ops = b.decide();
        List<FlowRule> rules = new ArrayList<>();
        for (Set<FlowRuleOperation> stage : ops.stages()) {
            stage.forEach(o -> rules.add(o.rule()));
        }
        assertEquals(2, rules.size());
        FwlbTopology t = b.topology;
        // set-up pinned 0 .. LIVE-1 and decided LIVE; these two decisions were LIVE+1 and LIVE+2
        long n = LIVE + 2;
        int client = SynFrame.clientIp(n);
        int port = SynFrame.clientPort(n);
        FlowRule ext = rules.stream().filter(r -> r.deviceId().equals(t.external().get().deviceId()))
                .findFirst().orElseThrow();
        assertEquals(SandwichRules.PRIO_PINNED_ORIGIN, ext.priority());
        assertEquals(client, ((IPCriterion) ext.selector().getCriterion(Criterion.Type.IPV4_SRC)).ip().address()
                .getIp4Address().toInt());
        assertEquals(port, ((TcpPortCriterion) ext.selector().getCriterion(Criterion.Type.TCP_SRC)).tcpPort().toInt());
        ConnectionEntry e = b.core.connections.get(FlowKey.of(6, client, port, 0x0A000232, 80).canonical());
        assertNotNull(e, "the connection is in the table");
        Firewall fw = t.firewall(e.path().firewallId().get());
        assertEquals(fw.outside().mac(), ethDst(ext));
        FlowRule in = rules.stream().filter(r -> r.deviceId().equals(t.internal().get().deviceId()))
                .findFirst().orElseThrow();
        assertEquals(fw.inside().mac(), ethDst(in));
    }

    @Test
    void fig6DecisionAlsoPicksAServer() {
        SynDecisionBenchmark b = syn("weighted-round-robin", StoreKind.kryo, 6);
        for (int i = 0; i < RUNS; i++) {
            b.decide();
        }
        b.check();
        ConnectionEntry e = b.core.connections.connections(x -> true).get(0);
        assertTrue(e.path().serverId().isPresent(), "FIG 6 path has a server: " + e.path());
    }

    @Test
    void kryoStoreHoldsBytesAndDecodesEqualEntries() {
        SynDecisionBenchmark b = syn("round-robin", StoreKind.kryo, 1);
        InMemoryConsistentMap<ConnectionKey, ConnectionEntry> map = map(b.core);
        assertTrue(map.serializes());
        ConnectionEntry e = b.core.connections.connections(x -> true).get(0);
        assertInstanceOf(byte[].class, map.stored(e.key()));
        ConnectionEntry again = b.core.connections.get(e.key());
        assertEquals(e, again);
        assertNotSame(e, again, "every read decodes a new object");
        SynDecisionBenchmark plain = syn("round-robin", StoreKind.plain, 1);
        ConnectionEntry p = plain.core.connections.connections(x -> true).get(0);
        assertInstanceOf(ConnectionEntry.class, map(plain.core).stored(p.key()));
    }

    @SuppressWarnings("unchecked")
    private static InMemoryConsistentMap<ConnectionKey, ConnectionEntry> map(CoreServices core) {
        return (InMemoryConsistentMap<ConnectionKey, ConnectionEntry>)
                core.storage.map(DistributedConnectionStore.MAP_NAME);
    }

    @Test
    void trialCheckFailsWhenDecisionsFail() {
        SynDecisionBenchmark b = syn("least-connections", StoreKind.plain, 1);
        for (Firewall fw : b.topology.firewalls()) {
            b.core.states.setAdminState(fw.id(), AdminState.DOWN);
        }
        b.decide();
        assertThrows(IllegalStateException.class, b::check);
    }

    static Stream<Arguments> hierarchyCases() {
        List<Arguments> out = new ArrayList<>();
        policiesAndStores().forEach(a -> {
            out.add(Arguments.of(a.get()[0], a.get()[1], false));
            out.add(Arguments.of(a.get()[0], a.get()[1], true));
        });
        return out.stream();
    }

    @ParameterizedTest
    @MethodSource("hierarchyCases")
    void hierarchyDecisionPinsTheFullPath(String policy, StoreKind store, boolean threePunts) {
        HierarchyDecisionBenchmark b = new HierarchyDecisionBenchmark();
        b.policy = policy;
        b.store = store;
        b.live = LIVE;
        b.setup(threePunts);
        Set<String> secondStages = new HashSet<>();
        Set<String> servers = new HashSet<>();
        for (int i = 0; i < RUNS; i++) {
            List<FlowRule> rules = b.decide();
            assertNotNull(rules, b.decision.lastFailure());
        }
        b.check();
        FwlbTopology t = b.topology;
        for (ConnectionEntry e : b.core.connections.connections(x -> true)) {
            ConnectionPath p = e.path();
            Firewall fw = t.firewall(p.firewallId().orElseThrow());
            assertEquals(fw.pathTag(), p.pathTag().orElseThrow(), "path tag is the firewall's");
            assertEquals(2, p.dispatcherIds().size(), p.toString());
            assertEquals("stage1", p.dispatcherIds().get(0));
            String second = p.dispatcherIds().get(1);
            assertTrue(t.candidates("stage1", "http").contains(second), second);
            String server = p.serverId().orElseThrow();
            assertTrue(t.candidates(second, "http").contains(server), server + " under " + second);
            secondStages.add(second);
            servers.add(server);
        }
        if (policy.equals("round-robin")) {
            assertEquals(3, secondStages.size());
            assertEquals(6, servers.size());
        }
    }

    @Test
    void hierarchyRulesCoverEveryStage() {
        HierarchyDecisionBenchmark b = new HierarchyDecisionBenchmark();
        b.policy = "round-robin";
        b.store = StoreKind.plain;
        b.live = LIVE;
        b.setup(false);
        for (int i = 1; i <= 3; i++) {
            // the connection numbered LIVE + i (set-up decided LIVE); round robin visits every second stage
            List<FlowRule> rules = b.decide();
            assertEquals(HierarchyDecisionBenchmark.RULES_PER_CONNECTION, rules.size());
            FwlbTopology t = b.topology;
            ConnectionEntry e = b.core.connections.get(
                    FlowKey.of(6, SynFrame.clientIp(LIVE + i), SynFrame.clientPort(LIVE + i), 0x0A000264, 80).canonical());
            assertNotNull(e);
            Firewall fw = t.firewall(e.path().firewallId().get());
            org.fwlb.model.Dispatcher second = t.dispatcher(e.path().dispatcherIds().get(1));
            org.fwlb.model.Server server = t.server(e.path().serverId().get());
            // the sandwich's two, owned by the sandwich: toward the firewall outside, replies to its inside
            assertEquals(t.external().get().deviceId(), rules.get(0).deviceId());
            assertEquals(fw.outside().mac(), ethDst(rules.get(0)));
            assertEquals(t.internal().get().deviceId(), rules.get(1).deviceId());
            assertEquals(fw.inside().mac(), ethDst(rules.get(1)));
            // first stage (on the internal dispatcher's switch): to the chosen second stage by MAC
            assertEquals(StageRules.APP.id(), rules.get(2).appId());
            assertEquals(t.dispatcher("stage1").deviceId().get(), rules.get(2).deviceId());
            assertEquals(second.mac(), ethDst(rules.get(2)));
            // second stage: to the server, replies straight to the firewall's inside interface
            assertEquals(StageRules.device(second), rules.get(3).deviceId());
            assertEquals(server.mac(), ethDst(rules.get(3)));
            assertEquals(fw.inside().mac(), ethDst(rules.get(4)));
            assertNull(b.decision.lastFailure());
        }
    }

    @Test
    void synFrameCarriesTheConnectionAndTheTag() {
        SynFrame f = SynFrame.build(BenchSetup.ROUTER_MAC, BenchSetup.ROUTER_MAC, 101, "10.0.2.100", 80);
        PacketSummary p = new PacketSummary();
        org.fwlb.packet.PacketParser.parse(f.connection(70_000), p);
        assertTrue(p.isSyn());
        assertEquals(101, p.vlanId());
        assertEquals(SynFrame.clientIp(70_000), p.ipSrc());
        assertEquals(SynFrame.clientPort(70_000), p.srcPort());
        f.vlan(103);
        org.fwlb.packet.PacketParser.parse(f.bytes(), p);
        assertEquals(103, p.vlanId());
        assertEquals(40, p.l4HeaderLength(), "the SYN's options are there");
    }

    private static org.onlab.packet.MacAddress ethDst(FlowRule r) {
        for (Instruction i : r.treatment().allInstructions()) {
            if (i instanceof L2ModificationInstruction.ModEtherInstruction
                    && ((L2ModificationInstruction) i).subtype() == L2ModificationInstruction.L2SubType.ETH_DST) {
                return ((L2ModificationInstruction.ModEtherInstruction) i).mac();
            }
        }
        return null;
    }
}
