package org.fwlb.engine;

import org.fwlb.model.ConnectionEntry;
import org.fwlb.model.FirewallDispatcher.Role;
import org.fwlb.model.FlowKey;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.TcpState;
import org.fwlb.model.TrafficClass;
import org.fwlb.model.UnknownNonSynAction;
import org.fwlb.model.VirtualService;
import org.fwlb.packet.PacketSummary;
import org.fwlb.packet.TcpResets;
import org.onlab.packet.IPv4;
import org.onosproject.core.ApplicationId;
import org.onosproject.net.PortNumber;
import org.onosproject.net.flow.DefaultTrafficTreatment;
import org.onosproject.net.flow.FlowEntry;
import org.onosproject.net.flow.FlowRule;
import org.onosproject.net.packet.DefaultOutboundPacket;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Non-SYN segments punted at a decision point. Of a known connection (its rules missing on this switch: in flight,
 * or expired while the entry lives): forwarded along the connection's path, its rules applied again. Of no
 * connection (seed [0011]): the traffic class's or service's action, applied once per 5-tuple so the connection
 * is not punted again and again: dropped and held in the switch for a while, or answered with a RST and held, or
 * pinned to the member the static hash gives it (forward). In the optional tcp_flags mode FIN and RST of known
 * connections are punted here too and move them to the short closing timeout.
 */
public final class Segments {

    private final EngineContext ctx;
    private final PathPlanner planner;
    private final ConnectionInstaller installer;

    /**
     * Creates the handler.
     *
     * @param ctx       engine context
     * @param planner   path planner
     * @param installer installer
     */
    public Segments(EngineContext ctx, PathPlanner planner, ConnectionInstaller installer) {
        this.ctx = ctx;
        this.planner = planner;
        this.installer = installer;
    }

    /**
     * A non-SYN segment punted at a point.
     *
     * @param plan   plan in force
     * @param point  where
     * @param p      the segment
     * @param frame  its bytes
     * @param inPort where it came in
     */
    public void onSegment(EnginePlan plan, DecisionPoint point, PacketSummary p, byte[] frame, PortNumber inPort) {
        EngineCounters c = ctx.counters(point.owner());
        ConnectionEntry e = ctx.connections.get(p.connectionKey());
        if (e != null) {
            c.inc(EngineCounters.KNOWN_PUNTS);
            if ((p.tcpFlags() & (PacketSummary.SYN | PacketSummary.ACK)) == (PacketSummary.SYN | PacketSummary.ACK)) {
                // a server answering an opening: the client may have reused the port while this entry's rules
                // were still on the switches (its SYN then needed no punt)
                ctx.reopened(e.key(), System.currentTimeMillis());
            }
            boolean close = (p.tcpFlags() & (PacketSummary.FIN | PacketSummary.RST)) != 0;
            if (close && ctx.settings().tcpFlags) {
                c.inc(EngineCounters.CLOSE_PUNTS);
                e = closing(e, p);
            }
            along(plan, point, e, p, frame);
            return;
        }
        c.inc(EngineCounters.UNKNOWN_PUNTS);
        if (passedByHash(plan, point, p, frame)) {
            return;
        }
        switch (actionFor(plan, point, p)) {
            case FORWARD:
                byHash(plan, point, p, frame);
                break;
            case DROP_RST:
                TcpResets.answer(p).ifPresent(rst -> {
                    ctx.packets.emit(new DefaultOutboundPacket(point.device(),
                            DefaultTrafficTreatment.builder().setOutput(inPort).build(),
                            ByteBuffer.wrap(rst.serialize())));
                    c.inc(EngineCounters.RST_SENT);
                });
                hold(point, p.flowKey());
                break;
            case DROP:
            default:
                hold(point, p.flowKey());
                break;
        }
    }

    private UnknownNonSynAction actionFor(EnginePlan plan, DecisionPoint point, PacketSummary p) {
        FwlbTopology t = plan.topology();
        if (point.kind() == DecisionPoint.Kind.FIREWALL_CHOICE) {
            TrafficClass tc = classOf(t, p);
            // a SYN+ACK is not adopted: the handshake is not complete (its client's SYN retransmission gets placed),
            // and after a flood the server's retransmissions to spoofed sources would fill the table
            boolean synAck = (p.tcpFlags() & PacketSummary.SYN) != 0;
            if (tc != null && !synAck && ctx.overload() != OverloadDetector.State.NORMAL && hashCarried(plan, tc, p)) {
                return UnknownNonSynAction.FORWARD;     // the overload's hash rules may have carried it: adopt
            }
            return tc == null ? UnknownNonSynAction.DROP : tc.unknownNonSyn();
        }
        if (point.kind() == DecisionPoint.Kind.DF) {
            return UnknownNonSynAction.DROP;
        }
        VirtualService vs = plan.serviceAt(point.stage().id(), p.ipDst(), p.dstPort());
        return vs == null ? UnknownNonSynAction.DROP : vs.unknownNonSyn();
    }

