package org.fwlb.dispatch.impl;

import org.fwlb.model.ConnectionEntry;
import org.fwlb.model.ConnectionKey;
import org.fwlb.model.Dispatcher;
import org.fwlb.model.DispatcherKind;
import org.fwlb.model.Firewall;
import org.fwlb.model.FlowKey;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.Ip4;
import org.fwlb.model.Server;
import org.fwlb.model.UnknownNonSynAction;
import org.fwlb.model.VirtualService;
import org.fwlb.policy.FlowHash;
import org.onlab.packet.ARP;
import org.onlab.packet.Ethernet;
import org.onlab.packet.IPv4;
import org.onlab.packet.IpPrefix;
import org.onlab.packet.MacAddress;
import org.onlab.packet.TpPort;
import org.onlab.packet.VlanId;
import org.onosproject.core.ApplicationId;
import org.onosproject.net.ConnectPoint;
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
import org.onosproject.net.flow.instructions.L3ModificationInstruction;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds the dispatch stages' flow rules (pure: no ONOS services). Base rules punt a stage's SYNs and
 * FIN/RSTs, answer ARP for VIPs and steer frames to a first stage; per-connection rules carry one stage's
 * decision: an L4/2 stage rewrites only the destination MAC (seed [0030]), an L4/3 stage rewrites the
 * destination to the server and the replies' source back to the VIP, a DF sends the replies of an L7/3
 * host to the connection's firewall (FIG 8).
 */
final class StageRules {

    /** ARP requests for VIPs. */
    static final int PRIO_ARP = 45000;
    /** FIN / RST of connections to a stage. */
    static final int PRIO_CLOSE = 40000;
    /** Per-connection rules. */
    static final int PRIO_PINNED = 30000;
    /** SYNs to a stage. */
    static final int PRIO_SYN = 20000;
    /** Unknown non-SYN segments of a service port with its own action. */
    static final int PRIO_UNKNOWN_PORT = 10001;
    /** Unknown non-SYN segments to a stage. */
    static final int PRIO_UNKNOWN = 10000;
    /** Static-hash services: proactive bucket rules, above every punt. */
    static final int PRIO_HASH = 41000;
    /** Buckets of the client port in static-hash mode (a power of two). */
    static final int HASH_BUCKETS = 64;
    /** Frames to a first stage at the device in front of it. */
    static final int PRIO_STEER = 1000;
    /** Plain L2 switching on stage devices. */
    static final int PRIO_BASE = 0;

    /** Exact TCP flag values that close a connection (FIN / RST with the usual companions). */
    static final int[] CLOSE_FLAGS = {0x01, 0x11, 0x19, 0x04, 0x14, 0x15, 0x1c};
    /** TCP flags of a connection request. */
    static final int SYN_FLAGS = 0x02;

    private final ApplicationId appId;

    StageRules(ApplicationId appId) {
        this.appId = appId;
    }

    // ---- base rules -------------------------------------------------------------------------

    /**
     * Returns the base rules of one device.
     *
     * @param plan        dispatch plan
     * @param dev         device
     * @param withNormal  whether to add the plain-L2 base rule (not on the sandwich's devices, which own it)
     * @return rules
     */
    List<FlowRule> baseRules(DispatchPlan plan, DeviceId dev, boolean withNormal) {
        return baseRules(plan, dev, withNormal, (stage, v) -> null);
    }

