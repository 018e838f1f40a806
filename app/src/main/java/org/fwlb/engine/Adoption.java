package org.fwlb.engine;

import org.fwlb.model.ConnectionEntry;
import org.fwlb.model.ConnectionKey;
import org.fwlb.model.ConnectionPath;
import org.fwlb.model.Dispatcher;
import org.fwlb.model.Firewall;
import org.fwlb.model.FirewallDispatcher.Role;
import org.fwlb.model.FlowKey;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.Server;
import org.fwlb.model.TcpState;
import org.onlab.packet.IpAddress;
import org.onlab.packet.MacAddress;
import org.onosproject.net.DeviceId;
import org.onosproject.net.PortNumber;
import org.onosproject.net.flow.FlowEntry;
import org.onosproject.net.flow.FlowRule;
import org.onosproject.net.flow.instructions.Instruction;
import org.onosproject.net.flow.instructions.Instructions;
import org.onosproject.net.flow.instructions.L3ModificationInstruction;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Rebuilds connections from the per-connection rules found on the switches after a controller restart (ONOS
 * imports them with {@code allowExtraneousRules} and {@code importExtraneousRules}, as permanent rules and without
 * an event): the origin rule gives the direction, each decision point's rule its choice (the firewall by the MAC
 * it rewrites to, the next stage by MAC, the server by the address it rewrites to). The rebuilt connection's rules
 * are applied again, temporary as the engine makes them, so they idle out as before.
 */
final class Adoption {

    private final EngineContext ctx;

    Adoption(EngineContext ctx) {
        this.ctx = ctx;
    }

    /**
     * Adopts the connections of some keys from the rules on the switches this instance masters.
     *
     * @param plan plan in force
     * @param keys connections seen with imported rules
     * @return connections adopted
     */
    int adopt(EnginePlan plan, Collection<ConnectionKey> keys) {
        Set<ConnectionKey> wanted = new HashSet<>(keys);
        Map<ConnectionKey, List<FlowEntry>> found = new HashMap<>();
        Set<DeviceId> devices = new LinkedHashSet<>(plan.pointDevices());
        for (DeviceId dev : devices) {
            if (!ctx.isLocalMaster(dev)) {
                continue;
            }
            for (FlowEntry fe : ctx.flowRules.getFlowEntries(dev)) {
                if (!Priorities.isPinned(fe.priority()) || !ours(fe)) {
                    continue;
                }
                PathRules.connectionKeyOf(fe).filter(wanted::contains)
                        .ifPresent(k -> found.computeIfAbsent(k, x -> new ArrayList<>()).add(fe));
            }
        }
        int adopted = 0;
        long now = System.currentTimeMillis();
        for (Map.Entry<ConnectionKey, List<FlowEntry>> g : found.entrySet()) {
            if (ctx.connections.get(g.getKey()) != null) {
                continue;
            }
            Optional<ConnectionEntry> e = rebuild(plan, g.getValue(), now);
            if (e.isPresent() && ctx.connections.pin(e.get()).isPinned()) {
                reapply(plan, e.get());
                Owner o = Owner.of(e.get().appName());
                ctx.counters(o == null ? Owner.SANDWICH : o).inc(EngineCounters.ADOPTED);
                adopted++;
            }
        }
        return adopted;
    }

    private void reapply(EnginePlan plan, ConnectionEntry e) {
        List<Hop> mine = new ArrayList<>();
        for (Hop h : Hop.of(plan, e, ctx::uplink)) {
            if (ctx.isLocalMaster(h.point().device())) {
                mine.add(h);
            }
        }
        FwlbTopology t = plan.topology();
        List<FlowRule> rules = ctx.rules().rules(t, plan, e, mine, t.timeouts().idleSeconds());
        ctx.applying(rules);
        if (!rules.isEmpty()) {
            ctx.flowRules.applyFlowRules(rules.toArray(new FlowRule[0]));
        }
    }

    /** Walks the plan from the connection's origin rule, reading each point's choice from its rule. */
    private Optional<ConnectionEntry> rebuild(EnginePlan plan, List<FlowEntry> rules, long now) {
        FwlbTopology t = plan.topology();
        FlowEntry origin = null;
        long oldest = 0;
        long packets = 0;
        long bytes = 0;
        for (FlowEntry r : rules) {
            oldest = Math.max(oldest, r.life());
            if (r.priority() == Priorities.PINNED_ORIGIN) {
                origin = r;
                packets = r.packets();
                bytes = r.bytes();
            }
        }
        if (origin == null) {
            return Optional.empty();
        }
        FlowKey flow = PathRules.selectorKey(origin);
        DecisionPoint point = firstPoint(plan, origin, flow);
        ConnectionPath path = ConnectionPath.empty();
        Firewall fw = null;
        while (point != null) {
            FlowEntry r = ruleAt(rules, point.device(), flow);
            if (r == null) {
                break;
            }
            String next = null;
            switch (point.kind()) {
                case FIREWALL_CHOICE: {
                    MacAddress mac = PathRules.ethDstOf(r).orElse(null);
                    fw = mac == null ? null : point.role() == Role.EXTERNAL ? t.firewallByOutsideMac(mac)
                            : t.firewallByInsideMac(mac);
                    if (fw == null) {
                        return Optional.empty();
                    }
                    path = path.withFirewall(fw.id());
                    break;
                }
                case L4_2: {
                    next = PathRules.ethDstOf(r).map(plan::memberByMac).orElse(null);
                    if (next == null) {
                        return finish(plan, flow, path, origin, oldest, packets, bytes, now);
                    }
                    path = extend(t, path, point.stage(), next);
                    learnArm(r, point, t, next);
                    break;
                }
                case L4_3: {
                    IpAddress ip = PathRules.modifiedIp(r, L3ModificationInstruction.L3SubType.IPV4_DST);
                    Server s = ip == null ? null : t.serverByIp(ip);
                    if (s == null) {
                        return finish(plan, flow, path, origin, oldest, packets, bytes, now);
                    }
                    next = s.id();
                    path = extend(t, path, point.stage(), next);
                    learnUplink(rules, point, Treatments.serverSide(flow, s));
                    Firewall replies = fw != null ? fw : replyFirewall(t, rules, point, Treatments.serverSide(flow, s));
                    if (replies != null) {
                        path = path.withPathTag(replies.pathTag());
                    }
                    break;
                }
                case DF:
                default:
                    path = extend(t, path, point.stage(), null);
                    learnUplink(rules, point, flow.reverse());
                    Firewall replies = fw != null ? fw : replyFirewall(t, rules, point, flow.reverse());
                    if (replies != null) {
                        path = path.withPathTag(replies.pathTag());
                    }
                    break;
            }
            point = PathPlanner.nextOf(plan, point, next, flow);
        }
        return finish(plan, flow, path, origin, oldest, packets, bytes, now);
    }

