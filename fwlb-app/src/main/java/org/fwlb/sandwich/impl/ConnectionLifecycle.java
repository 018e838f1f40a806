package org.fwlb.sandwich.impl;

import org.fwlb.model.ConnectionEntry;
import org.fwlb.model.ConnectionKey;
import org.fwlb.model.ConnectionPath;
import org.fwlb.model.Firewall;
import org.fwlb.model.FirewallDispatcher.Role;
import org.fwlb.model.FlowKey;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.Ip4;
import org.fwlb.model.Server;
import org.fwlb.model.TcpState;
import org.fwlb.packet.PacketSummary;
import org.onlab.packet.IPv4;
import org.onlab.packet.MacAddress;
import org.onosproject.net.DeviceId;
import org.onosproject.net.flow.FlowEntry;
import org.onosproject.net.flow.FlowRule;
import org.onosproject.net.flow.TrafficTreatment;
import org.onosproject.net.flow.criteria.Criterion;
import org.onosproject.net.flow.criteria.IPCriterion;
import org.onosproject.net.flow.criteria.TcpPortCriterion;
import org.onosproject.net.flow.instructions.Instruction;
import org.onosproject.net.flow.instructions.L3ModificationInstruction;
import org.onosproject.net.packet.DefaultOutboundPacket;
import org.slf4j.Logger;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.slf4j.LoggerFactory.getLogger;

/**
 * The end of pinned connections: FIN/RST (rules re-installed with the short closing timeout so the last
 * ACKs still pass), idle timeouts reported by the switches, firewalls going down; and the adoption of
 * pinned rules found on the switches after a controller restart.
 */
final class ConnectionLifecycle {

    private final Logger log = getLogger(getClass());
    /** Tolerance between the controller's clock and the rule's reported age. */
    private static final long CLOCK_SLACK_MS = 2000;

    private final SandwichContext ctx;

    ConnectionLifecycle(SandwichContext ctx) {
        this.ctx = ctx;
    }

    /**
     * Handles a punted FIN or RST: forwards it along its connection's path and starts the closing timeout.
     *
     * @param t      topology
     * @param device where it was punted
     * @param p      the segment
     * @param frame  its bytes
     * @return false if the segment belongs to no pinned connection
     */
    boolean onClose(FwlbTopology t, DeviceId device, PacketSummary p, byte[] frame) {
        ctx.counters.inc(SandwichCounters.CLOSE_PUNTS);
        FlowKey seen = p.flowKey();
        ConnectionEntry e = lookup(t, seen);
        if (e == null) {
            return false;
        }
        List<FlowRule> rules = ctx.rulesOf(t, e, t.timeouts().idleSeconds());
        TrafficTreatment tr = treatmentFor(rules, device, seen);
        if (tr != null) {
            ctx.packets.emit(new DefaultOutboundPacket(device, tr, ByteBuffer.wrap(frame)));
        }
        // closing starts on a RST, or once both sides sent a FIN: a half-closed connection may still
        // carry data the other way, with pauses longer than the closing timeout. The half-close is kept
        // in the distributed entry: the two FINs may reach two controller instances.
        boolean fromClient = seen.srcIp() == e.flow().srcIp() && seen.srcPort() == e.flow().srcPort();
        TcpState before = e.state();
        ConnectionEntry after = p.isRst() ? ctx.connections.markClosing(e.key())
                : ctx.connections.markFin(e.key(), fromClient);
        if (before != TcpState.CLOSING && after != null && after.state() == TcpState.CLOSING) {
            ctx.flowRules.applyFlowRules(ctx.rulesOf(t, e, t.timeouts().closingSeconds()).toArray(new FlowRule[0]));
        }
        return true;
    }

    /** Finds the connection of a segment, also when it is a server's reply to a FIG 6 VIP connection. */
    private ConnectionEntry lookup(FwlbTopology t, FlowKey seen) {
        ConnectionEntry e = ctx.connections.get(seen.canonical());
        if (e == null && t.serverByIp(Ip4.toAddress(seen.srcIp())) != null) {
            for (org.fwlb.model.VirtualService v : SandwichRules.fig6Services(t)) {
                if (v.port() != seen.srcPort()) {
                    continue;
                }
                e = ctx.connections.get(FlowKey.of(seen.protocol(), Ip4.toInt(v.vip().getIp4Address()),
                                                   seen.srcPort(), seen.dstIp(), seen.dstPort()).canonical());
                if (e != null) {
                    break;
                }
            }
        }
        return e;
    }

