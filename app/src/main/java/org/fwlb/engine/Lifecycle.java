package org.fwlb.engine;

import org.fwlb.model.ConnectionEntry;
import org.fwlb.model.ConnectionKey;
import org.fwlb.model.Dispatcher;
import org.fwlb.model.DispatchMode;
import org.fwlb.model.FlowKey;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.TcpState;
import org.fwlb.model.TrafficClass;
import org.fwlb.model.VirtualService;
import org.onlab.packet.IPv4;
import org.onosproject.net.flow.FlowEntry;
import org.onosproject.net.flow.FlowRule;
import org.slf4j.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.slf4j.LoggerFactory.getLogger;

/**
 * The end of connections, as ONOS reports it: a per-connection rule removed by the core (its idle timeout
 * expired on the polled counters: RULE_REMOVED, reason NO_REASON) ends its connection, whose other rules and entry
 * go too; removals this instance asked for are not ends. Members going down, owners detaching and the operator end
 * connections as well. Polled counters also tell when a half-open connection's client answered (established),
 * and which rules no connection owns: those the core imported after a controller restart are adopted.
 */
public final class Lifecycle {

    private final Logger log = getLogger(getClass());

    private final EngineContext ctx;
    private final Adoption adoption;
    /** Connections whose imported rules were seen and wait for adoption. */
    private final Set<ConnectionKey> toAdopt = ConcurrentHashMap.newKeySet();

    /**
     * Creates the life cycle.
     *
     * @param ctx engine context
     */
    public Lifecycle(EngineContext ctx) {
        this.ctx = ctx;
        this.adoption = new Adoption(ctx);
    }

    /**
     * A rule left the flow rule store (RULE_REMOVED).
     *
     * @param plan      plan in force
     * @param r         the removed rule (ONOS: the stored entry)
     * @param eventTime when the core posted the removal ({@code FlowRuleEvent.time()})
     */
    public void onRuleRemoved(EnginePlan plan, FlowRule r, long eventTime) {
        if (r.priority() == Priorities.HOLD) {
            if (ours(r)) {
                ctx.holds.updateAndGet(n -> Math.max(0, n - 1));
            }
            return;
        }
        if (!Priorities.isPinned(r.priority()) || !ours(r) || ctx.removedByUs(r.id())) {
            return;
        }
        Optional<ConnectionKey> key = PathRules.connectionKeyOf(r);
        if (!key.isPresent()) {
            return;
        }
        ConnectionEntry e = ctx.connections.get(key.get());
        if (e == null || eventTime < e.createdMillis() || ctx.beforeReopening(e.key(), eventTime)
                || !isRuleOf(plan, e, r)) {
            // already ended, or a rule of an earlier connection on the 5-tuple: its removal was posted before this
            // connection was pinned (a reused client port through the same member has the very same rules)
            return;
        }
        log.debug("{} ends: rule {} on {} removed", e.key(), r.id(), r.deviceId());
        end(plan, e);
    }

    /** Whether a rule is exactly one of a connection's current rules (id and treatment). */
    private boolean isRuleOf(EnginePlan plan, ConnectionEntry e, FlowRule r) {
        FwlbTopology t = plan.topology();
        for (FlowRule mine : ctx.rules().rules(t, plan, e, Hop.of(plan, e, ctx::uplink), 1)) {
            if (mine.id().equals(r.id())) {
                return mine.treatment().equals(r.treatment());
            }
        }
        return false;
    }

    /**
     * Polled counters of a rule (RULE_ADDED / RULE_UPDATED, every poll): the client's first packets after its SYN
     * on the connection's origin rule mean it is established; a rule of ours that the store holds as permanent
     * and no connection owns was imported after a restart and is queued for adoption.
     *
     * @param fe the rule as polled
     */
    public void onRuleStats(FlowEntry fe) {
        if (!Priorities.isPinned(fe.priority()) || !ours(fe)) {
            return;
        }
        Optional<ConnectionKey> key = PathRules.connectionKeyOf(fe);
        if (!key.isPresent()) {
            return;
        }
        ConnectionEntry e = ctx.connections.get(key.get());
        if (e != null) {
            if (e.state() == TcpState.OPENING && fe.priority() == Priorities.PINNED_ORIGIN && fe.packets() > 0) {
                if (ctx.connections.markEstablished(e.key()) != null) {
                    ctx.openings.remove(e.key());
                    Owner o = Owner.of(e.appName());
                    ctx.counters(o == null ? Owner.SANDWICH : o).inc(EngineCounters.ESTABLISHED);
                }
            }
            return;
        }
        FlowEntry stored = ctx.flowRules.getFlowEntry(fe);
        if (stored != null && stored.isPermanent()) {
            toAdopt.add(key.get());
        }
    }

    /**
     * Periodic work: adopts the connections whose imported rules were seen, forgets stale bookkeeping.
     *
     * @param plan plan in force
     * @param now  time
     */
    public void sweep(EnginePlan plan, long now) {
        ctx.pruneRemovals(now);
        if (!toAdopt.isEmpty()) {
            List<ConnectionKey> keys = new ArrayList<>(toAdopt);
            toAdopt.removeAll(keys);
            int n = adoption.adopt(plan, keys);
            if (n > 0) {
                log.info("adopted {} connection(s) from rules found on the switches", n);
            }
        }
        // a half-open connection whose entry is gone (ended elsewhere) is no longer half-open here
        ctx.openings.keySet().removeIf(k -> ctx.connections.get(k) == null);
    }

