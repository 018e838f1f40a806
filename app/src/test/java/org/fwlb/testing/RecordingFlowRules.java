package org.fwlb.testing;

import org.onosproject.core.ApplicationId;
import org.onosproject.net.DeviceId;
import org.onosproject.net.flow.DefaultFlowEntry;
import org.onosproject.net.flow.DefaultFlowRule;
import org.onosproject.net.flow.FlowEntry;
import org.onosproject.net.flow.FlowRule;
import org.onosproject.net.flow.FlowRuleEvent;
import org.onosproject.net.flow.FlowRuleListener;
import org.onosproject.net.flow.FlowRuleOperation;
import org.onosproject.net.flow.FlowRuleOperations;
import org.onosproject.net.flow.FlowRuleServiceAdapter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A flow rule service that records what it is asked to do, keeps a flow table per device (what ONOS's flow
 * store would hold) and completes batches on demand: at once (the default), or when the test confirms or fails
 * them, as a switch's barrier reply would. It also builds the events ONOS 2.7 posts (research note
 * docs/research/onos-2.7-semantics.md): RULE_REMOVED carries the stored entry in state PENDING_REMOVE with reason
 * NO_REASON; RULE_UPDATED carries the entry the switch reported (permanent, read back from the cookie).
 */
public class RecordingFlowRules extends FlowRuleServiceAdapter {

    /** Every batch, in order. */
    public final List<FlowRuleOperations> batches = new CopyOnWriteArrayList<>();
    /** Every rule added (batches and single calls), in order. */
    public final List<FlowRule> applied = new CopyOnWriteArrayList<>();
    /** Every rule removed (batches and single calls), in order. */
    public final List<FlowRule> removed = new CopyOnWriteArrayList<>();
    /** Whether batches complete as soon as they are applied. */
    public volatile boolean confirmAtOnce = true;
    /** Whether batches completing at once fail. */
    public volatile boolean failAtOnce;

    private final List<FlowRuleOperations> pending = new ArrayList<>();
    private final Map<List<Object>, FlowEntry> table = new LinkedHashMap<>();
    private final List<FlowRuleListener> listeners = new CopyOnWriteArrayList<>();

    private static List<Object> key(FlowRule r) {
        return Arrays.asList(r.deviceId(), r.id());
    }

    @Override
    public void apply(FlowRuleOperations ops) {
        batches.add(ops);
        synchronized (this) {
            for (Set<FlowRuleOperation> stage : ops.stages()) {
                for (FlowRuleOperation op : stage) {
                    if (op.type() == FlowRuleOperation.Type.REMOVE) {
                        removed.add(op.rule());
                        table.remove(key(op.rule()));
                    } else {
                        applied.add(op.rule());
                        table.put(key(op.rule()), new DefaultFlowEntry(op.rule()));
                    }
                }
            }
            pending.add(ops);
        }
        if (confirmAtOnce) {
            if (failAtOnce) {
                fail();
            } else {
                confirm();
            }
        }
    }

    /** @return batches applied and not completed yet */
    public synchronized int pendingBatches() {
        return pending.size();
    }

    /**
     * Completes every pending batch successfully (the switches' barrier replies).
     *
     * @return batches completed
     */
    public int confirm() {
        List<FlowRuleOperations> now;
        synchronized (this) {
            now = new ArrayList<>(pending);
            pending.clear();
        }
        for (FlowRuleOperations ops : now) {
            if (ops.callback() != null) {
                ops.callback().onSuccess(ops);
            }
        }
        return now.size();
    }

    /**
     * Fails every pending batch (a switch refused a rule); its rules leave the table.
     *
     * @return batches failed
     */
    public int fail() {
        List<FlowRuleOperations> now;
        synchronized (this) {
            now = new ArrayList<>(pending);
            pending.clear();
            for (FlowRuleOperations ops : now) {
                for (Set<FlowRuleOperation> stage : ops.stages()) {
                    for (FlowRuleOperation op : stage) {
                        table.remove(key(op.rule()));
                    }
                }
            }
        }
        for (FlowRuleOperations ops : now) {
            if (ops.callback() != null) {
                ops.callback().onError(ops);
            }
        }
        return now.size();
    }

    @Override
    public void applyFlowRules(FlowRule... rules) {
        synchronized (this) {
            for (FlowRule r : rules) {
                applied.add(r);
                table.put(key(r), new DefaultFlowEntry(r));
            }
        }
    }

