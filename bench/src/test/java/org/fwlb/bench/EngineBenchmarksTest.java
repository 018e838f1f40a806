package org.fwlb.bench;

import org.fwlb.connection.impl.DistributedConnectionStore;
import org.fwlb.engine.EngineCounters;
import org.fwlb.engine.Owner;
import org.fwlb.engine.Priorities;
import org.fwlb.model.AdminState;
import org.fwlb.model.ConnectionEntry;
import org.fwlb.model.ConnectionKey;
import org.fwlb.model.ConnectionPath;
import org.fwlb.model.Firewall;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.TcpState;
import org.fwlb.packet.Checksums;
import org.fwlb.packet.PacketParser;
import org.fwlb.packet.PacketSummary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.onlab.packet.MacAddress;
import org.onosproject.net.flow.FlowRule;
import org.onosproject.net.flow.criteria.Criterion;
import org.onosproject.net.flow.criteria.IPCriterion;
import org.onosproject.net.flow.criteria.TcpPortCriterion;
import org.onosproject.net.flow.instructions.Instruction;
import org.onosproject.net.flow.instructions.L2ModificationInstruction;
import org.onosproject.net.packet.OutboundPacket;

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
 * The benchmarks measure what they name: each one's set-up, a few thousand operations and its trial check, as JMH
 * runs them; every operation is a complete decision on a new connection through the engine (rules, packet-out,
 * table pin), an end per operation keeps the table at its size, the kryo store really serializes, and the trial
 * check fails when decisions fail.
 */
class EngineBenchmarksTest {

    private static final int LIVE = 300;
    private static final int RUNS = 2_000;
    private static final String[] POLICIES = {
        "round-robin", "weighted-round-robin", "least-connections", "least-packets", "static-hash"};

