package org.fwlb.runtime.openflow.flow;

import org.fwlb.runtime.openflow.OpenFlowOptions;
import org.fwlb.runtime.openflow.channel.SwitchConnection;
import org.fwlb.runtime.openflow.translate.MatchTranslator;
import org.fwlb.runtime.openflow.translate.TreatmentTranslator;
import org.onosproject.net.DeviceId;
import org.onosproject.net.flow.DefaultFlowEntry;
import org.onosproject.net.flow.DefaultFlowRule;
import org.onosproject.net.flow.FlowEntry;
import org.onosproject.net.flow.FlowEntry.FlowEntryState;
import org.onosproject.net.flow.FlowId;
import org.onosproject.net.flow.FlowRule;
import org.onosproject.net.flow.FlowRuleEvent;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowStatsEntry;
import org.projectfloodlight.openflow.protocol.OFFlowStatsReply;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.OFGroup;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Keeps the store and a switch's flow table in step, from complete FLOW statistics snapshots: at
 * connect (missing rules re-installed, changed ones rewritten, withdrawn ones deleted, unowned ones
 * kept for adoption) and periodically (PENDING_ADD to ADDED, live counters, RULE_UPDATED, stale
 * unowned rules deleted after the grace period).
 *
 * <p>A snapshot answers a request with sequence number s: it shows every FLOW_MOD sent before s and
 * none sent after, so rules with a FLOW_MOD in flight are left alone. Replies are handled on the
 * switch's event loop, in order with FLOW_REMOVED messages.
 */
final class FlowTableSync {
    private static final Logger log = LoggerFactory.getLogger(FlowTableSync.class);

    private final OpenFlowOptions options;
    private final Function<DeviceId, DeviceFlowTable> tables;
    private final BiConsumer<FlowRuleEvent.Type, FlowRule> post;
    private final OFFactory factory = OFFactories.getFactory(OFVersion.OF_13);

    FlowTableSync(OpenFlowOptions options, Function<DeviceId, DeviceFlowTable> tables,
                  BiConsumer<FlowRuleEvent.Type, FlowRule> post) {
        this.options = options;
        this.tables = tables;
        this.post = post;
    }

    /**
     * First contact with a (re)connected switch: reads its flow table and reconciles the store with it.
     *
     * @param conn switch
     * @return completes when reconciled (never fails: a failed read is logged and reconciled on the next poll)
     */
    public CompletableFuture<Void> sync(SwitchConnection conn) {
        DeviceFlowTable t = tables.apply(conn.deviceId());
        synchronized (t) {
            t.orphans.clear();
            t.foreign.clear();
        }
        return readFlows(conn).exceptionally(e -> {
            log.warn("{}: could not read the flow table at connect: {}", conn.deviceId(), FlowRuleManager.rootMessage(e));
            return null;
        });
    }

    /**
     * Periodic flow statistics of one switch (skipped while the previous poll is unanswered).
     *
     * @param conn switch
     */
    public void poll(SwitchConnection conn) {
        DeviceFlowTable t = tables.apply(conn.deviceId());
        synchronized (t) {
            if (t.pollInFlight) {
                return;
            }
            t.pollInFlight = true;
        }
        readFlows(conn).whenComplete((v, e) -> {
            synchronized (t) {
                t.pollInFlight = false;
            }
            if (e != null) {
                log.debug("{}: flow statistics failed: {}", conn.deviceId(), FlowRuleManager.rootMessage(e));
            }
        });
    }

    private CompletableFuture<Void> readFlows(SwitchConnection conn) {
        DeviceFlowTable t = tables.apply(conn.deviceId());
        long seq;
        CompletableFuture<List<OFFlowStatsReply>> replies;
        synchronized (t) {
            seq = conn.nextSeq();
            replies = conn.stats(factory.buildFlowStatsRequest()
                    .setXid(conn.nextXid())
                    .setTableId(TableId.ALL)
                    .setOutPort(OFPort.ANY)
                    .setOutGroup(OFGroup.ANY)
                    .setCookie(U64.ZERO)
                    .setCookieMask(U64.ZERO)
                    .setMatch(factory.buildMatch().build())
                    .build());
        }
        return replies.thenAccept(list -> {
            List<OFFlowStatsEntry> flows = new ArrayList<>();
            list.forEach(r -> flows.addAll(r.getEntries()));
            reconcile(conn, t, seq, flows);
        });
    }

    /**
     * Brings the store in line with a complete snapshot of a switch's flow table, taken when the
     * switch had processed every message before {@code requestSeq}.
     */
    private void reconcile(SwitchConnection conn, DeviceFlowTable t, long requestSeq, List<OFFlowStatsEntry> flows) {
        long now = System.currentTimeMillis();
        boolean inGrace = now - conn.connectedAtMillis() < options.adoptionGrace().toMillis();
        List<Long> xids = new ArrayList<>();
        synchronized (t) {
            if (!conn.isActive()) {
                return;
            }
            Set<FlowId> present = new HashSet<>();
            Map<Long, Orphan> orphans = new LinkedHashMap<>();
            Map<Object, Orphan> foreign = new LinkedHashMap<>();
            for (OFFlowStatsEntry s : flows) {
                long cookie = s.getCookie().getValue();
                FlowId id = FlowId.valueOf(cookie);
                StoredEntry e = t.entries.get(id);
                if (e != null && e.rule().priority() == s.getPriority() && e.rule().tableId() == s.getTableId().getValue()) {
                    present.add(id);
                    onPresent(conn, t, e, s, requestSeq, xids);
                } else if (cookie == 0) {
                    foreign.put(List.of(s.getTableId().getValue(), s.getPriority(), FlowModFactory.oxms(s.getMatch())),
                            new Orphan(s, rebuild(conn, s)));
                } else if (inGrace) {
                    orphans.put(cookie, new Orphan(s, rebuild(conn, s)));
                } else {
                    log.info("{}: deleting stale rule cookie=0x{} priority={} (nobody adopted it within {} s)",
                            conn.deviceId(), Long.toHexString(cookie), s.getPriority(),
                            options.adoptionGrace().toSeconds());
                    long xid = conn.nextXid();
                    conn.send(FlowModFactory.deleteStrict(factory, xid, s));
                    xids.add(xid);
                }
            }
            t.orphans.clear();
            t.orphans.putAll(orphans);
            t.foreign.clear();
            t.foreign.putAll(foreign);
            for (StoredEntry e : new ArrayList<>(t.entries.values())) {
                if (!present.contains(e.rule().id())) {
                    onAbsent(conn, t, e, requestSeq, xids);
                }
            }
        }
        if (!xids.isEmpty()) {
            conn.barrier().whenComplete((v, err) -> {
                if (err != null) {
                    log.debug("{}: barrier after resync failed: {}", conn.deviceId(), FlowRuleManager.rootMessage(err));
                }
            });
        }
    }

