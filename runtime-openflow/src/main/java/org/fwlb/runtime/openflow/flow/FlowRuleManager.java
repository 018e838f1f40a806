package org.fwlb.runtime.openflow.flow;

import org.fwlb.runtime.openflow.EventDispatcher;
import org.fwlb.runtime.openflow.OpenFlowOptions;
import org.fwlb.runtime.openflow.Unsupported;
import org.fwlb.runtime.openflow.channel.Messages;
import org.fwlb.runtime.openflow.channel.SwitchConnection;
import org.fwlb.runtime.openflow.channel.Switches;
import org.fwlb.runtime.openflow.flow.FlowModFactory.Translated;
import org.fwlb.runtime.openflow.translate.UnsupportedFlowFeatureException;
import org.onosproject.core.ApplicationId;
import org.onosproject.event.ListenerRegistry;
import org.onosproject.net.DeviceId;
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
import org.projectfloodlight.openflow.protocol.OFErrorMsg;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowAdd;
import org.projectfloodlight.openflow.protocol.OFFlowMod;
import org.projectfloodlight.openflow.protocol.OFFlowRemoved;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.ver13.OFErrorTypeSerializerVer13;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * {@link FlowRuleService} over OpenFlow 1.3 with ONOS semantics: a store of the rules the
 * applications asked for (state PENDING_ADD until a flow-statistics reply shows the rule, then
 * ADDED with live counters), FLOW_MODs with the flow id as cookie and SEND_FLOW_REM, staged
 * operations confirmed by BARRIER_REPLY, RULE_REMOVED on FLOW_REMOVED, and resynchronisation on
 * (re)connect: missing rules re-installed, rules nobody owns adopted during a grace period, then
 * deleted if their cookie is non-zero.
 *
 * <p>Locking: each device's table is its own monitor; FLOW_MODs for a device are sent while holding
 * it, so a rule's recorded sequence number orders it against statistics requests (see
 * {@link SwitchConnection}).
 */
public final class FlowRuleManager implements FlowRuleService {
    private static final Logger log = LoggerFactory.getLogger(FlowRuleManager.class);
    private static final long BARRIER_TIMEOUT_SECONDS = 30;

    private final Switches switches;
    private final EventDispatcher events;
    private final OpenFlowOptions options;
    private final OFFactory factory = OFFactories.getFactory(OFVersion.OF_13);
    private final ListenerRegistry<FlowRuleEvent, FlowRuleListener> listeners = new ListenerRegistry<>();
    private final Map<DeviceId, DeviceFlowTable> tables = new ConcurrentHashMap<>();
    private final FlowTableSync tableSync;

    public FlowRuleManager(Switches switches, EventDispatcher events, OpenFlowOptions options) {
        this.switches = switches;
        this.events = events;
        this.options = options;
        this.tableSync = new FlowTableSync(options, this::table, this::post);
    }

    // ---------------------------------------------------------------- store

    private DeviceFlowTable table(DeviceId id) {
        return tables.computeIfAbsent(id, d -> new DeviceFlowTable());
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
        events.post(listeners, new FlowRuleEvent(type, subject));
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
        DeviceFlowTable t = tables.get(rule.deviceId());
        if (t == null) {
            return null;
        }
        synchronized (t) {
            StoredEntry e = t.entries.get(rule.id());
            if (e != null) {
                return e.view;
            }
            Orphan o = t.orphans.get(rule.id().value());
            return o == null ? null : o.view;
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
            t.orphans.values().forEach(o -> addIfPresent(out, o.view));
            t.foreign.values().forEach(o -> addIfPresent(out, o.view));
        }
        return out;
    }

