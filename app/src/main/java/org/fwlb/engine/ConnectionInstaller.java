package org.fwlb.engine;

import org.fwlb.connection.PinResult;
import org.fwlb.model.ConnectionEntry;
import org.fwlb.model.ConnectionKey;
import org.fwlb.model.ConnectionPath;
import org.fwlb.model.FlowKey;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.TcpState;
import org.fwlb.packet.PacketSummary;
import org.onosproject.net.PortNumber;
import org.onosproject.net.flow.FlowRule;
import org.onosproject.net.flow.FlowRuleOperations;
import org.onosproject.net.flow.FlowRuleOperationsContext;
import org.onosproject.net.flow.TrafficTreatment;
import org.onosproject.net.packet.DefaultOutboundPacket;
import org.slf4j.Logger;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;

import static org.slf4j.LoggerFactory.getLogger;

/**
 * Pins a decided connection and installs it: the entry in the connection table first (first writer wins), then
 * the rules of every switch decided now in one batch; only when every switch confirmed them is the SYN released,
 * so no packet of the connection can outrun its rule; a failure rolls the rules and the entry back. A SYN of a
 * connection already decided at its point follows that decision (rules re-applied, never re-decided: one spoofed
 * SYN cannot move a live connection).
 */
public final class ConnectionInstaller {

    private final Logger log = getLogger(getClass());

    private final EngineContext ctx;
    private final PathPlanner planner;

    /**
     * Creates the installer.
     *
     * @param ctx     engine context
     * @param planner path planner
     */
    public ConnectionInstaller(EngineContext ctx, PathPlanner planner) {
        this.ctx = ctx;
        this.planner = planner;
    }

    /**
     * A valid opening SYN punted at a decision point.
     *
     * @param plan   plan in force
     * @param point  where it was punted
     * @param p      the SYN
     * @param frame  its bytes
     * @param inPort where it came in
     */
    public void onSyn(EnginePlan plan, DecisionPoint point, PacketSummary p, byte[] frame, PortNumber inPort) {
        EngineCounters c = ctx.counters(point.owner());
        c.inc(EngineCounters.SYN_PUNTS);
        if (point.stage() != null && !point.stage().uplink().isPresent()) {
            // an answering stage's replies leave by it; an L4/2 stage's rules must send back out it with IN_PORT
            ctx.learnedUplinks.put(point.stage().id(), inPort);
        }
        FlowKey flow = p.flowKey();
        ConnectionKey key = flow.canonical();
        ConnectionEntry e = ctx.connections.get(key);
        if (e != null && PathPlanner.decided(plan.topology(), e, point)) {
            follow(plan, point, e, p, frame, inPort);
            return;
        }
        if (e == null && ctx.openings.size() >= ctx.settings().maxHalfOpen) {
            c.inc(EngineCounters.HALF_OPEN_FULL);
            return;
        }
        long started = System.nanoTime();
        PathPlanner.Decision d = planner.decide(plan, point, p, e, false);
        ctx.timers().decided(started);
        if (d.refusal != null) {
            c.inc(d.refusal);
            return;
        }
        boolean tagged = p.vlanId() != PacketSummary.NONE;
        if (tagged && point.answers()) {
            c.inc(EngineCounters.TAGS_READ);
        }
        place(plan, point, flow, e, d, false, (hop, rules) -> emit(point, PathRules.release(
                plan.topology(), hop, inPort, d.pushTag, tagged), frame));
    }

