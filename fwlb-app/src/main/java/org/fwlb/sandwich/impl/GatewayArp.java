package org.fwlb.sandwich.impl;

import org.fwlb.model.FirewallDispatcher;
import org.fwlb.model.FirewallDispatcher.Role;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.Ip4;
import org.fwlb.model.VirtualService;
import org.fwlb.packet.ArpPackets;
import org.fwlb.packet.PacketSummary;
import org.onlab.packet.ARP;
import org.onlab.packet.MacAddress;
import org.onosproject.net.ConnectPoint;
import org.onosproject.net.flow.DefaultTrafficTreatment;
import org.onosproject.net.packet.DefaultOutboundPacket;

import java.nio.ByteBuffer;
import java.util.function.BiConsumer;

/**
 * Answers ARP for the virtual gateways (hosts route through them, seed [0009]) and for the VIPs the
 * internal dispatcher serves itself (FIG 6); hands ARP replies addressed to a gateway (firewall probe
 * answers) to the prober.
 */
final class GatewayArp {

    private final SandwichContext ctx;
    private final BiConsumer<Role, Integer> probeReply;

    GatewayArp(SandwichContext ctx, BiConsumer<Role, Integer> probeReply) {
        this.ctx = ctx;
        this.probeReply = probeReply;
    }

    /**
     * Handles an ARP packet punted at a firewall dispatcher.
     *
     * @param t    topology
     * @param role which dispatcher
     * @param from where it came in
     * @param p    the parsed packet
     * @return true if it was for us
     */
    boolean handle(FwlbTopology t, Role role, ConnectPoint from, PacketSummary p) {
        FirewallDispatcher d = SandwichRules.side(t, role);
        int gw = Ip4.toInt(d.gatewayIp().getIp4Address());
        if (p.arpOp() == ARP.OP_REPLY && p.arpTargetIp() == gw) {
            probeReply.accept(role, p.arpSenderIp());
            return true;
        }
        if (p.arpOp() != ARP.OP_REQUEST) {
            return false;
        }
        MacAddress answer = null;
        if (p.arpTargetIp() == gw) {
            answer = d.gatewayMac();
        } else if (role == Role.INTERNAL) {
            for (VirtualService v : SandwichRules.fig6Services(t)) {
                if (Ip4.toInt(v.vip().getIp4Address()) == p.arpTargetIp()) {
                    answer = t.dispatcher(v.firstStage()).mac();
                }
            }
        }
        if (answer == null) {
            return false;
        }
        ctx.packets.emit(new DefaultOutboundPacket(
                from.deviceId(), DefaultTrafficTreatment.builder().setOutput(from.port()).build(),
                ByteBuffer.wrap(ArpPackets.replyTo(p, answer).serialize())));
        ctx.counters.inc(SandwichCounters.ARP_ANSWERED);
        return true;
    }
}
