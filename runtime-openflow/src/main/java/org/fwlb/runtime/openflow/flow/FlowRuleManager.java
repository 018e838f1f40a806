package org.fwlb.runtime.openflow.flow;

import org.fwlb.runtime.openflow.EventDispatcher;
import org.fwlb.runtime.openflow.OpenFlowOptions;
import org.fwlb.runtime.openflow.Unsupported;
import org.fwlb.runtime.openflow.channel.SwitchConnection;
import org.fwlb.runtime.openflow.channel.Switches;
import org.fwlb.runtime.openflow.flow.FlowModFactory.Translated;
import org.fwlb.runtime.openflow.translate.MatchTranslator;
import org.fwlb.runtime.openflow.translate.TreatmentTranslator;
import org.fwlb.runtime.openflow.translate.UnsupportedFlowFeatureException;
import org.onosproject.core.ApplicationId;
import org.onosproject.event.ListenerRegistry;
import org.onosproject.net.DeviceId;
import org.onosproject.net.flow.DefaultFlowEntry;
import org.onosproject.net.flow.DefaultFlowRule;
import org.onosproject.net.flow.FlowEntry;
import org.onosproject.net.flow.FlowEntry.FlowEntryState;
import org.onosproject.net.flow.FlowId;
import org.onosproject.net.flow.FlowRule;
import org.onosproject.net.flow.FlowRuleEvent;
import org.onosproject.net.flow.FlowRuleListener;
import org.onosproject.net.flow.FlowRuleOperation;
import org.onosproject.net.flow.FlowRuleOperations;
import org.onosproject.net.flow.FlowRuleService;
import org.onosproject.net.flow.TableStatisticsEntry;
import org.onosproject.net.flow.TrafficSelector;
import org.onosproject.net.flow.TrafficTreatment;
import org.projectfloodlight.openflow.protocol.OFErrorMsg;
import org.projectfloodlight.openflow.protocol.OFErrorType;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowMod;
import org.projectfloodlight.openflow.protocol.OFFlowRemoved;
import org.projectfloodlight.openflow.protocol.OFFlowRemovedReason;
import org.projectfloodlight.openflow.protocol.OFFlowStatsEntry;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.instruction.OFInstruction;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * {@link FlowRuleService} over OpenFlow 1.3 with the semantics of ONOS 2.7's FlowRuleManager
 * ({@code core/net/.../flow/impl/FlowRuleManager.java}), ECFlowRuleStore
 * ({@code core/store/dist/.../flow/impl/ECFlowRuleStore.java}) and OpenFlowRuleProvider
 * ({@code providers/openflow/flow/.../impl/OpenFlowRuleProvider.java}):
 * <ul>
 *   <li>operations: stage by stage, per device one batch of FLOW_MODs and one BARRIER; an ADD replaces
 *       the stored entry (PENDING_ADD, counters 0) and is re-sent even if identical (RULE_ADD_REQUESTED);
 *       a REMOVE marks the stored entry PENDING_REMOVE (RULE_REMOVE_REQUESTED with a FlowRule copy) and
 *       a REMOVE of a rule the store does not have does nothing; a device that is not connected (no
 *       master) fails its share at once, storing nothing; {@code onError} once per failed device with
 *       the failed rules, {@code onSuccess} after the last stage if nothing failed;</li>
 *   <li>statistics polls ({@link FlowStatsCollector}) confirm rules (RULE_ADDED, once), report every
 *       live rule (RULE_UPDATED, every poll), expire temporary rules ({@code checkRuleLiveness}),
 *       re-send missing rules, delete rules the store does not know (unless allowExtraneousRules;
 *       importExtraneousRules adopts them) and replace switch copies that differ;</li>
 *   <li>FLOW_REMOVED: RULE_REMOVED for a rule being removed (or hard-timed-out), re-installation of a
 *       rule the store still wants, nothing for a rule it does not know.</li>
 * </ul>
 *
 * <p>Locking: each device's table is its own monitor; its FLOW_MODs are queued while holding it.
 * Poll replies and FLOW_REMOVED are handled on the flow-sync thread, in the order the switch sent them;
 * barrier replies and errors on the switch's I/O thread.
 */
public final class FlowRuleManager implements FlowRuleService {
    private static final Logger log = LoggerFactory.getLogger(FlowRuleManager.class);
    /** OpenFlowRuleProvider's pendingBatches cache: a batch without a barrier reply after 10 s fails. */
    private static final long BARRIER_TIMEOUT_SECONDS = 10;
    private static final Set<OFErrorType> FLOW_ERRORS = EnumSet.of(OFErrorType.BAD_ACTION,
            OFErrorType.BAD_INSTRUCTION, OFErrorType.BAD_MATCH, OFErrorType.FLOW_MOD_FAILED);
    private static final int MAX_WARNED = 100_000;
    /** Switch flows reconciled per hold of the device's lock: operations interleave with a long poll. */
    private static final int CHUNK = 256;

