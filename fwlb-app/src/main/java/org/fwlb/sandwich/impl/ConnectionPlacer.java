package org.fwlb.sandwich.impl;

import org.fwlb.connection.PinResult;
import org.fwlb.connection.SynMemory;
import org.fwlb.model.ConnectionEntry;
import org.fwlb.model.ConnectionPath;
import org.fwlb.model.Dispatcher;
import org.fwlb.model.DispatchMode;
import org.fwlb.model.Firewall;
import org.fwlb.model.FirewallDispatcher.Role;
import org.fwlb.model.FlowKey;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.Protocol;
import org.fwlb.model.Server;
import org.fwlb.model.TcpState;
import org.fwlb.model.TrafficClass;
import org.fwlb.model.VirtualService;
import org.fwlb.packet.PacketSummary;
import org.fwlb.policy.FlowHash;
import org.fwlb.policy.Policies;
import org.fwlb.policy.Selection;
import org.fwlb.policy.SelectionPolicy;
import org.fwlb.policy.SimpleMember;
import org.onlab.packet.IPv4;
import org.onosproject.net.DeviceId;
import org.onosproject.net.flow.FlowRule;
import org.onosproject.net.flow.FlowRuleOperations;
import org.onosproject.net.flow.FlowRuleOperationsContext;
import org.onosproject.net.packet.DefaultOutboundPacket;
import org.slf4j.Logger;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import static org.slf4j.LoggerFactory.getLogger;

/**
 * The decision on a punted SYN (seed [0008], [0010]): choose a firewall by the traffic class's policy
 * (and, for a FIG 6 virtual service, a server), pin the connection, install its rules on both firewall
 * dispatchers, and only when the switches confirm them release the SYN along the chosen path, so no reply
 * can outrun its rule.
 */
final class ConnectionPlacer {

    private final Logger log = getLogger(getClass());

    private final SandwichContext ctx;
    private final FirewallView firewalls;
    private final Function<String, List<SimpleMember>> serverMembers;
    private final Map<String, SelectionPolicy> policies = new ConcurrentHashMap<>();
    /** The SYNs recent connections were placed with (tells retransmissions from reused ports). */
    private final SynMemory syns = new SynMemory(200_000);

    ConnectionPlacer(SandwichContext ctx, FirewallView firewalls,
                     Function<String, List<SimpleMember>> serverMembers) {
        this.ctx = ctx;
        this.firewalls = firewalls;
        this.serverMembers = serverMembers;
    }

    /** Forgets per-policy state (round-robin cursors) when the topology changes. */
    void reset() {
        policies.clear();
    }

    /**
     * Places a connection whose SYN was punted at a firewall dispatcher.
     *
     * @param t      topology
     * @param device where the SYN was punted
     * @param origin which firewall dispatcher that is
     * @param p      the parsed SYN
     * @param frame  the SYN's bytes
     */
    void placeSyn(FwlbTopology t, DeviceId device, Role origin, PacketSummary p, byte[] frame) {
        ctx.counters.inc(SandwichCounters.SYN_PUNTS);
        TrafficClass tc = t.trafficClassFor(IPv4.PROTOCOL_TCP, p.dstPort());
        if (tc == null || tc.mode() != DispatchMode.PINNED) {
            log.debug("SYN of no pinned traffic class at {}: {}", device, p);
            return;
        }
        FlowKey flow = p.flowKey();
        ConnectionEntry existing = ctx.connections.get(flow.canonical());
        if (existing != null && !isNewConnection(existing, p)) {
            resend(t, existing, device, origin, frame);
            return;
        }
        if (existing != null) {
            // a new connection on the 5-tuple of one that ended (clients reuse ports at once): the old pin ends
            // here (the new rules have the same ids and overwrite the old ones on the switches)
            ctx.connections.remove(existing.key());
        }
        long hash = FlowHash.ofAddress(origin == Role.EXTERNAL ? p.ipSrc() : p.ipDst());
        Selection fwChoice = select("class:" + tc.id(), tc.policy(), firewalls.members(t), hash);
        if (!fwChoice.isChosen()) {
            ctx.counters.inc(SandwichCounters.NO_FIREWALL);
            log.warn("SYN {} dropped: {}", flow, fwChoice.message());
            return;
        }
        ConnectionPath path = ConnectionPath.viaFirewall(fwChoice.member().id());
        VirtualService vs = origin == Role.EXTERNAL ? fig6Service(t, p) : null;
        if (vs != null) {
            Dispatcher d = t.dispatcher(vs.firstStage());
            String policy = vs.policy().orElse(d.policy());
            Selection s = select("service:" + vs.id(), policy, serverMembers.apply(d.id()),
                                 FlowHash.of(flow.canonical()));
            if (!s.isChosen()) {
                ctx.counters.inc(SandwichCounters.NO_FIREWALL);
                log.warn("SYN {} to {} dropped: no server: {}", flow, vs.id(), s.message());
                return;
            }
            path = path.withNextDispatcher(d.id()).withServer(s.member().id());
        }
        ConnectionEntry entry = ConnectionEntry.pinned(flow, path, System.currentTimeMillis(),
                                                       SandwichContext.APP_NAME);
        PinResult pin = ctx.connections.pin(entry);
        if (pin.status() == PinResult.Status.TABLE_FULL) {
            ctx.counters.inc(SandwichCounters.TABLE_FULL);
            log.warn("SYN {} dropped: connection table full", flow);
            return;
        }
        if (pin.status() == PinResult.Status.DUPLICATE) {
            resend(t, pin.entry(), device, origin, frame);
            return;
        }
        syns.placed(entry.key(), p.seq());
        install(t, entry, device, origin, frame);
    }

