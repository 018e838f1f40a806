package org.fwlb.runtime.openflow.flow;

import org.onosproject.net.flow.DefaultFlowEntry;
import org.onosproject.net.flow.FlowEntry;
import org.onosproject.net.flow.FlowEntry.FlowEntryState;
import org.onosproject.net.flow.FlowId;
import org.onosproject.net.flow.FlowRule;
import org.onosproject.net.flow.TableId;
import org.onosproject.net.flow.TrafficSelector;
import org.projectfloodlight.openflow.protocol.OFFlowStatsEntry;

import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * One entry of the flow rule store (ONOS's {@code StoredFlowEntry}): the rule, its state and the
 * counters of the last statistics poll that found it alive. Readers get {@link #view}, an immutable
 * {@link DefaultFlowEntry} snapshot rebuilt on every change. Guarded by its {@link DeviceFlowTable}.
 */
final class StoredEntry {
    /** The application's rule (for an imported rule: the rule rebuilt from the switch). */
    final FlowRule rule;
    /** Its FLOW_MOD form; null only for an imported rule that cannot be put back on the wire. */
    final FlowModFactory.Translated translated;
    /** Imported rule: the flow as the switch reported it (used when {@link #translated} is null). */
    final OFFlowStatsEntry raw;
    final Key key;
    FlowEntryState state;
    long packets;
    long bytes;
    long lifeSec;
    /** ONOS's {@code FlowEntry.lastSeen()} on the runtime's clock: creation, then every stats update. */
    long lastSeenMs;
    FlowEntry view;

    StoredEntry(FlowRule rule, FlowModFactory.Translated translated, OFFlowStatsEntry raw, FlowEntryState state,
                long nowMs) {
        this.rule = rule;
        this.translated = translated;
        this.raw = raw;
        this.key = Key.of(rule);
        this.state = state;
        this.lastSeenMs = nowMs;
        refresh();
    }

    void refresh() {
        view = new DefaultFlowEntry(rule, state, lifeSec, TimeUnit.SECONDS, packets, bytes);
    }

    /**
     * FlowEntry equality as ONOS defines it ({@code DefaultFlowRule.equals}: device, priority, selector,
     * table — the device is implied by the table the key is used in). FlowId is not part of it.
     */
    static final class Eq {
        final int priority;
        final TrafficSelector selector;
        final TableId table;
        private final int hash;

        Eq(int priority, TrafficSelector selector, TableId table) {
            this.priority = priority;
            this.selector = selector;
            this.table = table;
            this.hash = Objects.hash(selector, table);
        }

        static Eq of(FlowRule r) {
            return new Eq(r.priority(), r.selector(), r.table());
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Eq)) {
                return false;
            }
            Eq e = (Eq) o;
            return priority == e.priority && Objects.equals(selector, e.selector) && Objects.equals(table, e.table);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    /** The store's lookup ({@code getFlowEntry}): FlowId bucket, then FlowEntry equality. */
    static final class Key {
        final FlowId id;
        final Eq eq;

        Key(FlowId id, Eq eq) {
            this.id = id;
            this.eq = eq;
        }

        static Key of(FlowRule r) {
            return new Key(r.id(), Eq.of(r));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key && ((Key) o).id.equals(id) && ((Key) o).eq.equals(eq);
        }

        @Override
        public int hashCode() {
            return 31 * id.hashCode() + eq.hashCode();
        }
    }
}