    private static TrafficTreatment treatmentFor(List<FlowRule> rules, DeviceId device, FlowKey seen) {
        for (FlowRule r : rules) {
            if (r.deviceId().equals(device) && seen.equals(selectorKey(r))) {
                return r.treatment();
            }
        }
        return null;
    }

    /**
     * A pinned rule left a switch. After an idle or hard timeout the connection is over: its entry and
     * its other rules go too. Deletions we asked for ourselves are ignored.
     *
     * @param t    topology
     * @param rule the removed rule
     */
    void onRuleRemoved(FwlbTopology t, FlowEntry rule) {
        if (rule.appId() != ctx.appId.id() || !SandwichRules.isPinned(rule.priority())) {
            return;
        }
        if (rule.reason() == FlowEntry.FlowRemoveReason.DELETE) {
            return;
        }
        SandwichRules.connectionKeyOf(rule).ifPresent(k -> {
            ConnectionEntry e = ctx.connections.get(k);
            // a rule installed before the entry was created belonged to an earlier connection on this 5-tuple
            long ruleInstalled = System.currentTimeMillis() - rule.life() * 1000L;
            if (e != null && e.createdMillis() <= ruleInstalled + CLOCK_SLACK_MS) {
                log.debug("{} ends: rule on {} removed ({})", k, rule.deviceId(), rule.reason());
                end(t, k);
            }
        });
    }

    /**
     * Ends a connection: removes its entry and all its rules.
     *
     * @param t   topology
     * @param key connection
     */
    void end(FwlbTopology t, ConnectionKey key) {
        ConnectionEntry e = ctx.connections.remove(key);
        if (e != null) {
            removeRules(t, e);
        }
    }

    /**
     * Clears every connection pinned to a member (a firewall that went down).
     *
     * @param t        topology
     * @param memberId member
     * @return how many were cleared
     */
    int clearMember(FwlbTopology t, String memberId) {
        List<ConnectionEntry> gone = ctx.connections.removeByMember(memberId);
        gone.forEach(e -> removeRules(t, e));
        if (!gone.isEmpty()) {
            log.info("cleared {} connection(s) of {}", gone.size(), memberId);
        }
        return gone.size();
    }

    /**
     * Removes every sandwich connection (deactivation, config without a sandwich).
     *
     * @param t topology the rules were built with
     */
    void clearAll(FwlbTopology t) {
        for (ConnectionEntry e : ctx.connections.removeIf(x -> SandwichContext.APP_NAME.equals(x.appName()))) {
            removeRules(t, e);
        }
    }

    private void removeRules(FwlbTopology t, ConnectionEntry e) {
        ctx.counters.inc(SandwichCounters.REMOVED);
        try {
            ctx.flowRules.removeFlowRules(ctx.rulesOf(t, e, t.timeouts().idleSeconds()).toArray(new FlowRule[0]));
        } catch (RuntimeException ex) {
            log.debug("rules of {} not rebuilt ({}); left to their idle timeout", e.key(), ex.getMessage());
        }
    }

    /**
     * Rebuilds the connection table from the pinned rules found on the firewall dispatchers (controller
     * restart): each connection's rules name its firewall by the MAC they rewrite to.
     *
     * @param t       topology
     * @param entries the sandwich's flow entries on both dispatchers
     * @return connections adopted
     */
    int adopt(FwlbTopology t, Iterable<FlowEntry> entries) {
        Map<ConnectionKey, List<FlowEntry>> byKey = new HashMap<>();
        for (FlowEntry fe : entries) {
            SandwichRules.connectionKeyOf(fe).ifPresent(k -> byKey.computeIfAbsent(k, x -> new ArrayList<>()).add(fe));
        }
        int adopted = 0;
        long now = System.currentTimeMillis();
        for (Map.Entry<ConnectionKey, List<FlowEntry>> g : byKey.entrySet()) {
            if (ctx.connections.get(g.getKey()) != null) {
                continue;
            }
            Optional<ConnectionEntry> e = rebuild(t, g.getValue(), now);
            if (e.isPresent() && ctx.connections.pin(e.get()).isPinned()) {
                ctx.flowRules.applyFlowRules(ctx.rulesOf(t, e.get(), t.timeouts().idleSeconds())
                                                     .toArray(new FlowRule[0]));
                adopted++;
            }
        }
        if (adopted > 0) {
            ctx.counters.inc(SandwichCounters.ADOPTED);
            log.info("adopted {} pinned connection(s) from the switches", adopted);
        }
        return adopted;
    }