    private final Switches switches;
    private final EventDispatcher events;
    private final OFFactory factory = OFFactories.getFactory(OFVersion.OF_13);
    private final ListenerRegistry<FlowRuleEvent, FlowRuleListener> listeners = new ListenerRegistry<>();
    private final Map<DeviceId, DeviceFlowTable> tables = new ConcurrentHashMap<>();
    private final Map<DeviceId, FlowStatsCollector> collectors = new ConcurrentHashMap<>();
    private final Set<FlowId> warnedTcpFlags = ConcurrentHashMap.newKeySet();
    private final ThreadLocal<List<FlowRuleEvent>> buffered = new ThreadLocal<>();
    private final ScheduledExecutorService scheduler;
    private final LongSupplier clock;
    private final boolean automaticPolling;
    private final boolean tcpFlags;
    private volatile Duration flowPollFrequency;
    private volatile boolean allowExtraneousRules;
    private volatile boolean importExtraneousRules;
    private volatile boolean purgeOnDisconnection;

    /**
     * @param switches         connected switches
     * @param events           event and callback delivery
     * @param options          settings
     * @param scheduler        timer of the statistics polls
     * @param clock            wall clock (ms) of rule liveness
     * @param automaticPolling false: polls only through {@link #pollNow} (tests)
     */
    public FlowRuleManager(Switches switches, EventDispatcher events, OpenFlowOptions options,
                           ScheduledExecutorService scheduler, LongSupplier clock, boolean automaticPolling) {
        this.switches = switches;
        this.events = events;
        this.scheduler = scheduler;
        this.clock = clock;
        this.automaticPolling = automaticPolling;
        this.tcpFlags = options.tcpFlagsMatch();
        this.flowPollFrequency = options.flowPollFrequency();
        this.allowExtraneousRules = options.allowExtraneousRules();
        this.importExtraneousRules = options.importExtraneousRules();
        this.purgeOnDisconnection = options.purgeOnDisconnection();
    }

    // ---------------------------------------------------------------- settings (ONOS component properties)

    /** FlowRuleManager.allowExtraneousRules. */
    public void setAllowExtraneousRules(boolean allow) {
        this.allowExtraneousRules = allow;
    }

    /** FlowRuleManager.importExtraneousRules. */
    public void setImportExtraneousRules(boolean importRules) {
        this.importExtraneousRules = importRules;
    }

    /** FlowRuleManager.purgeOnDisconnection. */
    public void setPurgeOnDisconnection(boolean purge) {
        this.purgeOnDisconnection = purge;
    }

    /** OpenFlowRuleProvider.flowPollFrequency: the running collectors restart with the new period. */
    public void setFlowPollFrequency(Duration period) {
        if (period.isZero() || period.isNegative()) {
            throw new IllegalArgumentException("flowPollFrequency: " + period + " is not positive");
        }
        if (!period.equals(flowPollFrequency)) {
            flowPollFrequency = period;
            collectors.values().forEach(c -> c.adjust(period));
        }
    }

    public boolean allowExtraneousRules() {
        return allowExtraneousRules;
    }

    public boolean importExtraneousRules() {
        return importExtraneousRules;
    }

    public boolean purgeOnDisconnection() {
        return purgeOnDisconnection;
    }

    public Duration flowPollFrequency() {
        return flowPollFrequency;
    }

    // ---------------------------------------------------------------- store

    private DeviceFlowTable table(DeviceId id) {
        return tables.computeIfAbsent(id, DeviceFlowTable::new);
    }

    /**
     * The monitor guarding a device's store (tests: to hold it as a long reconciliation of a poll does).
     *
     * @param id device
     * @return its monitor
     */
    public Object storeMonitor(DeviceId id) {
        return table(id);
    }

    // ---------------------------------------------------------------- listeners

