package org.fwlb.dispatch.impl;

import org.fwlb.connection.PinResult;
import org.fwlb.connection.SynMemory;
import org.fwlb.model.ConnectionEntry;
import org.fwlb.model.ConnectionKey;
import org.fwlb.model.ConnectionPath;
import org.fwlb.model.Dispatcher;
import org.fwlb.model.DispatcherKind;
import org.fwlb.model.Firewall;
import org.fwlb.model.FlowKey;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.PathTag;
import org.fwlb.model.TcpState;
import org.fwlb.model.VirtualService;
import org.fwlb.packet.PacketSummary;
import org.fwlb.policy.FlowHash;
import org.fwlb.policy.Policies;
import org.fwlb.policy.Selection;
import org.fwlb.policy.SelectionPolicy;
import org.onosproject.net.DeviceId;
import org.onosproject.net.PortNumber;
import org.onosproject.net.flow.FlowRule;
import org.onosproject.net.flow.FlowRuleOperations;
import org.onosproject.net.flow.FlowRuleOperationsContext;
import org.onosproject.net.flow.TrafficTreatment;
import org.onosproject.net.packet.DefaultOutboundPacket;
import org.slf4j.Logger;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.slf4j.LoggerFactory.getLogger;

/**
 * The decision of one dispatch stage on a punted SYN (seed [0028]-[0030], FIG 7-8): an L4/2 or L4/3 stage
 * chooses the next stage or server by its policy among the candidates that serve the service's type, a DF
 * only reads the path tag. The choice is recorded in the shared connection table (the path grows one stage
 * at a time), the stage's rules are installed, and only when the switch confirms them is the SYN released,
 * so no reply can outrun its rule.
 */
final class StagePlacer {

    private final Logger log = getLogger(getClass());

    private final DispatchContext ctx;
    private final MemberView members;
    /** Policy state per (stage, service): keyed by the objects, so no string is built per SYN. */
    private final Map<Dispatcher, Map<VirtualService, SelectionPolicy>> policies = new ConcurrentHashMap<>();
    /** Decisions whose rules are being installed: a retransmitted SYN waits for the client's next try. */
    private final Set<Pending> pending = ConcurrentHashMap.newKeySet();
    /** The SYNs of the connections this application pinned (tells retransmissions from reused ports). */
    private final SynMemory syns = new SynMemory(200_000);

    /** A decision in flight: the stage and the connection. */
    private static final class Pending {
        final String stage;
        final ConnectionKey key;

        Pending(String stage, ConnectionKey key) {
            this.stage = stage;
            this.key = key;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Pending && ((Pending) o).stage.equals(stage) && ((Pending) o).key.equals(key);
        }

        @Override
        public int hashCode() {
            return stage.hashCode() * 31 + key.hashCode();
        }
    }

    StagePlacer(DispatchContext ctx, MemberView members) {
        this.ctx = ctx;
        this.members = members;
    }

    /** Forgets per-policy state (round-robin cursors) when the topology changes. */
    void reset() {
        policies.clear();
    }

