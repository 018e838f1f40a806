package org.fwlb.engine;

import org.fwlb.model.ConnectionEntry;
import org.fwlb.model.ConnectionKey;
import org.fwlb.model.FirewallDispatcher.Role;
import org.fwlb.model.FlowKey;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.Ip4;
import org.fwlb.model.Server;
import org.fwlb.model.VirtualService;
import org.fwlb.policy.FlowHash;
import org.onlab.packet.IPv4;
import org.onlab.packet.IpAddress;
import org.onlab.packet.IpPrefix;
import org.onlab.packet.MacAddress;
import org.onosproject.core.ApplicationId;
import org.onosproject.net.DeviceId;
import org.onosproject.net.PortNumber;
import org.onosproject.net.flow.DefaultFlowRule;
import org.onosproject.net.flow.FlowRule;
import org.onosproject.net.flow.TrafficTreatment;
import org.onosproject.net.flow.criteria.Criterion;
import org.onosproject.net.flow.criteria.IPCriterion;
import org.onosproject.net.flow.criteria.TcpPortCriterion;
import org.onosproject.net.flow.instructions.Instruction;
import org.onosproject.net.flow.instructions.L2ModificationInstruction;
import org.onosproject.net.flow.instructions.L3ModificationInstruction;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Builds the per-connection rules of every hop of a path and the treatment that releases a SYN (pure: the same
 * connection always gives the same rules and flow ids, which is how they are found again to be removed, re-applied
 * or adopted). Rules carry the application id of the decision point's owner.
 *
 * <p>Per hop: a firewall choice puts the forward rule on the firewall dispatcher the connection entered (towards
 * the chosen firewall) and the reply rule on the other one (towards the same firewall), except for a FIG 6 service,
 * whose L4/3 stage on the internal dispatcher answers; an L4/2 stage rewrites the destination MAC; an L4/3 stage
 * rewrites to the server and the server's replies back to the VIP (to the firewall, FIG 7/8); a DF passes the
 * connection to its host and sends the host's replies to the firewall (FIG 8).
 */
public final class PathRules {

    private final ApplicationId[] apps = new ApplicationId[Owner.values().length];

    /**
     * Sets the application id of an owner (null: detached, its hops get no rules).
     *
     * @param owner owner
     * @param appId its application id
     */
    public void setApp(Owner owner, ApplicationId appId) {
        apps[owner.ordinal()] = appId;
    }

    /**
     * Returns an owner's application id.
     *
     * @param owner owner
     * @return application id, or null when detached
     */
    public ApplicationId app(Owner owner) {
        return apps[owner.ordinal()];
    }

    /**
     * Returns the rules of every given hop of a connection.
     *
     * @param t    topology
     * @param plan plan in force
     * @param e    the connection
     * @param hops its hops (all, or those decided now)
     * @param idle idle timeout, seconds
     * @return rules, forward rule first per hop
     */
    public List<FlowRule> rules(FwlbTopology t, EnginePlan plan, ConnectionEntry e, List<Hop> hops, int idle) {
        List<FlowRule> out = new ArrayList<>(hops.size() * 2);
        for (Hop h : hops) {
            hopRules(t, plan, e, h, idle, out);
        }
        return out;
    }

