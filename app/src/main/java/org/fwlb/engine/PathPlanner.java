package org.fwlb.engine;

import org.fwlb.model.ConnectionEntry;
import org.fwlb.model.ConnectionPath;
import org.fwlb.model.DispatchMode;
import org.fwlb.model.Dispatcher;
import org.fwlb.model.Firewall;
import org.fwlb.model.FirewallDispatcher.Role;
import org.fwlb.model.FlowKey;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.PathTag;
import org.fwlb.model.TcpState;
import org.fwlb.model.TrafficClass;
import org.fwlb.model.VirtualService;
import org.fwlb.packet.PacketSummary;
import org.fwlb.policy.FlowHash;
import org.fwlb.policy.Policies;
import org.fwlb.policy.Selection;
import org.fwlb.policy.SelectionPolicy;
import org.fwlb.policy.SimpleMember;
import org.fwlb.policy.StaticHashPolicy;
import org.onlab.packet.IPv4;
import org.slf4j.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.slf4j.LoggerFactory.getLogger;

/**
 * Decides a connection's path from the decision point where its SYN was punted, as far along as this instance
 * may (seed [0008], [0028]-[0030]): every following point whose switch this instance masters, unless per-stage
 * decisions are forced, an answering stage's uplink is unknown, or an L4/2 stage could hand the connection to an
 * answering stage that decides later (that stage needs the firewall's path tag, which only the L4/2 stage's own
 * release of the SYN can write, FIG 7/8). One punt then decides firewall, every stage and the server.
 */
public final class PathPlanner {

    private final Logger log = getLogger(getClass());

    private final EngineContext ctx;
    /** Policy state per (decision point, traffic class or service); points are per plan, so is the state. */
    private final Map<DecisionPoint, Map<Object, SelectionPolicy>> policies = new ConcurrentHashMap<>();

    /** The outcome of a decision. */
    public static final class Decision {
        /** The connection's path after this decision. */
        public ConnectionPath path;
        /** The points decided now, in path order. */
        public final List<DecisionPoint> decided = new ArrayList<>(4);
        /** The members chosen now (placement counters). */
        public final List<String> chosen = new ArrayList<>(4);
        /** Tag to push on the released SYN, or null. */
        public Integer pushTag;
        /** Why nothing was decided (a counter name), or null. */
        public String refusal;

        Decision refuse(String why) {
            refusal = why;
            return this;
        }
    }

    /**
     * Creates the planner.
     *
     * @param ctx engine context
     */
    public PathPlanner(EngineContext ctx) {
        this.ctx = ctx;
    }

    /** Forgets per-policy state (round-robin cursors) when the plan changes. */
    public void reset() {
        policies.clear();
    }

    /**
     * Decides from a trigger point.
     *
     * @param plan     plan in force
     * @param trigger  where the SYN was punted
     * @param p        the SYN
     * @param existing the connection's entry if a previous point already decided, else null
     * @param byHash   decide every member by the static hash (a mid-stream segment pinned by hash)
     * @return the decision
     */
    public Decision decide(EnginePlan plan, DecisionPoint trigger, PacketSummary p, ConnectionEntry existing,
                           boolean byHash) {
        return decide(plan, trigger, p.flowKey(), p, existing, byHash);
    }

