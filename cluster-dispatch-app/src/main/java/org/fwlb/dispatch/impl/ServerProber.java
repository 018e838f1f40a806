package org.fwlb.dispatch.impl;

import org.fwlb.api.MemberStateService;
import org.fwlb.engine.BaseRules;
import org.fwlb.engine.EnginePlan;
import org.fwlb.engine.EnginePlan.ProbeTarget;
import org.fwlb.model.HealthState;
import org.fwlb.model.Ip4;
import org.fwlb.model.ProbeSettings;
import org.fwlb.packet.ArpPackets;
import org.fwlb.packet.PacketSummary;
import org.fwlb.packet.TcpResets;
import org.onlab.packet.ARP;
import org.onlab.packet.Ethernet;
import org.onlab.packet.IPv4;
import org.onlab.packet.TCP;
import org.onosproject.net.ConnectPoint;
import org.onosproject.net.DeviceId;
import org.onosproject.net.flow.DefaultTrafficTreatment;
import org.onosproject.net.packet.DefaultOutboundPacket;
import org.onosproject.net.packet.PacketService;
import org.slf4j.Logger;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

import static org.slf4j.LoggerFactory.getLogger;

/**
 * TCP health probes of the servers behind switch-realized L4/3 stages, from the controller: each round the
 * stage's switch emits a SYN from the VIP (the stage's address) to the server's service port; a SYN-ACK in
 * time is a success (answered with a RST), a RST or silence a failure. {@code downAfter} failures in a row
 * mark the server down, {@code upAfter} successes up again (hysteresis). The server's ARP for the VIP is
 * answered, at its stage, with the stage's MAC, so the answer comes back to the stage.
 */
final class ServerProber {

    /** Source port of the probes (the replies are punted on it). */
    static final int PROBE_PORT = BaseRules.PROBE_PORT;

    private final Logger log = getLogger(getClass());

    private final PacketService packets;
    private final Runnable sent;
    private final MemberStateService states;
    private final Predicate<DeviceId> usable;
    /** Per target (stage/server): consecutive results and whether the last probe was answered. */
    private final Map<String, Track> tracks = new HashMap<>();

    private static final class Track {
        int ok;
        int failed;
        boolean answered = true;
        boolean sent;
    }

    ServerProber(PacketService packets, Runnable sent, MemberStateService states, Predicate<DeviceId> usable) {
        this.packets = packets;
        this.sent = sent;
        this.states = states;
        this.usable = usable;
    }

    /**
     * One probe round: judges the previous round's probes, then sends the next ones.
     *
     * @param plan     plan in force
     * @param settings interval and hysteresis
     */
    synchronized void tick(EnginePlan plan, ProbeSettings settings) {
        for (ProbeTarget tg : plan.probeTargets()) {
            DeviceId dev = tg.stage().deviceId().get();
            if (!usable.test(dev)) {
                continue;
            }
            Track tr = tracks.computeIfAbsent(tg.key(), k -> new Track());
            if (tr.sent && !tr.answered) {
                result(tg, tr, false, settings);
            }
            tr.sent = true;
            tr.answered = false;
            send(tg);
        }
    }

    private void send(ProbeTarget tg) {
        TCP tcp = new TCP();
        tcp.setSourcePort(PROBE_PORT);
        tcp.setDestinationPort(tg.port());
        tcp.setSequence(ThreadLocalRandom.current().nextInt());
        tcp.setDataOffset((byte) 5);
        tcp.setFlags((short) PacketSummary.SYN);
        tcp.setWindowSize((short) 1024);
        IPv4 ip = new IPv4();
        ip.setSourceAddress(Ip4.toInt(tg.stage().ip().getIp4Address()));
        ip.setDestinationAddress(Ip4.toInt(tg.server().ip().getIp4Address()));
        ip.setTtl((byte) 64);
        ip.setProtocol(IPv4.PROTOCOL_TCP);
        ip.setPayload(tcp);
        Ethernet eth = new Ethernet();
        eth.setSourceMACAddress(tg.stage().mac());
        eth.setDestinationMACAddress(tg.server().mac());
        eth.setEtherType(Ethernet.TYPE_IPV4);
        eth.setPayload(ip);
        packets.emit(new DefaultOutboundPacket(tg.stage().deviceId().get(),
                DefaultTrafficTreatment.builder().setOutput(tg.server().location().port()).build(),
                ByteBuffer.wrap(eth.serialize())));
        sent.run();
    }

