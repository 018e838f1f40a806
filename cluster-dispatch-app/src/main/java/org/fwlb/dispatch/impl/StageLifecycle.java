package org.fwlb.dispatch.impl;

import org.fwlb.model.ConnectionEntry;
import org.fwlb.model.ConnectionKey;
import org.fwlb.model.DispatcherKind;
import org.fwlb.model.Firewall;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.UnknownNonSynAction;
import org.fwlb.model.VirtualService;
import org.fwlb.packet.PacketSummary;
import org.fwlb.packet.TcpResets;
import org.onosproject.net.DeviceId;
import org.onosproject.net.PortNumber;
import org.onosproject.net.flow.DefaultTrafficTreatment;
import org.onosproject.net.flow.FlowEntry;
import org.onosproject.net.flow.FlowRule;
import org.onosproject.net.flow.TrafficTreatment;
import org.onosproject.net.packet.DefaultOutboundPacket;
import org.slf4j.Logger;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

import static org.slf4j.LoggerFactory.getLogger;

/**
 * The end of a connection at the dispatch stages: a client's FIN or RST moves the stage's rules to the short
 * closing timeout (and follows the connection's path); a rule that idles out ends the connection's rules on
 * every stage and, if the dispatch application pinned it, its entry; a member taken down ends its
 * connections.
 */
final class StageLifecycle {

    private final Logger log = getLogger(getClass());

    /** Clock and rounding slack between a rule's age (whole seconds) and an entry's creation time. */
    private static final long CLOCK_SLACK_MS = 1500;

    private final DispatchContext ctx;

    StageLifecycle(DispatchContext ctx) {
        this.ctx = ctx;
    }

    /**
     * A FIN or RST from a client punted at a stage.
     *
     * @param plan   plan in force
     * @param dev    where it was punted
     * @param inPort where it came in
     * @param spot   the stage
     * @param p      the segment
     * @param frame  its bytes
     * @return false if it belongs to no known connection of this stage
     */
    boolean onClose(DispatchPlan plan, DeviceId dev, PortNumber inPort, DispatchPlan.Spot spot, PacketSummary p,
                    byte[] frame) {
        ctx.counters.inc(DispatchCounters.CLOSE_PUNTS);
        FwlbTopology t = plan.topology();
        ConnectionKey key = p.flowKey().canonical();
        ConnectionEntry e = ctx.connections.get(key);
        String next = e == null ? null : StagePlacer.decisionOf(t, e, spot.stage, spot.df);
        if (next == null) {
            return false;
        }
        if ((p.tcpFlags() & PacketSummary.RST) != 0) {
            ctx.connections.markClosing(key);
        } else {
            ctx.connections.markFin(key, true);
        }
        Firewall fw = e.path().pathTag().map(t::firewallByPathTag).orElse(null);
        StageDecision d = new StageDecision(dev, spot.stage, spot.df, p.flowKey(), spot.df ? null : next, inPort,
                                            spot.df || spot.stage.kind() == DispatcherKind.L4_3 ? fw : null);
        List<FlowRule> closing = ctx.rules.decisionRules(t, d, t.timeouts().closingSeconds());
        if (!closing.isEmpty()) {
            ctx.flowRules.applyFlowRules(closing.toArray(new FlowRule[0]));
        }
        TrafficTreatment tr;
        if (spot.df) {
            tr = StageRules.toHost(spot.stage, false);
        } else if (spot.stage.kind() == DispatcherKind.L4_3) {
            tr = StageRules.toServer(dev, t.server(next), false);
        } else {
            tr = StageRules.l2Forward(t, dev, next, inPort, true, null, false);
        }
        ctx.packets.emit(new DefaultOutboundPacket(dev, tr, ByteBuffer.wrap(frame)));
        return true;
    }

    /**
     * A non-SYN segment of no known connection (seed [0011]): dropped, or answered with a RST when the
     * service says so.
     *
     * @param plan   plan in force
     * @param dev    device
     * @param inPort where it came in
     * @param spot   the stage
     * @param p      the segment
     */
    void onUnknown(DispatchPlan plan, DeviceId dev, PortNumber inPort, DispatchPlan.Spot spot, PacketSummary p) {
        ctx.counters.inc(DispatchCounters.UNKNOWN_PUNTS);
        VirtualService vs = plan.serviceAt(spot.stage.id(), p.ipDst(), p.dstPort());
        if (vs == null || vs.unknownNonSyn() != UnknownNonSynAction.DROP_RST) {
            return;
        }
        TcpResets.answer(p).ifPresent(rst -> {
            ctx.packets.emit(new DefaultOutboundPacket(dev, DefaultTrafficTreatment.builder().setOutput(inPort).build(),
                                                       ByteBuffer.wrap(rst.serialize())));
            ctx.counters.inc(DispatchCounters.RST_SENT);
        });
    }

    /**
     * A per-connection rule left a switch (idle or closing timeout, or removed): the connection's rules on
     * every stage go, and its entry if this application pinned it.
     *
     * @param t topology
     * @param r the removed rule
     */
    void onRuleRemoved(FwlbTopology t, FlowEntry r) {
        if (r.reason() == FlowEntry.FlowRemoveReason.DELETE) {
            return;     // removed by us (connection ended, member down): nothing more to do
        }
        Optional<ConnectionKey> key = StageRules.connectionKeyOf(r);
        if (!key.isPresent()) {
            return;
        }
        ConnectionEntry e = ctx.connections.get(key.get());
        if (e == null || e.path().dispatcherIds().isEmpty()) {
            return;
        }
        // a rule of an earlier connection on the same 5-tuple (clients reuse ports quickly) must not end this
        // one: it was installed before this connection began, or it is not one of this connection's rules
        long installed = System.currentTimeMillis() - r.life() * 1000L;
        if (e.createdMillis() > installed + CLOCK_SLACK_MS) {
            return;
        }
        boolean ours = false;
        for (FlowRule mine : ctx.rules.allRules(t, e)) {
            if (mine.id().equals(r.id())) {
                ours = true;
                break;
            }
        }
        if (ours) {
            end(t, e);
        }
    }

    /**
     * Ends the connections through a member (admin down, health down, removed from the configuration).
     *
     * @param t        topology the connections were placed in
     * @param memberId dispatcher or server
     * @return number of connections ended
     */
    int clearMember(FwlbTopology t, String memberId) {
        List<ConnectionEntry> hit = ctx.connections.connections(
                e -> !e.path().dispatcherIds().isEmpty() && e.path().involves(memberId));
        hit.forEach(e -> end(t, e));
        if (!hit.isEmpty()) {
            log.info("{} connection(s) through {} ended", hit.size(), memberId);
        }
        return hit.size();
    }

    /**
     * Ends every connection placed through the dispatch stages (deactivation, topology without services).
     *
     * @param t topology they were placed in
     */
    void clearAll(FwlbTopology t) {
        for (ConnectionEntry e : ctx.connections.connections(en -> !en.path().dispatcherIds().isEmpty())) {
            end(t, e);
        }
    }

    private void end(FwlbTopology t, ConnectionEntry e) {
        List<FlowRule> rules = ctx.rules.allRules(t, e);
        if (!rules.isEmpty()) {
            ctx.flowRules.removeFlowRules(rules.toArray(new FlowRule[0]));
        }
        if (DispatchContext.APP_NAME.equals(e.appName())) {
            ctx.connections.remove(e.key());
        }
        ctx.counters.inc(DispatchCounters.REMOVED);
    }
}