    private Optional<ConnectionEntry> finish(EnginePlan plan, FlowKey flow, ConnectionPath path, FlowEntry origin,
                                             long oldest, long packets, long bytes, long now) {
        if (path.members().isEmpty()) {
            return Optional.empty();
        }
        DecisionPoint first = firstPoint(plan, origin, flow);
        String app = first == null ? Owner.SANDWICH.appName() : first.owner().appName();
        return Optional.of(ConnectionEntry.of(flow, path, TcpState.ESTABLISHED, now - oldest * 1000L, now, app,
                                              packets, bytes));
    }

    /** The point whose forward rule is the origin rule: the firewall choice, else the first stage there. */
    private static DecisionPoint firstPoint(EnginePlan plan, FlowRule origin, FlowKey flow) {
        DecisionPoint fallback = null;
        for (DecisionPoint p : plan.pointsOn(origin.deviceId())) {
            if (p.kind() == DecisionPoint.Kind.FIREWALL_CHOICE) {
                FwlbTopology t = plan.topology();
                MacAddress mac = PathRules.ethDstOf(origin).orElse(null);
                Firewall fw = mac == null ? null : p.role() == Role.EXTERNAL ? t.firewallByOutsideMac(mac)
                        : t.firewallByInsideMac(mac);
                if (fw != null) {
                    return p;
                }
            } else if (fallback == null && plan.serviceAt(p.stage().id(), flow.dstIp(), flow.dstPort()) != null) {
                fallback = p;
            }
        }
        return fallback;
    }

    /** The rule on a device that matches a flow in its direction. */
    private static FlowEntry ruleAt(List<FlowEntry> rules, DeviceId dev, FlowKey flow) {
        for (FlowEntry r : rules) {
            if (r.deviceId().equals(dev) && flow.equals(PathRules.selectorKey(r))) {
                return r;
            }
        }
        return null;
    }

    /** An L4/2 rule that sends back out the arm (IN_PORT) to a next hop on one of its ports names its uplink. */
    private void learnArm(FlowEntry r, DecisionPoint p, FwlbTopology t, String next) {
        PortNumber port = Treatments.portOn(t, p.device(), next);
        if (p.stage().uplink().isPresent() || port == null) {
            return;
        }
        for (Instruction i : r.treatment().allInstructions()) {
            if (i instanceof Instructions.OutputInstruction
                    && PortNumber.IN_PORT.equals(((Instructions.OutputInstruction) i).port())) {
                ctx.learnedUplinks.putIfAbsent(p.stage().id(), port);
            }
        }
    }

    /** The firewall an answering stage's reply rule sends to (no firewall choice pinned the connection). */
    private static Firewall replyFirewall(FwlbTopology t, List<FlowEntry> rules, DecisionPoint p, FlowKey reply) {
        FlowEntry r = ruleAt(rules, p.device(), reply);
        MacAddress mac = r == null ? null : PathRules.ethDstOf(r).orElse(null);
        return mac == null ? null : t.firewallByInsideMac(mac);
    }

    /** An answering stage's reply rule names its uplink: remember it when it is not configured. */
    private void learnUplink(List<FlowEntry> rules, DecisionPoint p, FlowKey reply) {
        if (p.stage().uplink().isPresent()) {
            return;
        }
        FlowEntry r = ruleAt(rules, p.device(), reply);
        if (r == null) {
            return;
        }
        for (Instruction i : r.treatment().allInstructions()) {
            if (i instanceof Instructions.OutputInstruction) {
                PortNumber port = ((Instructions.OutputInstruction) i).port();
                if (!port.isLogical()) {
                    ctx.learnedUplinks.putIfAbsent(p.stage().id(), port);
                }
            }
        }
    }

    private static ConnectionPath extend(FwlbTopology t, ConnectionPath p, Dispatcher stage, String next) {
        ConnectionPath out = p.dispatcherIds().contains(stage.id()) ? p : p.withNextDispatcher(stage.id());
        if (next != null) {
            out = t.isServer(next) ? out.withServer(next)
                    : out.dispatcherIds().contains(next) ? out : out.withNextDispatcher(next);
        }
        return out;
    }

    private boolean ours(FlowRule r) {
        return ctx.ours(r);
    }
}
