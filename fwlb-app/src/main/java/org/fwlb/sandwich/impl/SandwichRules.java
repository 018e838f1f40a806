package org.fwlb.sandwich.impl;

import com.google.common.collect.ImmutableList;
import org.fwlb.model.ConnectionEntry;
import org.fwlb.model.ConnectionKey;
import org.fwlb.model.DispatchMode;
import org.fwlb.model.Firewall;
import org.fwlb.model.FirewallDispatcher;
import org.fwlb.model.FirewallDispatcher.Role;
import org.fwlb.model.FlowKey;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.Ip4;
import org.fwlb.model.Server;
import org.fwlb.model.TrafficClass;
import org.fwlb.model.UnknownNonSynAction;
import org.fwlb.model.VirtualService;
import org.fwlb.policy.FlowHash;
import org.onlab.packet.Ethernet;
import org.onlab.packet.IPv4;
import org.onlab.packet.Ip4Address;
import org.onlab.packet.IpPrefix;
import org.onlab.packet.TpPort;
import org.onosproject.core.ApplicationId;
import org.onosproject.net.DeviceId;
import org.onosproject.net.PortNumber;
import org.onosproject.net.flow.DefaultFlowRule;
import org.onosproject.net.flow.DefaultTrafficSelector;
import org.onosproject.net.flow.DefaultTrafficTreatment;
import org.onosproject.net.flow.FlowRule;
import org.onosproject.net.flow.TrafficSelector;
import org.onosproject.net.flow.TrafficTreatment;
import org.onosproject.net.flow.criteria.Criteria;
import org.onosproject.net.flow.criteria.Criterion;
import org.onosproject.net.flow.criteria.IPCriterion;
import org.onosproject.net.flow.criteria.TcpPortCriterion;
import org.onosproject.net.flow.instructions.Instruction;
import org.onosproject.net.flow.instructions.L2ModificationInstruction;
import org.onosproject.net.flow.instructions.L3ModificationInstruction;
import org.onosproject.net.flow.instructions.L4ModificationInstruction;
import org.onosproject.net.meter.MeterId;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Builds the sandwich's flow rules from the topology; pure (no ONOS services), so the same inputs always
 * give the same rules (and the same flow ids, which is how rules are found again for removal).
 *
 * <p>Per connection: one rule on the side the SYN entered (towards the chosen firewall) and one on the
 * other side (replies towards the same firewall); for a virtual service dispatched by the internal
 * firewall dispatcher itself (seed FIG 6) the internal side also rewrites to the chosen server and back.
 */
public final class SandwichRules {

    /** ARP for virtual gateways and VIPs, probe replies. */
    public static final int PRIO_ARP = 45000;
    /**
     * Static-hash forwarding of a static-hash traffic class (+ class rank): above every rule of the
     * pinned classes, whose punts would otherwise catch its packets.
     */
    public static final int PRIO_HASH_CLASS = 41000;
    /** FIN/RST of pinned traffic, to the controller (+ class rank). */
    public static final int PRIO_CLOSE = 40000;
    /** Pinned per-connection rules. */
    public static final int PRIO_PINNED = 30000;
    /**
     * The pinned rule on the side the connection started from: one above the others, so the switches
     * themselves record which way the connection goes (needed to rebuild the table after a restart).
     */
    public static final int PRIO_PINNED_ORIGIN = PRIO_PINNED + 1;
    /**
     * SYN punts (+ class rank): above the pinned rules, so a new SYN on a 5-tuple whose old rules are still
     * there (reuse after an abort, TIME_WAIT reuse) reaches the controller instead of the stale path.
     */
    public static final int PRIO_SYN = 35000;
    /** Unknown non-SYN TCP handling of pinned classes (+ class rank). */
    public static final int PRIO_UNKNOWN = 10000;
    /** Most traffic classes that get distinct ranks; later ones share the lowest rank. */
    static final int MAX_RANK = 999;
    /** Other IP traffic through the gateways (ICMP, UDP): static hash by the public address. */
    public static final int PRIO_OTHER_IP = 5000;
    /** Base rule: plain L2 switching. */
    public static final int PRIO_BASE = 0;

    /** Exact TCP flag values that close a connection (FIN / RST with the usual companions). */
    static final int[] CLOSE_FLAGS = {0x01, 0x11, 0x19, 0x04, 0x14, 0x15, 0x1c};
    /** TCP flags of a connection request. */
    static final int SYN_FLAGS = 0x02;

    private final ApplicationId appId;