    private void hopRules(FwlbTopology t, EnginePlan plan, ConnectionEntry e, Hop h, int idle, List<FlowRule> out) {
        DecisionPoint p = h.point();
        ApplicationId app = apps[p.owner().ordinal()];
        if (app == null) {
            return;
        }
        FlowKey f = e.flow();
        int fwdPrio = h.origin() ? Priorities.PINNED_ORIGIN : Priorities.PINNED;
        switch (p.kind()) {
            case FIREWALL_CHOICE: {
                Role role = p.role();
                out.add(pinned(app, p.device(), fwdPrio, f, Treatments.towardsFirewall(t, h.firewall(), role), idle));
                if (!answeredBehind(plan, role, f)) {
                    Role other = role == Role.EXTERNAL ? Role.INTERNAL : Role.EXTERNAL;
                    out.add(pinned(app, Treatments.side(t, other).deviceId(), Priorities.PINNED, f.reverse(),
                                   Treatments.towardsFirewall(t, h.firewall(), other), idle));
                }
                break;
            }
            case L4_2:
                out.add(pinned(app, p.device(), fwdPrio, f,
                               Treatments.l2Forward(t, p.device(), h.next(), h.uplink(), false, null, false), idle));
                break;
            case L4_3: {
                Server s = t.server(h.next());
                if (s == null) {
                    break;
                }
                out.add(pinned(app, p.device(), fwdPrio, f, Treatments.toServer(t, p, s, false), idle));
                out.add(pinned(app, p.device(), Priorities.PINNED, Treatments.serverSide(f, s),
                               Treatments.fromServer(t, p, f.dstIp(), h.firewall(), h.uplink()), idle));
                break;
            }
            case DF:
                out.add(pinned(app, p.device(), fwdPrio, f, Treatments.toHost(p.stage(), false), idle));
                out.add(pinned(app, p.device(), Priorities.PINNED, f.reverse(),
                               Treatments.replyToFirewall(h.firewall(), h.uplink()), idle));
                break;
            default:
                break;
        }
    }

    /**
     * FIG 6: a connection from outside to a sandwich-served VIP gets its replies from the L4/3 stage on the internal
     * dispatcher (rewritten back to the VIP), not from the firewall choice.
     */
    private static boolean answeredBehind(EnginePlan plan, Role role, FlowKey f) {
        if (role != Role.EXTERNAL) {
            return false;
        }
        VirtualService v = plan.serviceFor(f.dstIp(), f.dstPort());
        return v != null && plan.isSandwichService(v);
    }

    /**
     * Returns the treatment that releases a punted SYN at the hop where it was decided: the hop's own forward
     * treatment, with the path tag pushed (the stage before an answering stage that decides later) or removed
     * (the answering stage, or an L4/2 stage sending straight to a server).
     *
     * @param t       topology
     * @param h       the hop decided at the punting device
     * @param inPort  where the SYN came in
     * @param pushTag tag to push, or null
     * @param tagged  whether the SYN carries a tag
     * @return treatment
     */
    public static TrafficTreatment release(FwlbTopology t, Hop h, PortNumber inPort, Integer pushTag,
                                           boolean tagged) {
        DecisionPoint p = h.point();
        switch (p.kind()) {
            case FIREWALL_CHOICE:
                return Treatments.towardsFirewall(t, h.firewall(), p.role());
            case L4_2:
                return Treatments.l2Forward(t, p.device(), h.next(), inPort, true, pushTag,
                                            tagged && t.isServer(h.next()));
            case L4_3:
                return Treatments.toServer(t, p, t.server(h.next()), tagged);
            case DF:
            default:
                return Treatments.toHost(p.stage(), tagged);
        }
    }

    /**
     * The cookie (flow id) of a per-connection rule: the application id in the upper 16 bits, as ONOS takes it
     * from a cookie, and a hash of device, priority and 5-tuple below: the same connection always gets the same
     * ids, and no criterion is formatted to a string to compute it (ONOS's default id does).
     *
     * @param app      owner
     * @param device   device
     * @param priority priority
     * @param f        the 5-tuple the rule matches
     * @return cookie
     */
    public static long cookie(ApplicationId app, DeviceId device, int priority, FlowKey f) {
        long h = FlowHash.mix(device.hashCode() * 31L + priority);
        h = FlowHash.mix(h ^ (((long) f.srcIp() << 32) | (f.dstIp() & 0xffffffffL)));
        h = FlowHash.mix(h ^ (((long) f.protocol() << 32) | ((long) f.srcPort() << 16) | f.dstPort()));
        return ((long) app.id() << 48) | (h & 0xffff_ffff_ffffL);
    }

    static FlowRule pinned(ApplicationId app, DeviceId dev, int priority, FlowKey f, TrafficTreatment tr, int idle) {
        return DefaultFlowRule.builder().forDevice(dev).withCookie(cookie(app, dev, priority, f))
                .withPriority(priority).withSelector(Treatments.match(f)).withTreatment(tr)
                .makeTemporary(idle).build();
    }

