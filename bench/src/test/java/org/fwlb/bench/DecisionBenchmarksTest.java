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

    private static final int HIERARCHY_LIVE = 2 * HierarchyDecisionBenchmark.BATCH;

    static Stream<Arguments> hierarchyCases() {
        List<Arguments> out = new ArrayList<>();
        policiesAndStores().forEach(a -> {
            for (HierarchyDecisionBenchmark.Stages s : HierarchyDecisionBenchmark.Stages.values()) {
                out.add(Arguments.of(a.get()[0], a.get()[1], s));
            }
        });
        return out.stream();
    }

    private static HierarchyDecisionBenchmark hierarchy(String policy, StoreKind store,
                                                        HierarchyDecisionBenchmark.Stages stages) {
        HierarchyDecisionBenchmark b = new HierarchyDecisionBenchmark();
        b.policy = policy;
        b.store = store;
        b.live = HIERARCHY_LIVE;
        b.setup(stages);
        return b;
    }

    @ParameterizedTest
    @MethodSource("hierarchyCases")
    void hierarchyStagesDecideEveryConnection(String policy, StoreKind store, HierarchyDecisionBenchmark.Stages stages) {
        HierarchyDecisionBenchmark b = hierarchy(policy, store, stages);
        for (int i = 0; i < 3; i++) {
            b.prepare();
            b.operate();
        }
        b.check();
        int batch = HierarchyDecisionBenchmark.BATCH;
        // set-up and three more batches; in secondStage the set-up's d1 decisions are punts too
        assertEquals(4L * batch, b.firstPunts);
        assertEquals(stages == HierarchyDecisionBenchmark.Stages.FIRST ? 0 : 4L * batch, b.secondPunts);
        FwlbTopology t = b.topology;
        Set<String> secondStages = new HashSet<>();
        Set<String> servers = new HashSet<>();
        // the last batch measured (the table's newest connections): every one decided as far as the stages go
        long last = HIERARCHY_LIVE + 4L * batch;
        for (long n = last - batch; n < last; n++) {
            ConnectionEntry e = b.core.connections.get(b.flow(n).canonical());
            assertNotNull(e, "connection " + n);
            ConnectionPath p = e.path();
            Firewall fw = t.firewall(p.firewallId().orElseThrow());
            assertEquals(List.of("d1"), p.dispatcherIds().subList(0, 1), p.toString());
            assertEquals(2, p.dispatcherIds().size(), p.toString());
            String second = p.dispatcherIds().get(1);
            assertTrue(t.candidates("d1", "http").contains(second), second);
            secondStages.add(second);
            if (stages == HierarchyDecisionBenchmark.Stages.FIRST) {
                assertTrue(p.serverId().isEmpty(), "d1 chooses no server: " + p);
            } else {
                assertEquals("d2c", second);
                assertEquals(fw.pathTag(), p.pathTag().orElseThrow(), "d2c recorded the firewall's tag");
                String server = p.serverId().orElseThrow();
                assertTrue(t.candidates("d2c", "http").contains(server), server);
                servers.add(server);
            }
        }
        if (policy.equals("round-robin")) {
            assertEquals(stages == HierarchyDecisionBenchmark.Stages.FIRST ? 3 : 1, secondStages.size());
            assertEquals(stages == HierarchyDecisionBenchmark.Stages.FIRST ? 0 : 2, servers.size());
        }
    }

    @Test
    void firstStageRuleAndSynGoToTheChosenStageWithTheTag() {
        HierarchyDecisionBenchmark b = hierarchy("round-robin", StoreKind.plain, HierarchyDecisionBenchmark.Stages.FIRST);
        FwlbTopology t = b.topology;
        long n = HIERARCHY_LIVE + HierarchyDecisionBenchmark.BATCH - 1;    // the last connection set-up decided
        ConnectionEntry e = b.core.connections.get(b.flow(n).canonical());
        Firewall fw = t.firewall(e.path().firewallId().orElseThrow());
        org.fwlb.model.Dispatcher next = t.dispatcher(e.path().dispatcherIds().get(1));
        List<FlowRule> rules = b.dispatch.lastRuleList();
        assertEquals(1, rules.size());
        FlowRule r = rules.get(0);
        assertEquals(t.dispatcher("d1").deviceId().get(), r.deviceId());
        assertEquals(30000, r.priority());
        assertEquals(SynFrame.clientIp(n), ((IPCriterion) r.selector().getCriterion(Criterion.Type.IPV4_SRC)).ip()
                .address().getIp4Address().toInt());
        assertEquals(next.mac(), ethDst(r.treatment().allInstructions()));
        // the SYN: the firewall's path tag pushed, to the chosen stage's MAC, out d1's one arm
        List<Instruction> out = b.dispatch.lastPacket().treatment().allInstructions();
        assertEquals(next.mac(), ethDst(out));
        assertEquals(fw.pathTag().value(), (int) vlanId(out), out.toString());
        assertTrue(out.stream().anyMatch(i -> i instanceof org.onosproject.net.flow.instructions.Instructions.OutputInstruction
                && ((org.onosproject.net.flow.instructions.Instructions.OutputInstruction) i).port()
                        .equals(org.onosproject.net.PortNumber.portNumber(1))), out.toString());
    }

    @Test
    void secondStageRulesGoToTheServerAndRepliesToTheFirewall() {
        HierarchyDecisionBenchmark b = hierarchy("round-robin", StoreKind.plain, HierarchyDecisionBenchmark.Stages.SECOND);
        FwlbTopology t = b.topology;
        long n = HIERARCHY_LIVE + HierarchyDecisionBenchmark.BATCH - 1;
        ConnectionEntry e = b.core.connections.get(b.flow(n).canonical());
        Firewall fw = t.firewall(e.path().firewallId().orElseThrow());
        org.fwlb.model.Server server = t.server(e.path().serverId().orElseThrow());
        List<FlowRule> rules = b.dispatch.lastRuleList();
        assertEquals(2, rules.size());
        for (FlowRule r : rules) {
            assertEquals(t.dispatcher("d2c").deviceId().get(), r.deviceId());
        }
        assertEquals(server.mac(), ethDst(rules.get(0).treatment().allInstructions()));
        assertEquals(fw.inside().mac(), ethDst(rules.get(1).treatment().allInstructions()),
                     "replies go straight to the firewall the SYN came through");
        List<Instruction> out = b.dispatch.lastPacket().treatment().allInstructions();
        assertEquals(server.mac(), ethDst(out));
        assertTrue(out.stream().anyMatch(i -> i instanceof L2ModificationInstruction
                && ((L2ModificationInstruction) i).subtype() == L2ModificationInstruction.L2SubType.VLAN_POP),
                   "the tag leaves with d2c: " + out);
    }

    @Test
    void hierarchyCheckFailsWhenDecisionsFail() {
        HierarchyDecisionBenchmark b = hierarchy("least-connections", StoreKind.plain,
                                                 HierarchyDecisionBenchmark.Stages.BOTH);
        for (String s : b.topology.candidates("d2c", "http")) {
            b.core.states.setAdminState(s, AdminState.DOWN);
        }
        b.prepare();
        b.operate();
        assertThrows(IllegalStateException.class, b::check);
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
        return ethDst(r.treatment().allInstructions());
    }

    private static short vlanId(List<Instruction> instructions) {
        for (Instruction i : instructions) {
            if (i instanceof L2ModificationInstruction.ModVlanIdInstruction) {
                return ((L2ModificationInstruction.ModVlanIdInstruction) i).vlanId().toShort();
            }
        }
        return -1;
    }

    private static org.onlab.packet.MacAddress ethDst(List<Instruction> instructions) {
        for (Instruction i : instructions) {
            if (i instanceof L2ModificationInstruction.ModEtherInstruction
                    && ((L2ModificationInstruction) i).subtype() == L2ModificationInstruction.L2SubType.ETH_DST) {
                return ((L2ModificationInstruction.ModEtherInstruction) i).mac();
            }
        }
        return null;
    }
}
