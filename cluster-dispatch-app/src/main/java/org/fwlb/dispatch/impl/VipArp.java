package org.fwlb.dispatch.impl;

import org.fwlb.model.Dispatcher;
import org.fwlb.packet.ArpPackets;
import org.fwlb.packet.PacketSummary;
import org.onlab.packet.ARP;
import org.onosproject.net.ConnectPoint;
import org.onosproject.net.flow.DefaultTrafficTreatment;
import org.onosproject.net.packet.DefaultOutboundPacket;

import java.nio.ByteBuffer;
import java.util.Map;

/**
 * Answers ARP for a service's VIP with its first stage's MAC, at the first stage's entry only: every later
 * stage also owns the VIP (seed [0030]) but must stay silent, or clients would bypass the first stage.
 */
final class VipArp {

    private final DispatchContext ctx;

    VipArp(DispatchContext ctx) {
        this.ctx = ctx;
    }

    /**
     * Handles an ARP packet.
     *
     * @param plan plan in force
     * @param from where it came in
     * @param p    parsed packet
     * @return true if answered
     */
    boolean handle(DispatchPlan plan, ConnectPoint from, PacketSummary p) {
        if (p.arpOp() != ARP.OP_REQUEST) {
            return false;
        }
        Map<Integer, Dispatcher> answers = plan.arpAnswers().get(from.deviceId());
        Dispatcher first = answers == null ? null : answers.get(p.arpTargetIp());
        if (first == null) {
            return false;
        }
        ctx.packets.emit(new DefaultOutboundPacket(
                from.deviceId(), DefaultTrafficTreatment.builder().setOutput(from.port()).build(),
                ByteBuffer.wrap(ArpPackets.replyTo(p, first.mac()).serialize())));
        ctx.counters.inc(DispatchCounters.ARP_ANSWERED);
        return true;
    }
}
