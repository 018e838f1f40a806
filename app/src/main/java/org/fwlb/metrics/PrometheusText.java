package org.fwlb.metrics;

import com.codahale.metrics.Snapshot;
import com.codahale.metrics.Timer;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Quantile;
import io.prometheus.metrics.model.snapshots.Quantiles;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.prometheus.metrics.model.snapshots.Unit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One scrape in the Prometheus text format (0.0.4), written by the Prometheus client library (embedded in this
 * bundle, its types never leave it). Samples of one name become one family whatever order they are added in;
 * every sample carries the constant labels (e.g. {@code instance}). Counter names are given without
 * {@code _total} (the library adds it); a name with a unit ends with it ({@code _seconds}).
 */
public final class PrometheusText {

    private static final PrometheusTextFormatWriter WRITER = PrometheusTextFormatWriter.create();

    private final Labels constant;
    private final Map<String, Supplier<MetricSnapshot>> families = new LinkedHashMap<>();
    private final Map<String, CounterSnapshot.Builder> counters = new LinkedHashMap<>();
    private final Map<String, GaugeSnapshot.Builder> gauges = new LinkedHashMap<>();

    /**
     * @param constantLabels label name, value, name, value ... put on every sample
     */
    public PrometheusText(String... constantLabels) {
        this.constant = Labels.of(constantLabels);
    }

    /**
     * Adds a counter sample.
     *
     * @param name   family name without {@code _total}
     * @param help   what it counts
     * @param value  its value
     * @param labels label name, value, ...
     * @return this
     */
    public PrometheusText counter(String name, String help, double value, String... labels) {
        CounterSnapshot.Builder b = counters.computeIfAbsent(name, n -> {
            CounterSnapshot.Builder c = CounterSnapshot.builder().name(n).help(help);
            families.put(n, c::build);
            return c;
        });
        b.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(labels(labels)).value(value).build());
        return this;
    }

    /**
     * Adds a gauge sample.
     *
     * @param name   family name
     * @param help   what it measures
     * @param value  its value
     * @param labels label name, value, ...
     * @return this
     */
    public PrometheusText gauge(String name, String help, double value, String... labels) {
        GaugeSnapshot.Builder b = gauges.computeIfAbsent(name, n -> {
            GaugeSnapshot.Builder g = GaugeSnapshot.builder().name(n).help(help);
            families.put(n, g::build);
            return g;
        });
        b.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels(labels)).value(value).build());
        return this;
    }

    /**
     * Adds a Dropwizard timer as a summary in seconds: its count and the 0.5, 0.9 and 0.99 quantiles of its
     * recent samples (a Dropwizard timer keeps no exact sum, so none is written).
     *
     * @param name family name ending in {@code _seconds}
     * @param help what it times
     * @param t    the timer
     * @return this
     */
    public PrometheusText summary(String name, String help, Timer t) {
        Snapshot s = t.getSnapshot();
        Quantiles q = Quantiles.of(new Quantile(0.5, s.getMedian() / 1e9), new Quantile(0.9, s.getValue(0.9) / 1e9),
                                   new Quantile(0.99, s.get99thPercentile() / 1e9));
        SummarySnapshot snap = SummarySnapshot.builder().name(name).help(help).unit(Unit.SECONDS)
                .dataPoint(SummarySnapshot.SummaryDataPointSnapshot.builder().labels(constant).count(t.getCount())
                                   .quantiles(q).build())
                .build();
        families.put(name, () -> snap);
        return this;
    }

    private Labels labels(String... pairs) {
        return pairs.length == 0 ? constant : constant.merge(Labels.of(pairs));
    }

    /** @return the text exposition */
    public String text() {
        List<MetricSnapshot> all = new ArrayList<>();
        families.values().forEach(f -> all.add(f.get()));
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        try {
            WRITER.write(out, new MetricSnapshots(all), EscapingScheme.UNDERSCORE_ESCAPING);
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory failed", e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The content type of {@link #text()}. */
    public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;
}