    private static void addIfPresent(List<FlowEntry> out, FlowEntry e) {
        if (e != null) {
            out.add(e);
        }
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

    @Override
    public void purgeFlowRules(DeviceId deviceId) {
        DeviceFlowTable t = tables.get(deviceId);
        if (t != null) {
            synchronized (t) {
                t.entries.clear();
                t.orphans.clear();
                t.foreign.clear();
            }
        }
    }

    @Override
    public void purgeFlowRules(DeviceId deviceId, ApplicationId appId) {
        DeviceFlowTable t = tables.get(deviceId);
        if (t != null) {
            synchronized (t) {
                t.entries.values().removeIf(e -> e.rule().appId() == appId.id());
                t.orphans.values().removeIf(o -> o.view != null && o.view.appId() == appId.id());
            }
        }
    }

    // ---------------------------------------------------------------- operations

    @Override
    public void applyFlowRules(FlowRule... flowRules) {
        submit("FlowRuleService.applyFlowRules", FlowRuleOperation.Type.ADD, flowRules);
    }

    @Override
    public void removeFlowRules(FlowRule... flowRules) {
        submit("FlowRuleService.removeFlowRules", FlowRuleOperation.Type.REMOVE, flowRules);
    }

    private void submit(String method, FlowRuleOperation.Type type, FlowRule... rules) {
        Objects.requireNonNull(rules, "flowRules");
        FlowRuleOperations.Builder b = FlowRuleOperations.builder();
        for (FlowRule r : rules) {
            Objects.requireNonNull(r, "flow rule");
            if (type == FlowRuleOperation.Type.ADD) {
                b.add(r);
            } else {
                b.remove(r);
            }
        }
        FlowRuleOperations ops = b.build();
        List<List<Translated>> stages;
        try {
            stages = translate(ops);
        } catch (UnsupportedFlowFeatureException e) {
            log.warn("{} refused: {}", method, e.getMessage());
            throw e;
        }
        new Batch(ops, stages).start();
    }

    @Override
    public void apply(FlowRuleOperations ops) {
        Objects.requireNonNull(ops, "operations");
        List<List<Translated>> stages;
        try {
            stages = translate(ops);
        } catch (UnsupportedFlowFeatureException e) {
            log.error("FlowRuleService.apply refused the whole batch, nothing changed: {}", e.getMessage());
            if (ops.callback() != null) {
                events.run("FlowRuleOperationsContext.onError", () -> ops.callback().onError(ops));
            }
            return;
        }
        new Batch(ops, stages).start();
    }

    @Override
    public void removeFlowRulesById(ApplicationId appId) {
        List<FlowRule> rules = new ArrayList<>();
        getFlowEntriesById(appId).forEach(rules::add);
        if (!rules.isEmpty()) {
            removeFlowRules(rules.toArray(new FlowRule[0]));
        }
    }

    /** Operation types kept per stage entry. */
    private static final class Op {
        final FlowRuleOperation.Type type;
        final Translated translated;

        Op(FlowRuleOperation.Type type, Translated translated) {
            this.type = type;
            this.translated = translated;
        }
    }

    private List<List<Translated>> translate(FlowRuleOperations ops) {
        List<List<Translated>> stages = new ArrayList<>();
        for (Set<FlowRuleOperation> stage : ops.stages()) {
            List<Translated> list = new ArrayList<>(stage.size());
            for (FlowRuleOperation op : stage) {
                FlowRule r = op.rule();
                Objects.requireNonNull(r.deviceId(), "flow rule without a device: " + r);
                try {
                    list.add(FlowModFactory.translate(factory, r));
                } catch (UnsupportedFlowFeatureException e) {
                    throw new UnsupportedFlowFeatureException(op.type() + " of rule " + r.id() + " on " + r.deviceId()
                            + ": " + e.getMessage());
                }
            }
            stages.add(list);
        }
        return stages;
    }

    /** One FlowRuleOperations in execution: stage after stage, each confirmed by barriers. */
    final class Batch {
        final FlowRuleOperations ops;
        final List<List<Op>> stages = new ArrayList<>();
        volatile String failure;
        /** Whether a switch rejected something (rather than only being disconnected). */
        volatile boolean rejected;

        Batch(FlowRuleOperations ops, List<List<Translated>> translated) {
            this.ops = ops;
            int i = 0;
            for (Set<FlowRuleOperation> stage : ops.stages()) {
                List<Op> list = new ArrayList<>();
                int j = 0;
                for (FlowRuleOperation op : stage) {
                    list.add(new Op(op.type(), translated.get(i).get(j++)));
                }
                stages.add(list);
                i++;
            }
        }

        void fail(String why) {
            if (failure == null) {
                failure = why;
            }
        }

        void start() {
            runStage(0);
        }

        private void runStage(int index) {
            if (index >= stages.size()) {
                finish();
                return;
            }
            Map<DeviceId, List<Op>> byDevice = new LinkedHashMap<>();
            for (Op op : stages.get(index)) {
                byDevice.computeIfAbsent(op.translated.rule.deviceId(), d -> new ArrayList<>()).add(op);
            }
            List<CompletableFuture<Void>> barriers = new ArrayList<>();
            for (Map.Entry<DeviceId, List<Op>> e : byDevice.entrySet()) {
                CompletableFuture<Void> b = execute(this, e.getKey(), e.getValue());
                if (b != null) {
                    barriers.add(b);
                }
            }
            CompletableFuture.allOf(barriers.toArray(new CompletableFuture<?>[0])).whenComplete((v, err) -> {
                if (failure != null) {
                    finish();
                } else {
                    runStage(index + 1);
                }
            });
        }

        private void finish() {
            if (failure != null && (rejected || ops.callback() != null)) {
                log.warn("flow rule operations failed: {}", failure);
            } else if (failure != null) {
                log.debug("flow rule operations deferred: {}", failure);
            }
            if (ops.callback() == null) {
                return;
            }
            if (failure == null) {
                events.run("FlowRuleOperationsContext.onSuccess", () -> ops.callback().onSuccess(ops));
            } else {
                events.run("FlowRuleOperationsContext.onError", () -> ops.callback().onError(ops));
            }
        }
    }

    /**
     * Records a device's share of a stage in the store and sends its FLOW_MODs and a barrier.
     *
     * @return completes when the barrier is answered; null if nothing was sent
     */
    private CompletableFuture<Void> execute(Batch batch, DeviceId deviceId, List<Op> ops) {
        DeviceFlowTable t = table(deviceId);
        SwitchConnection conn = switches.get(deviceId);
        List<Long> xids = new ArrayList<>();
        List<StoredEntry> removals = new ArrayList<>();
        CompletableFuture<Void> barrier;
        long barrierSeq;
        synchronized (t) {
            for (Op op : ops) {
                if (op.type == FlowRuleOperation.Type.REMOVE) {
                    StoredEntry e = recordRemove(t, conn, op.translated, xids, batch);
                    if (e != null) {
                        removals.add(e);
                    }
                } else {
                    recordAdd(t, conn, op.translated, xids, batch);
                }
            }
            if (conn == null) {
                batch.fail(deviceId + " is not connected; " + ops.size()
                        + " operation(s) stay in the store and are applied when it connects");
                return null;
            }
            barrierSeq = conn.nextSeq();
            // a switch that answers echoes but never this barrier must not hang the batch forever
            barrier = conn.barrier().orTimeout(BARRIER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        return barrier.handle((v, err) -> {
            if (err != null) {
                batch.fail(deviceId + ": " + rootMessage(err));
            }
            synchronized (t) {
                xids.forEach(t.pendingMods::remove);
                if (err == null) {
                    // a DELETE_STRICT the switch processed without a FLOW_REMOVED: the rule was already gone
                    for (StoredEntry e : removals) {
                        if (t.entries.get(e.rule().id()) == e && e.state == FlowEntryState.PENDING_REMOVE
                                && e.epoch == conn.epoch() && e.lastSeq < barrierSeq) {
                            t.entries.remove(e.rule().id());
                            post(FlowRuleEvent.Type.RULE_REMOVED, e.removed(FlowRule.FlowRemoveReason.DELETE));
                        }
                    }
                }
            }
            return null;
        });
    }

    private void recordAdd(DeviceFlowTable t, SwitchConnection conn, Translated tr, List<Long> xids, Batch batch) {
        FlowId id = tr.rule.id();
        StoredEntry e = t.entries.get(id);
        boolean send = true;
        if (e == null) {
            e = new StoredEntry(tr);
            Orphan o = t.orphans.remove(id.value());
            if (o != null) {
                // adoption: the rule survived a restart of the runtime; keep its counters
                e.counters(o.stats);
                if (conn != null && FlowModFactory.sameFlow(tr, o.stats)) {
                    e.state = FlowEntryState.ADDED;
                    e.epoch = conn.epoch();
                    e.lastSeq = 0;
                    send = false;
                    log.debug("{}: adopted rule {} found on the switch", tr.rule.deviceId(), id);
                }
            }
            t.entries.put(id, e);
        } else {
            boolean unchanged = e.rule().exactMatch(tr.rule) && e.rule().timeout() == tr.rule.timeout()
                    && e.rule().hardTimeout() == tr.rule.hardTimeout()
                    && Objects.equals(e.rule().treatment(), tr.rule.treatment());
            e.translated = tr;
            if (!(unchanged && e.state == FlowEntryState.ADDED)) {
                e.state = FlowEntryState.PENDING_ADD;
            }
            e.errType = -1;
            e.errCode = -1;
        }
        e.refresh();
        post(FlowRuleEvent.Type.RULE_ADD_REQUESTED, e.view);
        if (conn != null && send) {
            long xid = conn.nextXid();
            long seq = conn.send(FlowModFactory.add(factory, xid, tr));
            e.sent(conn, seq, xid);
            t.pendingMods.put(xid, batch);
            xids.add(xid);
        }
    }

    private StoredEntry recordRemove(DeviceFlowTable t, SwitchConnection conn, Translated tr, List<Long> xids, Batch batch) {
        FlowId id = tr.rule.id();
        StoredEntry e = t.entries.get(id);
        Orphan o = e == null ? t.orphans.remove(id.value()) : null;
        if (e != null) {
            e.state = FlowEntryState.PENDING_REMOVE;
            e.refresh();
            post(FlowRuleEvent.Type.RULE_REMOVE_REQUESTED, e.view);
        } else if (o != null && o.view != null) {
            post(FlowRuleEvent.Type.RULE_REMOVED, o.view);
        }
        if (conn == null) {
            return null;
        }
        long xid = conn.nextXid();
        OFFlowMod del = o != null ? FlowModFactory.deleteStrict(factory, xid, o.stats)
                : FlowModFactory.deleteStrict(factory, xid, tr);
        long seq = conn.send(del);
        t.pendingMods.put(xid, batch);
        xids.add(xid);
        if (e != null) {
            e.sent(conn, seq, xid);
        }
        return e;
    }

    // ---------------------------------------------------------------- messages from switches

    /**
     * A switch rejected a message; if it was a FLOW_MOD, the rule fails and so does its batch.
     *
     * @param conn    switch
     * @param error   error
     * @param request the rejected message, if remembered
     */
    public void switchError(SwitchConnection conn, OFErrorMsg error, OFMessage request) {
        DeviceFlowTable t = tables.get(conn.deviceId());
        if (t == null) {
            return;
        }
        synchronized (t) {
            Batch b = t.pendingMods.get(error.getXid());
            if (b != null) {
                b.rejected = true;
                b.fail(conn.deviceId() + " rejected " + (request == null ? "a FLOW_MOD" : Messages.describe(request))
                        + ": " + Messages.describeError(error));
            }
            if (request instanceof OFFlowAdd) {
                StoredEntry e = t.entries.get(FlowId.valueOf(((OFFlowAdd) request).getCookie().getValue()));
                if (e != null && e.lastXid == error.getXid()) {
                    e.state = FlowEntryState.FAILED;
                    e.errType = OFErrorTypeSerializerVer13.toWireValue(error.getErrType());
                    e.errCode = -1;
                    e.refresh();
                }
            }
        }
    }

    /**
     * A FLOW_REMOVED: the rule left the switch (idle/hard timeout, deletion, meter deletion ...).
     *
     * @param conn switch
     * @param msg  message
     */
    public void flowRemoved(SwitchConnection conn, OFFlowRemoved msg) {
        conn.counters().flowRemoved();
        DeviceFlowTable t = table(conn.deviceId());
        long cookie = msg.getCookie().getValue();
        synchronized (t) {
            StoredEntry e = t.entries.get(FlowId.valueOf(cookie));
            if (e == null) {
                Orphan o = t.orphans.remove(cookie);
                if (o != null) {
                    log.debug("{}: unowned rule 0x{} left the switch ({})", conn.deviceId(), Long.toHexString(cookie),
                            msg.getReason());
                }
                return;
            }
            if (e.rule().priority() != msg.getPriority() || e.rule().tableId() != msg.getTableId().getValue()) {
                return;
            }
            if (e.state != FlowEntryState.PENDING_REMOVE && e.epoch == conn.epoch() && e.lastSeq > conn.processedSeq()) {
                // We re-sent this rule after the switch removed its previous instance: the FLOW_MOD in
                // flight re-creates it, so the rule lives on.
                log.debug("{}: FLOW_REMOVED for rule {} overtaken by its re-installation", conn.deviceId(), e.rule().id());
                return;
            }
            t.entries.remove(e.rule().id());
            post(FlowRuleEvent.Type.RULE_REMOVED, e.removed(reason(msg), msg.getPacketCount().getValue(),
                    msg.getByteCount().getValue(), msg.getDurationSec()));
        }
    }

    private static FlowRule.FlowRemoveReason reason(OFFlowRemoved msg) {
        switch (msg.getReason()) {
            case IDLE_TIMEOUT:
                return FlowRule.FlowRemoveReason.IDLE_TIMEOUT;
            case HARD_TIMEOUT:
                return FlowRule.FlowRemoveReason.HARD_TIMEOUT;
            case DELETE:
                return FlowRule.FlowRemoveReason.DELETE;
            case GROUP_DELETE:
                return FlowRule.FlowRemoveReason.GROUP_DELETE;
            case METER_DELETE:
                return FlowRule.FlowRemoveReason.METER_DELETE;
            case EVICTION:
                return FlowRule.FlowRemoveReason.EVICTION;
            default:
                return FlowRule.FlowRemoveReason.NO_REASON;
        }
    }

    /**
     * First contact with a (re)connected switch: reads its flow table and reconciles the store with it.
     *
     * @param conn switch
     * @return completes when reconciled (never fails)
     */
    public CompletableFuture<Void> sync(SwitchConnection conn) {
        return tableSync.sync(conn);
    }

    /**
     * Periodic flow statistics of one switch.
     *
     * @param conn switch
     */
    public void poll(SwitchConnection conn) {
        tableSync.poll(conn);
    }

    /**
     * A switch went away: its rules stay in the store (re-installed on reconnect); what was found on
     * it is forgotten (found again on reconnect).
     *
     * @param conn the closed connection
     */
    public void switchDisconnected(SwitchConnection conn) {
        tableSync.switchDisconnected(conn);
    }

    /**
     * Deletes every rule the applications installed from the connected switches and waits for the
     * switches to confirm (bounded).
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
            List<FlowEntry> removed = new ArrayList<>();
            synchronized (t) {
                for (StoredEntry e : t.entries.values()) {
                    if (conn != null) {
                        conn.send(FlowModFactory.deleteStrict(factory, conn.nextXid(), e.translated));
                    }
                    removed.add(e.removed(FlowRule.FlowRemoveReason.DELETE));
                }
                t.entries.clear();
                if (conn != null && !removed.isEmpty()) {
                    barriers.add(conn.barrier());
                }
            }
            n += removed.size();
            removed.forEach(r -> post(FlowRuleEvent.Type.RULE_REMOVED, r));
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