    /**
     * Places a connection whose SYN was punted at a stage.
     *
     * @param plan   plan in force
     * @param dev    where it was punted
     * @param inPort where it came in
     * @param spot   the stage there
     * @param p      the parsed SYN
     * @param frame  its bytes
     */
    void placeSyn(DispatchPlan plan, DeviceId dev, PortNumber inPort, DispatchPlan.Spot spot, PacketSummary p,
                  byte[] frame) {
        ctx.counters.inc(DispatchCounters.SYN_PUNTS);
        FwlbTopology t = plan.topology();
        Dispatcher stage = spot.stage;
        VirtualService vs = plan.serviceAt(stage.id(), p.ipDst(), p.dstPort());
        if (vs == null) {
            ctx.counters.inc(DispatchCounters.NO_SERVICE);
            log.debug("SYN to no service of {} at {}: {}", stage.id(), dev, p);
            return;
        }
        FlowKey flow = p.flowKey();
        ConnectionKey key = flow.canonical();
        ConnectionEntry e = ctx.connections.get(key);
        if (e != null && DispatchContext.APP_NAME.equals(e.appName()) && isNewConnection(e, p)) {
            // a new connection on the 5-tuple of one that ended (clients reuse ports at once): the old pin ends
            // here. (Behind a sandwich, the sandwich already replaced the entry.)
            ctx.connections.remove(key);
            e = null;
        }
        String decided = e == null ? null : decisionOf(t, e, stage, spot.df);
        if (decided != null) {
            resend(t, dev, inPort, spot, p, frame, e, decided);
            return;
        }
        Firewall fw = firewall(t, p, e);
        String next = null;
        if (!spot.df) {
            next = vs.isDataPort(p.dstPort()) ? followControl(t, vs, stage, flow) : choose(t, vs, stage, key);
            if (next == null) {
                ctx.counters.inc(DispatchCounters.NO_MEMBER);
                return;
            }
        }
        ConnectionEntry recorded = record(t, key, flow, e, stage, next, tagFor(stage, spot.df, fw, p), p.seq());
        if (recorded == null) {
            return;
        }
        StageDecision d = new StageDecision(dev, stage, spot.df, flow, next, inPort, replyFirewall(stage, spot.df, fw));
        install(t, d, recorded, p, frame, true);
    }

    /**
     * A SYN on the 5-tuple of a connection this application pinned is a retransmission unless it carries another
     * initial sequence number than the SYN it was placed with, or (that SYN not remembered) the connection already
     * saw a FIN.
     */
    private boolean isNewConnection(ConnectionEntry e, PacketSummary p) {
        switch (syns.judge(e.key(), p.seq())) {
            case SAME:
                return false;
            case OTHER:
                return true;
            default:
                return e.state() == TcpState.CLOSING || e.state() == TcpState.FIN_FROM_CLIENT
                        || e.state() == TcpState.FIN_FROM_SERVER;
        }
    }

    /** What this stage already decided for a connection: its next hop, or for a DF a marker. */
    static String decisionOf(FwlbTopology t, ConnectionEntry e, Dispatcher stage, boolean df) {
        List<String> ids = e.path().dispatcherIds();
        int i = ids.indexOf(stage.id());
        if (i < 0) {
            return null;
        }
        if (df) {
            return e.path().pathTag().isPresent() || !t.hasSandwich() ? stage.id() : null;
        }
        if (i + 1 < ids.size()) {
            return ids.get(i + 1);
        }
        return e.path().serverId().orElse(null);
    }

    /** FIG 8: the firewall a SYN came through: its path tag, else the sender's MAC, else the sandwich's pin. */
    private Firewall firewall(FwlbTopology t, PacketSummary p, ConnectionEntry e) {
        if (!t.hasSandwich()) {
            return null;
        }
        if (PathTag.isValid(p.vlanId())) {
            Firewall fw = t.firewallByPathTag(PathTag.of(p.vlanId()));
            if (fw != null) {
                ctx.counters.inc(DispatchCounters.PATH_TAGS);
                return fw;
            }
        }
        Firewall fw = t.firewallByInsideMac(p.ethSrcMac());
        if (fw == null && e != null && e.path().firewallId().isPresent()) {
            fw = t.firewall(e.path().firewallId().get());
        }
        return fw;
    }

    /** The tag a stage records with the connection: the one it read (the stage that strips it). */
    private static PathTag tagFor(Dispatcher stage, boolean df, Firewall fw, PacketSummary p) {
        boolean reads = df || stage.kind() == DispatcherKind.L4_3;
        return reads && fw != null ? fw.pathTag() : null;
    }

    /** Only the stage that answers (L4/3 switch, DF of a host) sends replies to the firewall. */
    private static Firewall replyFirewall(Dispatcher stage, boolean df, Firewall fw) {
        return df || stage.kind() == DispatcherKind.L4_3 ? fw : null;
    }

