package org.fwlb.runtime.openflow.flow;

import org.fwlb.runtime.openflow.channel.SwitchConnection;
import org.onosproject.net.flow.DefaultFlowEntry;
import org.onosproject.net.flow.DefaultFlowRule;
import org.onosproject.net.flow.FlowEntry;
import org.onosproject.net.flow.FlowEntry.FlowEntryState;
import org.onosproject.net.flow.FlowRule;
import org.projectfloodlight.openflow.protocol.OFFlowStatsEntry;

import java.util.concurrent.TimeUnit;

/**
 * A rule an application owns, with its state and counters. Readers get {@link #view}, an immutable
 * snapshot rebuilt on every change (its lastSeen is the time of the change). Guarded by the
 * {@link DeviceFlowTable} it is in.
 */
final class StoredEntry {
    FlowModFactory.Translated translated;
    FlowEntryState state = FlowEntryState.PENDING_ADD;
    long packets;
    long bytes;
    long lifeSec;
    /** Connection epoch and sequence number of the last FLOW_MOD sent for it; epoch 0 = never sent. */
    long epoch;
    long lastSeq;
    long lastXid = -1;
    int errType = -1;
    int errCode = -1;
    FlowEntry view;

    StoredEntry(FlowModFactory.Translated t) {
        this.translated = t;
        refresh();
    }

    FlowRule rule() {
        return translated.rule;
    }

    void refresh() {
        view = state == FlowEntryState.FAILED
                ? new DefaultFlowEntry(rule(), errType, errCode)
                : new DefaultFlowEntry(rule(), state, lifeSec, TimeUnit.SECONDS, packets, bytes);
    }

    void counters(OFFlowStatsEntry s) {
        packets = s.getPacketCount().getValue();
        bytes = s.getByteCount().getValue();
        lifeSec = s.getDurationSec();
    }

    void sent(SwitchConnection c, long seq, long xid) {
        epoch = c.epoch();
        lastSeq = seq;
        lastXid = xid;
    }

    /** Whether a FLOW_MOD for it was sent on this connection after the given sequence number. */
    boolean sentAfter(SwitchConnection c, long seq) {
        return epoch == c.epoch() && lastSeq > seq;
    }

    /** The application's own rule, with the removal reason and the last known counters. */
    FlowEntry removed(FlowRule.FlowRemoveReason reason) {
        return removed(reason, packets, bytes, lifeSec);
    }

    /** The application's own rule (same id, selector, treatment, priority), with the removal reason and final counters. */
    FlowEntry removed(FlowRule.FlowRemoveReason reason, long finalPackets, long finalBytes, long finalLifeSec) {
        FlowRule r = rule();
        FlowRule.Builder b = DefaultFlowRule.builder()
                .forDevice(r.deviceId())
                .withSelector(r.selector())
                .withTreatment(r.treatment())
                .withPriority(r.priority())
                .forTable(r.table())
                .withCookie(r.id().value())
                .withHardTimeout(r.hardTimeout())
                .withReason(reason);
        if (r.isPermanent()) {
            b.makePermanent();
        } else {
            b.makeTemporary(r.timeout());
        }
        return new DefaultFlowEntry(b.build(), FlowEntryState.REMOVED, finalLifeSec, TimeUnit.SECONDS, finalPackets,
                finalBytes);
    }
}
