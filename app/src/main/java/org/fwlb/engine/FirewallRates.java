package org.fwlb.engine;

import org.fwlb.model.Firewall;
import org.fwlb.model.FirewallDispatcher;
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
 * Packets per second through each firewall (seed [0008]: least packet throughput), from the polled counters of the
 * per-connection rules on both firewall dispatchers: each sample adds the rules' packet deltas since the previous
 * one and smooths the rate.
 */
public final class FirewallRates {

    private static final double SMOOTHING = 0.5;

    private final EngineContext ctx;
    private final Map<FlowId, Long> lastPackets = new HashMap<>();
    private final Map<String, Double> rates = new ConcurrentHashMap<>();
    private long lastSampleMillis;

    /**
     * Creates the monitor.
     *
     * @param ctx engine context
     */
    public FirewallRates(EngineContext ctx) {
        this.ctx = ctx;
    }

    /**
     * Returns a firewall's smoothed packet rate.
     *
     * @param firewallId firewall
     * @return packets/s
     */
    public double rate(String firewallId) {
        return rates.getOrDefault(firewallId, 0.0);
    }

    /**
     * Takes a sample from the rules of both firewall dispatchers.
     *
     * @param t         topology
     * @param nowMillis now
     */
    public synchronized void sample(FwlbTopology t, long nowMillis) {
        if (!t.hasSandwich() || ctx.rules().app(Owner.SANDWICH) == null) {
            return;
        }
        short app = ctx.rules().app(Owner.SANDWICH).id();
        Map<String, Long> deltas = new HashMap<>();
        Map<FlowId, Long> seen = new HashMap<>();
        for (Role role : Role.values()) {
            Optional<FirewallDispatcher> d = role == Role.EXTERNAL ? t.external() : t.internal();
            if (!d.isPresent()) {
                continue;
            }
            for (FlowEntry fe : ctx.flowRules.getFlowEntries(d.get().deviceId())) {
                if (fe.appId() != app || !Priorities.isPinned(fe.priority())) {
                    continue;
                }
                MacAddress mac = PathRules.ethDstOf(fe).orElse(null);
                Firewall fw = mac == null ? null
                        : role == Role.EXTERNAL ? t.firewallByOutsideMac(mac) : t.firewallByInsideMac(mac);
                if (fw == null) {
                    continue;
                }
                long delta = Math.max(0, fe.packets() - lastPackets.getOrDefault(fe.id(), 0L));
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