    private String choose(FwlbTopology t, VirtualService vs, Dispatcher stage, ConnectionKey key) {
        String policyName = vs.policy().orElse(stage.policy());
        SelectionPolicy policy = policies.computeIfAbsent(stage, k -> new ConcurrentHashMap<>())
                .computeIfAbsent(vs, k -> Policies.create(policyName));
        Selection s = policy.select(members.candidates(t, stage.id(), vs.serviceType()), FlowHash.of(key));
        if (!s.isChosen()) {
            log.warn("SYN {} to {} dropped at {}: {}", key, vs.id(), stage.id(), s.message());
            return null;
        }
        return s.member().id();
    }

    /**
     * FTP passive mode: a data connection goes where the same client's control connection to the same VIP
     * went from this stage.
     */
    private String followControl(FwlbTopology t, VirtualService vs, Dispatcher stage, FlowKey data) {
        // the client's newest control connection still open both ways (an ended session may linger in the
        // table until its rules idle out, and must not attract the next session's data connection)
        List<ConnectionEntry> controls = ctx.connections.connections(
                e -> e.flow().srcIp() == data.srcIp() && e.flow().dstIp() == data.dstIp()
                        && e.flow().dstPort() == vs.port()
                        && (e.state() == TcpState.ESTABLISHED || e.state() == TcpState.SYN_SEEN)
                        && e.path().dispatcherIds().contains(stage.id()));
        ConnectionEntry newest = null;
        for (ConnectionEntry c : controls) {
            if (decisionOf(t, c, stage, false) != null
                    && (newest == null || c.createdMillis() > newest.createdMillis())) {
                newest = c;
            }
        }
        if (newest != null) {
            ctx.counters.inc(DispatchCounters.FTP_DATA);
            return decisionOf(t, newest, stage, false);
        }
        log.info("FTP data connection {} at {}: no open control connection of that client; dropped", data,
                 stage.id());
        return null;
    }

    /** Records the stage's decision in the shared connection table: a new entry, or the path grows. */
    private ConnectionEntry record(FwlbTopology t, ConnectionKey key, FlowKey flow, ConnectionEntry e,
                                   Dispatcher stage, String next, PathTag tag, int isn) {
        if (e == null) {
            ConnectionPath path = extend(t, ConnectionPath.empty(), stage, next, tag);
            ConnectionEntry fresh = ConnectionEntry.pinned(flow, path, System.currentTimeMillis(),
                                                           DispatchContext.APP_NAME);
            PinResult pin = ctx.connections.pin(fresh);
            if (pin.status() == PinResult.Status.TABLE_FULL) {
                ctx.counters.inc(DispatchCounters.TABLE_FULL);
                log.warn("SYN {} dropped: connection table full", key);
                return null;
            }
            if (pin.status() != PinResult.Status.DUPLICATE) {
                syns.placed(key, isn);
                return fresh;
            }
        }
        ConnectionEntry updated = ctx.connections.updatePath(key, p -> extend(t, p, stage, next, tag));
        if (updated == null) {
            log.debug("connection {} vanished while {} placed it", key, stage.id());
        }
        return updated;
    }

    private static ConnectionPath extend(FwlbTopology t, ConnectionPath p, Dispatcher stage, String next,
                                         PathTag tag) {
        ConnectionPath out = p;
        if (!out.dispatcherIds().contains(stage.id())) {
            out = out.withNextDispatcher(stage.id());
        }
        if (next != null) {
            if (t.isServer(next)) {
                out = out.withServer(next);
            } else if (!out.dispatcherIds().contains(next)) {
                out = out.withNextDispatcher(next);
            }
        }
        if (tag != null) {
            out = out.withPathTag(tag);
        }
        return out;
    }