    /**
     * The traffic class of a segment at a firewall dispatcher: a class naming one of its ports outranks a
     * catch-all class (as the switch's punt rules rank them), so a server's segment from a service port is of that
     * service's class even when its client port falls into the catch-all.
     */
    private static TrafficClass classOf(FwlbTopology t, PacketSummary p) {
        TrafficClass byDst = t.trafficClassFor(IPv4.PROTOCOL_TCP, p.dstPort());
        return fromServer(t, p) ? t.trafficClassFor(IPv4.PROTOCOL_TCP, p.srcPort())
                : byDst != null ? byDst : t.trafficClassFor(IPv4.PROTOCOL_TCP, p.srcPort());
    }

    /**
     * Whether a segment travels server to client: its source port is named by a class, its destination not; when
     * no class names either, its source port is below 1024 and its destination not (as the overload rules of a
     * catch-all class take it).
     */
    private static boolean fromServer(FwlbTopology t, PacketSummary p) {
        TrafficClass byDst = t.trafficClassFor(IPv4.PROTOCOL_TCP, p.dstPort());
        TrafficClass bySrc = t.trafficClassFor(IPv4.PROTOCOL_TCP, p.srcPort());
        boolean srcNamed = bySrc != null && !bySrc.ports().isEmpty();
        boolean dstNamed = byDst != null && !byDst.ports().isEmpty();
        if (!srcNamed && !dstNamed) {
            return p.srcPort() < BaseRules.WELL_KNOWN_PORTS && p.dstPort() >= BaseRules.WELL_KNOWN_PORTS;
        }
        return srcNamed && !dstNamed;
    }

    /**
     * Whether the overload's hash rules (see {@link BaseRules}) would have carried a segment of a pinned class: not
     * to or from a sandwich VIP, and for a catch-all class exactly one port below 1024.
     */
    private static boolean hashCarried(EnginePlan plan, TrafficClass tc, PacketSummary p) {
        if (tc.mode() != org.fwlb.model.DispatchMode.PINNED) {
            return false;
        }
        for (org.fwlb.model.VirtualService v : plan.services(Owner.SANDWICH)) {
            int vip = org.fwlb.model.Ip4.toInt(v.vip().getIp4Address());
            if (p.ipDst() == vip || p.ipSrc() == vip) {
                return false;
            }
        }
        return !tc.ports().isEmpty()
                || p.srcPort() < BaseRules.WELL_KNOWN_PORTS != p.dstPort() < BaseRules.WELL_KNOWN_PORTS;
    }

    /**
     * Overload or grace: a SYN+ACK the hash rules would carry (its SYN went by them, the rules of this side are not
     * there yet or no longer) is passed to its hash firewall, neither pinned nor held: holding it would drop the
     * connection's next tries for a while, pinning it would fill the table with a flood's server retransmitting to
     * spoofed sources.
     */
    private boolean passedByHash(EnginePlan plan, DecisionPoint point, PacketSummary p, byte[] frame) {
        if ((p.tcpFlags() & PacketSummary.SYN) == 0 || ctx.overload() == OverloadDetector.State.NORMAL
                || point.kind() != DecisionPoint.Kind.FIREWALL_CHOICE) {
            return false;
        }
        FwlbTopology t = plan.topology();
        TrafficClass tc = classOf(t, p);
        Role role = t.firewallRoleOf(point.device());
        if (tc == null || role == null || !hashCarried(plan, tc, p)) {
            return false;
        }
        String id = ctx.firewallBuckets().ownerOf(fromServer(t, p) ? p.dstPort() : p.srcPort());
        org.fwlb.model.Firewall fw = id == null ? null : t.firewall(id);
        if (fw == null) {
            return false;
        }
        ctx.packets.emit(new DefaultOutboundPacket(point.device(), Treatments.towardsFirewall(t, fw, role),
                                                   ByteBuffer.wrap(frame)));
        ctx.counters(point.owner()).inc(EngineCounters.PASSED_BY_HASH);
        return true;
    }

    /** Holds a 5-tuple in the switch (its segments dropped there) for a while, within the instance's budget. */
    private void hold(DecisionPoint point, FlowKey seen) {
        ApplicationId app = ctx.rules().app(point.owner());
        if (app == null || ctx.holds.get() >= ctx.settings().maxHolds) {
            return;
        }
        ctx.holds.incrementAndGet();
        ctx.counters(point.owner()).inc(EngineCounters.HELD);
        ctx.flowRules.applyFlowRules(PathRules.hold(app, point.device(), seen, ctx.settings().holdSeconds));
    }