    /**
     * Decides from a trigger point for a flow (client to server direction).
     *
     * @param plan     plan in force
     * @param trigger  where the packet was punted
     * @param flow     the connection, client to server
     * @param p        the packet (path tag, source MAC), or null
     * @param existing the connection's entry if a previous point already decided, else null
     * @param byHash   decide by the static hash
     * @return the decision
     */
    public Decision decide(EnginePlan plan, DecisionPoint trigger, FlowKey flow, PacketSummary p,
                           ConnectionEntry existing, boolean byHash) {
        FwlbTopology t = plan.topology();
        Decision d = new Decision();
        ConnectionPath path = existing != null ? existing.path() : ConnectionPath.empty();
        Firewall fw = p == null ? null : firewallOf(t, p, existing);
        if (fw == null && existing != null) {
            fw = existing.path().firewallId().map(t::firewall).orElse(null);
        }
        DecisionPoint point = trigger;
        while (true) {
            String next = null;
            switch (point.kind()) {
                case FIREWALL_CHOICE: {
                    TrafficClass tc = t.trafficClassFor(IPv4.PROTOCOL_TCP, flow.dstPort());
                    if (tc == null || tc.mode() != DispatchMode.PINNED) {
                        return d.refuse(EngineCounters.NO_SERVICE);
                    }
                    String id = chooseFirewall(t, point, tc, flow, byHash);
                    if (id == null) {
                        return d.refuse(EngineCounters.NO_MEMBER);
                    }
                    fw = t.firewall(id);
                    path = path.withFirewall(id);
                    d.chosen.add(id);
                    break;
                }
                case L4_2:
                case L4_3: {
                    Dispatcher stage = point.stage();
                    VirtualService vs = plan.serviceAt(stage.id(), flow.dstIp(), flow.dstPort());
                    if (vs == null) {
                        return point == trigger ? d.refuse(EngineCounters.NO_SERVICE) : finish(d, path);
                    }
                    next = vs.isDataPort(flow.dstPort()) ? followControl(t, vs, stage, flow)
                            : choose(t, point, vs, flow, byHash);
                    if (next == null) {
                        if (point == trigger) {
                            return d.refuse(EngineCounters.NO_MEMBER);
                        }
                        return d.decided.isEmpty() ? d.refuse(EngineCounters.NO_MEMBER) : finish(d, path);
                    }
                    path = extend(t, path, stage, next);
                    if (point.answers() && fw != null) {
                        path = path.withPathTag(fw.pathTag());
                    }
                    d.chosen.add(next);
                    break;
                }
                case DF:
                default:
                    path = extend(t, path, point.stage(), null);
                    if (fw != null) {
                        path = path.withPathTag(fw.pathTag());
                    }
                    break;
            }
            d.decided.add(point);
            DecisionPoint following = nextOf(plan, point, next, flow);
            if (following == null) {
                break;
            }
            if (!decidableAhead(plan, following, fw, flow)) {
                if (point.kind() == DecisionPoint.Kind.L4_2 && following.answers() && fw != null) {
                    // the answering stage decides later and must learn the firewall from the SYN itself
                    d.pushTag = fw.pathTag().value();
                }
                break;
            }
            point = following;
        }
        return finish(d, path);
    }

    private static Decision finish(Decision d, ConnectionPath path) {
        d.path = path;
        return d;
    }

    /** The point a connection meets after a decision, or null when the choice is a server (or none follows). */
    static DecisionPoint nextOf(EnginePlan plan, DecisionPoint point, String next, FlowKey flow) {
        switch (point.kind()) {
            case FIREWALL_CHOICE: {
                if (point.role() != Role.EXTERNAL) {
                    return null;
                }
                VirtualService v = plan.serviceFor(flow.dstIp(), flow.dstPort());
                return v == null ? null : plan.pointOf(v.firstStage());
            }
            case L4_2:
                return next == null || plan.topology().isServer(next) ? null : plan.pointOf(next);
            default:
                return null;
        }
    }