    static Stream<Arguments> policiesAndStores() {
        List<Arguments> out = new ArrayList<>();
        for (String p : POLICIES) {
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

    // ---- SynDecisionBenchmark -----------------------------------------------------------------------------

    @ParameterizedTest
    @MethodSource("policiesAndStores")
    void synDecisionOpensAndEndsOneConnectionPerOperation(String policy, StoreKind store) {
        SynDecisionBenchmark b = syn(policy, store, 1);
        for (int i = 0; i < RUNS; i++) {
            assertNotNull(b.decide());
        }
        b.check();
        DistributedConnectionStore table = b.rig.core.connections;
        assertEquals(LIVE, table.size());
        Map<String, Integer> counts = table.connectionCounts();
        assertEquals(LIVE, counts.values().stream().mapToInt(Integer::intValue).sum());
        // set-up: LIVE to fill, one checked; then RUNS, each ending one
        assertEquals(RUNS + 1, b.rig.counter(EngineCounters.REMOVED));
        assertEquals(2L * (RUNS + 1), b.rig.flowRules.removed, "every ended connection's rules are removed");
        assertEquals(LIVE + RUNS + 1, b.rig.counter(Owner.SANDWICH, EngineCounters.PLACED));
        if (policy.equals("round-robin")) {
            for (Firewall fw : b.topology.firewalls()) {
                int c = counts.getOrDefault(fw.id(), 0);
                assertTrue(Math.abs(c - LIVE / 3) <= 1, fw.id() + " holds " + c);
            }
        }
    }

    @Test
    void synDecisionRulesAndPacketOutAreTheNewConnections() {
        SynDecisionBenchmark b = syn("round-robin", StoreKind.plain, 1);
        OutboundPacket out = b.decide();
        // set-up opened 0 .. LIVE (LIVE + 1 connections); this one is LIVE + 1
        long n = LIVE + 1;
        ConnectionKey key = b.key(n);
        ConnectionEntry e = b.rig.core.connections.get(key);
        assertNotNull(e, "the connection is in the table");
        assertEquals(TcpState.OPENING, e.state(), "marked opening once its rules were confirmed");
        FwlbTopology t = b.topology;
        Firewall fw = t.firewall(e.path().firewallId().orElseThrow());
        List<FlowRule> rules = b.rig.flowRules.lastRules();
        assertEquals(2, rules.size());
        FlowRule ext = rules.stream().filter(r -> r.deviceId().equals(t.external().get().deviceId()))
                .findFirst().orElseThrow();
        assertEquals(Priorities.PINNED_ORIGIN, ext.priority());
        assertEquals(SynFrame.clientIp(n), ((IPCriterion) ext.selector().getCriterion(Criterion.Type.IPV4_SRC)).ip()
                .address().getIp4Address().toInt());
        assertEquals(SynFrame.clientPort(n),
                     ((TcpPortCriterion) ext.selector().getCriterion(Criterion.Type.TCP_SRC)).tcpPort().toInt());
        assertEquals(fw.outside().mac(), ethDst(ext.treatment().allInstructions()));
        FlowRule in = rules.stream().filter(r -> r.deviceId().equals(t.internal().get().deviceId()))
                .findFirst().orElseThrow();
        assertEquals(fw.inside().mac(), ethDst(in.treatment().allInstructions()));
        assertEquals(t.external().get().deviceId(), out.sendThrough());
        assertEquals(fw.outside().mac(), ethDst(out.treatment().allInstructions()), "the SYN goes to the firewall");
        // the oldest connection (0 .. n - LIVE) is gone with its rules
        assertNull(b.rig.core.connections.get(b.key(n - LIVE)));
        assertNotNull(b.rig.core.connections.get(b.key(n - LIVE + 1)));
    }

    @ParameterizedTest
    @MethodSource("stores")
    void connectionsEndedByTheirRuleIdlingOutGoThroughRuleRemoved(StoreKind store) {
        SynDecisionBenchmark b = new SynDecisionBenchmark();
        b.policy = "round-robin";
        b.store = store;
        b.fig = 6;
        b.live = LIVE;
        b.end = "ruleRemoved";
        b.setup();
        for (int i = 0; i < RUNS; i++) {
            b.decide();
        }
        b.check();
        long n = LIVE + RUNS;      // the last connection opened
        assertNull(b.rig.core.connections.get(b.key(n - LIVE)), "the oldest ended");
        assertNotNull(b.rig.core.connections.get(b.key(n - LIVE + 1)));
        assertEquals(3L * (RUNS + 1), b.rig.flowRules.removed, "its rules removed, the idled one included");
    }

    static Stream<StoreKind> stores() {
        return Stream.of(StoreKind.values());
    }

    @Test
    void anUnknownEndIsRefused() {
        SynDecisionBenchmark b = new SynDecisionBenchmark();
        b.policy = "round-robin";
        b.store = StoreKind.plain;
        b.fig = 1;
        b.live = LIVE;
        b.end = "never";
        assertThrows(IllegalArgumentException.class, b::setup);
    }

    @Test
    void fig6DecisionAlsoPicksTheServerAtTheSamePunt() {
        SynDecisionBenchmark b = syn("weighted-round-robin", StoreKind.kryo, 6);
        assertEquals(3, b.rulesEach);
        Set<String> servers = new HashSet<>();
        for (int i = 0; i < RUNS; i++) {
            b.decide();
            assertEquals(3, b.rig.flowRules.lastRules().size());
        }
        b.check();
        for (ConnectionEntry e : b.rig.core.connections.connections(x -> true)) {
            assertTrue(e.path().firewallId().isPresent(), e.path().toString());
            servers.add(e.path().serverId().orElseThrow(() -> new AssertionError("no server: " + e.path())));
        }
        assertTrue(servers.size() > 1, "servers chosen: " + servers);
    }

    @Test
    void kryoStoreHoldsBytesAndDecodesEqualEntries() {
        SynDecisionBenchmark b = syn("round-robin", StoreKind.kryo, 1);
        InMemoryConsistentMap<ConnectionKey, ConnectionEntry> map = map(b.rig.core);
        assertTrue(map.serializes());
        ConnectionEntry e = b.rig.core.connections.connections(x -> true).get(0);
        assertInstanceOf(byte[].class, map.stored(e.key()));
        ConnectionEntry again = b.rig.core.connections.get(e.key());
        assertEquals(e, again);
        assertNotSame(e, again, "every read decodes a new object");
        SynDecisionBenchmark plain = syn("round-robin", StoreKind.plain, 1);
        ConnectionEntry p = plain.rig.core.connections.connections(x -> true).get(0);
        assertInstanceOf(ConnectionEntry.class, map(plain.rig.core).stored(p.key()));
    }

    @SuppressWarnings("unchecked")
    private static InMemoryConsistentMap<ConnectionKey, ConnectionEntry> map(CoreServices core) {
        return (InMemoryConsistentMap<ConnectionKey, ConnectionEntry>)
                core.storage.map(DistributedConnectionStore.MAP_NAME);
    }

    @Test
    void synTrialCheckFailsWhenDecisionsFail() {
        SynDecisionBenchmark b = syn("least-connections", StoreKind.plain, 1);
        for (Firewall fw : b.topology.firewalls()) {
            b.rig.core.states.setAdminState(fw.id(), AdminState.DOWN);
        }
        b.decide();
        IllegalStateException x = assertThrows(IllegalStateException.class, b::check);
        assertTrue(x.getMessage().contains(EngineCounters.NO_MEMBER), x.getMessage());
    }

    @Test
    void synSetUpFailsWhenNoDecisionCanBeMade() {
        SynDecisionBenchmark b = new SynDecisionBenchmark();
        b.policy = "round-robin";
        b.store = StoreKind.plain;
        b.fig = 1;
        b.live = 0;
        assertThrows(IllegalArgumentException.class, b::setup, "an empty table is refused");
    }

    // ---- HierarchyDecisionBenchmark -----------------------------------------------------------------------

    static Stream<Arguments> hierarchyCases() {
        List<Arguments> out = new ArrayList<>();
        policiesAndStores().forEach(a -> {
            for (boolean perStage : new boolean[]{false, true}) {
                out.add(Arguments.of(a.get()[0], a.get()[1], perStage));
            }
        });
        return out.stream();
    }

    private static HierarchyDecisionBenchmark hierarchy(String policy, StoreKind store, boolean perStage) {
        HierarchyDecisionBenchmark b = new HierarchyDecisionBenchmark();
        b.policy = policy;
        b.store = store;
        b.live = LIVE;
        b.setup(perStage);
        return b;
    }

    @ParameterizedTest
    @MethodSource("hierarchyCases")
    void hierarchyDecidesEveryConnectionThroughTheWholePath(String policy, StoreKind store, boolean perStage) {
        HierarchyDecisionBenchmark b = hierarchy(policy, store, perStage);
        for (int i = 0; i < RUNS / 2; i++) {
            b.connect();
        }
        b.check();
        FwlbTopology t = b.topology;
        Set<String> seconds = new HashSet<>();
        Set<String> servers = new HashSet<>();
        List<ConnectionEntry> all = b.rig.core.connections.connections(x -> true);
        assertEquals(LIVE, all.size());
        for (ConnectionEntry e : all) {
            ConnectionPath p = e.path();
            Firewall fw = t.firewall(p.firewallId().orElseThrow());
            assertEquals(2, p.dispatcherIds().size(), p.toString());
            assertEquals("d1", p.dispatcherIds().get(0), p.toString());
            String second = p.dispatcherIds().get(1);
            assertTrue(t.candidates("d1", "http").contains(second), second);
            seconds.add(second);
            assertEquals(fw.pathTag(), p.pathTag().orElseThrow(), "the answering stage knows the firewall: " + p);
            p.serverId().ifPresent(servers::add);
        }
        // punts per connection: one, or one per stage (so at the sandwich, d1 and the second stage at dispatch)
        long connections = LIVE + 1 + RUNS / 2;
        assertEquals(connections, b.rig.counter(Owner.SANDWICH, EngineCounters.SYN_PUNTS));
        assertEquals(perStage ? 2 * connections : 0, b.rig.counter(Owner.DISPATCH, EngineCounters.SYN_PUNTS));
        assertEquals(5L * connections, b.rig.flowRules.applied);
        if (policy.equals("round-robin")) {
            assertEquals(Set.of("d7a", "d7b", "d2c"), seconds, "d1 spreads over its three candidates");
            assertEquals(Set.of("srv5", "srv6"), servers, "d2c spreads over its servers (L7 hosts choose their own)");
        }
    }

    @Test
    void perStageSynsCarryThePathTagToTheSecondStage() {
        HierarchyDecisionBenchmark b = hierarchy("round-robin", StoreKind.plain, true);
        assertTrue(b.rig.counter(Owner.DISPATCH, EngineCounters.TAGGED) > 0, "d1 pushed path tags");
        // the last packet-out is the second stage's: the SYN leaves without the tag
        List<Instruction> out = b.rig.packets.last.treatment().allInstructions();
        assertTrue(out.stream().anyMatch(i -> i instanceof L2ModificationInstruction
                && ((L2ModificationInstruction) i).subtype() == L2ModificationInstruction.L2SubType.VLAN_POP),
                   "the tag leaves with the second stage: " + out);
    }

    @Test
    void wholePathIsOnePuntAndOneBatchOfFiveRules() {
        HierarchyDecisionBenchmark b = hierarchy("round-robin", StoreKind.plain, false);
        long batches = b.rig.flowRules.batches;
        b.connect();
        assertEquals(batches + 1, b.rig.flowRules.batches, "one batch");
        List<FlowRule> rules = b.rig.flowRules.lastRules();
        assertEquals(HierarchyDecisionBenchmark.RULES, rules.size());
        Set<Object> devices = new HashSet<>();
        rules.forEach(r -> devices.add(r.deviceId()));
        assertEquals(4, devices.size(), "so, si, d1 and the second stage's switch: " + devices);
        assertEquals(b.topology.external().get().deviceId(), b.rig.packets.last.sendThrough());
        assertEquals(0, b.rig.counter(Owner.DISPATCH, EngineCounters.SYN_PUNTS), "no punt at the stages");
    }

    @Test
    void hierarchyTrialCheckFailsWhenDecisionsFail() {
        HierarchyDecisionBenchmark b = hierarchy("least-connections", StoreKind.plain, true);
        for (String s : b.topology.candidates("d1", "http")) {
            b.rig.core.states.setAdminState(s, AdminState.DOWN);
        }
        for (int i = 0; i < 10; i++) {
            b.connect();
        }
        assertThrows(IllegalStateException.class, b::check);
    }

    // ---- frames, wire, ring -------------------------------------------------------------------------------

    @Test
    void synFrameKeepsItsChecksumsValidForEveryConnection() {
        SynFrame f = SynFrame.build(BenchSetup.ROUTER_MAC, BenchSetup.ROUTER_MAC, 101, "10.0.2.100", 80);
        PacketSummary p = new PacketSummary();
        for (long n : new long[]{0, 1, 2, 255, 256, 64_511, 64_512, 70_000, 1_000_000, 123_456_789, 8_000_000_000L}) {
            byte[] b = f.connection(n);
            assertTrue(PacketParser.parse(b, p).isParsed());
            assertTrue(p.isSyn());
            assertEquals(SynFrame.clientIp(n), p.ipSrc());
            assertEquals(SynFrame.clientPort(n), p.srcPort());
            assertTrue(Checksums.tcpValid(b, p), "checksums of connection " + n);
        }
        assertEquals(101, p.vlanId());
        f.vlan(103);
        PacketParser.parse(f.bytes(), p);
        assertEquals(103, p.vlanId());
        assertEquals(40, p.l4HeaderLength(), "the SYN's options are there");
    }

    @Test
    void aRoutedFrameLosesOneTtlAndKeepsValidChecksums() {
        SynFrame f = SynFrame.build(BenchSetup.ROUTER_MAC, BenchSetup.ROUTER_MAC, -1, "10.0.2.100", 80);
        byte[] b = f.connection(4242).clone();
        MacAddress src = MacAddress.valueOf("02:00:00:00:00:aa");
        MacAddress dst = MacAddress.valueOf("02:00:00:00:00:bb");
        Wire.route(b, src, dst);
        PacketSummary p = new PacketSummary();
        PacketParser.parse(b, p);
        assertEquals(63, p.ttl());
        assertEquals(dst.toLong(), p.ethDst());
        assertEquals(dst.toLong(), Wire.dstMac(b));
        assertTrue(Checksums.tcpValid(b, p));
        assertEquals(-1, Wire.vlan(b));
    }

    @Test
    void liveConnectionsHandBackTheOldest() {
        LiveConnections ring = new LiveConnections(3);
        assertEquals(-1, ring.admit(10));
        assertEquals(-1, ring.admit(11));
        assertEquals(-1, ring.admit(12));
        assertEquals(10, ring.admit(13));
        assertEquals(11, ring.admit(14));
        assertThrows(IllegalArgumentException.class, () -> new LiveConnections(0));
    }

    // ---- TableFootprint -----------------------------------------------------------------------------------

    @Test
    void footprintCountsEveryEntryOfBothStores() {
        int n = 5_000;
        TableFootprint.Result plain = TableFootprint.measure(StoreKind.plain, n);
        TableFootprint.Result kryo = TableFootprint.measure(StoreKind.kryo, n);
        for (TableFootprint.Result r : List.of(plain, kryo)) {
            // at least a map node, a key and a value per entry; far less than a kilobyte
            assertTrue(r.perEntry(r.map) > 60 && r.perEntry(r.map) < 1000, r.report());
            assertTrue(r.map.objects >= 3L * n, r.report());
            assertTrue(r.perEntry(r.counts) > 20, "the counts keep a node per key: " + r.report());
            assertTrue(r.perEntry(r.halfOpen) > 20, "the half-open set keeps a node per key: " + r.report());
        }
        String classes = TableFootprint.classes(StoreKind.kryo, 1_000);
        assertTrue(classes.contains("[B"), "kryo values are byte arrays: " + classes);
    }

    private static MacAddress ethDst(List<Instruction> instructions) {
        for (Instruction i : instructions) {
            if (i instanceof L2ModificationInstruction.ModEtherInstruction
                    && ((L2ModificationInstruction) i).subtype() == L2ModificationInstruction.L2SubType.ETH_DST) {
                return ((L2ModificationInstruction.ModEtherInstruction) i).mac();
            }
        }
        return null;
    }
}
