package org.fwlb.bench;

import org.fwlb.model.ConnectionKey;
import org.fwlb.model.ConnectionPath;
import org.fwlb.model.Firewall;
import org.fwlb.model.FlowKey;
import org.fwlb.model.Dispatcher;
import org.fwlb.model.FirewallDispatcher.Role;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.VirtualService;
import org.fwlb.packet.PacketParser;
import org.fwlb.packet.PacketSummary;
import org.fwlb.sandwich.impl.BenchSandwich;
import org.onosproject.net.flow.FlowRule;
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
 * The SYN decision through the full FIG 8 hierarchy (ExampleConfigs.topology(8): three firewalls, the
 * internal firewall dispatcher as L4/2 first stage, second stages l7a, l7b, l4c, six servers), with one
 * policy at every decision point. See {@link HierarchyDecision} for what exactly is decided and built.
 *
 * <ul>
 * <li>{@code decisions}/{@code latency}: all choices on one punt: parse, firewall + first stage +
 * second stage (= the server), path tag, one insert of the full path, 5 flow rules (sandwich 2, first
 * stage 1, second stage 2) and the SYN's packet-out.</li>
 * <li>{@code perStagePunts}/{@code perStageLatency}: DESIGN.md's model, one punt per decision point: three
 * SYNs parsed (at the external dispatcher, the first stage, the tagged one at the second stage), the
 * sandwich's real ConnectionPlacer (get + pin), then get + updatePath at each stage; the same 5 rules and
 * three packet-outs. One operation = one connection through all three punts.</li>
 * </ul>
 * As in {@link SynDecisionBenchmark}, each operation is a new connection and removes the connection
 * pinned {@code live} operations earlier.
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
public class HierarchyDecisionBenchmark {

    /** Flow rules per connection in FIG 8: external dispatcher 1, first stage 1 + 1, second stage 2. */
    static final int RULES_PER_CONNECTION = 5;

    /** Selection policy at every decision point (traffic class and every dispatcher). */
    @Param({"round-robin", "weighted-round-robin", "least-connections", "least-packets", "static-hash"})
    public String policy;

    /** Connection-table back end. */
    @Param({"plain", "kryo"})
    public StoreKind store;

    /** Connections kept in the table. */
    @Param({"100000"})
    public int live;

    private final PacketSummary summary = new PacketSummary();
    FwlbTopology topology;
    CoreServices core;
    BenchSandwich sandwich;
    HierarchyDecision decision;
    private SynFrame atExternal;
    private SynFrame atFirstStage;
    private SynFrame atSecondStage;
    private LiveConnections ring;
    private long next;
    private boolean staged;
    private long stageRules;

    /**
     * Wires the decision on FIG 8.
     *
     * @param params which benchmark runs (the staged one needs the sandwich's own placement)
     */
    @Setup(Level.Trial)
    public void setup(org.openjdk.jmh.infra.BenchmarkParams params) {
        setup(params.getBenchmark().contains("perStage"));
    }