    /**
     * Returns the base rules of one device, with the static-hash services' bucket rules.
     *
     * @param plan       dispatch plan
     * @param dev        device
     * @param withNormal whether to add the plain-L2 base rule
     * @param buckets    per (stage, static-hash service): the member id of each client-port bucket (null: none
     *                   eligible), or null for no bucket rules
     * @return rules
     */
    List<FlowRule> baseRules(DispatchPlan plan, DeviceId dev, boolean withNormal,
                             java.util.function.BiFunction<Dispatcher, VirtualService, String[]> buckets) {
        List<FlowRule> rules = new ArrayList<>();
        FwlbTopology t = plan.topology();
        for (DispatchPlan.Spot s : plan.spotsOn(dev)) {
            if (s.df) {
                continue;
            }
            for (VirtualService v : s.services) {
                String[] b = v.mode() == org.fwlb.model.DispatchMode.STATIC_HASH ? buckets.apply(s.stage, v) : null;
                if (b != null) {
                    hashRules(t, dev, s.stage, v, b, rules);
                }
            }
        }
        TrafficTreatment punt = DefaultTrafficTreatment.builder().setOutput(PortNumber.CONTROLLER).build();
        for (DispatchPlan.Spot s : plan.spotsOn(dev)) {
            for (int vip : plan.vipsOf(s.stage.id())) {
                rules.add(rule(dev, PRIO_SYN, toStage(s.stage, vip).add(Criteria.matchTcpFlags(SYN_FLAGS)).build(),
                               punt));
                for (int f : CLOSE_FLAGS) {
                    rules.add(rule(dev, PRIO_CLOSE, toStage(s.stage, vip).add(Criteria.matchTcpFlags(f)).build(),
                                   punt));
                }
                if (!s.df) {
                    rules.add(rule(dev, PRIO_UNKNOWN, toStage(s.stage, vip).build(), drop()));
                }
            }
            if (!s.df) {
                for (VirtualService v : s.services) {
                    if (v.unknownNonSyn() == UnknownNonSynAction.DROP_RST) {
                        rules.add(rule(dev, PRIO_UNKNOWN_PORT, toStage(s.stage, Ip4.toInt(v.vip().getIp4Address()))
                                .matchTcpDst(TpPort.tpPort(v.port())).build(), punt));
                    }
                }
            }
        }
        java.util.Set<Integer> arpTargets = new java.util.LinkedHashSet<>();
        Map<Integer, Dispatcher> arp = plan.arpAnswers().get(dev);
        if (arp != null) {
            arpTargets.addAll(arp.keySet());
        }
        for (ServerProber.Target tg : ServerProber.targets(plan)) {
            if (tg.stage.deviceId().get().equals(dev)) {
                // the servers' ARP for the stage's address, and the probe answers
                int ip = Ip4.toInt(tg.stage.ip().getIp4Address());
                arpTargets.add(ip);
                FlowRule answers = rule(dev, PRIO_ARP, DefaultTrafficSelector.builder()
                        .matchEthType(Ethernet.TYPE_IPV4).matchIPProtocol(IPv4.PROTOCOL_TCP)
                        .matchIPDst(IpPrefix.valueOf(ip, 32)).matchTcpDst(TpPort.tpPort(ServerProber.PROBE_PORT))
                        .build(), punt);
                if (!rules.contains(answers)) {
                    rules.add(answers);
                }
            }
        }
        {
            for (int vip : arpTargets) {
                rules.add(rule(dev, PRIO_ARP, DefaultTrafficSelector.builder().matchEthType(Ethernet.TYPE_ARP)
                        .matchArpOp(ARP.OP_REQUEST).matchArpTpa(Ip4.toAddress(vip)).build(), punt));
            }
        }
        for (Dispatcher first : plan.steeredFirstStages()) {
            ConnectPoint cp = first.location().get();
            if (cp.deviceId().equals(dev)) {
                rules.add(rule(dev, PRIO_STEER, DefaultTrafficSelector.builder().matchEthDst(first.mac()).build(),
                               DefaultTrafficTreatment.builder().setOutput(cp.port()).build()));
            }
        }
        if (withNormal) {
            rules.add(rule(dev, PRIO_BASE, DefaultTrafficSelector.builder().build(),
                           DefaultTrafficTreatment.builder().setOutput(PortNumber.NORMAL).build()));
        }
        return rules;
    }

