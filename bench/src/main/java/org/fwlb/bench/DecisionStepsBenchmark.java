package org.fwlb.bench;

import org.fwlb.connection.ConnectionSerializer;
import org.fwlb.connection.PinResult;
import org.fwlb.model.ConnectionEntry;
import org.fwlb.model.ConnectionKey;
import org.fwlb.model.ConnectionPath;
import org.fwlb.model.Firewall;
import org.fwlb.model.FirewallDispatcher.Role;
import org.fwlb.model.FlowKey;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.TrafficClass;
import org.fwlb.packet.PacketParser;
import org.fwlb.packet.PacketSummary;
import org.fwlb.policy.FlowHash;
import org.fwlb.policy.Policies;
import org.fwlb.policy.SelectionPolicy;
import org.fwlb.policy.SimpleMember;
import org.fwlb.sandwich.impl.BenchSandwich;
import org.fwlb.sandwich.impl.SandwichCounters;
import org.fwlb.sandwich.impl.SandwichRules;
import org.onlab.util.HexString;
import org.onosproject.net.DeviceId;
import org.onosproject.net.flow.DefaultFlowRule;
import org.onosproject.net.flow.FlowRule;
import org.onosproject.net.flow.FlowRuleOperations;
import org.onosproject.net.flow.FlowRuleOperationsContext;
import org.onosproject.net.flow.TrafficSelector;
import org.onosproject.net.flow.TrafficTreatment;
import org.onosproject.net.packet.DefaultOutboundPacket;
import org.onosproject.net.packet.OutboundPacket;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The sandwich's SYN decision ({@link SynDecisionBenchmark}, FIG 1) taken apart: each step alone, in
 * ns per step (run with -prof gc for bytes per step), to show where a decision's time and allocation go.
 * Each step is called the way ConnectionPlacer calls it, on the same kind of inputs (a new connection
 * every call). {@code oneRuleWithCookie} is not what the code does today: it is the same flow rule built
 * with an explicit cookie instead of fromApp(), which skips ONOS's flow-id hashing (see its Javadoc).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {
    "--add-opens", "java.base/java.lang.invoke=ALL-UNNAMED",
    "--add-opens", "java.base/java.util.concurrent.atomic=ALL-UNNAMED",
    "--add-opens", "java.base/java.lang=ALL-UNNAMED",
    "--add-opens", "java.base/java.util=ALL-UNNAMED",
    "--add-opens", "java.base/java.net=ALL-UNNAMED",
    "--add-opens", "java.base/java.nio=ALL-UNNAMED",
    "-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Threads(1)
public class DecisionStepsBenchmark {

    /** FIG 1 with round-robin, the plain table filled with live connections; a new connection per call. */
    @State(Scope.Thread)
    public static class Fixture {
        FwlbTopology t;
        TrafficClass tc;
        Firewall fw;
        DeviceId extDevice;
        CoreServices core;
        BenchSandwich sandwich;
        SandwichRules rules;
        SandwichCounters counters;
        SynFrame frame;
        final PacketSummary summary = new PacketSummary();
        final Map<String, SelectionPolicy> policies = new ConcurrentHashMap<>();
        FlowRuleOperationsContext context;
        List<FlowRule> twoRules;
        byte[] encodedEntry;
        FlowRuleOperations lastOps;
        long n;

        /** Sets FIG 1 up. */
        @Setup(Level.Trial)
        public void setup() {
            t = Topologies.withPolicy(1, "round-robin");
            tc = t.trafficClassFor(PacketSummary.PROTO_TCP, 80);
            fw = t.firewalls().get(1);
            extDevice = t.external().get().deviceId();
            core = new CoreServices(StoreKind.plain, t);
            sandwich = new BenchSandwich(t, core.connections, core.states, BenchSetup.packetRates(t),
                                         s -> SimpleMember.of(s.id(), s.weight()));
            rules = new SandwichRules(BenchSandwich.APP);
            counters = new SandwichCounters();
            frame = SynFrame.build(BenchSetup.ROUTER_MAC, t.external().get().gatewayMac(), -1, "10.0.2.50", 80);
            context = new FlowRuleOperationsContext() {
            };
            // a third of the live connections on each firewall, as in the decision benchmark
            for (int i = 0; i < 100_000; i++) {
                core.connections.pin(entry(i));
            }
            n = 100_000;
            twoRules = rules.pinnedRules(t, entry(0), Role.EXTERNAL, 10);
            encodedEntry = ConnectionSerializer.SERIALIZER.encode(entry(1));
        }

        FlowKey flow(long c) {
            return FlowKey.of(PacketSummary.PROTO_TCP, SynFrame.clientIp(c), SynFrame.clientPort(c),
                              0x0A000232, 80);
        }

