package org.fwlb.bench;

import org.fwlb.dispatch.impl.BenchDispatch;
import org.fwlb.model.AdminState;
import org.fwlb.model.ConnectionEntry;
import org.fwlb.model.ConnectionKey;
import org.fwlb.model.ConnectionPath;
import org.fwlb.model.Dispatcher;
import org.fwlb.model.Firewall;
import org.fwlb.model.FirewallDispatcher.Role;
import org.fwlb.model.FlowKey;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.VirtualService;
import org.fwlb.packet.PacketParser;
import org.fwlb.packet.PacketSummary;
import org.fwlb.sandwich.impl.BenchSandwich;
import org.onosproject.net.DeviceId;
import org.onosproject.net.PortNumber;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The dispatch application's real SYN decisions at the stages of FIG 8, on the Mininet preset's netcfg
 * ({@code fwlbnet netcfg fig8}, copied to fig8-mininet.json): the first stage d1 (L4/2, one-armed switch
 * of:..0d01) chooses among d7a, d7b (L7/3 hosts) and d2c (L4/3 switch of:..0d23), records the path,
 * builds its rule and releases the SYN with the firewall's path tag pushed; the second stage d2c reads
 * the tag, chooses a server, records server and tag, builds forward and reply rules and releases the SYN
 * without the tag. Each SYN goes in as a packet-in to the application's DispatchPacketProcessor
 * ({@link BenchDispatch}), rules are confirmed at once, packet-outs are counted.
 *
 * <ul>
 * <li>{@code firstStage}: d1's decision on connections the sandwich has already pinned (as in FIG 8:
 * the sandwich's entry exists, d1 extends its path).</li>
 * <li>{@code secondStage}: d2c's decision on connections d1 has already sent to d2c.</li>
 * <li>{@code twoStages}: both punts of one connection, d1 then d2c (one operation = one connection).
 * d7a and d7b are drained here (eligible for no new connections) so that d1 still looks at all three
 * candidates but always sends to d2c.</li>
 * </ul>
 * What the previous punts of a connection did (the sandwich's placement at the external firewall
 * dispatcher, and for {@code secondStage} d1's decision) is done, with the real code, in an untimed
 * set-up before each batch of {@value #BATCH} connections, which also removes the {@value #BATCH} oldest
 * connections from the table so that it holds {@code live} connections throughout. So the numbers are the
 * stages' SYN decisions only; a connection's removal (rule expiry) is not in them.
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

    /** Connections per invocation (the untimed set-up prepares one batch; ~1 ms of decisions). */
    static final int BATCH = 1000;
    /** Rules per decision: d1 one (to the next stage by MAC), d2c two (to the server, replies back). */
    static final int FIRST_STAGE_RULES = 1;
    static final int SECOND_STAGE_RULES = 2;
    static final String FIRST = "d1";
    static final String SECOND = "d2c";
    /** d1's one arm and d2c's uplink (fig8.yaml: sf:2 - d1:1, sf:7 - d2c:1). */
    static final PortNumber UPLINK = PortNumber.portNumber(1);

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /**
     * The measuring thread's CPU time over the measured batches, beside JMH's wall-clock score: on a shared
     * box the thread is often off the CPU, so decisions per CPU-second ({@code decisions / cpuNanos}) is
     * the "per core" figure. JMH reports both fields summed per iteration ("events").
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Cpu {
        /** CPU time of the measured batches, ns. */
        public long cpuNanos;
        /** Operations in those batches. */
        public long cpuOps;

        /** Clears the counters before each iteration. */
        @Setup(Level.Iteration)
        public void clear() {
            cpuNanos = 0;
            cpuOps = 0;
        }
    }

    /** Which punts an operation takes. */
    enum Stages { FIRST, SECOND, BOTH }

    /** Selection policy at every decision point (the sandwich's traffic class and every dispatcher). */
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
    BenchDispatch dispatch;
    Stages stages;
    private DeviceId firstDevice;
    private DeviceId secondDevice;
    private Dispatcher second;
    private int vip;
    private int port;
    private SynFrame atExternal;
    private SynFrame atFirstStage;
    private SynFrame atSecondStage;
    private final long[] firewallMac = new long[BATCH];
    private final int[] pathTag = new int[BATCH];
    private LiveConnections ring;
    /** Next connection number, and the first of the batch prepared. */
    private long next;
    private long batch;
    /** Decisions handed to each stage so far (set-up and measured). */
    long firstPunts;
    long secondPunts;
    private long notTaken;

    /**
     * Wires the application on FIG 8.
     *
     * @param params which benchmark runs
     */
    @Setup(Level.Trial)
    public void setup(BenchmarkParams params) {
        String b = params.getBenchmark();
        setup(b.endsWith("firstStage") ? Stages.FIRST : b.endsWith("secondStage") ? Stages.SECOND : Stages.BOTH);
    }

    /**
     * Wires the application on FIG 8 and fills the table to its steady size.
     *
     * @param which the punts an operation takes
     */
    void setup(Stages which) {
        stages = which;
        FwlbTopology t = topology = Topologies.fig8Mininet(policy);
        core = new CoreServices(store, t);
        MemberViews views = new MemberViews(t, core.states, core.connections, BenchSetup.packetRates(t));
        sandwich = new BenchSandwich(t, core.connections, core.states, BenchSetup.packetRates(t), views::server);
        dispatch = new BenchDispatch(t, core.connections, core.states);
        VirtualService vs = t.services().get(0);
        Dispatcher first = t.dispatcher(vs.firstStage());
        second = t.dispatcher(SECOND);
        if (!FIRST.equals(first.id()) || second == null) {
            throw new IllegalStateException("not the FIG 8 preset: first stage " + first.id());
        }
        firstDevice = first.deviceId().get();
        secondDevice = second.deviceId().get();
        vip = vs.vip().getIp4Address().toInt();
        port = vs.port();
        String vipText = vs.vip().toString();
        Firewall fw0 = t.firewalls().get(0);
        atExternal = SynFrame.build(BenchSetup.ROUTER_MAC, t.external().get().gatewayMac(), -1, vipText, port);
        // the SYN the firewall routed to the VIP (steered to d1), and the one d1 released to d2c
        atFirstStage = SynFrame.build(fw0.inside().mac(), first.mac(), -1, vipText, port);
        atSecondStage = SynFrame.build(fw0.inside().mac(), second.mac(), fw0.pathTag().value(), vipText, port);
        if (which != Stages.FIRST) {
            for (String id : t.candidates(FIRST, vs.serviceType())) {
                if (!id.equals(SECOND)) {
                    core.states.setAdminState(id, AdminState.DRAINING);
                }
            }
        }
        ring = new LiveConnections(live);
        List<Firewall> fws = t.firewalls();
        List<String> seconds = t.candidates(FIRST, vs.serviceType());
        Prefill.fill(core, ring, live, this::flow, n -> {
            Firewall fw = fws.get((int) (n % fws.size()));
            String s = seconds.get((int) (n % seconds.size()));
            List<String> servers = t.candidates(s, vs.serviceType());
            return ConnectionPath.of(fw.id(), List.of(FIRST, s),
                                     servers.get((int) (n / seconds.size() % servers.size())), fw.pathTag());
        });
        next = live;
        prepare();
        operate();
        check();
    }

    FlowKey flow(long n) {
        return FlowKey.of(PacketSummary.PROTO_TCP, SynFrame.clientIp(n), SynFrame.clientPort(n), vip, port);
    }

    /**
     * Untimed: the next batch of connections, as the punts before the measured one left them: the oldest
     * connections leave the table, the sandwich places the new ones (and for the second stage alone d1
     * decides them).
     */
    @Setup(Level.Invocation)
    public void prepare() {
        batch = next;
        for (int i = 0; i < BATCH; i++) {
            long n = next++;
            ConnectionKey old = ring.admit(flow(n).canonical());
            if (old != null) {
                core.connections.remove(old);
            }
            byte[] b = atExternal.connection(n);
            PacketParser.parse(b, summary);
            sandwich.placeSyn(Role.EXTERNAL, summary, b);
            ConnectionEntry e = core.connections.get(summary.connectionKey());
            if (e == null || !e.path().firewallId().isPresent()) {
                throw new IllegalStateException("the sandwich did not place connection " + n + ": " + e);
            }
            Firewall fw = topology.firewall(e.path().firewallId().get());
            firewallMac[i] = fw.inside().mac().toLong();
            pathTag[i] = fw.pathTag().value();
            if (stages == Stages.SECOND) {
                first(i);
            }
        }
    }

    private void first(int i) {
        atFirstStage.sourceMac(firewallMac[i]);
        firstPunts++;
        if (!dispatch.punt(firstDevice, UPLINK, atFirstStage.connection(batch + i))) {
            notTaken++;
        }
    }

    private void second(int i) {
        atSecondStage.sourceMac(firewallMac[i]);
        atSecondStage.vlan(pathTag[i]);
        secondPunts++;
        if (!dispatch.punt(secondDevice, UPLINK, atSecondStage.connection(batch + i))) {
            notTaken++;
        }
    }

    /** One measured batch of the benchmark's punts. */
    void operate() {
        for (int i = 0; i < BATCH; i++) {
            if (stages != Stages.SECOND) {
                first(i);
            }
            if (stages != Stages.FIRST) {
                second(i);
            }
        }
    }

    /**
     * Fails the run unless every punt was a complete decision: taken by the application, rules confirmed,
     * SYN released, nothing dropped or failed, and the table at its size.
     */
    @TearDown(Level.Trial)
    public void check() {
        long placed = dispatch.counter(BenchDispatch.PLACED);
        long rules = dispatch.rulesApplied();
        long expectRules = FIRST_STAGE_RULES * firstPunts + SECOND_STAGE_RULES * secondPunts;
        StringBuilder failed = new StringBuilder();
        for (String c : BenchDispatch.FAILURES) {
            if (dispatch.counter(c) != 0) {
                failed.append(' ').append(c).append('=').append(dispatch.counter(c));
            }
        }
        int size = core.connections.size();
        if (notTaken != 0 || failed.length() != 0 || placed != firstPunts + secondPunts || rules != expectRules
                || dispatch.packetsEmitted() != placed || size != live) {
            throw new IllegalStateException(String.format(
                    "punts at d1 %d, at d2c %d, not taken %d, placed %d, rules %d (expected %d), packet-outs %d, "
                            + "table %d (expected %d), failures:%s",
                    firstPunts, secondPunts, notTaken, placed, rules, expectRules, dispatch.packetsEmitted(),
                    size, live, failed));
        }
    }

    private void measure(Cpu cpu) {
        long c0 = THREADS.getCurrentThreadCpuTime();
        operate();
        cpu.cpuNanos += THREADS.getCurrentThreadCpuTime() - c0;
        cpu.cpuOps += BATCH;
    }

    /**
     * First-stage (d1) decisions per second.
     */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(BATCH)
    public void firstStage(Cpu cpu) {
        measure(cpu);
    }

    /**
     * Second-stage (d2c) decisions per second.
     */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(BATCH)
    public void secondStage(Cpu cpu) {
        measure(cpu);
    }

    /**
     * Connections per second through both stages (d1, then d2c).
     */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(BATCH)
    public void twoStages(Cpu cpu) {
        measure(cpu);
    }
}
