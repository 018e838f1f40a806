package org.fwlb.runtime.metrics;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Histogram;
import com.codahale.metrics.Meter;
import com.codahale.metrics.Metric;
import com.codahale.metrics.MetricFilter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import org.onlab.metrics.MetricsComponent;
import org.onlab.metrics.MetricsFeature;
import org.onlab.metrics.MetricsReporter;
import org.onlab.metrics.MetricsService;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import static java.util.Objects.requireNonNull;

/**
 * The runtime's {@link MetricsService}: one Dropwizard registry, metric names {@code component.feature.name} as
 * ONOS's core names them, so ONOS's own {@code metrics} command and {@code /onos/v1/metrics} read the same names in
 * ONOS and here. Registering a name twice fails as in ONOS; creating a counter, meter, timer or histogram twice
 * returns the one already there.
 */
public final class RuntimeMetricsService implements MetricsService {

    private final MetricRegistry registry = new MetricRegistry();
    private final ConcurrentMap<String, MetricsComponent> components = new ConcurrentHashMap<>();
    private final Set<MetricsReporter> reporters = ConcurrentHashMap.newKeySet();

    @Override
    public MetricsComponent registerComponent(String name) {
        requireNonNull(name, "component name");
        return components.computeIfAbsent(name, MetricsComponent::new);
    }

    @Override
    public MetricRegistry getMetricRegistry() {
        return registry;
    }

    /**
     * The registry name of a metric.
     *
     * @param c component
     * @param f feature
     * @param n metric name
     * @return {@code component.feature.name}
     */
    public static String name(MetricsComponent c, MetricsFeature f, String n) {
        return MetricRegistry.name(requireNonNull(c, "component").getName(), requireNonNull(f, "feature").getName(),
                                   requireNonNull(n, "metric name"));
    }

    @Override
    public Counter createCounter(MetricsComponent c, MetricsFeature f, String n) {
        return registry.counter(name(c, f, n));
    }

    @Override
    public Histogram createHistogram(MetricsComponent c, MetricsFeature f, String n) {
        return registry.histogram(name(c, f, n));
    }

    @Override
    public Timer createTimer(MetricsComponent c, MetricsFeature f, String n) {
        return registry.timer(name(c, f, n));
    }

    @Override
    public Meter createMeter(MetricsComponent c, MetricsFeature f, String n) {
        return registry.meter(name(c, f, n));
    }

    @Override
    public <T extends Metric> T registerMetric(MetricsComponent c, MetricsFeature f, String n, T metric) {
        return registry.register(name(c, f, n), requireNonNull(metric, "metric"));
    }

    @Override
    public void registerReporter(MetricsReporter reporter) {
        if (reporters.add(requireNonNull(reporter, "reporter"))) {
            reporter.startReport();
        }
    }

    @Override
    public void unregisterReporter(MetricsReporter reporter) {
        if (reporters.remove(reporter)) {
            reporter.stopReport();
        }
    }

    @Override
    public void notifyReporters() {
        reporters.forEach(MetricsReporter::notifyMetricsChange);
    }

    @Override
    public boolean removeMetric(MetricsComponent c, MetricsFeature f, String n) {
        return registry.remove(name(c, f, n));
    }

    @Override
    public Map<String, Timer> getTimers(MetricFilter filter) {
        return registry.getTimers(filter);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Map<String, Gauge> getGauges(MetricFilter filter) {
        return registry.getGauges(filter);
    }

    @Override
    public Map<String, Counter> getCounters(MetricFilter filter) {
        return registry.getCounters(filter);
    }

    @Override
    public Map<String, Meter> getMeters(MetricFilter filter) {
        return registry.getMeters(filter);
    }

    @Override
    public Map<String, Histogram> getHistograms(MetricFilter filter) {
        return registry.getHistograms(filter);
    }

    @Override
    public Map<String, Metric> getMetrics() {
        return registry.getMetrics();
    }

    @Override
    public void removeMatching(MetricFilter filter) {
        registry.removeMatching(filter);
    }
}
