package org.fwlb.sandwich.impl;

import org.fwlb.engine.EnginePlan;
import org.fwlb.engine.GuardedProcessor;
import org.fwlb.engine.Owner;
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
import org.onosproject.net.DeviceId;
import org.onosproject.net.PortNumber;
import org.onosproject.net.packet.PacketContext;
import org.onosproject.net.packet.PacketService;

import java.util.function.BiConsumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * ARP at the firewall dispatchers: answers for the virtual gateways (hosts route through them, seed [0009]) and
 * for the VIPs the internal dispatcher serves itself (FIG 6); hands ARP replies addressed to a gateway (firewall
 * probe answers) to the prober. Other ARP punted there (e.g. by ONOS's host provider) is delivered as the switch
 * would have. Never throws into the packet service.
 */
final class SandwichArp extends GuardedProcessor {

    private final Supplier<EnginePlan> plan;
    private final PacketService packets;
    private final Predicate<DeviceId> isMaster;
    private final BiConsumer<Role, Integer> probeReply;
    private final Runnable answered;

    SandwichArp(Supplier<EnginePlan> plan, PacketService packets, Predicate<DeviceId> isMaster,
                BiConsumer<Role, Integer> probeReply, Runnable answered) {
        this.plan = plan;
        this.packets = packets;
        this.isMaster = isMaster;
        this.probeReply = probeReply;
        this.answered = answered;
    }

    @Override
    protected void handle(PacketContext pc) {
        ConnectPoint from = pc.inPacket().receivedFrom();
        EnginePlan ep = plan.get();
        FwlbTopology t = ep.topology();
        Role role = t.firewallRoleOf(from.deviceId());
        if (role == null || !isMaster.test(from.deviceId())) {
            return;
        }
        PacketSummary p = parse(pc);
        if (p == null || !p.isArp()) {
            return;
        }
        if (!answer(ep, role, from, p)) {
            // not ours (e.g. ONOS's host provider punts all ARP): deliver it as the switch would have
            pc.treatmentBuilder().setOutput(PortNumber.NORMAL);
            pc.send();
        }
        pc.block();
    }

    private boolean answer(EnginePlan ep, Role role, ConnectPoint from, PacketSummary p) {
        FwlbTopology t = ep.topology();
        FirewallDispatcher d = role == Role.EXTERNAL ? t.external().get() : t.internal().get();
        int gw = Ip4.toInt(d.gatewayIp().getIp4Address());
        if (p.arpOp() == ARP.OP_REPLY && p.arpTargetIp() == gw) {
            probeReply.accept(role, p.arpSenderIp());
            return true;
        }
        if (p.arpOp() != ARP.OP_REQUEST) {
            return false;
        }
        MacAddress mac = null;
        if (p.arpTargetIp() == gw) {
            mac = d.gatewayMac();
        } else if (role == Role.INTERNAL) {
            for (VirtualService v : ep.services(Owner.SANDWICH)) {
                if (Ip4.toInt(v.vip().getIp4Address()) == p.arpTargetIp()) {
                    mac = t.dispatcher(v.firstStage()).mac();
                }
            }
        }
        if (mac == null) {
            return false;
        }
        packets.emit(ArpPackets.replyOut(from, p, mac));
        answered.run();
        return true;
    }
}
