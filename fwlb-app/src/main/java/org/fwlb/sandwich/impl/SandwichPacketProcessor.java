package org.fwlb.sandwich.impl;

import org.fwlb.model.FirewallDispatcher.Role;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.TrafficClass;
import org.fwlb.model.UnknownNonSynAction;
import org.fwlb.packet.PacketParser;
import org.fwlb.packet.PacketSummary;
import org.fwlb.packet.TcpResets;
import org.onlab.packet.IPv4;
import org.onosproject.net.ConnectPoint;
import org.onosproject.net.PortNumber;
import org.onosproject.net.flow.DefaultTrafficTreatment;
import org.onosproject.net.packet.DefaultOutboundPacket;
import org.onosproject.net.packet.PacketContext;
import org.onosproject.net.packet.PacketProcessor;
import org.slf4j.Logger;

import java.nio.ByteBuffer;
import java.util.function.Predicate;

import static org.slf4j.LoggerFactory.getLogger;

/**
 * Sorts the packets the firewall dispatchers punt: ARP, SYN, FIN/RST, other TCP segments of unknown
 * connections. It only classifies; the work is done by the placer, the life cycle and the ARP responder.
 * It never throws into the packet service.
 */
final class SandwichPacketProcessor implements PacketProcessor {

    private final Logger log = getLogger(getClass());

    private final SandwichContext ctx;
    private final Predicate<org.onosproject.net.DeviceId> isMaster;
    private final GatewayArp arp;
    private final ConnectionPlacer placer;
    private final ConnectionLifecycle lifecycle;

    SandwichPacketProcessor(SandwichContext ctx, Predicate<org.onosproject.net.DeviceId> isMaster, GatewayArp arp,
                            ConnectionPlacer placer, ConnectionLifecycle lifecycle) {
        this.ctx = ctx;
        this.isMaster = isMaster;
        this.arp = arp;
        this.placer = placer;
        this.lifecycle = lifecycle;
    }

    @Override
    public void process(PacketContext pc) {
        try {
            handle(pc);
        } catch (RuntimeException e) {
            ctx.counters.inc(SandwichCounters.ERRORS);
            log.warn("packet from {} not processed: {}", pc.inPacket().receivedFrom(), e.toString(), e);
        }
    }

    private void handle(PacketContext pc) {
        if (pc.isHandled()) {
            return;
        }
        ConnectPoint from = pc.inPacket().receivedFrom();
        FwlbTopology t = ctx.topology.get();
        Role role = SandwichContext.roleOf(t, from.deviceId());
        if (role == null || !isMaster.test(from.deviceId())) {
            return;
        }
        ByteBuffer buf = pc.inPacket().unparsed();
        byte[] frame = new byte[buf.remaining()];
        buf.duplicate().get(frame);
        PacketSummary p = new PacketSummary();
        if (!PacketParser.parse(frame, p).isParsed()) {
            ctx.counters.inc(SandwichCounters.MALFORMED);
            return;
        }
        if (p.isArp()) {
            if (!arp.handle(t, role, from, p)) {
                // not ours (e.g. ONOS's host provider punts all ARP): deliver it as the switch would have
                pc.treatmentBuilder().setOutput(PortNumber.NORMAL);
                pc.send();
            }
            pc.block();
            return;
        }
        if (!p.isTcp() || p.isFragment()) {
            return;
        }
        int flags = p.tcpFlags() & 0x3f;
        if (flags == SandwichRules.SYN_FLAGS) {
            placer.placeSyn(t, from.deviceId(), role, p, frame);
            pc.block();
        } else if ((flags & (PacketSummary.FIN | PacketSummary.RST)) != 0) {
            if (!lifecycle.onClose(t, from.deviceId(), p, frame)) {
                unknownSegment(t, from, p);
            }
            pc.block();
        } else {
            unknownSegment(t, from, p);
            pc.block();
        }
    }

    /** A non-SYN segment of no pinned connection (seed [0011]): dropped, or answered with a RST. */
    private void unknownSegment(FwlbTopology t, ConnectPoint from, PacketSummary p) {
        ctx.counters.inc(SandwichCounters.UNKNOWN_PUNTS);
        TrafficClass tc = t.trafficClassFor(IPv4.PROTOCOL_TCP, p.dstPort());
        if (tc == null) {
            tc = t.trafficClassFor(IPv4.PROTOCOL_TCP, p.srcPort());
        }
        if (tc == null || tc.unknownNonSyn() != UnknownNonSynAction.DROP_RST) {
            return;
        }
        TcpResets.answer(p).ifPresent(rst -> {
            ctx.packets.emit(new DefaultOutboundPacket(from.deviceId(),
                    DefaultTrafficTreatment.builder().setOutput(from.port()).build(),
                    ByteBuffer.wrap(rst.serialize())));
            ctx.counters.inc(SandwichCounters.RST_SENT);
        });
    }
}