    /**
     * Creates a builder of rules owned by an application.
     *
     * @param appId owner of the rules
     */
    public SandwichRules(ApplicationId appId) {
        this.appId = appId;
    }

    /**
     * Returns the device of a firewall dispatcher role.
     *
     * @param t    topology
     * @param role role
     * @return device id
     */
    static FirewallDispatcher side(FwlbTopology t, Role role) {
        return (role == Role.EXTERNAL ? t.external() : t.internal()).orElseThrow(
                () -> new IllegalStateException("no " + role + " firewall dispatcher configured"));
    }

    // ---- per-connection rules ----------------------------------------------------------------

    /**
     * Returns the pinned rules of a connection.
     *
     * @param t           topology
     * @param entry       the connection; its path names the firewall (and the server for FIG 6)
     * @param origin      the side the connection's SYN entered
     * @param idleSeconds idle timeout of the rules
     * @return rules on both firewall dispatchers
     */
    public List<FlowRule> pinnedRules(FwlbTopology t, ConnectionEntry entry, Role origin, int idleSeconds) {
        Firewall fw = t.firewall(entry.path().firewallId().orElseThrow(
                () -> new IllegalArgumentException("connection has no firewall: " + entry)));
        FlowKey f = entry.flow();
        FlowKey reply = f.reverse();
        Role other = origin == Role.EXTERNAL ? Role.INTERNAL : Role.EXTERNAL;
        FirewallDispatcher in = side(t, origin);
        FirewallDispatcher out = side(t, other);
        List<FlowRule> rules = new ArrayList<>(4);
        rules.add(pinned(in.deviceId(), PRIO_PINNED_ORIGIN, f, towardsFirewall(t, fw, origin), idleSeconds));
        Optional<Server> server = entry.path().serverId().map(t::server);
        if (server.isPresent() && origin == Role.EXTERNAL) {
            // FIG 6: the internal firewall dispatcher is also the server dispatcher (L4/3): rewrite the VIP
            // to the server on the way in and back on the way out, replies still via the same firewall.
            Server s = server.get();
            Ip4Address vip = Ip4.toAddress(f.dstIp());
            TrafficTreatment toServer = DefaultTrafficTreatment.builder()
                    .setEthSrc(out.gatewayMac()).setEthDst(s.mac())
                    .setIpDst(s.ip())
                    .setOutput(s.location().port()).build();
            rules.add(pinned(out.deviceId(), PRIO_PINNED, f, toServer, idleSeconds));
            FlowKey serverReply = FlowKey.of(f.protocol(), Ip4.toInt(s.ip().getIp4Address()), f.dstPort(),
                                             f.srcIp(), f.srcPort());
            TrafficTreatment back = DefaultTrafficTreatment.builder()
                    .setIpSrc(vip)
                    .setEthSrc(out.gatewayMac()).setEthDst(fw.inside().mac())
                    .setOutput(fw.inside().port()).build();
            rules.add(pinned(out.deviceId(), PRIO_PINNED, serverReply, back, idleSeconds));
        } else {
            rules.add(pinned(out.deviceId(), PRIO_PINNED, reply, towardsFirewall(t, fw, other), idleSeconds));
        }
        return rules;
    }

    /**
     * Returns the treatment that sends a packet entering at a firewall dispatcher to a firewall.
     *
     * @param t    topology
     * @param fw   firewall
     * @param role the dispatcher the packet is at
     * @return treatment
     */
    public static TrafficTreatment towardsFirewall(FwlbTopology t, Firewall fw, Role role) {
        FirewallDispatcher d = side(t, role);
        boolean ext = role == Role.EXTERNAL;
        return DefaultTrafficTreatment.builder()
                .setEthSrc(d.gatewayMac())
                .setEthDst(ext ? fw.outside().mac() : fw.inside().mac())
                .setOutput(ext ? fw.outside().port() : fw.inside().port())
                .build();
    }

    /**
     * Returns the exact 5-tuple selector of one direction of a TCP connection.
     *
     * @param f directional key
     * @return selector
     */
    public static TrafficSelector match(FlowKey f) {
        return DefaultTrafficSelector.builder()
                .matchEthType(Ethernet.TYPE_IPV4)
                .matchIPProtocol((byte) f.protocol())
                .matchIPSrc(IpPrefix.valueOf(f.srcIp(), 32))
                .matchIPDst(IpPrefix.valueOf(f.dstIp(), 32))
                .matchTcpSrc(TpPort.tpPort(f.srcPort()))
                .matchTcpDst(TpPort.tpPort(f.dstPort()))
                .build();
    }

