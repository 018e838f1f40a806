package org.fwlb.sandwich.impl;

import org.fwlb.model.Firewall;
import org.fwlb.model.FirewallDispatcher.Role;
import org.fwlb.model.FwlbTopology;
import org.onlab.packet.MacAddress;
import org.onosproject.net.flow.FlowEntry;
import org.onosproject.net.flow.FlowId;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Packets per second through each firewall, from the counters of its pinned rules on both dispatchers
 * (seed [0008]: least-packet-throughput selection). Each sample adds the rules' packet deltas since the
 * previous sample and smooths the rate.
 */
final class PacketRateMonitor {

    private static final double SMOOTHING = 0.5;

    private final SandwichContext ctx;
    private final Map<FlowId, Long> lastPackets = new HashMap<>();
    private final Map<String, Double> rates = new ConcurrentHashMap<>();
    private long lastSampleMillis;

    PacketRateMonitor(SandwichContext ctx) {
        this.ctx = ctx;
    }

    /**
     * Returns the smoothed packet rate of a firewall.
     *
     * @param firewallId firewall
     * @return packets/s
     */
    double rate(String firewallId) {
        return rates.getOrDefault(firewallId, 0.0);
    }

    /**
     * Takes a sample from the flow entries of both dispatchers.
     *
     * @param t       topology
     * @param nowMillis now
     */
    synchronized void sample(FwlbTopology t, long nowMillis) {
        Map<String, Long> deltas = new HashMap<>();
        Map<FlowId, Long> seen = new HashMap<>();
        for (Role role : Role.values()) {
            Optional<org.fwlb.model.FirewallDispatcher> d = role == Role.EXTERNAL ? t.external() : t.internal();
            if (!d.isPresent()) {
                continue;
            }
            for (FlowEntry fe : ctx.flowRules.getFlowEntries(d.get().deviceId())) {
                if (fe.appId() != ctx.appId.id() || !SandwichRules.isPinned(fe.priority())) {
                    continue;
                }
                Optional<MacAddress> mac = SandwichRules.ethDstOf(fe);
                Firewall fw = !mac.isPresent() ? null
                        : role == Role.EXTERNAL ? t.firewallByOutsideMac(mac.get()) : t.firewallByInsideMac(mac.get());
                if (fw == null) {
                    continue;
                }
                long prev = lastPackets.getOrDefault(fe.id(), 0L);
                long delta = Math.max(0, fe.packets() - prev);
                seen.put(fe.id(), fe.packets());
                deltas.merge(fw.id(), delta, Long::sum);
            }
        }
        lastPackets.clear();
        lastPackets.putAll(seen);
        double seconds = lastSampleMillis == 0 ? 0 : (nowMillis - lastSampleMillis) / 1000.0;
        lastSampleMillis = nowMillis;
        if (seconds <= 0) {
            return;
        }
        for (Firewall fw : t.firewalls()) {
            double now = deltas.getOrDefault(fw.id(), 0L) / seconds;
            rates.merge(fw.id(), now, (old, cur) -> SMOOTHING * cur + (1 - SMOOTHING) * old);
        }
    }
}