    /**
     * Static-hash mode without punts: the client port's low bits pick a bucket, each bucket a member, installed
     * ahead of time (the seed's static hash [0010]; as the sandwich does). An L4/3 stage also rewrites every
     * server's replies back to the VIP; those go out by L2 (NORMAL), since no SYN told which port the client
     * is behind, and carry no path tag (a firewall sandwich in front keeps its own symmetry).
     */
    private void hashRules(FwlbTopology t, DeviceId dev, Dispatcher stage, VirtualService v, String[] buckets,
                           List<FlowRule> rules) {
        int vip = Ip4.toInt(v.vip().getIp4Address());
        int mask = buckets.length - 1;
        for (int b = 0; b < buckets.length; b++) {
            String next = buckets[b];
            if (next == null) {
                continue;
            }
            TrafficSelector sel = toStage(stage, vip).matchTcpDst(TpPort.tpPort(v.port()))
                    .matchTcpSrcMasked(TpPort.tpPort(b), TpPort.tpPort(mask)).build();
            if (stage.kind() == DispatcherKind.L4_3) {
                rules.add(rule(dev, PRIO_HASH, sel, toServer(dev, t.server(next), false)));
                continue;
            }
            PortNumber port = portOn(t, dev, next);
            if (port != null) {
                // the next hop's port may be the one the packet came in (a one-armed stage): then IN_PORT
                rules.add(rule(dev, PRIO_HASH + 1, toStage(stage, vip).matchInPort(port)
                        .matchTcpDst(TpPort.tpPort(v.port())).matchTcpSrcMasked(TpPort.tpPort(b), TpPort.tpPort(mask))
                        .build(), l2Forward(t, dev, next, port, false, null, false)));
            }
            rules.add(rule(dev, PRIO_HASH, sel, l2Forward(t, dev, next, null, false, null, false)));
        }
        if (stage.kind() == DispatcherKind.L4_3) {
            for (Server s : t.childServers(stage.id())) {
                if (!s.offers(v.serviceType())) {
                    continue;
                }
                rules.add(rule(dev, PRIO_HASH, DefaultTrafficSelector.builder().matchEthType(Ethernet.TYPE_IPV4)
                        .matchIPProtocol(IPv4.PROTOCOL_TCP).matchIPSrc(IpPrefix.valueOf(s.ip(), 32))
                        .matchTcpSrc(TpPort.tpPort(v.port())).build(),
                        DefaultTrafficTreatment.builder().setIpSrc(v.vip()).setEthSrc(stage.mac())
                                .setOutput(PortNumber.NORMAL).build()));
            }
        }
    }

    private static TrafficSelector.Builder toStage(Dispatcher stage, int vip) {
        return DefaultTrafficSelector.builder().matchEthDst(stage.mac()).matchEthType(Ethernet.TYPE_IPV4)
                .matchIPProtocol(IPv4.PROTOCOL_TCP).matchIPDst(IpPrefix.valueOf(vip, 32));
    }

    private static TrafficTreatment drop() {
        return DefaultTrafficTreatment.builder().drop().build();
    }

    // ---- per-connection rules ------------------------------------------------------------------

    /**
     * Returns the rules of one stage's decision.
     *
     * @param t    topology
     * @param d    the decision
     * @param idle idle timeout, seconds
     * @return rules (forward first)
     */
    List<FlowRule> decisionRules(FwlbTopology t, StageDecision d, int idle) {
        List<FlowRule> rules = new ArrayList<>();
        DeviceId dev = d.device;
        Dispatcher stage = d.stage;
        if (d.df) {
            if (d.firewall != null) {
                rules.add(pinned(dev, d.flow.reverse(), replyToFirewall(d.firewall, d.inPort), idle));
            }
            return rules;
        }
        if (stage.kind() == DispatcherKind.L4_3) {
            Server s = t.server(d.nextId);
            rules.add(pinned(dev, d.flow, toServer(dev, s, false), idle));
            rules.add(pinned(dev, serverSide(d.flow, s), fromServer(stage, d.flow, d.firewall, d.inPort), idle));
            return rules;
        }
        rules.add(pinned(dev, d.flow, l2Forward(t, dev, d.nextId, d.inPort, false, null, false), idle));
        return rules;
    }

