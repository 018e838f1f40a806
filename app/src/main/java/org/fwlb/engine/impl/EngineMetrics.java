package org.fwlb.engine.impl;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricFilter;
import org.fwlb.engine.EngineContext;
import org.fwlb.engine.EngineCounters;
import org.fwlb.engine.EngineTimers;
import org.fwlb.engine.Owner;
import org.onlab.metrics.MetricsComponent;
import org.onlab.metrics.MetricsFeature;
import org.onlab.metrics.MetricsService;
import org.onosproject.core.ApplicationId;
import org.onosproject.net.DeviceId;
import org.onosproject.net.meter.Band;
import org.onosproject.net.meter.Meter;
import org.onosproject.net.meter.MeterService;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;

/**
 * The engine's metrics in ONOS's MetricsService (so ONOS's {@code metrics} command and {@code /onos/v1/metrics}
 * list them): component {@value #COMPONENT}; feature {@code engine} (decision and install latency timers, the
 * connection table's size, packets dropped by the punt meters), one feature per owner ({@code sandwich},
 * {@code dispatch}: its event counters and {@code placements.<member>}) and {@code health}
 * ({@code <member>.transitions}). A member's placements appear the first sweep after its first placement.
 */
final class EngineMetrics {

    /** Metrics component of fwlb. */
    static final String COMPONENT = "fwlb";

    private final MetricsService metrics;
    private final MetricsComponent component;
    private final MetricsFeature engine;
    private final MetricsFeature health;
    private final Map<Owner, MetricsFeature> owners = new ConcurrentHashMap<>();
    private final Set<String> registered = ConcurrentHashMap.newKeySet();
    private final Map<String, Counter> transitions = new ConcurrentHashMap<>();
    private final MeterService meterService;
    private final ApplicationId meterApp;
    private final EngineTimers timers;

    /**
     * Registers the engine's fixed metrics.
     *
     * @param metrics      ONOS's metrics service
     * @param ctx          engine context (its timers are set to the registered ones)
     * @param tableSize    the connection table's size
     * @param meterService meters (for the punt meters' drops)
     * @param meterApp     the application owning the punt meters
     */
    EngineMetrics(MetricsService metrics, EngineContext ctx, IntSupplier tableSize, MeterService meterService,
                  ApplicationId meterApp) {
        this.metrics = metrics;
        this.meterService = meterService;
        this.meterApp = meterApp;
        this.component = metrics.registerComponent(COMPONENT);
        this.engine = component.registerFeature("engine");
        this.health = component.registerFeature("health");
        for (Owner o : Owner.values()) {
            owners.put(o, component.registerFeature(o.name().toLowerCase(java.util.Locale.ROOT)));
        }
        this.timers = new EngineTimers(metrics.createTimer(component, engine, "decisionLatency"),
                                       metrics.createTimer(component, engine, "installLatency"));
        ctx.timers(timers);
        gauge(engine, "connectionTable", tableSize::getAsInt);
        gauge(engine, "puntMeterDrops", () -> puntMeterDrops().values().stream().mapToLong(Long::longValue).sum());
    }

    /** @return the registered timers */
    EngineTimers timers() {
        return timers;
    }

    /**
     * Registers the gauges of owner counters that appeared since the last call (called from the sweep).
     *
     * @param ctx engine context
     */
    void sweep(EngineContext ctx) {
        for (Owner o : Owner.values()) {
            EngineCounters c = ctx.counters(o);
            MetricsFeature f = owners.get(o);
            for (String name : EngineCounters.NAMES) {
                gaugeOnce(f, name, () -> c.get(name));
            }
            for (String member : c.placements().keySet()) {
                gaugeOnce(f, "placements." + member, () -> c.placedOn(member));
            }
        }
    }

    /**
     * Counts a member's health transition (up, down, draining ...).
     *
     * @param memberId member
     */
    void transition(String memberId) {
        transitions.computeIfAbsent(memberId, m -> metrics.createCounter(component, health, m + ".transitions")).inc();
    }

    /** @return health transitions per member */
    Map<String, Long> transitions() {
        Map<String, Long> out = new TreeMap<>();
        transitions.forEach((m, c) -> out.put(m, c.getCount()));
        return out;
    }

    /** @return packets dropped by the engine's punt meters, per device (read from the meters' band counters) */
    Map<DeviceId, Long> puntMeterDrops() {
        Map<DeviceId, Long> out = new TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));
        try {
            for (Meter m : meterService.getAllMeters()) {
                if (meterApp.equals(m.appId())) {
                    long dropped = 0;
                    for (Band b : m.bands()) {
                        dropped += b.packets();
                    }
                    out.merge(m.deviceId(), dropped, Long::sum);
                }
            }
        } catch (RuntimeException e) {
            // meters unreadable (a store not ready): no numbers rather than a failed scrape
            return out;
        }
        return out;
    }

    /** Removes every metric of the component (deactivation). */
    void remove() {
        String prefix = COMPONENT + ".";
        metrics.removeMatching((MetricFilter) (name, m) -> name.startsWith(prefix));
        registered.clear();
    }

    private void gaugeOnce(MetricsFeature f, String name, Gauge<Long> g) {
        if (registered.add(f.getName() + "." + name)) {
            gauge(f, name, g);
        }
    }

    private void gauge(MetricsFeature f, String name, Gauge<?> g) {
        metrics.removeMetric(component, f, name);
        metrics.registerMetric(component, f, name, g);
    }
}
