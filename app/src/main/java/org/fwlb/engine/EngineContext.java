package org.fwlb.engine;

import org.fwlb.connection.ConnectionStore;
import org.fwlb.model.ConnectionKey;
import org.fwlb.model.Dispatcher;
import org.fwlb.model.VirtualService;
import org.onosproject.net.DeviceId;
import org.onosproject.net.PortNumber;
import org.onosproject.net.flow.FlowId;
import org.onosproject.net.flow.FlowRule;
import org.onosproject.net.flow.FlowRuleService;
import org.onosproject.net.packet.PacketService;

import java.util.Collection;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * What the engine's workers share: the plan and settings in force, the services they act through, the rule
 * builders, the member view, the bucket assignments and the instance-local bookkeeping (decisions in flight,
 * half-open connections, uplinks learned from SYNs, removals this instance asked for, held 5-tuples). Built by
 * the manager; keeps the workers free of DS wiring.
 */
public final class EngineContext {

    /** How long a removal this instance asked for is remembered (its RULE_REMOVED is then not a connection end). */
    static final long SELF_REMOVAL_MEMORY_MS = 60_000;

    final ConnectionStore connections;
    final FlowRuleService flowRules;
    final PacketService packets;
    final Members members;
    final PathRules rules = new PathRules();
    private final Predicate<DeviceId> localMaster;
    private final Map<Owner, EngineCounters> counters = new EnumMap<>(Owner.class);

    private volatile EnginePlan plan = EnginePlan.empty();
    private volatile EngineSettings settings = EngineSettings.defaults();
    private volatile HashBuckets firewallBuckets = HashBuckets.assign(java.util.List.of(), HashBuckets.DEFAULT_BUCKETS);
    private volatile Map<Dispatcher, Map<VirtualService, HashBuckets>> stageBuckets = Map.of();
    private volatile boolean active = true;
    private volatile EngineTimers timers = new EngineTimers();
    private volatile OverloadDetector.State overload = OverloadDetector.State.NORMAL;

    /** Decisions whose rules are being installed, by connection (and decision point). */
    final Set<Object> pending = ConcurrentHashMap.newKeySet();
    /** Connections this instance released a SYN for and has seen nothing of the client since: key to time. */
    final Map<ConnectionKey, Long> openings = new ConcurrentHashMap<>();
    /** Uplinks of answering stages learned from the in-port of their SYNs (when not configured). */
    final Map<String, PortNumber> learnedUplinks = new ConcurrentHashMap<>();
    /** Rules this instance removed: id to time of the request. */
    private final Map<FlowId, Long> selfRemoved = new ConcurrentHashMap<>();
    /** When a live entry's 5-tuple was opened again (a SYN or SYN-ACK of a reused client port), by connection. */
    private final Map<ConnectionKey, Long> reopened = new ConcurrentHashMap<>();
    /** Held 5-tuples installed and not yet removed. */
    final AtomicInteger holds = new AtomicInteger();

    /**
     * Creates the context.
     *
     * @param connections connection table
     * @param flowRules   flow rule service
     * @param packets     packet service
     * @param members     member view
     * @param localMaster whether this instance masters a device (and it is connected)
     */
    public EngineContext(ConnectionStore connections, FlowRuleService flowRules, PacketService packets,
                         Members members, Predicate<DeviceId> localMaster) {
        this.connections = connections;
        this.flowRules = flowRules;
        this.packets = packets;
        this.members = members;
        this.localMaster = localMaster;
        for (Owner o : Owner.values()) {
            counters.put(o, new EngineCounters());
        }
    }

    /** @return the plan in force */
    public EnginePlan plan() {
        return plan;
    }

    /**
     * Sets the plan in force.
     *
     * @param p plan
     */
    public void plan(EnginePlan p) {
        this.plan = p;
    }

    /** @return the overload state in force (static-hash rules under the pins while OVERLOAD) */
    public OverloadDetector.State overload() {
        return overload;
    }

    /**
     * Sets the overload state in force.
     *
     * @param s state
     */
    public void overload(OverloadDetector.State s) {
        this.overload = s;
    }

    /** @return the settings in force */
    public EngineSettings settings() {
        return settings;
    }

    /**
     * Sets the settings in force.
     *
     * @param s settings
     */
    public void settings(EngineSettings s) {
        this.settings = s;
    }

    /**
     * Returns an owner's counters.
     *
     * @param owner owner
     * @return counters
     */
    public EngineCounters counters(Owner owner) {
        return counters.get(owner);
    }

    /** @return the latency timers */
    public EngineTimers timers() {
        return timers;
    }