    /**
     * Returns the forward (client to VIP) rules of a connection on every stage it crosses, rebuilt from its
     * entry: what the closing timeout is re-applied to.
     *
     * @param t    topology
     * @param e    connection entry
     * @param idle idle timeout, seconds
     * @return rules
     */
    List<FlowRule> forwardRules(FwlbTopology t, ConnectionEntry e, int idle) {
        List<FlowRule> rules = new ArrayList<>();
        List<String> ids = e.path().dispatcherIds();
        for (int i = 0; i < ids.size(); i++) {
            Dispatcher stage = t.dispatcher(ids.get(i));
            String next = i + 1 < ids.size() ? ids.get(i + 1) : e.path().serverId().orElse(null);
            if (stage == null || next == null || !stage.isSwitchRealized()) {
                continue;
            }
            DeviceId dev = stage.deviceId().get();
            if (stage.kind() == DispatcherKind.L4_3) {
                Server s = t.server(next);
                if (s != null) {
                    rules.add(pinned(dev, e.flow(), toServer(dev, s, false), idle));
                }
            } else if (t.isServer(next) || t.isDispatcher(next)) {
                rules.add(pinned(dev, e.flow(), l2Forward(t, dev, next, null, false, null, false), idle));
            }
        }
        return rules;
    }

    /**
     * Returns every rule a connection may have on the stages (forward and reply), for removal: removal needs
     * only device, priority, selector and cookie, so reply rules carry a placeholder output.
     *
     * @param t topology
     * @param e connection entry
     * @return rules
     */
    List<FlowRule> allRules(FwlbTopology t, ConnectionEntry e) {
        List<FlowRule> rules = new ArrayList<>(forwardRules(t, e, 1));
        TrafficTreatment placeholder = DefaultTrafficTreatment.builder().drop().build();
        for (String id : e.path().dispatcherIds()) {
            Dispatcher stage = t.dispatcher(id);
            if (stage == null) {
                continue;
            }
            if (stage.isSwitchRealized() && stage.kind() == DispatcherKind.L4_3) {
                Server s = e.path().serverId().map(t::server).orElse(null);
                if (s != null) {
                    rules.add(pinned(stage.deviceId().get(), serverSide(e.flow(), s), placeholder, 1));
                }
            } else if (!stage.isSwitchRealized() && stage.attachment().isPresent()) {
                rules.add(pinned(stage.attachment().get().deviceId(), e.flow().reverse(), placeholder, 1));
            }
        }
        return rules;
    }

    /** The server's side of a connection: server to client, as the server sends it. */
    static FlowKey serverSide(FlowKey clientToVip, Server s) {
        return FlowKey.of(clientToVip.protocol(), Ip4.toInt(s.ip().getIp4Address()), clientToVip.dstPort(),
                          clientToVip.srcIp(), clientToVip.srcPort());
    }

    // ---- treatments ------------------------------------------------------------------------------