        ConnectionEntry entry(long c) {
            return ConnectionEntry.pinned(flow(c), ConnectionPath.viaFirewall(t.firewalls().get((int) (c % 3)).id()),
                                          System.currentTimeMillis(), BenchSandwich.APP.name());
        }
    }

    /** The firewall members as FirewallView builds them, and one policy. */
    @State(Scope.Thread)
    public static class PolicyState {
        /** Selection policy. */
        @Param({"round-robin", "weighted-round-robin", "least-connections", "least-packets", "static-hash"})
        public String policy;

        SelectionPolicy selection;
        List<SimpleMember> members;
        int ip = SynFrame.CLIENT_NET;

        /**
         * Builds the members once.
         *
         * @param f fixture
         */
        @Setup(Level.Trial)
        public void setup(Fixture f) {
            selection = Policies.create(policy);
            members = f.sandwich.firewallMembers();
        }
    }

    /** The connection table alone, kept at its steady size. */
    @State(Scope.Thread)
    public static class TableState {
        /** Table back end. */
        @Param({"plain", "kryo"})
        public StoreKind store;

        /** Connections kept in the table. */
        @Param({"100000"})
        public int live;

        CoreServices core;
        LiveConnections ring;
        long n;

        /**
         * Fills the table.
         *
         * @param f fixture (topology, entry factory)
         */
        @Setup(Level.Trial)
        public void setup(Fixture f) {
            core = new CoreServices(store, f.t);
            ring = new LiveConnections(live);
            for (int i = 0; i < live; i++) {
                pinAndRemove(f);
            }
        }

        PinResult pinAndRemove(Fixture f) {
            ConnectionEntry e = f.entry(n++);
            PinResult r = core.connections.pin(e);
            if (!r.isPinned()) {
                throw new IllegalStateException(r.message());
            }
            ConnectionKey old = ring.admit(e.key());
            if (old != null && core.connections.remove(old) == null) {
                throw new IllegalStateException("not in the table: " + old);
            }
            return r;
        }
    }

    /**
     * Parse one raw SYN (74 bytes, TCP options) into the reused summary.
     *
     * @param f fixture
     * @return a parsed field
     */
    @Benchmark
    public int parse(Fixture f) {
        PacketParser.parse(f.frame.connection(f.n++), f.summary);
        return f.summary.dstPort();
    }

    /**
     * Traffic class of the SYN, its connection key, the look-up of an existing connection (a miss).
     *
     * @param f fixture
     * @param s table
     * @return the entry (null)
     */
    @Benchmark
    public Object classAndLookup(Fixture f, TableState s) {
        TrafficClass tc = f.t.trafficClassFor(PacketSummary.PROTO_TCP, 80);
        FlowKey flow = f.flow(f.n++ + 10_000_000L);
        return tc == null ? flow : s.core.connections.get(flow.canonical());
    }

    /**
     * FirewallView.members: per firewall its status, both probe ids' health, live count, packet rate.
     *
     * @param f fixture
     * @return members
     */
    @Benchmark
    public List<SimpleMember> firewallMembers(Fixture f) {
        return f.sandwich.firewallMembers();
    }

    /**
     * The policy's choice among three prepared members (with FlowHash.ofAddress of the client).
     *
     * @param s policy state
     * @return chosen index
     */
    @Benchmark
    public int policySelect(PolicyState s) {
        return s.selection.select(s.members, FlowHash.ofAddress(s.ip++)).index();
    }

    /**
     * How ConnectionPlacer finds its policy instance: a key concatenated per SYN, a map look-up.
     *
     * @param f fixture
     * @return the policy
     */
    @Benchmark
    public SelectionPolicy policyLookup(Fixture f) {
        return f.policies.computeIfAbsent("class:" + f.tc.id() + "/" + f.tc.policy(), k -> Policies.create("round-robin"));
    }

    /**
     * The connection entry: path, flow key, canonical key, entry.
     *
     * @param f fixture
     * @return entry
     */
    @Benchmark
    public ConnectionEntry newEntry(Fixture f) {
        return f.entry(f.n++);
    }

    /**
     * Pin a new entry and remove the oldest (table at its steady size; counts derived from map events).
     *
     * @param f fixture
     * @param s table
     * @return pin result
     */
    @Benchmark
    public PinResult pinAndRemove(Fixture f, TableState s) {
        return s.pinAndRemove(f);
    }