    /**
     * A short rule for one direction of a 5-tuple of no connection (seed [0011]): its segments are dropped in the
     * switch instead of being punted again.
     *
     * @param app  owner
     * @param dev  device
     * @param f    the 5-tuple as the segment travels
     * @param secs how long it holds without traffic
     * @return rule
     */
    public static FlowRule hold(ApplicationId app, DeviceId dev, FlowKey f, int secs) {
        return DefaultFlowRule.builder().forDevice(dev).withCookie(cookie(app, dev, Priorities.HOLD, f))
                .withPriority(Priorities.HOLD).withSelector(Treatments.match(f)).withTreatment(Treatments.drop())
                .makeTemporary(secs).build();
    }

    // ---- reading rules back (adoption, removal events) --------------------------------------------

    /**
     * Returns the 5-tuple a rule matches, in the direction it matches.
     *
     * @param r rule
     * @return key, or null when the rule is not an exact TCP 5-tuple rule
     */
    public static FlowKey selectorKey(FlowRule r) {
        Integer src = ip(r.selector().getCriterion(Criterion.Type.IPV4_SRC));
        Integer dst = ip(r.selector().getCriterion(Criterion.Type.IPV4_DST));
        Integer sp = port(r.selector().getCriterion(Criterion.Type.TCP_SRC));
        Integer dp = port(r.selector().getCriterion(Criterion.Type.TCP_DST));
        if (src == null || dst == null || sp == null || dp == null) {
            return null;
        }
        return FlowKey.of(IPv4.PROTOCOL_TCP, src, sp, dst, dp);
    }

    /**
     * Returns the connection a per-connection rule belongs to, keyed as the client sees it (a rule matching a
     * server's address and rewriting the source back to the VIP is keyed by the VIP).
     *
     * @param r rule
     * @return key, or empty
     */
    public static Optional<ConnectionKey> connectionKeyOf(FlowRule r) {
        FlowKey k = selectorKey(r);
        if (k == null) {
            return Optional.empty();
        }
        IpAddress src = modifiedIp(r, L3ModificationInstruction.L3SubType.IPV4_SRC);
        int srcIp = src == null ? k.srcIp() : Ip4.toInt(src.getIp4Address());
        return Optional.of(FlowKey.of(k.protocol(), srcIp, k.srcPort(), k.dstIp(), k.dstPort()).canonical());
    }

    /**
     * Returns the destination MAC a rule rewrites to.
     *
     * @param r rule
     * @return MAC, or empty
     */
    public static Optional<MacAddress> ethDstOf(FlowRule r) {
        for (Instruction i : r.treatment().allInstructions()) {
            if (i instanceof L2ModificationInstruction.ModEtherInstruction
                    && ((L2ModificationInstruction) i).subtype() == L2ModificationInstruction.L2SubType.ETH_DST) {
                return Optional.of(((L2ModificationInstruction.ModEtherInstruction) i).mac());
            }
        }
        return Optional.empty();
    }

    /**
     * Returns the IPv4 address a rule rewrites a field to.
     *
     * @param r    rule
     * @param type IPV4_SRC or IPV4_DST
     * @return address, or null
     */
    public static IpAddress modifiedIp(FlowRule r, L3ModificationInstruction.L3SubType type) {
        for (Instruction i : r.treatment().allInstructions()) {
            if (i instanceof L3ModificationInstruction.ModIPInstruction
                    && ((L3ModificationInstruction) i).subtype() == type) {
                return ((L3ModificationInstruction.ModIPInstruction) i).ip();
            }
        }
        return null;
    }

    private static Integer ip(Criterion c) {
        if (!(c instanceof IPCriterion)) {
            return null;
        }
        IpPrefix p = ((IPCriterion) c).ip();
        return p.prefixLength() == 32 && p.isIp4() ? Ip4.toInt(p.address().getIp4Address()) : null;
    }

    private static Integer port(Criterion c) {
        return c instanceof TcpPortCriterion && ((TcpPortCriterion) c).mask() == null
                ? ((TcpPortCriterion) c).tcpPort().toInt() : null;
    }
}