    /**
     * L4/2: only the destination MAC changes; out the next hop's port on this switch, else back out the port
     * it came in (a one-armed stage: OpenFlow drops output to the in port, IN_PORT sends it back).
     *
     * @param t        topology
     * @param dev      the stage's device
     * @param nextId   next dispatcher or server
     * @param inPort   the port the connection's packets come in (the SYN's), null if unknown
     * @param packetOut whether for a packet-out (which has no in port: name the port) or for a rule
     * @param pushTag  tag to push (packet-out of the SYN only), or null
     * @param popTag   whether to remove a tag (the SYN goes to a server directly)
     * @return treatment
     */
    static TrafficTreatment l2Forward(FwlbTopology t, DeviceId dev, String nextId, PortNumber inPort,
                                      boolean packetOut, Integer pushTag, boolean popTag) {
        TrafficTreatment.Builder b = DefaultTrafficTreatment.builder();
        if (popTag) {
            b.popVlan();
        }
        if (pushTag != null) {
            b.pushVlan().setVlanId(VlanId.vlanId(pushTag.shortValue()));
        }
        b.setEthDst(macOf(t, nextId));
        PortNumber port = portOn(t, dev, nextId);
        if (port == null) {
            port = inPort;
        }
        if (!packetOut && (port == null || port.equals(inPort))) {
            // a rule's output to the port the packet came in is dropped by OpenFlow: IN_PORT sends it back
            port = PortNumber.IN_PORT;
        }
        b.setOutput(port != null ? port : PortNumber.IN_PORT);
        return b.build();
    }

    /**
     * L4/3 forward: destination IP and MAC become the server's.
     *
     * @param dev    device
     * @param s      server
     * @param popTag whether to remove the path tag first (packet-out of the SYN)
     * @return treatment
     */
    static TrafficTreatment toServer(DeviceId dev, Server s, boolean popTag) {
        TrafficTreatment.Builder b = DefaultTrafficTreatment.builder();
        if (popTag) {
            b.popVlan();
        }
        b.setIpDst(s.ip()).setEthDst(s.mac());
        b.setOutput(s.location().deviceId().equals(dev) ? s.location().port() : PortNumber.NORMAL);
        return b.build();
    }

    /** L4/3 replies: source back to the VIP and the stage's MAC; FIG 8: straight to the firewall. */
    private static TrafficTreatment fromServer(Dispatcher stage, FlowKey clientToVip, Firewall fw,
                                               PortNumber uplink) {
        TrafficTreatment.Builder b = DefaultTrafficTreatment.builder()
                .setIpSrc(Ip4.toAddress(clientToVip.dstIp())).setEthSrc(stage.mac());
        if (fw != null) {
            b.setEthDst(fw.inside().mac());
        }
        return b.setOutput(uplink).build();
    }

    /** DF: an L7/3 host's replies go to the connection's firewall, out the port its SYN came in. */
    private static TrafficTreatment replyToFirewall(Firewall fw, PortNumber uplink) {
        return DefaultTrafficTreatment.builder().setEthDst(fw.inside().mac()).setOutput(uplink).build();
    }

    /**
     * DF: the SYN goes on to the host, without its tag.
     *
     * @param host   the host-realized dispatcher
     * @param popTag whether the SYN carries a tag
     * @return treatment
     */
    static TrafficTreatment toHost(Dispatcher host, boolean popTag) {
        TrafficTreatment.Builder b = DefaultTrafficTreatment.builder();
        if (popTag) {
            b.popVlan();
        }
        return b.setOutput(host.attachment().get().port()).build();
    }

    static MacAddress macOf(FwlbTopology t, String id) {
        Server s = t.server(id);
        return s != null ? s.mac() : t.dispatcher(id).mac();
    }

    /** The port of a stage's switch toward a next hop plugged into it, or null (reached through the arm). */
    static PortNumber portOn(FwlbTopology t, DeviceId dev, String id) {
        Server s = t.server(id);
        if (s != null) {
            return s.location().deviceId().equals(dev) ? s.location().port() : null;
        }
        Dispatcher d = t.dispatcher(id);
        Optional<ConnectPoint> cp = d.location();
        if (cp.isPresent() && cp.get().deviceId().equals(dev)) {
            return cp.get().port();
        }
        if (d.attachment().isPresent() && d.attachment().get().deviceId().equals(dev)) {
            return d.attachment().get().port();
        }
        return null;
    }

    // ---- ids -----------------------------------------------------------------------------------

