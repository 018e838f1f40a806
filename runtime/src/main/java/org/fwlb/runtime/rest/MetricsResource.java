package org.fwlb.runtime.rest;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Histogram;
import com.codahale.metrics.Meter;
import com.codahale.metrics.Metered;
import com.codahale.metrics.Metric;
import com.codahale.metrics.Snapshot;
import com.codahale.metrics.Timer;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.onlab.metrics.MetricsService;

import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import java.util.Map;
import java.util.TreeMap;

/**
 * ONOS's {@code /onos/v1/metrics} API: every metric of the {@link MetricsService} as
 * {@code {"metrics": [{"name": ..., "metric": {"counter"|"gauge"|"meter"|"histogram"|"timer": ...}}]}}, or one by
 * name ({@code /metrics/{name}}, 404 if there is none). Durations are in nanoseconds, rates per second.
 */
@Path("metrics")
public final class MetricsResource {

    private final MetricsService metrics;

    /**
     * @param metrics the metrics service
     */
    public MetricsResource(MetricsService metrics) {
        this.metrics = metrics;
    }

    /** @return every metric, sorted by name */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response all() {
        ObjectNode root = Json.MAPPER.createObjectNode();
        ArrayNode list = root.putArray("metrics");
        new TreeMap<>(metrics.getMetrics()).forEach((name, m) -> list.add(encode(name, m)));
        return Json.ok(root);
    }

    /**
     * @param name metric name
     * @return that metric, or 404
     */
    @GET
    @Path("{name}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response one(@PathParam("name") String name) {
        Map<String, Metric> all = metrics.getMetrics();
        Metric m = all.get(name);
        if (m == null) {
            return Json.error(Response.Status.NOT_FOUND, "no metric named " + name);
        }
        return Json.ok(encode(name, m));
    }

    static ObjectNode encode(String name, Metric m) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("name", name);
        ObjectNode v = n.putObject("metric");
        if (m instanceof Counter) {
            v.put("counter", ((Counter) m).getCount());
        } else if (m instanceof Gauge) {
            Object g = ((Gauge<?>) m).getValue();
            if (g instanceof Number) {
                v.put("gauge", ((Number) g).doubleValue());
            } else {
                v.put("gauge", String.valueOf(g));
            }
        } else if (m instanceof Timer) {
            ObjectNode t = rates(v.putObject("timer"), (Timer) m);
            snapshot(t, ((Timer) m).getSnapshot());
        } else if (m instanceof Meter) {
            rates(v.putObject("meter"), (Meter) m);
        } else if (m instanceof Histogram) {
            ObjectNode h = v.putObject("histogram");
            h.put("counter", ((Histogram) m).getCount());
            snapshot(h, ((Histogram) m).getSnapshot());
        }
        return n;
    }

    private static ObjectNode rates(ObjectNode o, Metered m) {
        o.put("counter", m.getCount());
        o.put("mean_rate", m.getMeanRate());
        o.put("one_min_rate", m.getOneMinuteRate());
        o.put("five_min_rate", m.getFiveMinuteRate());
        o.put("fifteen_min_rate", m.getFifteenMinuteRate());
        return o;
    }

    private static void snapshot(ObjectNode o, Snapshot s) {
        o.put("min", s.getMin());
        o.put("mean", s.getMean());
        o.put("max", s.getMax());
        o.put("stddev", s.getStdDev());
        o.put("p50", s.getMedian());
        o.put("p99", s.get99thPercentile());
    }
}
