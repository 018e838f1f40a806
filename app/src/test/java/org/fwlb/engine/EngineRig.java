package org.fwlb.engine;

import org.fwlb.connection.impl.DistributedConnectionStore;
import org.fwlb.connection.impl.TestConnectionStores;
import org.fwlb.model.ConnectionEntry;
import org.fwlb.model.Dispatcher;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.VirtualService;
import org.fwlb.packet.PacketParser;
import org.fwlb.packet.PacketSummary;
import org.fwlb.testing.MapMemberStates;
import org.fwlb.testing.RecordingFlowRules;
import org.fwlb.testing.RecordingPackets;
import org.fwlb.testing.SharedTestStorageService;
import org.onosproject.core.ApplicationId;
import org.onosproject.core.DefaultApplicationId;
import org.onosproject.net.DeviceId;
import org.onosproject.net.flow.FlowRule;
import org.onosproject.net.packet.OutboundPacket;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The connection engine's workers on test adapters, as {@code ConnectionEngineManager} wires them: a real
 * {@link DistributedConnectionStore} on the shared test storage (two rigs on one storage are two instances of a
 * cluster), a flow rule service that records and confirms on demand, a packet service that records packet-outs,
 * member states in a map, and a mastership predicate the test controls ({@link #elsewhere}: devices another
 * instance masters; {@link #disconnected}: devices that are gone). Both owners are attached unless told.
 */
public final class EngineRig {

    /** The sandwich's application id in these tests. */
    public static final ApplicationId SANDWICH_APP = new DefaultApplicationId(7, Owner.SANDWICH.appName());
    /** The dispatch application's id in these tests. */
    public static final ApplicationId DISPATCH_APP = new DefaultApplicationId(9, Owner.DISPATCH.appName());

    public final FwlbTopology topology;
    public final EnginePlan plan;
    public final SharedTestStorageService storage;
    public final DistributedConnectionStore store;
    public final RecordingFlowRules flows = new RecordingFlowRules();
    public final RecordingPackets packets = new RecordingPackets();
    public final MapMemberStates states;
    /** Devices another instance masters. */
    public final Set<DeviceId> elsewhere = ConcurrentHashMap.newKeySet();
    /** Devices not connected. */
    public final Set<DeviceId> disconnected = ConcurrentHashMap.newKeySet();
    /** Packet rates through firewalls. */
    public final Map<String, Double> packetRates = new ConcurrentHashMap<>();
    public final Members members;
    public final EngineContext ctx;
    public final PathPlanner planner;
    public final ConnectionInstaller installer;
    public final Segments segments;
    public final Lifecycle lifecycle;
    public final EnginePacketProcessor processor;

    public EngineRig(FwlbTopology t) {
        this(t, EngineRig.settings().build());
    }

    public EngineRig(FwlbTopology t, EngineSettings s) {
        this(t, s, new SharedTestStorageService(), new MapMemberStates());
    }

    /**
     * A rig on a given storage and member states (another instance of the same cluster).
     *
     * @param t       topology
     * @param s       settings
     * @param storage the cluster's storage
     * @param states  the cluster's member states
     */
    public EngineRig(FwlbTopology t, EngineSettings s, SharedTestStorageService storage, MapMemberStates states) {
        this.topology = t;
        this.plan = EnginePlan.of(t);
        this.storage = storage;
        this.states = states;
        this.store = TestConnectionStores.on(storage);
        store.setMaxConnections(t.maxConnections());
        members = new Members(states, store, d -> !disconnected.contains(d),
                              id -> packetRates.getOrDefault(id, 0.0));
        ctx = new EngineContext(store, flows, packets, members,
                                d -> !disconnected.contains(d) && !elsewhere.contains(d));
        ctx.settings(s);
        ctx.plan(plan);
        ctx.rules().setApp(Owner.SANDWICH, SANDWICH_APP);
        ctx.rules().setApp(Owner.DISPATCH, DISPATCH_APP);
        planner = new PathPlanner(ctx);
        installer = new ConnectionInstaller(ctx, planner);
        segments = new Segments(ctx, planner, installer);
        lifecycle = new Lifecycle(ctx);
        processor = new EnginePacketProcessor(ctx, installer, segments);
        recomputeBuckets();
    }

    /** @return settings with the defaults, to change */
    public static Settings settings() {
        return new Settings();
    }

    /** Builds {@link EngineSettings}. */
    public static final class Settings {
        private final EngineSettings d = EngineSettings.defaults();
        private boolean perStage = d.perStageDecisions;
        private boolean tcpFlags = d.tcpFlags;
        private int maxHolds = d.maxHolds;
        private int maxHalfOpen = d.maxHalfOpen;
        private int buckets = d.hashBuckets;
        private int puntRate = d.puntRatePps;
        private int arpRate = d.arpRatePps;

        public Settings perStageDecisions(boolean v) {
            perStage = v;
            return this;
        }

        public Settings tcpFlags(boolean v) {
            tcpFlags = v;
            return this;
        }

        public Settings maxHolds(int v) {
            maxHolds = v;
            return this;
        }

        public Settings maxHalfOpen(int v) {
            maxHalfOpen = v;
            return this;
        }

        public Settings hashBuckets(int v) {
            buckets = v;
            return this;
        }

        public Settings puntRate(int v) {
            puntRate = v;
            return this;
        }

        public Settings arpRate(int v) {
            arpRate = v;
            return this;
        }

        public EngineSettings build() {
            return new EngineSettings(puntRate, d.puntBurst, arpRate, perStage, tcpFlags, d.holdSeconds, maxHolds,
                                      maxHalfOpen, buckets, d.sweepIntervalMs);
        }
    }

    /**
     * Detaches an owner (its points stop deciding, its hops get no rules).
     *
     * @param o owner
     * @return this
     */
    public EngineRig detach(Owner o) {
        ctx.rules().setApp(o, null);
        return this;
    }

    /**
     * Teaches the engine a stage's uplink, as its first SYN would.
     *
     * @param stage dispatcher id
     * @param port  port
     */
    public void learnUplink(String stage, int port) {
        ctx.learnedUplinks.put(stage, org.onosproject.net.PortNumber.portNumber(port));
    }

    /**
     * Every dispatcher reachable from a first stage, breadth first (the plan's own order).
     *
     * @param t     topology
     * @param first first stage
     * @return ids
     */
    public static List<String> stagesOf(FwlbTopology t, String first) {
        return EnginePlan.stagesOf(t, first);
    }

    /** Recomputes the static-hash buckets from the member view, as the manager does on every change. */
    public void recomputeBuckets() {
        int n = ctx.settings().hashBuckets;
        HashBuckets fw = HashBuckets.assign(Members.forHashing(members.firewalls(topology)), n);
        Map<Dispatcher, Map<VirtualService, HashBuckets>> stages = new HashMap<>();
        for (DeviceId dev : plan.pointDevices()) {
            for (DecisionPoint p : plan.pointsOn(dev)) {
                if (p.stage() == null || p.kind() == DecisionPoint.Kind.DF) {
                    continue;
                }
                for (VirtualService v : p.services()) {
                    stages.computeIfAbsent(p.stage(), k -> new HashMap<>()).put(v, HashBuckets.assign(
                            Members.forHashing(members.candidates(topology, p.stage().id(), v.serviceType())), n));
                }
            }
        }
        ctx.buckets(fw, stages);
    }

    // ---- driving ----------------------------------------------------------------------------------

    /**
     * A switch punts a frame to this instance's engine processor.
     *
     * @param dev   device
     * @param port  in port
     * @param frame bytes
     * @return the context
     */
    public RecordingPackets.Context punt(DeviceId dev, int port, byte[] frame) {
        RecordingPackets.Context pc = RecordingPackets.context(dev, port, frame);
        processor.process(pc);
        return pc;
    }

    /**
     * Parses a test frame.
     *
     * @param frame bytes
     * @return summary
     */
    public static PacketSummary parse(byte[] frame) {
        PacketSummary p = new PacketSummary();
        if (!PacketParser.parse(frame, p).isParsed()) {
            throw new IllegalArgumentException("test frame does not parse");
        }
        return p;
    }

    // ---- reading ------------------------------------------------------------------------------------

    /**
     * Returns an owner's counter.
     *
     * @param o    owner
     * @param name counter
     * @return value
     */
    public long count(Owner o, String name) {
        return ctx.counters(o).get(name);
    }

    /** @return every connection */
    public List<ConnectionEntry> connections() {
        return store.connections(e -> true);
    }

    /** @return the only connection */
    public ConnectionEntry only() {
        List<ConnectionEntry> all = connections();
        if (all.size() != 1) {
            throw new AssertionError("expected one connection, found " + all);
        }
        return all.get(0);
    }

    /**
     * Returns the rules a connection has now (every decided hop), with the idle timeout.
     *
     * @param e connection
     * @return rules
     */
    public List<FlowRule> rulesOf(ConnectionEntry e) {
        return ctx.rules().rules(topology, plan, e, Hop.of(plan, e, ctx::uplink), topology.timeouts().idleSeconds());
    }

    /**
     * Returns the rules applied on a device, in order.
     *
     * @param dev device
     * @return rules
     */
    public List<FlowRule> appliedOn(DeviceId dev) {
        return flows.applied.stream().filter(r -> r.deviceId().equals(dev)).collect(Collectors.toList());
    }

    /** @return the last packet-out */
    public OutboundPacket lastEmitted() {
        return packets.last();
    }
}