    private Optional<ConnectionEntry> rebuild(FwlbTopology t, List<FlowEntry> rules, long now) {
        Firewall fw = null;
        FlowKey original = null;
        long oldest = 0;
        String server = null;
        String dispatcher = null;
        for (FlowEntry r : rules) {
            Role role = SandwichContext.roleOf(t, r.deviceId());
            FlowKey k = selectorKey(r);
            oldest = Math.max(oldest, r.life());
            if (role == null || k == null) {
                continue;
            }
            Optional<MacAddress> mac = SandwichRules.ethDstOf(r);
            if (mac.isPresent()) {
                Firewall f = role == Role.EXTERNAL ? t.firewallByOutsideMac(mac.get()) : t.firewallByInsideMac(mac.get());
                fw = f != null ? f : fw;
                org.onlab.packet.IpAddress rewritten = modifiedIp(r, L3ModificationInstruction.L3SubType.IPV4_DST);
                Server s = rewritten == null ? null : t.serverByIp(rewritten);
                if (s != null) {
                    server = s.id();
                    dispatcher = SandwichRules.fig6Services(t).stream()
                            .filter(v -> v.vip().getIp4Address().equals(Ip4.toAddress(k.dstIp())))
                            .map(v -> v.firstStage()).findFirst().orElse(null);
                }
            }
            // the original direction: the rule on the side the connection started from
            if (r.priority() == SandwichRules.PRIO_PINNED_ORIGIN) {
                original = k;
            }
        }
        if (fw == null || original == null) {
            return Optional.empty();
        }
        ConnectionPath path = ConnectionPath.viaFirewall(fw.id());
        if (server != null && dispatcher != null) {
            path = path.withNextDispatcher(dispatcher).withServer(server);
        }
        long created = now - oldest * 1000L;
        return Optional.of(ConnectionEntry.of(original, path, TcpState.ESTABLISHED, created, now,
                                              SandwichContext.APP_NAME, 0, 0));
    }

    private static org.onlab.packet.IpAddress modifiedIp(FlowRule r, L3ModificationInstruction.L3SubType type) {
        for (Instruction i : r.treatment().allInstructions()) {
            if (i instanceof L3ModificationInstruction.ModIPInstruction
                    && ((L3ModificationInstruction) i).subtype() == type) {
                return ((L3ModificationInstruction.ModIPInstruction) i).ip();
            }
        }
        return null;
    }

    /** The 5-tuple a rule matches, in the direction it matches. */
    static FlowKey selectorKey(FlowRule r) {
        Criterion s = r.selector().getCriterion(Criterion.Type.IPV4_SRC);
        Criterion d = r.selector().getCriterion(Criterion.Type.IPV4_DST);
        Criterion sp = r.selector().getCriterion(Criterion.Type.TCP_SRC);
        Criterion dp = r.selector().getCriterion(Criterion.Type.TCP_DST);
        if (!(s instanceof IPCriterion) || !(d instanceof IPCriterion)
                || !(sp instanceof TcpPortCriterion) || !(dp instanceof TcpPortCriterion)) {
            return null;
        }
        return FlowKey.of(IPv4.PROTOCOL_TCP,
                          Ip4.toInt(((IPCriterion) s).ip().address().getIp4Address()),
                          ((TcpPortCriterion) sp).tcpPort().toInt(),
                          Ip4.toInt(((IPCriterion) d).ip().address().getIp4Address()),
                          ((TcpPortCriterion) dp).tcpPort().toInt());
    }
}