    private void install(FwlbTopology t, StageDecision d, ConnectionEntry entry, PacketSummary p, byte[] frame,
                         boolean fresh) {
        List<FlowRule> rules = ctx.rules.decisionRules(t, d, t.timeouts().idleSeconds());
        Pending pendingKey = new Pending(d.stage.id(), entry.key());
        if (rules.isEmpty()) {
            emit(t, d, p, frame);
            return;
        }
        pending.add(pendingKey);
        FlowRuleOperations.Builder ops = FlowRuleOperations.builder();
        rules.forEach(ops::add);
        ctx.flowRules.apply(ops.build(new FlowRuleOperationsContext() {
            @Override
            public void onSuccess(FlowRuleOperations o) {
                pending.remove(pendingKey);
                ConnectionEntry now = ctx.connections.get(entry.key());
                if (now == null || !now.path().involves(d.stage.id()) || !ctx.active()) {
                    // ended while the rules were being installed (member down, deactivation)
                    ctx.flowRules.removeFlowRules(rules.toArray(new FlowRule[0]));
                    return;
                }
                ctx.connections.markEstablished(entry.key());
                if (fresh) {
                    ctx.counters.inc(DispatchCounters.PLACED);
                    if (d.nextId != null) {
                        ctx.counters.incPlaced(d.nextId);
                    }
                }
                emit(t, d, p, frame);
            }

            @Override
            public void onError(FlowRuleOperations o) {
                pending.remove(pendingKey);
                ctx.counters.inc(DispatchCounters.INSTALL_FAILED);
                log.warn("rules of {} at {} not installed; connection dropped", entry.key(), d.stage.id());
                ctx.flowRules.removeFlowRules(rules.toArray(new FlowRule[0]));
                if (DispatchContext.APP_NAME.equals(entry.appName())) {
                    ctx.connections.remove(entry.key());
                }
            }
        }));
    }

    /**
     * A SYN of a connection this stage already decided follows that decision once its rules are confirmed. The
     * rules are installed again first (same ids: idempotent on the switch): the SYN may be a retransmission,
     * but it may also open a new connection on the 5-tuple of one that ended moments ago (clients reuse ports
     * at once) whose rules have since idled out — with replies sent straight to the firewall, the firewall
     * dispatchers never see the server's FIN, so such an entry may still look open.
     */
    private void resend(FwlbTopology t, DeviceId dev, PortNumber inPort, DispatchPlan.Spot spot, PacketSummary p,
                        byte[] frame, ConnectionEntry e, String decided) {
        ctx.counters.inc(DispatchCounters.SYN_RETRANSMITS);
        if (pending.contains(new Pending(spot.stage.id(), e.key()))) {
            return;
        }
        String next = spot.df ? null : decided;
        Firewall fw = e.path().pathTag().map(t::firewallByPathTag).orElse(null);
        install(t, new StageDecision(dev, spot.stage, spot.df, p.flowKey(), next, inPort,
                                     replyFirewall(spot.stage, spot.df, fw)), e, p, frame, false);
    }

    /** Releases the SYN along the decision; the stage that writes the path tag pushes it on the SYN only. */
    private void emit(FwlbTopology t, StageDecision d, PacketSummary p, byte[] frame) {
        boolean tagged = p.vlanId() != PacketSummary.NONE;
        TrafficTreatment tr;
        if (d.df) {
            tr = StageRules.toHost(d.stage, tagged);
        } else if (d.stage.kind() == DispatcherKind.L4_3) {
            tr = StageRules.toServer(d.device, t.server(d.nextId), tagged);
        } else {
            boolean toServer = t.isServer(d.nextId);
            Integer push = null;
            if (!tagged && !toServer && t.hasSandwich()) {
                Firewall fw = t.firewallByInsideMac(p.ethSrcMac());
                if (fw != null) {
                    push = fw.pathTag().value();
                    ctx.counters.inc(DispatchCounters.TAGGED);
                }
            }
            tr = StageRules.l2Forward(t, d.device, d.nextId, d.inPort, true, push, tagged && toServer);
        }
        ctx.packets.emit(new DefaultOutboundPacket(d.device, tr, ByteBuffer.wrap(frame)));
    }
}