    @Override
    public void addListener(FlowRuleListener listener) {
        listeners.addListener(Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public void removeListener(FlowRuleListener listener) {
        listeners.removeListener(Objects.requireNonNull(listener, "listener"));
    }

    private void post(FlowRuleEvent.Type type, FlowRule subject) {
        post(new FlowRuleEvent(type, subject));
    }

    /** During a reconciliation the events of a chunk are queued as one task (same order, less overhead). */
    private void post(FlowRuleEvent event) {
        List<FlowRuleEvent> batch = buffered.get();
        if (batch != null) {
            batch.add(event);
        } else {
            events.post(listeners, event);
        }
    }

    private void flush() {
        List<FlowRuleEvent> batch = buffered.get();
        if (batch != null && !batch.isEmpty()) {
            events.postAll(listeners, batch);
            batch.clear();
        }
    }

    // ---------------------------------------------------------------- queries

    @Override
    public int getFlowRuleCount() {
        int n = 0;
        for (DeviceId d : tables.keySet()) {
            n += getFlowRuleCount(d);
        }
        return n;
    }

    @Override
    public int getFlowRuleCount(DeviceId deviceId) {
        return count(deviceId, e -> true);
    }

    @Override
    public int getFlowRuleCount(DeviceId deviceId, FlowEntryState state) {
        return count(deviceId, e -> e.state() == state);
    }

    @Override
    public long getActiveFlowRuleCount(DeviceId deviceId) {
        return count(deviceId, e -> e.state() == FlowEntryState.ADDED);
    }

    private int count(DeviceId deviceId, Predicate<FlowEntry> p) {
        int n = 0;
        for (FlowEntry e : views(deviceId)) {
            if (p.test(e)) {
                n++;
            }
        }
        return n;
    }

    @Override
    public FlowEntry getFlowEntry(FlowRule rule) {
        Objects.requireNonNull(rule, "flow rule");
        DeviceFlowTable t = tables.get(rule.deviceId());
        if (t == null) {
            return null;
        }
        synchronized (t) {
            StoredEntry e = t.get(rule);
            return e == null ? null : e.view;
        }
    }

    @Override
    public Iterable<FlowEntry> getFlowEntries(DeviceId deviceId) {
        return views(Objects.requireNonNull(deviceId, "deviceId"));
    }

    private List<FlowEntry> views(DeviceId deviceId) {
        DeviceFlowTable t = tables.get(deviceId);
        if (t == null) {
            return List.of();
        }
        List<FlowEntry> out = new ArrayList<>();
        synchronized (t) {
            t.entries.values().forEach(e -> out.add(e.view));
        }
        return out;
    }

    @Override
    public Iterable<FlowEntry> getFlowEntriesById(ApplicationId appId) {
        short id = appId.id();
        List<FlowEntry> out = new ArrayList<>();
        for (DeviceId d : tables.keySet()) {
            for (FlowEntry e : views(d)) {
                if (e.appId() == id) {
                    out.add(e);
                }
            }
        }
        return out;
    }

    @Override
    public Iterable<FlowRule> getFlowRulesByGroupId(ApplicationId appId, short groupId) {
        throw Unsupported.method("FlowRuleService.getFlowRulesByGroupId");
    }

    @Override
    public Iterable<TableStatisticsEntry> getFlowTableStatistics(DeviceId deviceId) {
        throw Unsupported.method("FlowRuleService.getFlowTableStatistics");
    }

    // ---------------------------------------------------------------- store-only operations

    /** ECFlowRuleStore.purgeFlowRule: the store forgets the device's rules; no event, nothing sent. */
    @Override
    public void purgeFlowRules(DeviceId deviceId) {
        DeviceFlowTable t = tables.get(deviceId);
        if (t != null) {
            synchronized (t) {
                t.entries.clear();
            }
        }
    }

    @Override
    public void purgeFlowRules(DeviceId deviceId, ApplicationId appId) {
        DeviceFlowTable t = tables.get(deviceId);
        if (t != null) {
            synchronized (t) {
                t.entries.values().removeIf(e -> e.rule.appId() == appId.id());
            }
        }
    }

    // ---------------------------------------------------------------- operations

    @Override
    public void applyFlowRules(FlowRule... flowRules) {
        Objects.requireNonNull(flowRules, "flowRules");
        FlowRuleOperations.Builder b = FlowRuleOperations.builder();
        for (FlowRule r : flowRules) {
            b.add(Objects.requireNonNull(r, "flow rule"));
        }
        submit("FlowRuleService.applyFlowRules", b.build(), true);
    }

    @Override
    public void removeFlowRules(FlowRule... flowRules) {
        Objects.requireNonNull(flowRules, "flowRules");
        FlowRuleOperations.Builder b = FlowRuleOperations.builder();
        for (FlowRule r : flowRules) {
            b.remove(Objects.requireNonNull(r, "flow rule"));
        }
        submit("FlowRuleService.removeFlowRules", b.build(), true);
    }

    @Override
    public void apply(FlowRuleOperations ops) {
        submit("FlowRuleService.apply", Objects.requireNonNull(ops, "operations"), false);
    }

    /**
     * Translates every ADD/MODIFY first (a rule the runtime cannot express refuses the whole
     * operations object before anything changes), then runs the first stage on the caller's thread.
     */
    private void submit(String method, FlowRuleOperations ops, boolean throwRefusal) {
        List<List<Op>> stages;
        try {
            stages = translate(ops);
        } catch (UnsupportedFlowFeatureException e) {
            if (throwRefusal) {
                log.warn("{} refused: {}", method, e.getMessage());
                throw e;
            }
            log.error("{} refused the whole batch, nothing changed: {}", method, e.getMessage());
            events.operation("FlowRuleOperationsContext.onError", () -> ops.callback().onError(ops));
            return;
        }
        new OperationsProcessor(ops, stages).start();
    }

    @Override
    public void removeFlowRulesById(ApplicationId appId) {
        List<FlowRule> rules = new ArrayList<>();
        getFlowEntriesById(appId).forEach(rules::add);
        removeFlowRules(rules.toArray(new FlowRule[0]));
    }

    /** One operation of a stage. */
    private static final class Op {
        final FlowRuleOperation.Type type;
        final FlowRule rule;
        /** null for REMOVE: the stored entry's own FLOW_MOD form is used. */
        final Translated translated;

        Op(FlowRuleOperation.Type type, FlowRule rule, Translated translated) {
            this.type = type;
            this.rule = rule;
            this.translated = translated;
        }
    }

    private List<List<Op>> translate(FlowRuleOperations ops) {
        List<List<Op>> stages = new ArrayList<>();
        for (Set<FlowRuleOperation> stage : ops.stages()) {
            List<Op> list = new ArrayList<>(stage.size());
            for (FlowRuleOperation op : stage) {
                FlowRule r = op.rule();
                Objects.requireNonNull(r.deviceId(), "flow rule without a device: " + r);
                Translated tr = null;
                if (op.type() != FlowRuleOperation.Type.REMOVE) {
                    try {
                        tr = FlowModFactory.translate(factory, r, tcpFlags);
                    } catch (UnsupportedFlowFeatureException e) {
                        throw new UnsupportedFlowFeatureException(op.type() + " of rule " + r.id() + " on "
                                + r.deviceId() + ": " + e.getMessage());
                    }
                }
                list.add(new Op(op.type(), r, tr));
            }
            stages.add(list);
        }
        return stages;
    }

    /**
     * FlowRuleManager's FlowOperationsProcessor: a stage's per-device batches run together; the next
     * stage starts when every device of this one completed (success or failure); onError once per
     * failed device (its failed rules, as ADD operations), onSuccess after the last stage only if no
     * device failed.
     */
    private final class OperationsProcessor {
        private final FlowRuleOperations fops;
        private final List<List<Op>> stages;
        private final Set<DeviceId> pendingDevices = new HashSet<>();
        private boolean hasFailed;

        OperationsProcessor(FlowRuleOperations fops, List<List<Op>> stages) {
            this.fops = fops;
            this.stages = new ArrayList<>(stages);
        }

        void start() {
            if (stages.isEmpty()) {
                events.operation("FlowRuleOperationsContext.onSuccess", this::run);
            } else {
                run();
            }
        }

        // The processor's monitor guards only its bookkeeping: a stage's batches are executed (they may wait for a
        // device's store) and the callback runs outside it, so a switch's I/O thread settling another device's
        // barrier (satisfy/fail) never waits behind them.
        void run() {
            Map<DeviceId, List<Op>> perDevice = new LinkedHashMap<>();
            boolean took;
            boolean succeeded;
            synchronized (this) {
                took = !stages.isEmpty();
                if (took) {
                    for (Op op : stages.remove(0)) {
                        perDevice.computeIfAbsent(op.rule.deviceId(), d -> new ArrayList<>()).add(op);
                    }
                    pendingDevices.addAll(perDevice.keySet());
                }
                succeeded = !took && !hasFailed;
            }
            if (!took) {
                if (succeeded) {
                    fops.callback().onSuccess(fops);
                }
                return;
            }
            if (perDevice.isEmpty()) {
                events.operation("FlowRuleOperations next stage", this::run);
                return;
            }
            perDevice.forEach((dev, ops) -> executeBatch(dev, ops).whenComplete((failed, err) -> {
                if (err == null && failed.isEmpty()) {
                    satisfy(dev);
                } else {
                    fail(dev, failed == null ? List.of() : failed);
                }
            }));
        }

        void satisfy(DeviceId dev) {
            boolean stageDone;
            synchronized (this) {
                pendingDevices.remove(dev);
                stageDone = pendingDevices.isEmpty();
            }
            if (stageDone) {
                events.operation("FlowRuleOperations next stage", this::run);
            }
        }

        void fail(DeviceId dev, Collection<FlowRule> failures) {
            boolean stageDone;
            synchronized (this) {
                hasFailed = true;
                pendingDevices.remove(dev);
                stageDone = pendingDevices.isEmpty();
            }
            if (stageDone) {
                events.operation("FlowRuleOperations next stage", this::run);
            }
            FlowRuleOperations.Builder failed = FlowRuleOperations.builder();
            failures.forEach(failed::add);
            FlowRuleOperations failedOps = failed.build();
            events.operation("FlowRuleOperationsContext.onError", () -> fops.callback().onError(failedOps));
        }
    }

    /** A FLOW_MOD of a device batch awaiting its barrier. */
    static final class PendingMod {
        final DeviceBatch batch;
        final FlowRule rule;

        PendingMod(DeviceBatch batch, FlowRule rule) {
            this.batch = batch;
            this.rule = rule;
        }
    }

    /** The FLOW_MODs of one device in one stage (OpenFlowRuleProvider's InternalCacheEntry). */
    static final class DeviceBatch {
        final List<Long> xids = new ArrayList<>();
        final Set<FlowRule> failures = Collections.synchronizedSet(new LinkedHashSet<>());
        final List<FlowRule> targets = new ArrayList<>();
    }

    /**
     * ECFlowRuleStore.storeBatch + OpenFlowRuleProvider.executeBatch for one device.
     *
     * @return completes with the failed rules (empty: success)
     */
    private CompletableFuture<Collection<FlowRule>> executeBatch(DeviceId dev, List<Op> ops) {
        DeviceFlowTable t = table(dev);
        DeviceBatch batch = new DeviceBatch();
        CompletableFuture<Void> barrier;
        synchronized (t) {
            SwitchConnection conn = switches.get(dev);
            if (conn == null) {
                // ECFlowRuleStore.storeBatch: no master for the device: every operation fails, nothing is stored
                log.warn("No master for {}: {} flow rule operation(s) failed", dev, ops.size());
                List<FlowRule> all = new ArrayList<>();
                ops.forEach(op -> all.add(op.rule));
                return CompletableFuture.completedFuture(all);
            }
            long now = clock.getAsLong();
            List<Op> toSend = new ArrayList<>();
            List<FlowRuleEvent> requested = new ArrayList<>();
            for (Op op : ops) {
                switch (op.type) {
                    case ADD:
                        t.put(new StoredEntry(op.rule, op.translated, null, FlowEntryState.PENDING_ADD, now));
                        toSend.add(op);
                        requested.add(new FlowRuleEvent(FlowRuleEvent.Type.RULE_ADD_REQUESTED, op.rule));
                        break;
                    case MODIFY:
                        t.put(new StoredEntry(op.rule, op.translated, null, FlowEntryState.PENDING_ADD, now));
                        toSend.add(op);
                        break;
                    case REMOVE:
                        StoredEntry stored = t.get(op.rule);
                        if (stored == null) {
                            break; // not in the store: dropped, nothing sent, no event
                        }
                        stored.state = FlowEntryState.PENDING_REMOVE;
                        stored.refresh();
                        FlowRule target = new DefaultFlowRule(stored.view);
                        toSend.add(new Op(FlowRuleOperation.Type.REMOVE, target, null));
                        requested.add(new FlowRuleEvent(FlowRuleEvent.Type.RULE_REMOVE_REQUESTED, target));
                        break;
                    default:
                        break;
                }
            }
            if (toSend.isEmpty()) {
                return CompletableFuture.completedFuture(List.of());
            }
            requested.forEach(this::post);
            for (Op op : toSend) {
                long xid = conn.nextXid();
                OFFlowMod mod;
                if (op.type == FlowRuleOperation.Type.REMOVE) {
                    mod = deleteOf(t.get(op.rule), xid);
                } else {
                    warnTcpFlags(op.translated);
                    mod = op.type == FlowRuleOperation.Type.ADD ? FlowModFactory.add(factory, xid, op.translated)
                            : FlowModFactory.modify(factory, xid, op.translated);
                }
                if (mod == null) {
                    continue;
                }
                // known before it can be answered: an ERROR for it is charged without the table's lock
                t.pendingMods.put(xid, new PendingMod(batch, op.rule));
                batch.xids.add(xid);
                batch.targets.add(op.rule);
                conn.send(mod);
            }
            // a switch that never answers this barrier: OpenFlowRuleProvider's pendingBatches expire after 10 s
            barrier = conn.barrier().orTimeout(BARRIER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        // settled on the switch's I/O thread without the table's lock: a flow statistics reconciliation holding it
        // must not delay every barrier reply of the switches that thread serves
        return barrier.handle((v, err) -> {
            batch.xids.forEach(t.pendingMods::remove);
            if (err != null) {
                log.warn("{}: flow rule batch failed: {}", dev, rootMessage(err));
                return new ArrayList<>(batch.targets);
            }
            synchronized (batch.failures) {
                return new ArrayList<>(batch.failures);
            }
        });
    }

    private OFFlowMod deleteOf(StoredEntry e, long xid) {
        if (e == null) {
            return null;
        }
        return e.translated != null ? FlowModFactory.deleteStrict(factory, xid, e.translated)
                : FlowModFactory.deleteStrict(factory, xid, e.raw);
    }

    private OFFlowMod addOf(StoredEntry e, long xid) {
        if (e.translated != null) {
            warnTcpFlags(e.translated);
            return FlowModFactory.add(factory, xid, e.translated);
        }
        OFFlowStatsEntry s = e.raw;
        return factory.buildFlowAdd().setXid(xid).setCookie(s.getCookie()).setTableId(s.getTableId())
                .setPriority(s.getPriority()).setHardTimeout(s.getHardTimeout()).setIdleTimeout(s.getIdleTimeout())
                .setFlags(s.getFlags()).setMatch(s.getMatch()).setInstructions(s.getInstructions()).build();
    }

    private void warnTcpFlags(Translated tr) {
        if (tr.tcpFlagsLeftOut) {
            if (warnedTcpFlags.size() > MAX_WARNED) {
                warnedTcpFlags.clear();
            }
            if (warnedTcpFlags.add(tr.rule.id())) {
                log.warn("Match type TCP_FLAGS not yet implemented (ONOS 2.7 FlowModBuilder): rule {} on {} "
                                + "(priority {}) sent without it; see --of-tcp-flags", tr.rule.id(),
                        tr.rule.deviceId(), tr.rule.priority());
            }
        }
    }

    // ---------------------------------------------------------------- messages from switches

    /**
     * A switch rejected a message: OpenFlowRuleProvider.handleErrorMsg charges BAD_ACTION,
     * BAD_INSTRUCTION, BAD_MATCH and FLOW_MOD_FAILED errors to the pending batch of the FLOW_MOD; any
     * other error is ignored (the batch still succeeds).
     *
     * @param conn    switch
     * @param error   error
     * @param request the rejected message, if remembered
     */
    public void switchError(SwitchConnection conn, OFErrorMsg error, OFMessage request) {
        if (!FLOW_ERRORS.contains(error.getErrType())) {
            return;
        }
        DeviceFlowTable t = tables.get(conn.deviceId());
        if (t == null) {
            return;
        }
        PendingMod pm = t.pendingMods.get(error.getXid());
        if (pm != null) {
            pm.batch.failures.add(pm.rule);
        }
    }

    /**
     * FLOW_REMOVED, handled as FlowRuleManager.flowRemoved: liveness bookkeeping cleared; a rule the
     * store does not have is ignored; HARD_TIMEOUT marks the stored rule REMOVED; a stored rule in
     * PENDING_REMOVE or REMOVED leaves the store with RULE_REMOVED (the stored entry); one in ADDED or
     * PENDING_ADD is installed again, without an event.
     *
     * @param conn switch
     * @param msg  message
     */
    public void flowRemoved(SwitchConnection conn, OFFlowRemoved msg) {
        conn.counters().flowRemoved();
        events.flowSync("FLOW_REMOVED", () -> handleFlowRemoved(conn, msg));
    }

    private void handleFlowRemoved(SwitchConnection conn, OFFlowRemoved msg) {
        FlowRule removed;
        try {
            removed = DefaultFlowRule.builder().forDevice(conn.deviceId())
                    .withSelector(MatchTranslator.toSelector(msg.getMatch(), tcpFlags))
                    .withPriority(msg.getPriority())
                    .withIdleTimeout(msg.getIdleTimeout())
                    .withCookie(msg.getCookie().getValue())
                    .forTable(msg.getTableId().getValue())
                    .build();
        } catch (RuntimeException e) {
            log.debug("{}: FLOW_REMOVED without an ONOS form ignored: {}", conn.deviceId(), e.getMessage());
            return;
        }
        DeviceFlowTable t = table(conn.deviceId());
        synchronized (t) {
            StoredEntry.Eq eq = StoredEntry.Eq.of(removed);
            t.lastSeen.remove(eq);
            t.firstSeen.remove(eq);
            StoredEntry stored = t.get(removed);
            if (stored == null) {
                log.debug("{}: rule already evicted from store: {} ({})", conn.deviceId(), removed.id(),
                        msg.getReason());
                return;
            }
            if (msg.getReason() == OFFlowRemovedReason.HARD_TIMEOUT) {
                stored.state = FlowEntryState.REMOVED;
                stored.refresh();
            }
            switch (stored.state) {
                case ADDED:
                case PENDING_ADD:
                    OFFlowMod add = addOf(stored, conn.nextXid());
                    conn.send(add);
                    break;
                case PENDING_REMOVE:
                case REMOVED:
                    t.remove(stored);
                    post(FlowRuleEvent.Type.RULE_REMOVED, stored.view);
                    break;
                default:
                    break;
            }
        }
    }

    // ---------------------------------------------------------------- statistics (pushFlowMetrics)

    /** A flow reported by a switch, rebuilt as ONOS's FlowEntryBuilder does. */
    private static final class SwitchFlow {
        final FlowEntry entry;
        final StoredEntry.Eq eq;
        final OFFlowStatsEntry raw;

        SwitchFlow(FlowEntry entry, OFFlowStatsEntry raw) {
            this.entry = entry;
            this.eq = StoredEntry.Eq.of(entry);
            this.raw = raw;
        }
    }

    /** A flow's read-back from the previous poll, reused while its match and instructions stay the same. */
    static final class ReadBack {
        final Match match;
        final List<OFInstruction> instructions;
        final TrafficSelector selector;
        final TrafficTreatment treatment;

        ReadBack(Match match, List<OFInstruction> instructions, TrafficSelector selector, TrafficTreatment treatment) {
            this.match = match;
            this.instructions = instructions;
            this.selector = selector;
            this.treatment = treatment;
        }
    }

    /** FlowEntryBuilder.createFlowEntryFromStat; null where it builds nothing. */
    private SwitchFlow rebuild(DeviceId dev, OFFlowStatsEntry s, Map<Long, ReadBack> previous, Map<Long, ReadBack> next) {
        try {
            long cookie = s.getCookie().getValue();
            ReadBack rb = previous.get(cookie);
            if (rb == null || !rb.match.equals(s.getMatch()) || !rb.instructions.equals(s.getInstructions())) {
                rb = new ReadBack(s.getMatch(), s.getInstructions(), MatchTranslator.toSelector(s.getMatch(), tcpFlags),
                        TreatmentTranslator.toTreatment(s.getInstructions()));
            }
            next.put(cookie, rb);
            FlowRule rule = DefaultFlowRule.builder()
                    .forDevice(dev)
                    .withSelector(rb.selector)
                    .withTreatment(rb.treatment)
                    .withPriority(s.getPriority())
                    .withIdleTimeout(s.getIdleTimeout())
                    .withCookie(s.getCookie().getValue())
                    .forTable(s.getTableId().getValue())
                    .build();
            return new SwitchFlow(new DefaultFlowEntry(rule, FlowEntryState.ADDED, s.getDurationSec(),
                    TimeUnit.SECONDS, s.getPacketCount().getValue(), s.getByteCount().getValue()), s);
        } catch (RuntimeException e) {
            log.debug("{}: flow cookie=0x{} priority={} has no ONOS form; left alone: {}", dev,
                    Long.toHexString(s.getCookie().getValue()), s.getPriority(), e.getMessage());
            return null;
        }
    }

    /**
     * FlowRuleManager.pushFlowMetricsInternal for a complete FLOW statistics reply of a switch. The
     * switch flows are rebuilt outside the device's lock, then reconciled in chunks: as in ONOS, where
     * each store operation is atomic on its own, flow rule operations may interleave with a long poll.
     *
     * @param conn  switch
     * @param flows every flow it reported
     */
    void pushFlowMetrics(SwitchConnection conn, List<OFFlowStatsEntry> flows) {
        DeviceId dev = conn.deviceId();
        DeviceFlowTable t = table(dev);
        Map<Long, ReadBack> next = new java.util.HashMap<>();
        List<SwitchFlow> switchFlows = new ArrayList<>(flows.size());
        for (OFFlowStatsEntry s : flows) {
            SwitchFlow sw = rebuild(dev, s, t.readBack, next);
            if (sw != null) {
                switchFlows.add(sw);
            }
        }
        t.readBack = next;
        long now = clock.getAsLong();
        Map<StoredEntry.Eq, StoredEntry> stored = new LinkedHashMap<>();
        synchronized (t) {
            if (switches.get(dev) != conn) {
                return; // no longer the master's connection
            }
            t.entries.values().forEach(e -> stored.put(e.key.eq, e));
        }
        buffered.set(new ArrayList<>());
        try {
            for (int i = 0; i < switchFlows.size(); i += CHUNK) {
                synchronized (t) {
                    if (switches.get(dev) != conn) {
                        return;
                    }
                    for (SwitchFlow sw : switchFlows.subList(i, Math.min(switchFlows.size(), i + CHUNK))) {
                        reconcile(conn, t, sw, stored, now);
                    }
                    flush();
                }
            }
            synchronized (t) {
                if (switches.get(dev) != conn) {
                    return;
                }
                for (StoredEntry st : stored.values()) {
                    StoredEntry current = t.entries.get(st.key);
                    if (current != null) {
                        flowMissing(conn, t, current, true);
                    }
                }
                flush();
            }
        } finally {
            buffered.remove();
        }
    }

    /** One switch flow of pushFlowMetricsInternal's loop. */
    private void reconcile(SwitchConnection conn, DeviceFlowTable t, SwitchFlow sw,
                           Map<StoredEntry.Eq, StoredEntry> stored, long now) {
        StoredEntry st = stored.remove(sw.eq);
        if (st != null) {
            if (st.rule.exactMatch(sw.entry)) {
                handleExistingFlow(conn, t, sw, now);
            } else {
                // same match and priority, other cookie or treatment: the switch's copy goes, ours comes back
                extraneousFlow(conn, sw);
                StoredEntry current = t.entries.get(st.key);
                if (current != null) {
                    flowMissing(conn, t, current, false);
                }
            }
        } else if (!allowExtraneousRules) {
            extraneousFlow(conn, sw);
        } else if (importExtraneousRules) {
            // ECFlowRuleStore.addOrUpdateFlowRule of a rule it does not have: stored as is, no event
            t.put(imported(conn.deviceId(), sw, now));
        }
    }

    private StoredEntry imported(DeviceId dev, SwitchFlow sw, long now) {
        Translated tr = null;
        try {
            tr = FlowModFactory.translate(factory, sw.entry, tcpFlags);
        } catch (UnsupportedFlowFeatureException e) {
            log.debug("{}: imported rule {} is kept as the switch reported it: {}", dev, sw.entry.id(), e.getMessage());
        }
        StoredEntry e = new StoredEntry(sw.entry, tr, sw.raw, FlowEntryState.ADDED, now);
        e.packets = sw.entry.packets();
        e.bytes = sw.entry.bytes();
        e.lifeSec = sw.entry.life();
        e.refresh();
        return e;
    }

    /** FlowRuleManager.handleExistingFlow. */
    private void handleExistingFlow(SwitchConnection conn, DeviceFlowTable t, SwitchFlow sw, long now) {
        StoredEntry stored = t.get(sw.entry);
        if (stored != null && stored.state != FlowEntryState.PENDING_REMOVE && checkRuleLiveness(t, sw.entry, stored, now)) {
            // ECFlowRuleStore.addOrUpdateFlowRule
            stored.bytes = sw.entry.bytes();
            stored.lifeSec = sw.entry.life();
            stored.packets = sw.entry.packets();
            stored.lastSeenMs = now;
            FlowRuleEvent.Type type = FlowRuleEvent.Type.RULE_UPDATED;
            if (stored.state == FlowEntryState.PENDING_ADD) {
                stored.state = FlowEntryState.ADDED;
                type = FlowRuleEvent.Type.RULE_ADDED;
            }
            stored.refresh();
            post(type, sw.entry);
        } else {
            // dead or being removed: FlowRuleManager's own removeFlowRules(switch entry)
            removeFlowRules(sw.entry);
        }
    }

    /** FlowRuleManager.checkRuleLiveness. */
    private static boolean checkRuleLiveness(DeviceFlowTable t, FlowEntry swRule, StoredEntry stored, long now) {
        FlowRule r = stored.rule;
        if (r.isPermanent()) {
            return true;
        }
        long timeout = r.timeout() * 1000L;
        StoredEntry.Eq key = stored.key.eq;
        if (r.hardTimeout() != 0) {
            Long first = t.firstSeen.get(key);
            if (first == null) {
                t.firstSeen.put(key, now);
            } else if (now - first > r.hardTimeout() * 1000L) {
                return false;
            }
        }
        if (stored.packets != swRule.packets() || stored.bytes != swRule.bytes()) {
            t.lastSeen.put(key, now);
            return true;
        }
        Long last = t.lastSeen.get(key);
        if (last == null) {
            last = stored.lastSeenMs;
            t.lastSeen.put(key, last);
        }
        return now - last <= timeout;
    }

    /** FlowRuleManager.flowMissing. */
    private void flowMissing(SwitchConnection conn, DeviceFlowTable t, StoredEntry stored, boolean onlyInStore) {
        switch (stored.state) {
            case PENDING_REMOVE:
            case REMOVED:
                t.remove(stored);
                post(FlowRuleEvent.Type.RULE_REMOVED, stored.view);
                break;
            case ADDED:
            case PENDING_ADD:
                // ECFlowRuleStore.pendingFlowRule: RULE_UPDATED for PENDING_ADD, nothing for ADDED
                FlowRuleEvent.Type type = stored.state == FlowEntryState.PENDING_ADD ? FlowRuleEvent.Type.RULE_UPDATED
                        : onlyInStore ? FlowRuleEvent.Type.RULE_ADD_REQUESTED : null;
                conn.send(addOf(stored, conn.nextXid()));
                if (type != null) {
                    post(type, stored.view);
                }
                break;
            default:
                break;
        }
    }

    /** FlowRuleManager.extraneousFlow: DELETE_STRICT of the switch's rule (its ONOS form), no barrier. */
    private void extraneousFlow(SwitchConnection conn, SwitchFlow sw) {
        long xid = conn.nextXid();
        OFFlowMod del;
        try {
            del = FlowModFactory.deleteStrict(factory, xid, FlowModFactory.translate(factory, sw.entry, tcpFlags));
        } catch (UnsupportedFlowFeatureException e) {
            del = FlowModFactory.deleteStrict(factory, xid, sw.raw);
        }
        log.debug("{}: flow {} (priority {}) is on the switch but not in the store: deleting it", conn.deviceId(),
                sw.entry.id(), sw.entry.priority());
        conn.send(del);
    }

    // ---------------------------------------------------------------- connections

    /**
     * A switch connected: its FLOW statistics collector starts (first poll after 1 s).
     *
     * @param conn     the connection
     * @param firstPoll delay of the first poll
     */
    public void switchConnected(SwitchConnection conn, Duration firstPoll) {
        FlowStatsCollector c = new FlowStatsCollector(conn, this::pushFlowMetrics,
                task -> events.flowSync("flow statistics", task));
        FlowStatsCollector old = collectors.put(conn.deviceId(), c);
        if (old != null) {
            old.stop();
        }
        if (automaticPolling) {
            c.start(scheduler, firstPoll, flowPollFrequency);
        }
    }

    /**
     * A switch went away: its collector stops; its rules stay in the store unless purgeOnDisconnection.
     *
     * @param conn the closed connection
     */
    public void switchDisconnected(SwitchConnection conn) {
        FlowStatsCollector c = collectors.get(conn.deviceId());
        if (c != null) {
            c.stop();
            collectors.remove(conn.deviceId(), c);
        }
        if (purgeOnDisconnection) {
            log.info("PurgeOnDisconnection is requested for device {}, removing flows", conn.deviceId());
            purgeFlowRules(conn.deviceId());
        }
    }

    /**
     * Polls a switch's flow statistics now (tests and tools).
     *
     * @param deviceId device
     * @return completes once the reply was reconciled with the store (fails if not connected)
     */
    public CompletableFuture<Void> pollNow(DeviceId deviceId) {
        FlowStatsCollector c = collectors.get(deviceId);
        if (c == null) {
            return CompletableFuture.failedFuture(new IllegalStateException(deviceId + " is not connected"));
        }
        return c.poll();
    }

    /**
     * One timer tick of a switch's collector (tests).
     *
     * @param deviceId device
     */
    public void tick(DeviceId deviceId) {
        FlowStatsCollector c = collectors.get(deviceId);
        if (c != null) {
            c.tick();
        }
    }

    /**
     * Deletes every rule of the store from the connected switches and forgets them (clean shutdown of
     * the runtime; no events), waiting (bounded) for the switches to confirm.
     *
     * @param timeoutMillis how long to wait for the barriers
     * @return number of rules deleted
     */
    public int removeAllInstalledRules(long timeoutMillis) {
        List<CompletableFuture<Void>> barriers = new ArrayList<>();
        int n = 0;
        for (Map.Entry<DeviceId, DeviceFlowTable> te : tables.entrySet()) {
            DeviceFlowTable t = te.getValue();
            SwitchConnection conn = switches.get(te.getKey());
            synchronized (t) {
                if (conn != null && !t.entries.isEmpty()) {
                    for (StoredEntry e : t.entries.values()) {
                        OFFlowMod del = deleteOf(e, conn.nextXid());
                        if (del != null) {
                            conn.send(del);
                        }
                    }
                    barriers.add(conn.barrier());
                }
                n += t.entries.size();
                t.entries.clear();
            }
        }
        try {
            CompletableFuture.allOf(barriers.toArray(new CompletableFuture<?>[0]))
                    .get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.warn("not every switch confirmed the removal of the rules: {}", rootMessage(e));
        }
        return n;
    }

    /** @return devices that have a flow table in the store */
    public Collection<DeviceId> devices() {
        return new ArrayList<>(tables.keySet());
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }
}