    /**
     * Sets the latency timers (the component's, registered with ONOS's MetricsService).
     *
     * @param t timers
     */
    public void timers(EngineTimers t) {
        this.timers = java.util.Objects.requireNonNull(t);
    }

    /** @return the rule builder (with the owners' application ids) */
    public PathRules rules() {
        return rules;
    }

    /** @return the member view */
    public Members members() {
        return members;
    }

    /** @return the static-hash buckets of the firewalls */
    public HashBuckets firewallBuckets() {
        return firewallBuckets;
    }

    /**
     * Returns the static-hash buckets of a (stage, service).
     *
     * @param stage   stage
     * @param service service
     * @return buckets, or null
     */
    public HashBuckets stageBuckets(Dispatcher stage, VirtualService service) {
        Map<VirtualService, HashBuckets> m = stageBuckets.get(stage);
        return m == null ? null : m.get(service);
    }

    /**
     * Sets the bucket assignments.
     *
     * @param firewalls firewalls' buckets
     * @param stages    stages' buckets per service
     */
    public void buckets(HashBuckets firewalls, Map<Dispatcher, Map<VirtualService, HashBuckets>> stages) {
        this.firewallBuckets = firewalls;
        this.stageBuckets = stages;
    }

    /**
     * Tells whether this instance masters a device that is connected.
     *
     * @param dev device
     * @return true if it may program it
     */
    public boolean isLocalMaster(DeviceId dev) {
        return localMaster.test(dev);
    }

    /** @return false once deactivation began: late callbacks undo instead of pinning */
    public boolean active() {
        return active;
    }

    /** Marks the engine deactivated. */
    public void deactivate() {
        active = false;
    }

    /**
     * Tells whether an owner is attached (its decision points act, its rules are built).
     *
     * @param owner owner
     * @return true when attached
     */
    public boolean attached(Owner owner) {
        return rules.app(owner) != null;
    }

    /**
     * Tells whether a rule belongs to an attached owner.
     *
     * @param r rule
     * @return true if one of the owners' application ids is the rule's
     */
    public boolean ours(FlowRule r) {
        for (Owner o : Owner.values()) {
            org.onosproject.core.ApplicationId a = rules.app(o);
            if (a != null && a.id() == r.appId()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Returns the uplink of an answering stage: configured, else learned from its SYNs.
     *
     * @param stage stage
     * @return port, or null
     */
    public PortNumber uplink(Dispatcher stage) {
        return stage.uplink().orElseGet(() -> learnedUplinks.get(stage.id()));
    }

    /**
     * Remembers rules this instance asks to remove.
     *
     * @param removed rules
     * @param now     time
     */
    void removing(Collection<FlowRule> removed, long now) {
        for (FlowRule r : removed) {
            selfRemoved.put(r.id(), now);
        }
    }

    /**
     * Forgets removals of rules that are being applied again (a new connection on the same 5-tuple).
     *
     * @param applied rules
     */
    void applying(Collection<FlowRule> applied) {
        if (selfRemoved.isEmpty()) {
            return;
        }
        for (FlowRule r : applied) {
            selfRemoved.remove(r.id());
        }
    }

    /**
     * Consumes the memory of a removal this instance asked for.
     *
     * @param id rule id
     * @return true if it was ours
     */
    boolean removedByUs(FlowId id) {
        return selfRemoved.remove(id) != null;
    }

    /**
     * Forgets old removal memories.
     *
     * @param now time
     */
    void pruneRemovals(long now) {
        for (Iterator<Map.Entry<FlowId, Long>> it = selfRemoved.entrySet().iterator(); it.hasNext(); ) {
            if (now - it.next().getValue() > SELF_REMOVAL_MEMORY_MS) {
                it.remove();
            }
        }
        reopened.values().removeIf(t -> now - t > SELF_REMOVAL_MEMORY_MS);
    }

    /**
     * Notes that a live entry's 5-tuple was opened again: a client reused the port while the earlier connection's
     * rules were still on some switch, so the new handshake runs on the old entry (and partly on its old rules).
     *
     * @param key connection
     * @param now time
     */
    void reopened(ConnectionKey key, long now) {
        reopened.put(key, now);
    }

    /**
     * Whether a rule removal posted at a time belongs to the connection before the 5-tuple was opened again.
     *
     * @param key       connection
     * @param eventTime when the removal was posted
     * @return true if it was posted before the last reopening
     */
    boolean beforeReopening(ConnectionKey key, long eventTime) {
        Long t = reopened.get(key);
        return t != null && eventTime < t;
    }
}