    /**
     * Tells whether a priority is one of the pinned rules'.
     *
     * @param priority priority
     * @return true for pinned rules
     */
    public static boolean isPinned(int priority) {
        return priority == PRIO_PINNED || priority == PRIO_PINNED_ORIGIN;
    }

    /**
     * Returns the flow id (cookie) of a pinned rule: the application id in the upper 16 bits, as ONOS does,
     * and a hash of device, priority and 5-tuple below. The same connection always gets the same ids (so
     * rebuilt rules remove or overwrite the installed ones), and building it costs no string formatting
     * (ONOS's default id hashes every criterion's toString, the most expensive step of a SYN decision).
     *
     * @param appId    owner
     * @param device   device
     * @param priority priority
     * @param f        the 5-tuple the rule matches
     * @return the cookie
     */
    static long pinnedCookie(ApplicationId appId, DeviceId device, int priority, FlowKey f) {
        long h = FlowHash.mix(device.hashCode() * 31L + priority);
        h = FlowHash.mix(h ^ (((long) f.srcIp() << 32) | (f.dstIp() & 0xffffffffL)));
        h = FlowHash.mix(h ^ (((long) f.protocol() << 32) | ((long) f.srcPort() << 16) | f.dstPort()));
        return ((long) appId.id() << 48) | (h & 0xffff_ffff_ffffL);
    }

    private FlowRule pinned(DeviceId device, int priority, FlowKey f, TrafficTreatment tr, int idleSeconds) {
        // ONOS takes the application id from the cookie's upper 16 bits when a cookie is given
        return DefaultFlowRule.builder().forDevice(device)
                .withCookie(pinnedCookie(appId, device, priority, f))
                .withPriority(priority).withSelector(match(f)).withTreatment(tr)
                .makeTemporary(idleSeconds).build();
    }

    /**
     * Returns the connection key a pinned rule belongs to: its 5-tuple as the client sees it (a rule that
     * rewrites the source back to a VIP is keyed by the VIP).
     *
     * @param rule a rule built by {@link #pinnedRules}
     * @return key, or empty if the rule is not a pinned 5-tuple rule
     */
    public static Optional<ConnectionKey> connectionKeyOf(FlowRule rule) {
        if (!isPinned(rule.priority())) {
            return Optional.empty();
        }
        Integer src = ip(rule.selector().getCriterion(Criterion.Type.IPV4_SRC));
        Integer dst = ip(rule.selector().getCriterion(Criterion.Type.IPV4_DST));
        Integer sp = port(rule.selector().getCriterion(Criterion.Type.TCP_SRC));
        Integer dp = port(rule.selector().getCriterion(Criterion.Type.TCP_DST));
        if (src == null || dst == null || sp == null || dp == null) {
            return Optional.empty();
        }
        for (Instruction i : rule.treatment().allInstructions()) {
            if (i instanceof L3ModificationInstruction.ModIPInstruction
                    && ((L3ModificationInstruction) i).subtype() == L3ModificationInstruction.L3SubType.IPV4_SRC) {
                src = Ip4.toInt(((L3ModificationInstruction.ModIPInstruction) i).ip().getIp4Address());
            }
            if (i instanceof L4ModificationInstruction.ModTransportPortInstruction
                    && ((L4ModificationInstruction) i).subtype() == L4ModificationInstruction.L4SubType.TCP_SRC) {
                sp = ((L4ModificationInstruction.ModTransportPortInstruction) i).port().toInt();
            }
        }
        return Optional.of(FlowKey.of(IPv4.PROTOCOL_TCP, src, sp, dst, dp).canonical());
    }