    private void onPresent(SwitchConnection conn, DeviceFlowTable t, StoredEntry e, OFFlowStatsEntry s, long requestSeq,
                           List<Long> xids) {
        if (e.sentAfter(conn, requestSeq)) {
            return; // a newer FLOW_MOD is in flight; this snapshot predates it
        }
        switch (e.state) {
            case PENDING_REMOVE:
                sendDelete(conn, e, xids);
                return;
            case FAILED:
                return;
            default:
                break;
        }
        if (e.epoch != conn.epoch() && !FlowModFactory.sameFlow(e.translated, s)) {
            // installed before this connection, and the switch holds something else under its id
            e.counters(s);
            sendAdd(conn, t, e, xids);
            return;
        }
        if (e.epoch != conn.epoch()) {
            e.epoch = conn.epoch();
            e.lastSeq = 0;
        }
        boolean wasPending = e.state == FlowEntryState.PENDING_ADD;
        e.counters(s);
        e.state = FlowEntryState.ADDED;
        e.refresh();
        post.accept(wasPending ? FlowRuleEvent.Type.RULE_ADDED : FlowRuleEvent.Type.RULE_UPDATED, e.view);
    }

    private void onAbsent(SwitchConnection conn, DeviceFlowTable t, StoredEntry e, long requestSeq, List<Long> xids) {
        if (e.sentAfter(conn, requestSeq)) {
            return;
        }
        switch (e.state) {
            case PENDING_REMOVE:
                t.entries.remove(e.rule().id());
                post.accept(FlowRuleEvent.Type.RULE_REMOVED, e.removed(FlowRule.FlowRemoveReason.DELETE));
                return;
            case FAILED:
                return;
            default:
                if (e.epoch == conn.epoch()) {
                    log.info("{}: re-installing rule {} (priority {}) missing from the switch", conn.deviceId(),
                            e.rule().id(), e.rule().priority());
                }
                sendAdd(conn, t, e, xids);
        }
    }

    private void sendAdd(SwitchConnection conn, DeviceFlowTable t, StoredEntry e, List<Long> xids) {
        long xid = conn.nextXid();
        long seq = conn.send(FlowModFactory.add(factory, xid, e.translated));
        e.sent(conn, seq, xid);
        e.state = FlowEntryState.PENDING_ADD;
        e.refresh();
        xids.add(xid);
    }

    private void sendDelete(SwitchConnection conn, StoredEntry e, List<Long> xids) {
        long xid = conn.nextXid();
        long seq = conn.send(FlowModFactory.deleteStrict(factory, xid, e.translated));
        e.sent(conn, seq, xid);
        xids.add(xid);
    }

    /** FlowEntry of a rule found on a switch, or null if ONOS cannot express it. */
    private FlowEntry rebuild(SwitchConnection conn, OFFlowStatsEntry s) {
        try {
            FlowRule.Builder b = DefaultFlowRule.builder()
                    .forDevice(conn.deviceId())
                    .withSelector(MatchTranslator.toSelector(s.getMatch()))
                    .withTreatment(TreatmentTranslator.toTreatment(s.getInstructions()))
                    .withPriority(s.getPriority())
                    .forTable(s.getTableId().getValue())
                    .withCookie(s.getCookie().getValue())
                    .withHardTimeout(s.getHardTimeout());
            if (s.getIdleTimeout() == 0 && s.getHardTimeout() == 0) {
                b.makePermanent();
            } else {
                b.makeTemporary(s.getIdleTimeout());
            }
            return new DefaultFlowEntry(b.build(), FlowEntryState.ADDED, s.getDurationSec(), TimeUnit.SECONDS,
                    s.getPacketCount().getValue(), s.getByteCount().getValue());
        } catch (IllegalArgumentException | NullPointerException e) {
            log.debug("{}: rule cookie=0x{} on the switch has no ONOS form: {}", conn.deviceId(),
                    Long.toHexString(s.getCookie().getValue()), e.getMessage());
            return null;
        }
    }

    /**
     * A switch went away: its rules stay in the store (re-installed on reconnect); what was found on
     * it is forgotten (found again on reconnect).
     *
     * @param conn the closed connection
     */
    public void switchDisconnected(SwitchConnection conn) {
        DeviceFlowTable t = tables.apply(conn.deviceId());
        if (t != null) {
            synchronized (t) {
                t.orphans.clear();
                t.foreign.clear();
                t.pollInFlight = false;
            }
        }
    }
}
