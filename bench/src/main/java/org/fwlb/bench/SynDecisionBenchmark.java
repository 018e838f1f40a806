package org.fwlb.bench;

import org.fwlb.model.ConnectionKey;
import org.fwlb.model.ConnectionPath;
import org.fwlb.model.Firewall;
import org.fwlb.model.FlowKey;
import org.fwlb.model.Server;
import org.fwlb.model.FirewallDispatcher.Role;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.VirtualService;
import org.fwlb.packet.PacketParser;
import org.fwlb.packet.PacketSummary;
import org.fwlb.sandwich.impl.BenchSandwich;
import org.onosproject.net.flow.FlowRuleOperations;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One SYN decision of the firewall sandwich, as the sandwich's packet processor makes it: parse the raw
 * SYN (PacketParser into a reused PacketSummary), then ConnectionPlacer.placeSyn: traffic class, look-up
 * of an existing connection, the class's policy among the three firewalls (FirewallView: overrides,
 * health, live counts, packet rates), the connection pinned in the table (DistributedConnectionStore),
 * the rules built (SandwichRules.pinnedRules) and handed to the flow rule service, which confirms them at
 * once, and the SYN's packet-out toward the firewall.
 *
 * <p>Every invocation is a new connection (client address and port from a counter, 198.18.0.0/15). The
 * table holds {@code live} connections throughout (filled before the first iteration, spread over the
 * firewalls): each invocation also removes the connection pinned {@code live} invocations earlier, so one
 * measured operation = one connection pinned + one removed.
 *
 * <p>Parameters: {@code policy} of the traffic class; {@code store}: plain (objects in a map) or kryo
 * (keys and values Kryo-encoded as in a real ONOS map); {@code fig}: 1 (firewall choice only) or 6 (the
 * internal dispatcher also picks a server).
 */
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {
    "--add-opens", "java.base/java.lang.invoke=ALL-UNNAMED",
    "--add-opens", "java.base/java.util.concurrent.atomic=ALL-UNNAMED",
    "--add-opens", "java.base/java.lang=ALL-UNNAMED",
    "--add-opens", "java.base/java.util=ALL-UNNAMED",
    "--add-opens", "java.base/java.net=ALL-UNNAMED",
    "--add-opens", "java.base/java.nio=ALL-UNNAMED",
    "-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Threads(1)
public class SynDecisionBenchmark {

    /** Selection policy of the traffic class. */
    @Param({"round-robin", "weighted-round-robin", "least-connections", "least-packets", "static-hash"})
    public String policy;

    /** Connection-table back end. */
    @Param({"plain", "kryo"})
    public StoreKind store;

    /** Example configuration: 1 (FIG 1) or 6 (FIG 6, server choice on the internal dispatcher). */
    @Param({"1"})
    public int fig;

    /** Connections kept in the table. */
    @Param({"100000"})
    public int live;

    private final PacketSummary summary = new PacketSummary();
    FwlbTopology topology;
    CoreServices core;
    BenchSandwich sandwich;
    private SynFrame frame;
    private LiveConnections ring;
    private long next;
    private long rulesPerDecision;

    /**
     * Wires the decision on the chosen configuration and fills the table to its steady size.
     */
    @Setup(Level.Trial)
    public void setup() {
        FwlbTopology t = topology = Topologies.withPolicy(fig, policy);
        core = new CoreServices(store, t);
        MemberViews views = new MemberViews(t, core.states, core.connections, BenchSetup.packetRates(t));
        sandwich = new BenchSandwich(t, core.connections, core.states, BenchSetup.packetRates(t), views::server);
        String dst = "10.0.2.50";
        VirtualService vs = null;
        if (fig == 6) {
            vs = t.services().get(0);
            dst = vs.vip().toString();
        }
        frame = SynFrame.build(BenchSetup.ROUTER_MAC, t.external().get().gatewayMac(), -1, dst, 80);
        ring = new LiveConnections(live);
        int dstIp = org.onlab.packet.Ip4Address.valueOf(dst).toInt();
        List<Firewall> fws = t.firewalls();
        String dispatcher = vs == null ? null : vs.firstStage();
        List<Server> servers = vs == null ? List.of() : t.childServers(dispatcher);
        Prefill.fill(core, ring, live,
                     n -> FlowKey.of(PacketSummary.PROTO_TCP, SynFrame.clientIp(n), SynFrame.clientPort(n), dstIp, 80),
                     n -> {
                         ConnectionPath p = ConnectionPath.viaFirewall(fws.get((int) (n % fws.size())).id());
                         return dispatcher == null ? p : p.withNextDispatcher(dispatcher)
                                 .withServer(servers.get((int) (n / fws.size() % servers.size())).id());
                     });
        next = live;
        decide();
        rulesPerDecision = sandwich.rulesApplied();
        if (sandwich.counter(BenchSandwich.PLACED) != 1 || rulesPerDecision < 2 || sandwich.packetsEmitted() != 1) {
            throw new IllegalStateException("the first decision was not made: placed "
                    + sandwich.counter(BenchSandwich.PLACED) + ", rules " + rulesPerDecision);
        }
    }

    /**
     * Fails the run if any decision was not made in full (a benchmark of failures would look fast).
     */
    @TearDown(Level.Trial)
    public void check() {
        long placed = sandwich.counter(BenchSandwich.PLACED);
        long rules = sandwich.rulesApplied();
        int size = core.connections.size();
        long decisions = next - live;
        if (placed != decisions || rules != decisions * rulesPerDecision || size != live) {
            throw new IllegalStateException(String.format(
                    "decisions %d, placed %d, rules %d (expected %d each), table %d (expected %d)",
                    decisions, placed, rules, rulesPerDecision, size, live));
        }
    }

    FlowRuleOperations decide() {
        byte[] bytes = frame.connection(next++);
        PacketParser.parse(bytes, summary);
        sandwich.placeSyn(Role.EXTERNAL, summary, bytes);
        ConnectionKey old = ring.admit(summary.connectionKey());
        if (old != null) {
            core.connections.remove(old);
        }
        return sandwich.lastRules();
    }

    /**
     * Decisions per second.
     *
     * @return the rules of the decision
     */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public FlowRuleOperations decisions() {
        return decide();
    }

    /**
     * Latency distribution of one decision.
     *
     * @return the rules of the decision
     */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public FlowRuleOperations latency() {
        return decide();
    }
}