    /**
     * Tells whether a rule is a per-connection rule of this application.
     *
     * @param r rule
     * @return true if pinned
     */
    boolean isPinned(FlowRule r) {
        return r.priority() == PRIO_PINNED && r.appId() == appId.id();
    }

    /**
     * Returns the connection a per-connection rule belongs to, keyed as the client sees it (a rule matching the
     * server's address and rewriting the source to the VIP is keyed by the VIP).
     *
     * @param r rule
     * @return key, or empty
     */
    static Optional<ConnectionKey> connectionKeyOf(FlowRule r) {
        Integer src = ip(r.selector().getCriterion(Criterion.Type.IPV4_SRC));
        Integer dst = ip(r.selector().getCriterion(Criterion.Type.IPV4_DST));
        Integer sp = port(r.selector().getCriterion(Criterion.Type.TCP_SRC));
        Integer dp = port(r.selector().getCriterion(Criterion.Type.TCP_DST));
        if (src == null || dst == null || sp == null || dp == null) {
            return Optional.empty();
        }
        for (Instruction i : r.treatment().allInstructions()) {
            if (i instanceof L3ModificationInstruction.ModIPInstruction
                    && ((L3ModificationInstruction) i).subtype() == L3ModificationInstruction.L3SubType.IPV4_SRC) {
                src = Ip4.toInt(((L3ModificationInstruction.ModIPInstruction) i).ip().getIp4Address());
            }
        }
        return Optional.of(FlowKey.of(IPv4.PROTOCOL_TCP, src, sp, dst, dp).canonical());
    }

    private static Integer ip(Criterion c) {
        return c instanceof IPCriterion && ((IPCriterion) c).ip().prefixLength() == 32
                ? Ip4.toInt(((IPCriterion) c).ip().address().getIp4Address()) : null;
    }

    private static Integer port(Criterion c) {
        return c instanceof TcpPortCriterion && ((TcpPortCriterion) c).mask() == null
                ? ((TcpPortCriterion) c).tcpPort().toInt() : null;
    }

    /**
     * The cookie of a per-connection rule: the application id in the upper 16 bits (as ONOS does) and a hash of
     * device and 5-tuple: the same connection always gets the same ids, so rebuilt rules overwrite or remove
     * the installed ones, and no criterion is formatted to a string to compute it.
     */
    private long cookie(DeviceId dev, FlowKey f) {
        long h = FlowHash.mix(dev.hashCode() * 31L + PRIO_PINNED);
        h = FlowHash.mix(h ^ (((long) f.srcIp() << 32) | (f.dstIp() & 0xffffffffL)));
        h = FlowHash.mix(h ^ (((long) f.protocol() << 32) | ((long) f.srcPort() << 16) | f.dstPort()));
        return ((long) appId.id() << 48) | (h & 0xffff_ffff_ffffL);
    }

    private FlowRule pinned(DeviceId dev, FlowKey f, TrafficTreatment tr, int idle) {
        TrafficSelector sel = DefaultTrafficSelector.builder().matchEthType(Ethernet.TYPE_IPV4)
                .matchIPProtocol((byte) f.protocol()).matchIPSrc(IpPrefix.valueOf(f.srcIp(), 32))
                .matchIPDst(IpPrefix.valueOf(f.dstIp(), 32)).matchTcpSrc(TpPort.tpPort(f.srcPort()))
                .matchTcpDst(TpPort.tpPort(f.dstPort())).build();
        return DefaultFlowRule.builder().forDevice(dev).withCookie(cookie(dev, f)).withPriority(PRIO_PINNED)
                .withSelector(sel).withTreatment(tr).makeTemporary(idle).build();
    }

    private FlowRule rule(DeviceId dev, int prio, TrafficSelector s, TrafficTreatment tr) {
        return DefaultFlowRule.builder().forDevice(dev).fromApp(appId).withPriority(prio)
                .withSelector(s).withTreatment(tr).makePermanent().build();
    }
}
