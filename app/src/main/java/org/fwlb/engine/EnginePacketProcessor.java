package org.fwlb.engine;

import org.fwlb.packet.Checksums;
import org.fwlb.packet.PacketParser;
import org.fwlb.packet.PacketSummary;
import org.onosproject.net.ConnectPoint;
import org.onosproject.net.packet.PacketContext;

import java.nio.ByteBuffer;

/**
 * Sorts the TCP packets punted at decision points: a valid opening SYN goes to the installer, anything else to
 * the segment handler. It only classifies; it acts only on devices this instance masters, leaves ARP and every
 * packet not addressed to a decision point to the other processors, and never throws into the packet service.
 *
 * <p>A valid opening is a SYN without ACK, FIN, RST, URG or PSH, with correct IPv4 and TCP checksums and, where a
 * firewall routes it next, a TTL above 1: anything else never opens a connection (no entry, no rules).
 */
public final class EnginePacketProcessor extends GuardedProcessor {

    private static final int OPENING_FLAGS = 0x3f;

    private final EngineContext ctx;
    private final ConnectionInstaller installer;
    private final Segments segments;

    /**
     * Creates the processor.
     *
     * @param ctx       engine context
     * @param installer installer
     * @param segments  segment handler
     */
    public EnginePacketProcessor(EngineContext ctx, ConnectionInstaller installer, Segments segments) {
        this.ctx = ctx;
        this.installer = installer;
        this.segments = segments;
    }

    @Override
    protected void failed() {
        ctx.counters(Owner.SANDWICH).inc(EngineCounters.ERRORS);
    }

    @Override
    protected void handle(PacketContext pc) {
        if (!ctx.active()) {
            return;
        }
        ConnectPoint from = pc.inPacket().receivedFrom();
        EnginePlan plan = ctx.plan();
        if (plan.pointsOn(from.deviceId()).isEmpty() || !ctx.isLocalMaster(from.deviceId())) {
            return;
        }
        ByteBuffer buf = pc.inPacket().unparsed();
        byte[] frame = new byte[buf.remaining()];
        buf.duplicate().get(frame);
        PacketSummary p = new PacketSummary();
        if (!PacketParser.parse(frame, p).isParsed()) {
            // the other processors see it too; it was punted to a device with decision points: count it
            ctx.counters(plan.pointsOn(from.deviceId()).get(0).owner()).inc(EngineCounters.MALFORMED);
            return;
        }
        if (!p.isTcp() || p.isFragment()) {
            return;
        }
        DecisionPoint point = plan.pointAt(from.deviceId(), p.ethDst());
        if (point == null || !ctx.attached(point.owner())) {
            return;
        }
        pc.block();
        int flags = p.tcpFlags() & OPENING_FLAGS;
        if ((flags & PacketSummary.SYN) != 0 && (flags & PacketSummary.ACK) == 0) {
            if (flags != PacketSummary.SYN || !Checksums.tcpValid(frame, p)
                    || point.kind() == DecisionPoint.Kind.FIREWALL_CHOICE && p.ttl() <= 1) {
                ctx.counters(point.owner()).inc(EngineCounters.INVALID_SYN);
                return;
            }
            installer.onSyn(plan, point, p, frame, from.port());
        } else {
            segments.onSegment(plan, point, p, frame, from.port());
        }
    }
}
