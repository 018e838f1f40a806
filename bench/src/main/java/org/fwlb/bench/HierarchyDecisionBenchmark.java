package org.fwlb.bench;

import org.fwlb.engine.DecisionPoint;
import org.fwlb.engine.EngineCounters;
import org.fwlb.model.ConnectionEntry;
import org.fwlb.model.ConnectionKey;
import org.fwlb.model.Dispatcher;
import org.fwlb.model.Firewall;
import org.fwlb.model.FlowKey;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.VirtualService;
import org.fwlb.packet.PacketSummary;
import org.onosproject.net.DeviceId;
import org.onosproject.net.PortNumber;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A new connection through the whole FIG 8 hierarchy on the connection engine, on the Mininet preset's netcfg
 * (docs/examples/fig8.json: sandwich so/si with three firewalls, first stage d1 (L4/2, its own switch) choosing
 * among d7a, d7b (L7/3 hosts behind DF switches) and d2c (L4/3 switch), six servers; every answering stage's
 * uplink configured). One operation = one connection opened (and the oldest live one ended through Lifecycle.end,
 * so the table holds {@code live} connections):
 * <ul>
 * <li>{@code wholePath}: the SYN punted at the external firewall dispatcher decides the whole path at once
 * (firewall, d1's next stage, the server or the L7 host's DF) and installs its 5 rules on 4 switches in one batch,
 * then releases the SYN.</li>
 * <li>{@code perStage}: perStageDecisions=true (FIG 7/8 path tags): three punts of one connection. At so the
 * firewall is chosen (2 rules); the SYN goes out, the firewall routes it to d1, which is punted and chooses the
 * second stage (1 rule; the SYN released with the firewall's path tag pushed); the tagged SYN reaches d2c (or a
 * DF switch), punted, which reads the tag and chooses the server (2 rules; the SYN released without the tag). Each
 * next punt's frame is what the previous packet-out put on the wire ({@link Wire}), so a wrong release fails the
 * next decision and the run.</li>
 * </ul>
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

    /** Rules of one connection: firewall choice 2 (so forward, si reverse), d1 1, second stage 2. */
    static final int RULES = 5;
    static final String FIRST = "d1";
    static final PortNumber ROUTER_PORT = PortNumber.portNumber(1);

    /** Selection policy at every decision point (the sandwich's traffic class and every dispatcher). */
    @Param({"round-robin", "weighted-round-robin", "least-connections", "least-packets", "static-hash"})
    public String policy;

    /** Connection-table back end. */
    @Param({"plain", "kryo"})
    public StoreKind store;

    /** Connections kept in the table. */
    @Param({"100000"})
    public int live;

    FwlbTopology topology;
    EngineRig rig;
    boolean perStage;
    private SynFrame atExternal;
    private DeviceId external;
    private DeviceId firstDevice;
    private PortNumber firstPort;
    private Dispatcher first;
    private long[] firewallMacs;
    private Firewall[] firewalls;
    private long[] secondMacs;
    private DecisionPoint[] seconds;
    private int vip;
    private int port;
    private LiveConnections ring;
    private long next;
    private long ended;
    private long lost;
    private EngineRig.Tally one;
    private EngineRig.Tally start;
    private long measuredFrom;

    /**
     * Wires the engine on FIG 8 for the benchmark that runs.
     *
     * @param params which benchmark runs
     */
    @Setup(Level.Trial)
    public void setup(BenchmarkParams params) {
        setup(params.getBenchmark().endsWith("perStage"));
    }

    /**
     * Wires the engine on FIG 8, fills the table with {@code live} connections through the same path and checks
     * that one more connection was decided in full.
     *
     * @param stages whether every stage decides at its own punt
     */
    void setup(boolean stages) {
        perStage = stages;
        FwlbTopology t = topology = Topologies.fig8(policy, Math.max(2 * live, 200_000));
        rig = new EngineRig(t, store, EngineRig.settings(2 * live, stages));
        VirtualService vs = t.services().get(0);
        first = t.dispatcher(vs.firstStage());
        if (!FIRST.equals(first.id())) {
            throw new IllegalStateException("not the FIG 8 preset: first stage " + first.id());
        }
        firstDevice = first.deviceId().get();
        firstPort = first.uplink().orElse(PortNumber.portNumber(1));
        firewalls = t.firewalls().toArray(new Firewall[0]);
        firewallMacs = new long[firewalls.length];
        for (int i = 0; i < firewalls.length; i++) {
            firewallMacs[i] = firewalls[i].outside().mac().toLong();
        }
        List<String> candidates = t.candidates(FIRST, vs.serviceType());
        seconds = new DecisionPoint[candidates.size()];
        secondMacs = new long[seconds.length];
        for (int i = 0; i < seconds.length; i++) {
            seconds[i] = rig.plan.pointOf(candidates.get(i));
            if (seconds[i] == null) {
                throw new IllegalStateException("second stage " + candidates.get(i) + " is no decision point");
            }
            secondMacs[i] = t.dispatcher(candidates.get(i)).mac().toLong();
        }
        vip = vs.vip().getIp4Address().toInt();
        port = vs.port();
        external = t.external().get().deviceId();
        atExternal = SynFrame.build(BenchSetup.ROUTER_MAC, t.external().get().gatewayMac(), -1, vs.vip().toString(),
                                    port);
        ring = new LiveConnections(live);
        for (int i = 0; i < live; i++) {
            connect();
        }
        if (ended != 0 || lost != 0 || rig.core.connections.size() != live || !rig.failures().isEmpty()) {
            throw new IllegalStateException("filling the table failed: " + rig.core.connections.size() + " of "
                    + live + " pinned, " + lost + " SYNs lost, failures [" + rig.failures() + "]");
        }
        start = rig.tally();
        measuredFrom = next;
        long n = next;
        connect();
        one = EngineRig.delta(start, rig.tally());
        ConnectionEntry e = rig.core.connections.get(key(n));
        int punts = stages ? 3 : 1;
        if (e == null || !e.path().firewallId().isPresent() || e.path().dispatcherIds().size() != 2
                || one.rules != RULES || one.packetOuts != punts || one.punts != punts || one.placedSandwich < 1
                || one.placedDispatch < 1 || ended != 1 || lost != 0 || rig.core.connections.size() != live
                || !rig.failures().isEmpty()) {
            throw new IllegalStateException("the first connection was not decided in full: entry " + e + ", " + one
                    + ", ended " + ended + ", lost " + lost + ", failures [" + rig.failures() + "]");
        }
    }

    /**
     * Fails the run unless every connection was decided in full, as the first one.
     */
    @TearDown(Level.Trial)
    public void check() {
        if (lost != 0) {
            throw new IllegalStateException(lost + " SYNs did not reach their next decision point");
        }
        rig.check("FIG 8 " + (perStage ? "per stage " : "whole path ") + policy + " " + store, one, start,
                  next - measuredFrom, ended, live, RULES);
    }

    /**
     * Returns the key of the n-th connection.
     *
     * @param n connection number
     * @return key
     */
    ConnectionKey key(long n) {
        return FlowKey.of(PacketSummary.PROTO_TCP, SynFrame.clientIp(n), SynFrame.clientPort(n), vip, port)
                .canonical();
    }

    /**
     * Opens the next connection (one punt, or three) and ends the oldest.
     *
     * @return the last packet-out
     */
    OutboundPacket connect() {
        long n = next++;
        rig.punt(external, ROUTER_PORT, atExternal.connection(n));
        if (perStage) {
            stages();
        }
        long old = ring.admit(n);
        if (old >= 0) {
            rig.end(key(old));
            ended++;
        }
        return rig.packets.last;
    }

    /** The SYN released at so goes through its firewall to d1, and on from there to the stage d1 chose. */
    private void stages() {
        byte[] f = Wire.apply(rig.packets.last);
        Firewall fw = find(firewallMacs, firewalls, Wire.dstMac(f));
        if (fw == null) {
            lost++;
            return;
        }
        Wire.route(f, fw.inside().mac(), first.mac());
        long before = rig.packets.count;
        rig.punt(firstDevice, firstPort, f);
        if (rig.packets.count == before) {
            lost++;
            return;
        }
        f = Wire.apply(rig.packets.last);
        DecisionPoint second = find(secondMacs, seconds, Wire.dstMac(f));
        if (second == null) {
            lost++;
            return;
        }
        rig.punt(second.device(), second.stage().uplink().orElse(firstPort), f);
    }

    private static <T> T find(long[] macs, T[] values, long mac) {
        for (int i = 0; i < macs.length; i++) {
            if (macs[i] == mac) {
                return values[i];
            }
        }
        return null;
    }

    /**
     * Connections per second, the whole path decided at the sandwich's punt.
     *
     * @param cpu CPU time of the measuring thread
     * @return the last packet-out
     */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public OutboundPacket wholePath(CpuClock cpu) {
        cpu.tick();
        return connect();
    }

    /**
     * Connections per second, each stage deciding at its own punt (three decisions per connection).
     *
     * @param cpu CPU time of the measuring thread
     * @return the last packet-out
     */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public OutboundPacket perStage(CpuClock cpu) {
        cpu.tick();
        return connect();
    }
}
