package org.fwlb.l7.control;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import org.fwlb.l7.Stats;
import org.fwlb.l7.backend.Backend;
import org.fwlb.l7.backend.ServerRegistry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * GET /metrics: the dispatcher's counters in the Prometheus text format (0.0.4), written by the Prometheus
 * client library from a snapshot taken at scrape time (the request path keeps its own LongAdders). Names carry
 * their unit and counters end in {@code _total}; every sample has {@code dispatcher}, per-server ones
 * {@code server}.
 */
public final class Metrics {
    private static final PrometheusTextFormatWriter WRITER = PrometheusTextFormatWriter.create();

    private Metrics() {
    }

    public static String text(String dispatcher, Stats s, ServerRegistry registry) {
        List<MetricSnapshot> m = new ArrayList<>();
        Labels d = Labels.of("dispatcher", dispatcher);
        counter(m, "fwlb_l7_requests", "Client requests received", d, s.requests.sum());
        counter(m, "fwlb_l7_responses", "Responses completed to clients", d, s.responses.sum());
        counter(m, "fwlb_l7_bad_requests", "Malformed or refused client requests", d, s.badRequests.sum());
        counter(m, "fwlb_l7_relayed_out", "Requests relayed to a peer dispatcher", d, s.relayedOut.sum());
        counter(m, "fwlb_l7_relayed_in", "Requests a peer relayed to this dispatcher", d, s.relayedIn.sum());
        counter(m, "fwlb_l7_relay_refused", "Relayed requests refused (unknown or down server, cookie)", d,
                s.relayRefused.sum());
        counter(m, "fwlb_l7_relay_forbidden", "Relay-port requests without a valid signature", d,
                s.relayForbidden.sum());
        counter(m, "fwlb_l7_cookies_inserted", "Fresh cookies set", d, s.cookieInserted.sum());
        counter(m, "fwlb_l7_cookies_invalid", "Forged, tampered or expired cookies", d, s.cookieInvalid.sum());
        counter(m, "fwlb_l7_cookies_refreshed", "Cookies re-issued with a new idle time", d, s.cookieRefreshed.sum());
        counter(m, "fwlb_l7_retries", "Requests retried on another server", d, s.retries.sum());
        for (int code : new int[]{502, 503, 504}) {
            long v = code == 502 ? s.status502.sum() : code == 503 ? s.status503.sum() : s.status504.sum();
            m.add(CounterSnapshot.builder().name("fwlb_l7_error_responses").help("Error responses by status")
                    .dataPoint(CounterDataPointSnapshot.builder().labels(d.add("status", Integer.toString(code)))
                            .value(v).build()).build());
        }
        m = merge(m);
        counter(m, "fwlb_l7_client_timeouts", "Client requests cut off by a deadline (408)", d, s.clientTimeouts.sum());
        counter(m, "fwlb_l7_client_connections_accepted", "Client connections accepted", d,
                s.clientConnectionsTotal.sum());
        counter(m, "fwlb_l7_client_connections_refused", "Client connections closed at the connection cap", d,
                s.clientConnectionsRefused.sum());
        counter(m, "fwlb_l7_controller_failures", "Failed controller reports", d, s.controllerFailures.sum());
        gauge(m, "fwlb_l7_client_connections", "Open client connections", null, d, s.clientConnections.get());
        gauge(m, "fwlb_l7_uptime_seconds", "Time since start", Unit.SECONDS, d, s.uptimeMs() / 1000.0);
        gauge(m, "fwlb_l7_pooled_direct_memory_bytes", "Direct memory held by the pooled buffer allocator",
                Unit.BYTES, d, io.netty.buffer.PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory());

        List<Backend> servers = Views.sorted(registry);
        perServer(m, servers, d, true, "fwlb_l7_server_requests", "Requests sent to the server", null, b -> b.requests());
        perServer(m, servers, d, true, "fwlb_l7_server_failures", "Failed requests to the server", null, b -> b.failures());
        perServer(m, servers, d, true, "fwlb_l7_server_connections_opened", "Server connections opened", null,
                b -> b.pool().openedTotal());
        perServer(m, servers, d, false, "fwlb_l7_server_up", "1 if the health checks see the server up", null,
                b -> b.healthy() ? 1 : 0);
        perServer(m, servers, d, false, "fwlb_l7_server_weight", "Configured weight", null, b -> b.weight());
        perServer(m, servers, d, false, "fwlb_l7_server_active_requests", "Requests in progress", null, b -> b.active());
        perServer(m, servers, d, false, "fwlb_l7_server_connections", "Open server connections", null,
                b -> b.pool().open());
        perServer(m, servers, d, false, "fwlb_l7_server_connections_idle", "Pooled idle server connections", null,
                b -> b.pool().idle());
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        try {
            WRITER.write(out, new MetricSnapshots(m), EscapingScheme.UNDERSCORE_ESCAPING);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Data points of one name collected separately become one family. */
    private static List<MetricSnapshot> merge(List<MetricSnapshot> m) {
        List<MetricSnapshot> out = new ArrayList<>();
        CounterSnapshot.Builder errors = null;
        for (MetricSnapshot x : m) {
            if (x.getMetadata().getName().equals("fwlb_l7_error_responses")) {
                if (errors == null) {
                    errors = CounterSnapshot.builder().name("fwlb_l7_error_responses").help("Error responses by status");
                }
                for (CounterDataPointSnapshot p : ((CounterSnapshot) x).getDataPoints()) {
                    errors.dataPoint(p);
                }
            } else {
                out.add(x);
            }
        }
        if (errors != null) {
            out.add(errors.build());
        }
        return out;
    }

    private static void counter(List<MetricSnapshot> m, String name, String help, Labels l, double v) {
        m.add(CounterSnapshot.builder().name(name).help(help)
                .dataPoint(CounterDataPointSnapshot.builder().labels(l).value(v).build()).build());
    }

    private static void gauge(List<MetricSnapshot> m, String name, String help, Unit unit, Labels l, double v) {
        GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
        if (unit != null) {
            b.unit(unit);
        }
        m.add(b.dataPoint(GaugeDataPointSnapshot.builder().labels(l).value(v).build()).build());
    }

    private static void perServer(List<MetricSnapshot> m, List<Backend> servers, Labels d, boolean counter, String name,
                                  String help, Unit unit, ToDoubleFunction<Backend> f) {
        if (counter) {
            CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
            servers.forEach(s -> b.dataPoint(CounterDataPointSnapshot.builder().labels(d.add("server", s.id()))
                    .value(f.applyAsDouble(s)).build()));
            m.add(b.build());
        } else {
            GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
            if (unit != null) {
                b.unit(unit);
            }
            servers.forEach(s -> b.dataPoint(GaugeDataPointSnapshot.builder().labels(d.add("server", s.id()))
                    .value(f.applyAsDouble(s)).build()));
            m.add(b.build());
        }
    }
}
