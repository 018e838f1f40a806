package org.fwlb.bench;

import org.fwlb.engine.EngineCounters;
import org.fwlb.model.ConnectionEntry;
import org.fwlb.model.ConnectionKey;
import org.fwlb.model.FlowKey;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.TcpState;
import org.fwlb.model.VirtualService;
import org.fwlb.packet.PacketSummary;
import org.onosproject.net.DeviceId;
import org.onosproject.net.PortNumber;
import org.onosproject.net.flow.FlowRule;
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

import java.util.concurrent.TimeUnit;

/**
 * One SYN decision of the firewall sandwich on the connection engine, end to end in one JVM: the raw SYN punted
 * at the external firewall dispatcher goes in as a packet-in (EnginePacketProcessor.process: parse, checksums,
 * decision point) to ConnectionInstaller.onSyn: PathPlanner (traffic class, the policy among the three firewalls
 * over their live counts, health, overrides and packet rates; FIG 6: also the L4/3 stage's server on the internal
 * dispatcher, decided at the same punt), the connection pinned in the table (DistributedConnectionStore), the rules
 * of every switch built (PathRules) and applied in one batch to a flow rule service that confirms at once, then
 * markOpening and the SYN's packet-out. Each invocation is a new connection (client address and port from a
 * counter, 198.18.0.0/15, checksums kept valid) and also ends the oldest live one through Lifecycle.end (entry
 * removed, its rules rebuilt and removed, the RULE_REMOVED events consumed), so the table holds {@code live}
 * connections throughout: one operation = one connection opened and one ended.
 *
 * <p>Parameters: {@code policy} of the traffic class (and FIG 6's stage); {@code store}: plain (objects in a map)
 * or kryo (keys and values Kryo-encoded as in a real ONOS map); {@code fig}: 1 (firewall choice: 2 rules) or 6
 * (firewall and server: 3 rules).
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

    /** Where the client's router hangs off the external firewall dispatcher (any port: only the bytes count). */
    static final PortNumber ROUTER_PORT = PortNumber.portNumber(1);

    /** Selection policy of the traffic class. */
    @Param({"round-robin", "weighted-round-robin", "least-connections", "least-packets", "static-hash"})
    public String policy;

    /** Connection-table back end. */
    @Param({"plain", "kryo"})
    public StoreKind store;

    /** Example configuration: 1 (FIG 1) or 6 (FIG 6, server choice on the internal dispatcher). */
    @Param({"1", "6"})
    public int fig;

    /** Connections kept in the table. */
    @Param({"100000"})
    public int live;

    /**
     * How the oldest connection ends: {@code lifecycle} = Lifecycle.end on its entry (the rules rebuilt once, for
     * their removal); {@code ruleRemoved} = as in production when its origin rule idles out: the RULE_REMOVED to
     * Lifecycle.onRuleRemoved (key from the rule's match, entry read, every rule rebuilt to check the removed one is
     * the connection's, then Lifecycle.end: rebuilt again).
     */
    @Param({"lifecycle"})
    public String end = "lifecycle";

    FwlbTopology topology;
    EngineRig rig;
    int rulesEach;
    private SynFrame frame;
    private DeviceId external;
    private int dstIp;
    private int dstPort;
    private LiveConnections ring;
    private FlowRule[] originRules;
    private boolean byRuleRemoved;
    private long next;
    private long ended;
    private EngineRig.Tally one;
    private EngineRig.Tally start;
    private long measuredFrom;

    /**
     * Wires the engine on the chosen configuration, fills the table with {@code live} connections through the same
     * path, then makes one decision and checks it was made in full: entry pinned and opening, its rules, one
     * packet-out, the oldest connection ended.
     */
    @Setup(Level.Trial)
    public void setup() {
        FwlbTopology t = topology = Topologies.withPolicy(fig, policy, Math.max(2 * live, 200_000));
        rig = new EngineRig(t, store, EngineRig.settings(2 * live, false));
        rulesEach = fig == 6 ? 3 : 2;
        String dst = "10.0.2.50";
        dstPort = 80;
        if (fig == 6) {
            VirtualService vs = t.services().get(0);
            dst = vs.vip().toString();
            dstPort = vs.port();
        }
        dstIp = org.onlab.packet.Ip4Address.valueOf(dst).toInt();
        external = t.external().get().deviceId();
        frame = SynFrame.build(BenchSetup.ROUTER_MAC, t.external().get().gatewayMac(), -1, dst, dstPort);
        ring = new LiveConnections(live);
        byRuleRemoved = "ruleRemoved".equals(end);
        if (!byRuleRemoved && !"lifecycle".equals(end)) {
            throw new IllegalArgumentException("end must be lifecycle or ruleRemoved: " + end);
        }
        originRules = byRuleRemoved ? new FlowRule[live] : null;
        for (int i = 0; i < live; i++) {
            decide();
        }
        if (ended != 0 || rig.core.connections.size() != live || !rig.failures().isEmpty()) {
            throw new IllegalStateException("filling the table failed: " + rig.core.connections.size() + " of "
                                                    + live + " pinned, failures [" + rig.failures() + "]");
        }
        start = rig.tally();
        measuredFrom = next;
        long n = next;
        decide();
        one = EngineRig.delta(start, rig.tally());
        ConnectionEntry e = rig.core.connections.get(key(n));
        if (e == null || e.state() != TcpState.OPENING || one.rules != rulesEach || one.packetOuts != 1
                || one.punts != 1 || one.placedSandwich < 1 || ended != 1
                || rig.counter(EngineCounters.REMOVED) != 1 || rig.core.connections.size() != live
                || !rig.failures().isEmpty()) {
            throw new IllegalStateException("the first decision was not made in full: entry " + e + ", " + one
                                                    + ", ended " + ended + ", failures [" + rig.failures() + "]");
        }
    }

    /**
     * Fails the run if any decision was not made in full (a benchmark of failures would look fast): every one
     * placed, its rules applied, its SYN released, an end per decision, the table at its size.
     */
    @TearDown(Level.Trial)
    public void check() {
        rig.check("FIG " + fig + " " + policy + " " + store, one, start, next - measuredFrom, ended, live,
                  rulesEach);
    }

    /**
     * Returns the key of the n-th connection.
     *
     * @param n connection number
     * @return key
     */
    ConnectionKey key(long n) {
        return FlowKey.of(PacketSummary.PROTO_TCP, SynFrame.clientIp(n), SynFrame.clientPort(n), dstIp, dstPort)
                .canonical();
    }

    /**
     * Opens the next connection and ends the oldest.
     *
     * @return the SYN's packet-out
     */
    OutboundPacket decide() {
        long n = next++;
        rig.punt(external, ROUTER_PORT, frame.connection(n));
        long old = ring.admit(n);
        if (byRuleRemoved) {
            int slot = (int) (n % live);
            FlowRule idled = originRules[slot];
            originRules[slot] = rig.flowRules.first;
            if (old >= 0) {
                rig.ruleIdledOut(idled);
                ended++;
            }
        } else if (old >= 0) {
            rig.end(key(old));
            ended++;
        }
        return rig.packets.last;
    }

    /**
     * Decisions per second.
     *
     * @param cpu CPU time of the measuring thread
     * @return the SYN's packet-out
     */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public OutboundPacket decisions(CpuClock cpu) {
        cpu.tick();
        return decide();
    }

    /**
     * Latency distribution of one decision.
     *
     * @return the SYN's packet-out
     */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public OutboundPacket latency() {
        return decide();
    }
}