    /**
     * Ends a connection: its entry, then every rule of its path.
     *
     * @param plan plan the connection was placed in
     * @param e    the connection
     */
    public void end(EnginePlan plan, ConnectionEntry e) {
        ConnectionEntry gone = ctx.connections.remove(e.key());
        if (gone == null) {
            return;
        }
        ctx.openings.remove(gone.key());
        removeRules(plan, gone);
        Owner o = Owner.of(gone.appName());
        ctx.counters(o == null ? Owner.SANDWICH : o).inc(EngineCounters.REMOVED);
    }

    private void removeRules(EnginePlan plan, ConnectionEntry e) {
        try {
            List<FlowRule> rules = ctx.rules().rules(plan.topology(), plan, e, Hop.of(plan, e, ctx::uplink), 1);
            if (!rules.isEmpty()) {
                ctx.removing(rules, System.currentTimeMillis());
                ctx.flowRules.removeFlowRules(rules.toArray(new FlowRule[0]));
            }
        } catch (RuntimeException ex) {
            log.debug("rules of {} not rebuilt ({}); left to their idle timeout", e.key(), ex.getMessage());
        }
    }

    /**
     * Ends every connection through a member (firewall, dispatcher or server that went down or left).
     *
     * @param plan     plan the connections were placed in
     * @param memberId member
     * @return connections ended
     */
    public int clearMember(EnginePlan plan, String memberId) {
        List<ConnectionEntry> hit = ctx.connections.connections(e -> e.path().involves(memberId));
        hit.forEach(e -> end(plan, e));
        if (!hit.isEmpty()) {
            log.info("{} connection(s) through {} ended", hit.size(), memberId);
        }
        return hit.size();
    }

    /**
     * Ends every connection with a decision of an owner (its application is deactivated).
     *
     * @param plan  plan the connections were placed in
     * @param owner owner
     * @return connections ended
     */
    public int clearOwner(EnginePlan plan, Owner owner) {
        List<ConnectionEntry> hit = ctx.connections.connections(e -> involves(plan, e, owner));
        hit.forEach(e -> end(plan, e));
        return hit.size();
    }

    /**
     * Ends the pinned connections a new plan carries by static hash through another member: their traffic class
     * or a stage's service turned static-hash and the buckets (already recomputed for the new plan) disagree with
     * their path. The hash rules outrank the pins on the switches that have them, so such a connection's packets
     * already go the new way there; the pins left where no hash rule exists (a DF) would send the replies of its
     * 5-tuple, or of a new connection reusing it, to the old firewall, which never saw that SYN: a black hole.
     *
     * @param previous plan the connections were placed in
     * @param plan     plan now in force
     * @return connections ended
     */
    public int clearMovedToHash(EnginePlan previous, EnginePlan plan) {
        List<ConnectionEntry> hit = ctx.connections.connections(e -> movedToHash(previous, plan, e));
        hit.forEach(e -> end(previous, e));
        if (!hit.isEmpty()) {
            log.info("{} pinned connection(s) now carried by static hash through another member ended", hit.size());
        }
        return hit.size();
    }

    private boolean movedToHash(EnginePlan previous, EnginePlan plan, ConnectionEntry e) {
        FlowKey f = e.flow();
        Optional<String> fw = e.path().firewallId();
        if (fw.isPresent() && hashed(plan.topology().trafficClassFor(IPv4.PROTOCOL_TCP, f.dstPort()))
                && !hashed(previous.topology().trafficClassFor(IPv4.PROTOCOL_TCP, f.dstPort()))
                && !fw.get().equals(ctx.firewallBuckets().ownerOf(f.srcPort()))) {
            return true;
        }
        for (String id : e.path().dispatcherIds()) {
            Dispatcher stage = plan.topology().dispatcher(id);
            VirtualService now = plan.serviceAt(id, f.dstIp(), f.dstPort());
            VirtualService before = previous.serviceAt(id, f.dstIp(), f.dstPort());
            if (stage == null || now == null || now.mode() != DispatchMode.STATIC_HASH
                    || before != null && before.mode() == DispatchMode.STATIC_HASH) {
                continue;
            }
            HashBuckets b = ctx.stageBuckets(stage, now);      // none where no hash rules go (a DF)
            if (b != null && !Objects.equals(b.ownerOf(f.srcPort()),
                                             PathPlanner.decisionOf(plan.topology(), e, stage))) {
                return true;
            }
        }
        return false;
    }

    private static boolean hashed(TrafficClass tc) {
        return tc != null && tc.mode() != DispatchMode.PINNED;
    }

    private static boolean involves(EnginePlan plan, ConnectionEntry e, Owner owner) {
        if (owner.appName().equals(e.appName())) {
            return true;
        }
        if (owner == Owner.SANDWICH && e.path().firewallId().isPresent()) {
            return true;
        }
        for (String id : e.path().dispatcherIds()) {
            DecisionPoint p = plan.pointOf(id);
            if (p != null && p.owner() == owner) {
                return true;
            }
        }
        return false;
    }

    private boolean ours(FlowRule r) {
        return ctx.ours(r);
    }
}