    /**
     * A SYN on the 5-tuple of a pinned connection is a retransmission (follow the pin) unless it carries another
     * initial sequence number than the SYN the connection was placed with; when that SYN is not remembered
     * (placed by another instance), unless the connection already saw a FIN (behind dispatch stages that answer
     * straight to the firewall, FIG 7/8, the server's FIN never reaches the controller: one FIN must do).
     */
    private boolean isNewConnection(ConnectionEntry existing, PacketSummary p) {
        switch (syns.judge(existing.key(), p.seq())) {
            case SAME:
                return false;
            case OTHER:
                return true;
            default:
                return hasFin(existing);
        }
    }

    /** Whether either side of a connection already sent a FIN (or a RST ended it). */
    static boolean hasFin(ConnectionEntry e) {
        return e.state() == TcpState.CLOSING || e.state() == TcpState.FIN_FROM_CLIENT
                || e.state() == TcpState.FIN_FROM_SERVER;
    }

    private void install(FwlbTopology t, ConnectionEntry entry, DeviceId device, Role origin, byte[] frame) {
        List<FlowRule> rules = ctx.rules.pinnedRules(t, entry, origin, t.timeouts().idleSeconds());
        FlowRuleOperations.Builder ops = FlowRuleOperations.builder();
        rules.forEach(ops::add);
        Firewall fw = t.firewall(entry.path().firewallId().get());
        ctx.flowRules.apply(ops.build(new FlowRuleOperationsContext() {
            @Override
            public void onSuccess(FlowRuleOperations o) {
                ConnectionEntry now = ctx.connections.get(entry.key());
                if (now == null || !now.path().equals(entry.path()) || !ctx.active()) {
                    // cleared while the rules were being installed (firewall down, deactivation)
                    ctx.flowRules.removeFlowRules(rules.toArray(new FlowRule[0]));
                    return;
                }
                ctx.connections.markEstablished(entry.key());
                ctx.counters.inc(SandwichCounters.PLACED);
                ctx.counters.inc(SandwichCounters.PLACED + ":" + fw.id());
                entry.path().serverId().ifPresent(s -> ctx.counters.inc(SandwichCounters.PLACED + ":" + s));
                emit(device, t, fw, origin, frame);
            }

            @Override
            public void onError(FlowRuleOperations o) {
                ctx.counters.inc(SandwichCounters.INSTALL_FAILED);
                log.warn("rules of {} not installed; connection dropped", entry.key());
                ctx.connections.remove(entry.key());
                ctx.flowRules.removeFlowRules(rules.toArray(new FlowRule[0]));
            }
        }));
    }

    /**
     * A retransmitted SYN of a connection already pinned follows the pinned path, once its rules are
     * confirmed (before that the SYN-ACK could outrun its rule; the client retransmits again).
     */
    private void resend(FwlbTopology t, ConnectionEntry e, DeviceId device, Role origin, byte[] frame) {
        ctx.counters.inc(SandwichCounters.SYN_RETRANSMITS);
        if (e.state() == TcpState.SYN_SEEN) {
            return;
        }
        Firewall fw = e.path().firewallId().map(t::firewall).orElse(null);
        if (fw != null) {
            emit(device, t, fw, origin, frame);
        }
    }

    private void emit(DeviceId device, FwlbTopology t, Firewall fw, Role origin, byte[] frame) {
        ctx.packets.emit(new DefaultOutboundPacket(device, SandwichRules.towardsFirewall(t, fw, origin),
                                                   ByteBuffer.wrap(frame)));
    }

    private Selection select(String key, String policyName, List<SimpleMember> members, long hash) {
        SelectionPolicy policy = policies.computeIfAbsent(key + "/" + policyName, k -> Policies.create(policyName));
        return policy.select(members, hash);
    }

    private static VirtualService fig6Service(FwlbTopology t, PacketSummary p) {
        VirtualService vs = t.serviceFor(org.fwlb.model.Ip4.toAddress(p.ipDst()), Protocol.TCP, p.dstPort());
        return vs != null && SandwichRules.fig6Services(t).contains(vs) ? vs : null;
    }

    /**
     * Returns the server members of a dispatcher, for FIG 6 placement.
     *
     * @param t            topology
     * @param dispatcherId dispatcher
     * @param member       member view of one server
     * @return members in configuration order
     */
    static List<SimpleMember> serversOf(FwlbTopology t, String dispatcherId, Function<Server, SimpleMember> member) {
        List<SimpleMember> out = new java.util.ArrayList<>();
        for (Server s : t.childServers(dispatcherId)) {
            out.add(member.apply(s));
        }
        return out;
    }
}
