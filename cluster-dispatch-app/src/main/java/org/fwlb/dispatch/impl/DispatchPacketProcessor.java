package org.fwlb.dispatch.impl;

import org.fwlb.packet.PacketParser;
import org.fwlb.packet.PacketSummary;
import org.onosproject.net.ConnectPoint;
import org.onosproject.net.DeviceId;
import org.onosproject.net.packet.PacketContext;
import org.onosproject.net.packet.PacketProcessor;
import org.slf4j.Logger;

import java.nio.ByteBuffer;
import java.util.function.Predicate;

import static org.slf4j.LoggerFactory.getLogger;

/**
 * Sorts the packets the dispatch stages punt: ARP for VIPs, SYNs, FIN/RSTs, other segments of unknown
 * connections. It only classifies; the placer, the life cycle and the ARP responder do the work. It acts only
 * on devices this instance masters, leaves every packet not addressed to a stage to the other processors,
 * and never throws into the packet service.
 */
final class DispatchPacketProcessor implements PacketProcessor {

    private final Logger log = getLogger(getClass());

    private final DispatchContext ctx;
    private final Predicate<DeviceId> isMaster;
    private final VipArp arp;
    private final StagePlacer placer;
    private final StageLifecycle lifecycle;
    private final ServerProber prober;

    DispatchPacketProcessor(DispatchContext ctx, Predicate<DeviceId> isMaster, VipArp arp, StagePlacer placer,
                            StageLifecycle lifecycle, ServerProber prober) {
        this.ctx = ctx;
        this.isMaster = isMaster;
        this.arp = arp;
        this.placer = placer;
        this.lifecycle = lifecycle;
        this.prober = prober;
    }

    @Override
    public void process(PacketContext pc) {
        try {
            handle(pc);
        } catch (RuntimeException e) {
            ctx.counters.inc(DispatchCounters.ERRORS);
            log.warn("packet from {} not processed: {}", pc.inPacket().receivedFrom(), e.toString(), e);
        }
    }

    private void handle(PacketContext pc) {
        if (pc.isHandled() || !ctx.active()) {
            return;
        }
        ConnectPoint from = pc.inPacket().receivedFrom();
        DispatchPlan plan = ctx.plan.get();
        boolean stages = !plan.spotsOn(from.deviceId()).isEmpty();
        if (!stages && !plan.arpAnswers().containsKey(from.deviceId())) {
            return;
        }
        if (!isMaster.test(from.deviceId())) {
            return;
        }
        ByteBuffer buf = pc.inPacket().unparsed();
        byte[] frame = new byte[buf.remaining()];
        buf.duplicate().get(frame);
        PacketSummary p = new PacketSummary();
        if (!PacketParser.parse(frame, p).isParsed()) {
            ctx.counters.inc(DispatchCounters.MALFORMED);
            return;
        }
        if (p.isArp()) {
            if (arp.handle(plan, from, p) || stages && prober.onArp(plan, from, p)) {
                pc.block();
            }
            return;
        }
        if (!p.isTcp() || p.isFragment() || !stages) {
            return;
        }
        if (p.dstPort() == ServerProber.PROBE_PORT && prober.onPacket(plan, from, p)) {
            pc.block();
            return;
        }
        DispatchPlan.Spot spot = plan.spotFor(from.deviceId(), p.ethDst());
        if (spot == null) {
            return;
        }
        int flags = p.tcpFlags() & 0x3f;
        if (flags == StageRules.SYN_FLAGS) {
            placer.placeSyn(plan, from.deviceId(), from.port(), spot, p, frame);
        } else if ((flags & (PacketSummary.FIN | PacketSummary.RST)) != 0) {
            if (!lifecycle.onClose(plan, from.deviceId(), from.port(), spot, p, frame)) {
                lifecycle.onUnknown(plan, from.deviceId(), from.port(), spot, p);
            }
        } else {
            lifecycle.onUnknown(plan, from.deviceId(), from.port(), spot, p);
        }
        pc.block();
    }
}