    /**
     * Pins a decision and installs its rules; once they are confirmed the packet that triggered it is released
     * (a SYN, or with {@code established} a mid-stream segment pinned by hash).
     *
     * @param plan        plan in force
     * @param point       the trigger point
     * @param flow        the connection, client to server
     * @param e           its entry before (a previous point's), or null
     * @param d           the decision
     * @param established whether the connection is known to be established (pinned from a mid-stream segment)
     * @param release     releases the packet, given the hop decided at the trigger and the rules installed
     */
    void place(EnginePlan plan, DecisionPoint point, FlowKey flow, ConnectionEntry e, PathPlanner.Decision d,
               boolean established, BiConsumer<Hop, List<FlowRule>> release) {
        FwlbTopology t = plan.topology();
        ConnectionKey key = flow.canonical();
        long now = System.currentTimeMillis();
        ConnectionEntry entry;
        if (e == null) {
            ConnectionEntry fresh = ConnectionEntry.pinned(flow, d.path, now, d.decided.get(0).owner().appName());
            if (established) {
                fresh = fresh.withState(TcpState.ESTABLISHED, now);
            }
            PinResult pin = ctx.connections.pin(fresh);
            if (pin.status() == PinResult.Status.TABLE_FULL) {
                ctx.counters(point.owner()).inc(EngineCounters.TABLE_FULL);
                log.warn("connection {} dropped: connection table full", key);
                return;
            }
            if (pin.status() == PinResult.Status.DUPLICATE) {
                return;     // placed meanwhile (another instance): the client's next try follows it
            }
            entry = fresh;
        } else {
            ConnectionPath before = e.path();
            entry = ctx.connections.updatePath(key, cur -> cur.equals(before) ? d.path : cur);
            if (entry == null || !entry.path().equals(d.path)) {
                return;     // ended or changed meanwhile
            }
        }
        List<Hop> hops = new ArrayList<>(4);
        Hop trigger = null;
        for (Hop h : Hop.of(plan, entry, ctx::uplink)) {
            if (d.decided.contains(h.point())) {
                hops.add(h);
                if (h.point() == point) {
                    trigger = h;
                }
            }
        }
        if (trigger == null) {
            log.warn("connection {}: no hop at {} after deciding {}", key, point, d.path);
            rollback(key, entry, e == null, List.of());
            return;
        }
        List<FlowRule> rules = ctx.rules().rules(t, plan, entry, hops, t.timeouts().idleSeconds());
        Hop at = trigger;
        boolean fresh = e == null;
        Object pendingKey = Arrays.asList(key, point.id());
        ConnectionEntry pinned = entry;
        ctx.pending.add(pendingKey);
        ctx.applying(rules);
        FlowRuleOperations.Builder ops = FlowRuleOperations.builder();
        rules.forEach(ops::add);
        long applied = System.nanoTime();
        ctx.flowRules.apply(ops.build(new FlowRuleOperationsContext() {
            @Override
            public void onSuccess(FlowRuleOperations o) {
                ctx.timers().installed(applied);
                ctx.pending.remove(pendingKey);
                ConnectionEntry cur = ctx.connections.get(key);
                if (cur == null || cur.createdMillis() != pinned.createdMillis() || !ctx.active()) {
                    // ended while its rules were being installed (member down, deactivation)
                    undo(rules);
                    return;
                }
                if (fresh && !established) {
                    ctx.connections.markOpening(key);
                    ctx.openings.put(key, System.currentTimeMillis());
                }
                count(d);
                release.accept(at, rules);
            }

            @Override
            public void onError(FlowRuleOperations o) {
                ctx.pending.remove(pendingKey);
                ctx.counters(point.owner()).inc(EngineCounters.INSTALL_FAILED);
                log.warn("rules of {} at {} not installed; connection dropped", key, point.id());
                rollback(key, pinned, fresh, rules);
            }
        }));
    }

    /** Each decision point decided counts one placement for its owner, and one on the member it chose. */
    private void count(PathPlanner.Decision d) {
        for (int i = 0; i < d.decided.size(); i++) {
            DecisionPoint p = d.decided.get(i);
            EngineCounters c = ctx.counters(p.owner());
            c.inc(EngineCounters.PLACED);
            int k = p.kind() == DecisionPoint.Kind.DF ? -1 : chosenIndex(d, i);
            if (k >= 0) {
                c.placed(d.chosen.get(k));
            }
        }
        if (d.pushTag != null) {
            ctx.counters(Owner.DISPATCH).inc(EngineCounters.TAGGED);
        }
    }