    /**
     * Wires the decision on FIG 8 and fills the table to its steady size.
     *
     * @param threePunts true for the one-punt-per-stage model
     */
    void setup(boolean threePunts) {
        staged = threePunts;
        FwlbTopology t = topology = Topologies.withPolicy(8, policy);
        core = new CoreServices(store, t);
        MemberViews views = new MemberViews(t, core.states, core.connections, BenchSetup.packetRates(t));
        sandwich = new BenchSandwich(t, core.connections, core.states, BenchSetup.packetRates(t), views::server);
        decision = new HierarchyDecision(t, core.connections, sandwich, views);
        VirtualService vs = t.services().get(0);
        String vip = vs.vip().toString();
        Dispatcher first = t.dispatcher(vs.firstStage());
        atExternal = SynFrame.build(BenchSetup.ROUTER_MAC, t.external().get().gatewayMac(), -1, vip, vs.port());
        // after the firewall: from its inside interface to the first stage (the decision reads the
        // firewall from the table, not from this MAC); at the second stage: tagged, to its MAC
        atFirstStage = SynFrame.build(t.firewalls().get(0).inside().mac(), first.mac(), -1, vip, vs.port());
        atSecondStage = SynFrame.build(t.firewalls().get(0).inside().mac(), first.mac(),
                                       t.firewalls().get(0).pathTag().value(), vip, vs.port());
        ring = new LiveConnections(live);
        int vipInt = vs.vip().getIp4Address().toInt();
        List<Firewall> fws = t.firewalls();
        List<String> seconds = t.candidates(first.id(), vs.serviceType());
        Prefill.fill(core, ring, live,
                     n -> FlowKey.of(PacketSummary.PROTO_TCP, SynFrame.clientIp(n), SynFrame.clientPort(n), vipInt,
                                     vs.port()),
                     n -> {
                         Firewall fw = fws.get((int) (n % fws.size()));
                         String second = seconds.get((int) (n % seconds.size()));
                         List<String> servers = t.candidates(second, vs.serviceType());
                         return ConnectionPath.of(fw.id(), List.of(first.id(), second),
                                                  servers.get((int) (n / seconds.size() % servers.size())),
                                                  fw.pathTag());
                     });
        next = live;
        decide();
        if (rulesBuilt() != RULES_PER_CONNECTION || decision.failures() != 0) {
            throw new IllegalStateException("the first decision was not made in full: " + rulesBuilt()
                    + " rules, " + decision.lastFailure());
        }
    }

    /**
     * Fails the run if any decision was not made in full.
     */
    @TearDown(Level.Trial)
    public void check() {
        int size = core.connections.size();
        long placed = sandwich.counter(BenchSandwich.PLACED);
        long decisions = next - live;
        if (decision.failures() != 0 || decision.retransmits() != 0 || size != live
                || (staged && placed != decisions) || rulesBuilt() != RULES_PER_CONNECTION * decisions) {
            throw new IllegalStateException(String.format(
                    "decisions %d, failures %d (last: %s), retransmits %d, table %d (expected %d), placed %d, "
                            + "rules %d (expected %d each)",
                    decisions, decision.failures(), decision.lastFailure(), decision.retransmits(), size,
                    live, placed, rulesBuilt(), RULES_PER_CONNECTION));
        }
    }

    List<FlowRule> decide() {
        long n = next++;
        List<FlowRule> result;
        if (staged) {
            byte[] b = atExternal.connection(n);
            PacketParser.parse(b, summary);
            sandwich.placeSyn(Role.EXTERNAL, summary, b);
            b = atFirstStage.connection(n);
            PacketParser.parse(b, summary);
            List<FlowRule> first = decision.firstStage(summary, b);
            if (first != null) {
                stageRules += first.size();
                atSecondStage.vlan(decision.lastFirewall().pathTag().value());
                atSecondStage.destinationMac(decision.lastNext().mac().toLong());
            }
            b = atSecondStage.connection(n);
            PacketParser.parse(b, summary);
            result = decision.secondStage(summary, b);
        } else {
            byte[] b = atExternal.connection(n);
            PacketParser.parse(b, summary);
            result = decision.decide(summary, b);
        }
        if (result != null) {
            stageRules += result.size();
        }
        ConnectionKey old = ring.admit(summary.connectionKey());
        if (old != null) {
            core.connections.remove(old);
        }
        return result;
    }

    /** Rules built per connection: the sandwich's (via its flow rule service when staged) and the rest. */
    private long rulesBuilt() {
        return stageRules + sandwich.rulesApplied();
    }

    /**
     * Decisions per second, every choice on one punt.
     *
     * @return the rules of the decision
     */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public List<FlowRule> decisions() {
        return decide();
    }

    /**
     * Latency distribution of one decision, every choice on one punt.
     *
     * @return the rules of the decision
     */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public List<FlowRule> latency() {
        return decide();
    }

    /**
     * Connections per second through three punts (external dispatcher, first stage, second stage).
     *
     * @return the stage rules of the last punt
     */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public List<FlowRule> perStagePunts() {
        return decide();
    }

    /**
     * Latency distribution of the three punts of one connection, back to back.
     *
     * @return the stage rules of the last punt
     */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public List<FlowRule> perStageLatency() {
        return decide();
    }
}
