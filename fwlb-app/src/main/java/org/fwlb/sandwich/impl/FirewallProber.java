package org.fwlb.sandwich.impl;

import org.fwlb.api.MemberStateService;
import org.fwlb.engine.Members;
import org.fwlb.engine.Treatments;
import org.fwlb.model.Firewall;
import org.fwlb.model.FirewallDispatcher;
import org.fwlb.model.FirewallDispatcher.Role;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.HealthState;
import org.fwlb.model.Ip4;
import org.fwlb.model.ProbeSettings;
import org.fwlb.packet.ArpPackets;
import org.onlab.packet.Ip4Address;
import org.onosproject.net.DeviceId;
import org.onosproject.net.PortNumber;
import org.onosproject.net.flow.DefaultTrafficTreatment;
import org.onosproject.net.packet.DefaultOutboundPacket;
import org.onosproject.net.packet.PacketService;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Probes each firewall through both of its interfaces with ARP requests sent by the firewall dispatchers
 * (packet-out) and judges the answers with hysteresis: {@code downAfter} missed rounds mark an interface
 * down, {@code upAfter} answered rounds mark it up again. A port going down marks it down at once. Each
 * side is probed by the master of its dispatcher and reported as its own health entry
 * ({@code <fw>:outside}, {@code <fw>:inside}), so instances never overwrite each other's view.
 */
final class FirewallProber {

    private final PacketService packets;
    private final Runnable sent;
    private final MemberStateService states;
    private final Predicate<DeviceId> isMaster;
    private final Map<String, Track> tracks = new ConcurrentHashMap<>();

    FirewallProber(PacketService packets, Runnable sent, MemberStateService states, Predicate<DeviceId> isMaster) {
        this.packets = packets;
        this.sent = sent;
        this.states = states;
        this.isMaster = isMaster;
    }

    /**
     * Returns the health-entry id of one interface of a firewall.
     *
     * @param fw      firewall
     * @param outside which interface
     * @return id
     */
    static String probeId(Firewall fw, boolean outside) {
        return Members.probeId(fw, outside);
    }

    /**
     * Judges the last round and sends the next one.
     *
     * @param t topology
     */
    void tick(FwlbTopology t) {
        ProbeSettings ps = t.probe();
        for (Role role : Role.values()) {
            FirewallDispatcher d = Treatments.side(t, role);
            boolean outside = role == Role.EXTERNAL;
            if (!isMaster.test(d.deviceId())) {
                // not ours, or the switch is away: no verdict; start afresh when it is back
                t.firewalls().forEach(fw -> tracks.remove(probeId(fw, outside)));
                continue;
            }
            // If no interface on this side answered, the fault is far more likely on our side (packet-ins
            // starved, e.g. by a SYN flood) than every firewall failing at once: the round does not count.
            // A port going down still marks its firewall down at once.
            boolean anyAnswered = t.firewalls().size() < 2;
            for (Firewall fw : t.firewalls()) {
                Track tr = tracks.get(probeId(fw, outside));
                anyAnswered |= tr == null || !tr.sent || tr.answered;
            }
            for (Firewall fw : t.firewalls()) {
                Track tr = tracks.computeIfAbsent(probeId(fw, outside), k -> new Track());
                if (anyAnswered) {
                    tr.judge(ps);
                    report(probeId(fw, outside), tr);
                }
                if (!tr.portDown) {
                    send(d, outside ? fw.outside().port() : fw.inside().port(),
                         (outside ? fw.outside() : fw.inside()).ip().getIp4Address());
                }
            }
        }
    }

    private void send(FirewallDispatcher d, PortNumber port, Ip4Address target) {
        byte[] arp = ArpPackets.request(d.gatewayMac(), d.gatewayIp().getIp4Address(), target,
                                        ArpPackets.UNTAGGED).serialize();
        packets.emit(new DefaultOutboundPacket(d.deviceId(),
                DefaultTrafficTreatment.builder().setOutput(port).build(), ByteBuffer.wrap(arp)));
        sent.run();
    }

    /**
     * Records a probe answer.
     *
     * @param t        topology
     * @param role     dispatcher that received it
     * @param senderIp the answering interface's IP
     */
    void onReply(FwlbTopology t, Role role, int senderIp) {
        for (Firewall fw : t.firewalls()) {
            boolean outside = role == Role.EXTERNAL;
            int ip = Ip4.toInt((outside ? fw.outside() : fw.inside()).ip().getIp4Address());
            if (ip == senderIp) {
                tracks.computeIfAbsent(probeId(fw, outside), k -> new Track()).answered = true;
            }
        }
    }

    /**
     * Records a port's link state; a firewall interface whose port goes down is down at once.
     *
     * @param t      topology
     * @param device device
     * @param port   port
     * @param up     whether the port is up
     */
    void onPortStatus(FwlbTopology t, DeviceId device, PortNumber port, boolean up) {
        Role role = t.firewallRoleOf(device);
        if (role == null) {
            return;
        }
        Firewall fw = role == Role.EXTERNAL ? t.firewallByOutsidePort(port) : t.firewallByInsidePort(port);
        if (fw == null) {
            return;
        }
        String id = probeId(fw, role == Role.EXTERNAL);
        Track tr = tracks.computeIfAbsent(id, k -> new Track());
        synchronized (tr) {
            tr.portDown = !up;
            if (!up) {
                tr.healthy = false;
                tr.successes = 0;
            }
        }
        if (!up) {
            report(id, tr);
        }
    }

    /** Forgets every track (topology replaced). */
    void reset() {
        tracks.clear();
    }

    /**
     * Probing is off: forget what was seen and report every interface healthy, so no firewall stays down
     * on a stale verdict.
     *
     * @param t topology
     */
    void forgetAll(FwlbTopology t) {
        tracks.clear();
        for (Firewall fw : t.firewalls()) {
            states.reportHealth(probeId(fw, true), HealthState.UP);
            states.reportHealth(probeId(fw, false), HealthState.UP);
        }
    }

    private void report(String id, Track tr) {
        states.reportHealth(id, tr.healthy ? HealthState.UP : HealthState.DOWN);
    }

    /** Hysteresis state of one interface. */
    private static final class Track {
        volatile boolean answered;
        volatile boolean portDown;
        boolean sent;
        boolean healthy = true;
        int misses;
        int successes;

        synchronized void judge(ProbeSettings ps) {
            if (!sent) {
                sent = true;
                return;
            }
            boolean ok = answered && !portDown;
            answered = false;
            if (ok) {
                misses = 0;
                successes++;
                if (!healthy && successes >= ps.upAfter()) {
                    healthy = true;
                }
            } else {
                successes = 0;
                misses++;
                if (healthy && misses >= ps.downAfter()) {
                    healthy = false;
                }
            }
        }
    }
}
