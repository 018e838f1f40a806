package org.fwlb.dispatch.impl;

import org.fwlb.engine.EnginePlan;
import org.fwlb.engine.GuardedProcessor;
import org.fwlb.model.Dispatcher;
import org.fwlb.packet.ArpPackets;
import org.fwlb.packet.PacketSummary;
import org.onlab.packet.ARP;
import org.onosproject.net.ConnectPoint;
import org.onosproject.net.DeviceId;
import org.onosproject.net.packet.PacketContext;
import org.onosproject.net.packet.PacketService;

import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The dispatch application's own punts (its connections' packets are the engine's): ARP for a service's VIP is
 * answered with its first stage's MAC, at the first stage's entry only (every later stage also owns the VIP, seed
 * [0030], but must stay silent, or clients would bypass the first stage); the servers' ARP for a stage's address
 * and the answers to server probes go to the prober. Never throws into the packet service.
 */
final class DispatchPackets extends GuardedProcessor {

    private final Supplier<EnginePlan> plan;
    private final PacketService packets;
    private final Predicate<DeviceId> isMaster;
    private final ServerProber prober;
    private final Runnable answered;

    DispatchPackets(Supplier<EnginePlan> plan, PacketService packets, Predicate<DeviceId> isMaster,
                    ServerProber prober, Runnable answered) {
        this.plan = plan;
        this.packets = packets;
        this.isMaster = isMaster;
        this.prober = prober;
        this.answered = answered;
    }

    @Override
    protected void handle(PacketContext pc) {
        ConnectPoint from = pc.inPacket().receivedFrom();
        EnginePlan ep = plan.get();
        boolean stages = !ep.pointsOn(from.deviceId()).isEmpty();
        if (!stages && !ep.vipArp().containsKey(from.deviceId()) || !isMaster.test(from.deviceId())) {
            return;
        }
        PacketSummary p = parse(pc);
        if (p == null) {
            return;
        }
        if (p.isArp()) {
            if (answerVip(ep, from, p) || stages && prober.onArp(ep, from, p)) {
                pc.block();
            }
            return;
        }
        if (stages && p.isTcp() && p.dstPort() == ServerProber.PROBE_PORT && prober.onPacket(ep, from, p)) {
            pc.block();
        }
    }

    private boolean answerVip(EnginePlan ep, ConnectPoint from, PacketSummary p) {
        if (p.arpOp() != ARP.OP_REQUEST) {
            return false;
        }
        Map<Integer, Dispatcher> answers = ep.vipArp().get(from.deviceId());
        Dispatcher first = answers == null ? null : answers.get(p.arpTargetIp());
        if (first == null) {
            return false;
        }
        packets.emit(ArpPackets.replyOut(from, p, first.mac()));
        answered.run();
        return true;
    }
}