    /**
     * Takes a probe answer, or a server's ARP for its stage's address.
     *
     * @param plan plan in force
     * @param from where it was punted
     * @param p    packet
     * @return true if it was a probe answer or probe ARP
     */
    synchronized boolean onPacket(EnginePlan plan, ConnectPoint from, PacketSummary p) {
        if (!p.isTcp() || p.dstPort() != PROBE_PORT) {
            return false;
        }
        for (ProbeTarget tg : plan.probeTargets()) {
            if (tg.stage().deviceId().get().equals(from.deviceId())
                    && Ip4.toInt(tg.server().ip().getIp4Address()) == p.ipSrc()
                    && Ip4.toInt(tg.stage().ip().getIp4Address()) == p.ipDst()) {
                Track tr = tracks.computeIfAbsent(tg.key(), k -> new Track());
                boolean synAck = p.isSynAck();
                if (!tr.answered) {
                    tr.answered = true;
                    result(tg, tr, synAck, plan.topology().probe());
                }
                if (synAck) {
                    // end the half-open connection on the server at once
                    TcpResets.answer(p).ifPresent(rst -> packets.emit(new DefaultOutboundPacket(
                            from.deviceId(), DefaultTrafficTreatment.builder().setOutput(from.port()).build(),
                            ByteBuffer.wrap(rst.serialize()))));
                }
                return true;
            }
        }
        return false;
    }

    /**
     * Answers a server's ARP for its stage's address (the VIP) with the stage's MAC, so probe answers come back
     * to the stage; requests from anyone else are not answered here.
     *
     * @param plan plan in force
     * @param from where it was punted
     * @param p    ARP packet
     * @return true if answered
     */
    boolean onArp(EnginePlan plan, ConnectPoint from, PacketSummary p) {
        if (p.arpOp() != ARP.OP_REQUEST) {
            return false;
        }
        for (ProbeTarget tg : plan.probeTargets()) {
            if (tg.stage().deviceId().get().equals(from.deviceId())
                    && Ip4.toInt(tg.server().ip().getIp4Address()) == p.arpSenderIp()
                    && Ip4.toInt(tg.stage().ip().getIp4Address()) == p.arpTargetIp()) {
                packets.emit(new DefaultOutboundPacket(from.deviceId(),
                        DefaultTrafficTreatment.builder().setOutput(from.port()).build(),
                        ByteBuffer.wrap(ArpPackets.replyTo(p, tg.stage().mac()).serialize())));
                return true;
            }
        }
        return false;
    }

    private void result(ProbeTarget tg, Track tr, boolean ok, ProbeSettings s) {
        HealthState now = states.status(tg.server().id()).health();
        if (ok) {
            tr.ok++;
            tr.failed = 0;
            if (now == HealthState.DOWN && tr.ok >= s.upAfter()) {
                log.info("server {} is up again (probed from {})", tg.server().id(), tg.stage().id());
                states.reportHealth(tg.server().id(), HealthState.UP);
            }
        } else {
            tr.failed++;
            tr.ok = 0;
            if (now != HealthState.DOWN && tr.failed >= s.downAfter()) {
                log.warn("server {} is down: {} probes from {} unanswered", tg.server().id(), tr.failed,
                         tg.stage().id());
                states.reportHealth(tg.server().id(), HealthState.DOWN);
            }
        }
    }

    /**
     * Forgets the probe history of targets no longer in the plan and their reported health.
     *
     * @param plan new plan
     */
    synchronized void retain(EnginePlan plan) {
        List<String> keep = new ArrayList<>();
        plan.probeTargets().forEach(tg -> keep.add(tg.key()));
        tracks.keySet().removeIf(k -> !keep.contains(k));
    }

    /**
     * Tells whether a probe target exists for a server (its health is then this prober's).
     *
     * @param plan plan
     * @param id   server id
     * @return true if probed
     */
    static boolean probes(EnginePlan plan, String id) {
        return plan.probeTargets().stream().anyMatch(tg -> Objects.equals(tg.server().id(), id));
    }
}