    /**
     * Whether this instance may decide a point before the SYN reaches it: its owner attached, its switch mastered
     * here, per-stage decisions not forced, its uplink known if it answers, and (an L4/2 stage behind a
     * sandwich) none of its answering candidates left to decide later.
     */
    boolean decidableAhead(EnginePlan plan, DecisionPoint p, Firewall fw, FlowKey flow) {
        if (ctx.settings().perStageDecisions || !ctx.attached(p.owner()) || !ctx.isLocalMaster(p.device())) {
            return false;
        }
        if (p.answers() && Hop.uplinkOf(p, fw, ctx::uplink) == null) {
            return false;       // where its replies leave is not known yet
        }
        if (p.kind() == DecisionPoint.Kind.L4_2 && Hop.inPortOf(plan.topology(), p, fw, ctx::uplink) == null) {
            // a one-armed stage must send back out its arm with IN_PORT: its rule needs the port SYNs come in by
            VirtualService vs = plan.serviceAt(p.stage().id(), flow.dstIp(), flow.dstPort());
            for (String c : vs == null ? java.util.List.<String>of()
                    : plan.topology().candidates(p.stage().id(), vs.serviceType())) {
                if (Treatments.portOn(plan.topology(), p.device(), c) != null) {
                    return false;
                }
            }
        }
        if (p.kind() == DecisionPoint.Kind.L4_2 && fw != null) {
            VirtualService vs = plan.serviceAt(p.stage().id(), flow.dstIp(), flow.dstPort());
            if (vs == null) {
                return false;
            }
            for (String c : plan.topology().candidates(p.stage().id(), vs.serviceType())) {
                DecisionPoint cp = plan.pointOf(c);
                if (cp != null && cp.answers() && !decidableAhead(plan, cp, fw, flow)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** FIG 8: the firewall a SYN came through: its path tag, else the sender's MAC, else the connection's entry. */
    private Firewall firewallOf(FwlbTopology t, PacketSummary p, ConnectionEntry e) {
        if (!t.hasSandwich()) {
            return null;
        }
        if (PathTag.isValid(p.vlanId())) {
            Firewall fw = t.firewallByPathTag(PathTag.of(p.vlanId()));
            if (fw != null) {
                return fw;
            }
        }
        Firewall fw = t.firewallByInsideMac(p.ethSrcMac());
        if (fw == null && e != null && e.path().firewallId().isPresent()) {
            fw = t.firewall(e.path().firewallId().get());
        }
        return fw;
    }

    private String chooseFirewall(FwlbTopology t, DecisionPoint point, TrafficClass tc, FlowKey flow,
                                  boolean byHash) {
        if (byHash || StaticHashPolicy.NAME.equals(tc.policy())) {
            // the same buckets as static-hash mode (a member that is down has none)
            return ctx.firewallBuckets().ownerOf(flow.srcPort());
        }
        SelectionPolicy policy = policies.computeIfAbsent(point, k -> new ConcurrentHashMap<>())
                .computeIfAbsent(tc, k -> Policies.create(tc.policy()));
        Selection s = policy.select(ctx.members().firewalls(t), FlowHash.of(flow.canonical()));
        if (!s.isChosen()) {
            log.warn("SYN {} dropped: {}", flow, s.message());
            return null;
        }
        return s.member().id();
    }

    private String choose(FwlbTopology t, DecisionPoint point, VirtualService vs, FlowKey flow, boolean byHash) {
        Dispatcher stage = point.stage();
        String policyName = vs.policy().orElse(stage.policy());
        if (byHash || vs.mode() == DispatchMode.STATIC_HASH || StaticHashPolicy.NAME.equals(policyName)) {
            HashBuckets b = ctx.stageBuckets(stage, vs);
            if (b != null) {
                return b.ownerOf(flow.srcPort());
            }
        }
        SelectionPolicy policy = policies.computeIfAbsent(point, k -> new ConcurrentHashMap<>())
                .computeIfAbsent(vs, k -> Policies.create(policyName));
        List<SimpleMember> candidates = ctx.members().candidates(t, stage.id(), vs.serviceType());
        Selection s = policy.select(candidates, FlowHash.of(flow.canonical()));
        if (!s.isChosen()) {
            log.warn("SYN {} to {} dropped at {}: {}", flow, vs.id(), stage.id(), s.message());
            return null;
        }
        return s.member().id();
    }

    /**
     * FTP passive mode: a data connection goes where the same client's newest open control connection to the
     * same VIP went from this stage.
     */
    private String followControl(FwlbTopology t, VirtualService vs, Dispatcher stage, FlowKey data) {
        List<ConnectionEntry> controls = ctx.connections.connections(
                e -> e.flow().srcIp() == data.srcIp() && e.flow().dstIp() == data.dstIp()
                        && e.flow().dstPort() == vs.port() && e.state() != TcpState.CLOSING
                        && e.path().dispatcherIds().contains(stage.id()));
        ConnectionEntry newest = null;
        for (ConnectionEntry c : controls) {
            if (decisionOf(t, c, stage) != null && (newest == null || c.createdMillis() > newest.createdMillis())) {
                newest = c;
            }
        }
        if (newest == null) {
            log.info("FTP data connection {} at {}: no open control connection of that client; dropped", data,
                     stage.id());
            return null;
        }
        ctx.counters(Owner.DISPATCH).inc(EngineCounters.FTP_DATA);
        return decisionOf(t, newest, stage);
    }

    /**
     * What a stage decided for a connection: its next hop, or null when it has not decided.
     *
     * @param t     topology
     * @param e     connection
     * @param stage stage
     * @return next member id, or null
     */
    static String decisionOf(FwlbTopology t, ConnectionEntry e, Dispatcher stage) {
        List<String> ids = e.path().dispatcherIds();
        int i = ids.indexOf(stage.id());
        if (i < 0) {
            return null;
        }
        if (i + 1 < ids.size()) {
            return ids.get(i + 1);
        }
        return e.path().serverId().orElse(null);
    }

    /**
     * Tells whether a connection's path already holds a point's decision.
     *
     * @param t topology
     * @param e connection
     * @param p point
     * @return true if decided
     */
    public static boolean decided(FwlbTopology t, ConnectionEntry e, DecisionPoint p) {
        switch (p.kind()) {
            case FIREWALL_CHOICE:
                return e.path().firewallId().isPresent();
            case DF:
                return e.path().dispatcherIds().contains(p.stage().id())
                        && (e.path().pathTag().isPresent() || !t.hasSandwich());
            default:
                return decisionOf(t, e, p.stage()) != null;
        }
    }

    private static ConnectionPath extend(FwlbTopology t, ConnectionPath p, Dispatcher stage, String next) {
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
        return out;
    }
}