    /**
     * Seed [0011] "forward": a mid-stream segment of no connection (e.g. its pin was lost) is pinned to the member
     * the static hash of its client port gives, both ways, and passed on.
     */
    private void byHash(EnginePlan plan, DecisionPoint point, PacketSummary p, byte[] frame) {
        FwlbTopology t = plan.topology();
        FlowKey seen = p.flowKey();
        FlowKey flow = seen;
        DecisionPoint trigger = point;
        if (point.kind() == DecisionPoint.Kind.FIREWALL_CHOICE) {
            if (fromServer(t, p)) {
                flow = seen.reverse();      // a reply: the client is the destination
            }
            boolean inside = t.internal().isPresent()
                    && t.internal().get().subnet().contains(org.fwlb.model.Ip4.toAddress(flow.srcIp()));
            trigger = plan.firewallChoice(inside ? Role.INTERNAL : Role.EXTERNAL);
            if (trigger == null) {
                return;
            }
        }
        PathPlanner.Decision d = planner.decide(plan, trigger, flow, null, null, true);
        if (d.refusal != null) {
            ctx.counters(point.owner()).inc(d.refusal);
            return;
        }
        ctx.counters(point.owner()).inc(EngineCounters.FORWARDED);
        installer.place(plan, trigger, flow, null, d, true, (hop, rules) -> passOn(point, seen, rules, frame));
    }

    /** Passes a segment on with the treatment of its connection's rule on this switch. */
    private void passOn(DecisionPoint point, FlowKey seen, List<FlowRule> rules, byte[] frame) {
        for (FlowRule r : rules) {
            if (r.deviceId().equals(point.device()) && seen.equals(PathRules.selectorKey(r))) {
                installer.emit(point, r.treatment(), frame);
                return;
            }
        }
    }

    /**
     * A segment of a known connection whose rule on this switch is missing: the rules this instance masters are
     * applied again and the segment follows its path.
     */
    private void along(EnginePlan plan, DecisionPoint point, ConnectionEntry e, PacketSummary p, byte[] frame) {
        FwlbTopology t = plan.topology();
        List<Hop> mine = new ArrayList<>();
        for (Hop h : Hop.of(plan, e, ctx::uplink)) {
            if (ctx.isLocalMaster(h.point().device())) {
                mine.add(h);
            }
        }
        int idle = e.state() == TcpState.CLOSING ? t.timeouts().closingSeconds() : t.timeouts().idleSeconds();
        List<FlowRule> rules = ctx.rules().rules(t, plan, e, mine, idle);
        List<FlowRule> missing = e.state() == TcpState.SYN_SEEN ? List.of() : notStored(rules);
        if (!missing.isEmpty()) {
            ctx.applying(missing);
            ctx.flowRules.applyFlowRules(missing.toArray(new FlowRule[0]));
        }
        passOn(point, p.flowKey(), rules, frame);
    }

    /**
     * The rules the core does not hold as they are (added or being added, same treatment and timeout). A segment
     * of a connection whose rules the store holds was punted by a switch's flow cache that has not caught up with
     * its table yet (OVS revalidates its datapath flows after a FLOW_MOD, after the barrier reply): sending the
     * same rules again would only make the switch replace them and revalidate once more. Rules really missing on
     * a switch are the core's to re-install (the flow statistics poll does it).
     */
    private List<FlowRule> notStored(List<FlowRule> rules) {
        List<FlowRule> out = new ArrayList<>(rules.size());
        for (FlowRule r : rules) {
            FlowEntry fe = ctx.flowRules.getFlowEntry(r);
            boolean held = fe != null && (fe.state() == FlowEntry.FlowEntryState.ADDED
                    || fe.state() == FlowEntry.FlowEntryState.PENDING_ADD)
                    && fe.treatment().equals(r.treatment()) && fe.timeout() == r.timeout()
                    && fe.isPermanent() == r.isPermanent();
            if (!held) {
                out.add(r);
            }
        }
        return out;
    }

    /** tcp_flags mode: a RST, or the second side's FIN, moves the connection to the closing timeout. */
    private ConnectionEntry closing(ConnectionEntry e, PacketSummary p) {
        boolean fromClient = p.ipSrc() == e.flow().srcIp() && p.srcPort() == e.flow().srcPort();
        ConnectionEntry after = (p.tcpFlags() & PacketSummary.RST) != 0 ? ctx.connections.markClosing(e.key())
                : ctx.connections.markFin(e.key(), fromClient);
        if (after == null) {
            return e;
        }
        if (after.state() == TcpState.CLOSING) {
            ctx.openings.remove(e.key());
        }
        return after;
    }
}