    /**
     * SandwichRules.pinnedRules: the connection's two rules.
     *
     * @param f fixture
     * @return rules
     */
    @Benchmark
    public List<FlowRule> sandwichRules(Fixture f) {
        return f.rules.pinnedRules(f.t, f.entry(f.n++), Role.EXTERNAL, 10);
    }

    /**
     * One exact 5-tuple selector (SandwichRules.match).
     *
     * @param f fixture
     * @return selector
     */
    @Benchmark
    public TrafficSelector selector(Fixture f) {
        return SandwichRules.match(f.flow(f.n++));
    }

    /**
     * One treatment toward a firewall (SandwichRules.towardsFirewall).
     *
     * @param f fixture
     * @return treatment
     */
    @Benchmark
    public TrafficTreatment treatment(Fixture f) {
        return SandwichRules.towardsFirewall(f.t, f.fw, Role.EXTERNAL);
    }

    /**
     * One pinned flow rule as SandwichRules builds it: fromApp(appId), so DefaultFlowRule.Builder computes
     * the flow id by hashing the device id and the toString() of every criterion (murmur3).
     *
     * @param f fixture
     * @return rule
     */
    @Benchmark
    public FlowRule oneRuleAsBuilt(Fixture f) {
        return DefaultFlowRule.builder().forDevice(f.extDevice).fromApp(BenchSandwich.APP)
                .withPriority(SandwichRules.PRIO_PINNED).withSelector(SandwichRules.match(f.flow(f.n++)))
                .withTreatment(SandwichRules.towardsFirewall(f.t, f.fw, Role.EXTERNAL)).makeTemporary(10).build();
    }

    /**
     * The same rule with an explicit cookie and no fromApp(): the flow id is the cookie, whose top 16 bits
     * are the app id (DefaultFlowRule derives appId() from them), the rest a hash of device, priority and
     * 5-tuple: deterministic like ONOS's own, but without formatting strings. A possible change, measured.
     *
     * @param f fixture
     * @return rule
     */
    @Benchmark
    public FlowRule oneRuleWithCookie(Fixture f) {
        FlowKey flow = f.flow(f.n++);
        long h = FlowHash.mix(FlowHash.symmetric(flow.protocol(), flow.srcIp(), flow.srcPort(), flow.dstIp(),
                                                 flow.dstPort())
                + 31L * f.extDevice.hashCode() + SandwichRules.PRIO_PINNED);
        return DefaultFlowRule.builder().forDevice(f.extDevice)
                .withCookie(((long) BenchSandwich.APP.id() << 48) | (h & 0xFFFF_FFFF_FFFFL))
                .withPriority(SandwichRules.PRIO_PINNED).withSelector(SandwichRules.match(flow))
                .withTreatment(SandwichRules.towardsFirewall(f.t, f.fw, Role.EXTERNAL)).makeTemporary(10).build();
    }

    /**
     * Kryo-encode one connection entry (ConnectionSerializer), as a serializing map stores a value.
     *
     * @param f fixture
     * @return bytes
     */
    @Benchmark
    public byte[] kryoEncodeEntry(Fixture f) {
        return ConnectionSerializer.SERIALIZER.encode(f.entry(f.n++));
    }

    /**
     * Kryo-decode one connection entry, as a serializing map does on a read and for an event.
     *
     * @param f fixture
     * @return entry
     */
    @Benchmark
    public ConnectionEntry kryoDecodeEntry(Fixture f) {
        return ConnectionSerializer.SERIALIZER.decode(f.encodedEntry);
    }

    /**
     * A connection key as an ONOS map keys it: Kryo bytes as a hex string.
     *
     * @param f fixture
     * @return map key
     */
    @Benchmark
    public String kryoMapKey(Fixture f) {
        return HexString.toHexString(ConnectionSerializer.SERIALIZER.encode(f.flow(f.n++).canonical()));
    }

    /**
     * Hand-off after the rules are built: the operations batch, the counters ConnectionPlacer bumps per
     * placement (two of them with a concatenated name), the SYN's packet-out toward the firewall.
     *
     * @param f fixture
     * @return the packet-out
     */
    @Benchmark
    public OutboundPacket handOff(Fixture f) {
        FlowRuleOperations.Builder ops = FlowRuleOperations.builder();
        f.twoRules.forEach(ops::add);
        f.lastOps = ops.build(f.context);
        f.counters.inc(SandwichCounters.SYN_PUNTS);
        f.counters.inc(SandwichCounters.PLACED);
        f.counters.inc(SandwichCounters.PLACED + ":" + f.fw.id());
        return new DefaultOutboundPacket(f.extDevice, SandwichRules.towardsFirewall(f.t, f.fw, Role.EXTERNAL),
                                         ByteBuffer.wrap(f.frame.bytes()));
    }
}