    /** The chosen member of the i-th decided point (a DF chooses nothing). */
    private static int chosenIndex(PathPlanner.Decision d, int i) {
        int k = -1;
        for (int j = 0; j <= i; j++) {
            if (d.decided.get(j).kind() != DecisionPoint.Kind.DF) {
                k++;
            }
        }
        return k < d.chosen.size() ? k : -1;
    }

    /**
     * A SYN at a point that already decided: the connection's rules on the switches this instance masters are
     * applied again (idempotent; a reused 5-tuple whose rules idled out gets them back) and the SYN follows the
     * decision once they are confirmed. While the decision's own rules are still being installed the SYN is
     * dropped: the client's next try follows.
     */
    private void follow(EnginePlan plan, DecisionPoint point, ConnectionEntry e, PacketSummary p, byte[] frame,
                        PortNumber inPort) {
        ctx.counters(point.owner()).inc(EngineCounters.SYN_FOLLOWED);
        if (e.state() == TcpState.SYN_SEEN || ctx.pending.contains(Arrays.asList(e.key(), point.id()))) {
            return;
        }
        FwlbTopology t = plan.topology();
        List<Hop> hops = Hop.of(plan, e, ctx::uplink);
        Hop at = null;
        List<Hop> mine = new ArrayList<>(hops.size());
        for (Hop h : hops) {
            if (h.point() == point) {
                at = h;
            }
            if (ctx.isLocalMaster(h.point().device())) {
                mine.add(h);
            }
        }
        if (at == null) {
            return;
        }
        // a new handshake on a live entry's 5-tuple: removals of the earlier connection's rules must not end it
        ctx.reopened(e.key(), System.currentTimeMillis());
        Integer push = null;
        DecisionPoint following = PathPlanner.nextOf(plan, point, at.next(), e.flow());
        if (point.kind() == DecisionPoint.Kind.L4_2 && at.firewall() != null && following != null
                && following.answers() && !PathPlanner.decided(t, e, following)) {
            push = at.firewall().pathTag().value();
        }
        List<FlowRule> rules = ctx.rules().rules(t, plan, e, mine, t.timeouts().idleSeconds());
        TrafficTreatment release = PathRules.release(t, at, inPort, push, p.vlanId() != PacketSummary.NONE);
        ctx.applying(rules);
        FlowRuleOperations.Builder ops = FlowRuleOperations.builder();
        rules.forEach(ops::add);
        ctx.flowRules.apply(ops.build(new FlowRuleOperationsContext() {
            @Override
            public void onSuccess(FlowRuleOperations o) {
                if (ctx.active()) {
                    emit(point, release, frame);
                }
            }

            @Override
            public void onError(FlowRuleOperations o) {
                ctx.counters(point.owner()).inc(EngineCounters.INSTALL_FAILED);
            }
        }));
    }

    /**
     * Sends a packet out of a decision point's switch.
     *
     * @param point where
     * @param tr    treatment
     * @param frame bytes
     */
    void emit(DecisionPoint point, TrafficTreatment tr, byte[] frame) {
        ctx.packets.emit(new DefaultOutboundPacket(point.device(), tr, ByteBuffer.wrap(frame)));
    }

    private void rollback(ConnectionKey key, ConnectionEntry entry, boolean fresh, List<FlowRule> rules) {
        undo(rules);
        if (fresh) {
            ConnectionEntry cur = ctx.connections.get(key);
            if (cur != null && cur.createdMillis() == entry.createdMillis()) {
                ctx.connections.remove(key);
            }
        }
    }

    private void undo(List<FlowRule> rules) {
        if (!rules.isEmpty()) {
            ctx.removing(rules, System.currentTimeMillis());
            ctx.flowRules.removeFlowRules(rules.toArray(new FlowRule[0]));
        }
    }
}