    /**
     * Returns the destination MAC a pinned rule rewrites to (the firewall's or the server's).
     *
     * @param rule a pinned rule
     * @return the MAC, or empty
     */
    public static Optional<org.onlab.packet.MacAddress> ethDstOf(FlowRule rule) {
        for (Instruction i : rule.treatment().allInstructions()) {
            if (i instanceof L2ModificationInstruction.ModEtherInstruction
                    && ((L2ModificationInstruction) i).subtype() == L2ModificationInstruction.L2SubType.ETH_DST) {
                return Optional.of(((L2ModificationInstruction.ModEtherInstruction) i).mac());
            }
        }
        return Optional.empty();
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

    // ---- base rules ------------------------------------------------------------------------

    /**
     * Returns the rules a firewall dispatcher holds independent of connections: plain L2 switching, ARP
     * for its gateway (and, inside, the VIPs it dispatches), SYN and FIN/RST punts of pinned traffic
     * classes, the unknown-non-SYN action, and static-hash forwarding.
     *
     * @param t          topology
     * @param role       which dispatcher
     * @param meter      meter limiting punted packets, if any
     * @param assignment static-hash bucket assignment (firewall per bucket)
     * @return rules
     */
    public List<FlowRule> baseRules(FwlbTopology t, Role role, Optional<MeterId> meter,
                                    StaticHashAssignment assignment) {
        FirewallDispatcher d = side(t, role);
        DeviceId dev = d.deviceId();
        List<FlowRule> rules = new ArrayList<>();
        rules.add(rule(dev, PRIO_BASE, DefaultTrafficSelector.emptySelector(),
                       DefaultTrafficTreatment.builder().setOutput(PortNumber.NORMAL).build()));
        for (Ip4Address ip : arpTargets(t, role)) {
            rules.add(rule(dev, PRIO_ARP, DefaultTrafficSelector.builder()
                    .matchEthType(Ethernet.TYPE_ARP).matchArpTpa(ip).build(), punt(Optional.empty())));
        }
        List<TrafficClass> classes = t.trafficClasses();
        for (int k = 0; k < classes.size(); k++) {
            TrafficClass tc = classes.get(k);
            // earlier classes rank higher, so a packet meets its first matching class's rules first
            int rank = Math.max(1, Math.min(MAX_RANK, classes.size() - k));
            if (tc.protocol().number() != IPv4.PROTOCOL_TCP) {
                continue;
            }
            if (tc.mode() == DispatchMode.PINNED) {
                for (TrafficSelector s : classSelectors(d, tc, SYN_FLAGS)) {
                    rules.add(rule(dev, PRIO_SYN + rank, s, punt(meter)));
                }
                for (int flags : CLOSE_FLAGS) {
                    for (TrafficSelector s : classSelectorsBothWays(d, tc, flags)) {
                        rules.add(rule(dev, PRIO_CLOSE + rank, s, punt(Optional.empty())));
                    }
                }
                UnknownNonSynAction a = tc.unknownNonSyn();
                if (a == UnknownNonSynAction.FORWARD) {
                    rules.addAll(hashRules(t, role, tc, assignment, PRIO_UNKNOWN + rank));
                } else {
                    TrafficTreatment tr = a == UnknownNonSynAction.DROP_RST ? punt(meter)
                            : DefaultTrafficTreatment.builder().drop().build();
                    for (TrafficSelector s : classSelectorsBothWays(d, tc, -1)) {
                        rules.add(rule(dev, PRIO_UNKNOWN + rank, s, tr));
                    }
                }
            } else {
                rules.addAll(hashRules(t, role, tc, assignment, PRIO_HASH_CLASS + rank));
            }
        }
        // Everything else routed through the gateway (ICMP, UDP, unclassified TCP): by public address.
        rules.addAll(otherIpRules(t, role, assignment));
        return rules;
    }

    private static List<Ip4Address> arpTargets(FwlbTopology t, Role role) {
        List<Ip4Address> ips = new ArrayList<>();
        ips.add(side(t, role).gatewayIp().getIp4Address());
        if (role == Role.INTERNAL) {
            for (VirtualService v : fig6Services(t)) {
                ips.add(v.vip().getIp4Address());
            }
        }
        return ips;
    }

    /**
     * Returns the virtual services the internal firewall dispatcher dispatches itself (seed FIG 6): their
     * first stage is an L4/3 dispatcher realized on the internal dispatcher's device, reaching servers.
     *
     * @param t topology
     * @return services
     */
    public static List<VirtualService> fig6Services(FwlbTopology t) {
        if (!t.internal().isPresent()) {
            return ImmutableList.of();
        }
        DeviceId dev = t.internal().get().deviceId();
        List<VirtualService> out = new ArrayList<>();
        for (VirtualService v : t.services()) {
            org.fwlb.model.Dispatcher first = t.dispatcher(v.firstStage());
            if (first != null && first.deviceId().isPresent() && first.deviceId().get().equals(dev)
                    && first.kind() == org.fwlb.model.DispatcherKind.L4_3 && !t.childServers(first.id()).isEmpty()) {
                out.add(v);
            }
        }
        return out;
    }

    /** Selectors of traffic of a class arriving at the gateway, initiating side only (tcp_dst = port). */
    private static List<TrafficSelector> classSelectors(FirewallDispatcher d, TrafficClass tc, int flags) {
        List<TrafficSelector> out = new ArrayList<>();
        if (tc.ports().isEmpty()) {
            out.add(tcpAtGateway(d, flags).build());
        }
        for (int p : tc.ports()) {
            out.add(tcpAtGateway(d, flags).matchTcpDst(TpPort.tpPort(p)).build());
        }
        return out;
    }

    /** Selectors of a class's traffic at the gateway in either direction (port as dst or as src). */
    private static List<TrafficSelector> classSelectorsBothWays(FirewallDispatcher d, TrafficClass tc, int flags) {
        List<TrafficSelector> out = new ArrayList<>();
        if (tc.ports().isEmpty()) {
            out.add(tcpAtGateway(d, flags).build());
        }
        for (int p : tc.ports()) {
            out.add(tcpAtGateway(d, flags).matchTcpDst(TpPort.tpPort(p)).build());
            out.add(tcpAtGateway(d, flags).matchTcpSrc(TpPort.tpPort(p)).build());
        }
        return out;
    }

    private static TrafficSelector.Builder tcpAtGateway(FirewallDispatcher d, int flags) {
        TrafficSelector.Builder b = DefaultTrafficSelector.builder()
                .matchEthDst(d.gatewayMac())
                .matchEthType(Ethernet.TYPE_IPV4)
                .matchIPProtocol(IPv4.PROTOCOL_TCP);
        if (flags >= 0) {
            b.add(Criteria.matchTcpFlags(flags));
        }
        return b;
    }

    /**
     * Static-hash rules of a traffic class. The bucket is the low bits of the client's (ephemeral) port:
     * OpenFlow can match a masked TCP port but ONOS selectors only take IPv4 prefixes, and the client port
     * is the part of the 5-tuple both dispatchers see in every packet of the connection. The service port
     * tells the direction, so a class in static-hash mode needs explicit ports.
     */
    private List<FlowRule> hashRules(FwlbTopology t, Role role, TrafficClass tc, StaticHashAssignment a,
                                     int priority) {
        FirewallDispatcher d = side(t, role);
        List<FlowRule> rules = new ArrayList<>();
        if (tc.ports().isEmpty()) {
            return rules;
        }
        int mask = a.buckets() - 1;
        for (int b = 0; b < a.buckets(); b++) {
            Firewall fw = a.firewall(b);
            if (fw == null) {
                continue;
            }
            TrafficTreatment tr = towardsFirewall(t, fw, role);
            for (int p : tc.ports()) {
                // client port in the bucket as tcp_src (requests) or tcp_dst (replies)
                rules.add(rule(d.deviceId(), priority, tcpAtGateway(d, -1).matchTcpDst(TpPort.tpPort(p))
                        .matchTcpSrcMasked(TpPort.tpPort(b), TpPort.tpPort(mask)).build(), tr));
                rules.add(rule(d.deviceId(), priority, tcpAtGateway(d, -1).matchTcpSrc(TpPort.tpPort(p))
                        .matchTcpDstMasked(TpPort.tpPort(b), TpPort.tpPort(mask)).build(), tr));
            }
        }
        return rules;
    }

    /**
     * Non-TCP IP traffic through a gateway goes to one firewall chosen by the public address: the
     * destination on the internal side, the source on the external side. Prefix buckets over the address's
     * top bits keep this symmetric with IPv4 prefixes only; with one public subnet they collapse to one
     * firewall, which is correct (symmetric) if not balanced.
     */
    private List<FlowRule> otherIpRules(FwlbTopology t, Role role, StaticHashAssignment a) {
        FirewallDispatcher d = side(t, role);
        Firewall fw = a.firewall(0);
        List<FlowRule> rules = new ArrayList<>();
        if (fw == null) {
            return rules;
        }
        rules.add(rule(d.deviceId(), PRIO_OTHER_IP, DefaultTrafficSelector.builder()
                .matchEthDst(d.gatewayMac()).matchEthType(Ethernet.TYPE_IPV4).build(),
                       towardsFirewall(t, fw, role)));
        return rules;
    }

    private static TrafficTreatment punt(Optional<MeterId> meter) {
        TrafficTreatment.Builder b = DefaultTrafficTreatment.builder().setOutput(PortNumber.CONTROLLER);
        meter.ifPresent(b::meter);
        return b.build();
    }

    private FlowRule rule(DeviceId dev, int prio, TrafficSelector s, TrafficTreatment tr) {
        return DefaultFlowRule.builder().forDevice(dev).fromApp(appId).withPriority(prio)
                .withSelector(s).withTreatment(tr).makePermanent().build();
    }
}