    @Override
    public void removeFlowRules(FlowRule... rules) {
        synchronized (this) {
            for (FlowRule r : rules) {
                removed.add(r);
                table.remove(key(r));
            }
        }
    }

    @Override
    public synchronized void removeFlowRulesById(ApplicationId appId) {
        for (FlowEntry e : new ArrayList<>(table.values())) {
            if (e.appId() == appId.id()) {
                removed.add(e);
                table.remove(key(e));
            }
        }
    }

    @Override
    public synchronized FlowEntry getFlowEntry(FlowRule rule) {
        return table.get(key(rule));
    }

    @Override
    public synchronized Iterable<FlowEntry> getFlowEntries(DeviceId deviceId) {
        return table.values().stream().filter(e -> e.deviceId().equals(deviceId)).collect(Collectors.toList());
    }

    @Override
    public synchronized Iterable<FlowEntry> getFlowEntriesById(ApplicationId id) {
        return table.values().stream().filter(e -> e.appId() == id.id()).collect(Collectors.toList());
    }

    @Override
    public synchronized int getFlowRuleCount() {
        return table.size();
    }

    /**
     * Returns the rules in the table of a device.
     *
     * @param device device
     * @param filter which
     * @return rules
     */
    public synchronized List<FlowEntry> table(DeviceId device, Predicate<FlowRule> filter) {
        return table.values().stream().filter(e -> e.deviceId().equals(device) && filter.test(e))
                .collect(Collectors.toList());
    }

    /** @return every rule in every table */
    public synchronized List<FlowEntry> table() {
        return new ArrayList<>(table.values());
    }

    /**
     * After a controller restart with {@code importExtraneousRules}: the rules the switches still hold become
     * permanent entries of the store (application id from the cookie), and no event is posted.
     *
     * @param entries the entries to import, as the switch reports them
     */
    public synchronized void importRules(List<FlowEntry> entries) {
        for (FlowEntry e : entries) {
            table.put(key(e), e);
        }
    }

    /**
     * The entry a switch reports for a rule at a poll: same cookie, match, priority and treatment, permanent
     * (ONOS sends no idle timeout), with the given counters.
     *
     * @param r       the rule as installed
     * @param packets packet counter
     * @param lifeSec seconds on the switch
     * @return entry
     */
    public static FlowEntry polled(FlowRule r, long packets, long lifeSec) {
        FlowRule sw = DefaultFlowRule.builder().forDevice(r.deviceId()).withCookie(r.id().value())
                .withPriority(r.priority()).withSelector(r.selector()).withTreatment(r.treatment())
                .forTable(r.tableId()).makePermanent().build();
        return new DefaultFlowEntry(sw, FlowEntry.FlowEntryState.ADDED, lifeSec, TimeUnit.SECONDS, packets,
                                    packets * 64);
    }

    /**
     * RULE_REMOVED as ONOS 2.7 posts it for a rule whose idle timeout expired on the polled counters: the stored
     * entry (the app's rule, its timeout and treatment), state PENDING_REMOVE, reason NO_REASON.
     *
     * @param r       the rule as the application made it
     * @param packets last polled packet counter
     * @return event
     */
    public static FlowRuleEvent removedEvent(FlowRule r, long packets) {
        return new FlowRuleEvent(FlowRuleEvent.Type.RULE_REMOVED, new DefaultFlowEntry(
                r, FlowEntry.FlowEntryState.PENDING_REMOVE, 12, TimeUnit.SECONDS, packets, packets * 64));
    }

    /**
     * RULE_UPDATED as a poll posts it: the switch-built entry with its counters.
     *
     * @param r       the rule
     * @param packets counter
     * @return event
     */
    public static FlowRuleEvent updatedEvent(FlowRule r, long packets) {
        return new FlowRuleEvent(FlowRuleEvent.Type.RULE_UPDATED, polled(r, packets, 3));
    }

    @Override
    public void addListener(FlowRuleListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeListener(FlowRuleListener listener) {
        listeners.remove(listener);
    }

    /** @return listeners registered */
    public int listeners() {
        return listeners.size();
    }

    /**
     * Posts an event to the listeners (as the flow rule manager would); a RULE_REMOVED also takes the rule
     * out of the table.
     *
     * @param event event
     */
    public void post(FlowRuleEvent event) {
        if (event.type() == FlowRuleEvent.Type.RULE_REMOVED) {
            synchronized (this) {
                table.remove(key(event.subject()));
            }
        }
        for (FlowRuleListener l : listeners) {
            l.event(event);
        }
    }
}
