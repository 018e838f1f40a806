package org.fwlb.runtime.metrics;

import com.codahale.metrics.Gauge;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.fwlb.runtime.openflow.OpenFlowStats;
import org.fwlb.runtime.openflow.OpenFlowStats.PacketInKind;
import org.fwlb.runtime.openflow.OpenFlowStats.Snapshot;
import org.onlab.metrics.MetricsComponent;
import org.onlab.metrics.MetricsFeature;
import org.onlab.metrics.MetricsService;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * The southbound's message counters ({@link OpenFlowStats}) as the operator reads them: JSON for
 * {@code GET /fwlb-runtime/openflow} and {@code runtime:openflow}, and gauges of the totals in the
 * {@link MetricsService} ({@code openflow.messages.<counter>}) for ONOS's {@code metrics} and {@code /onos/v1/metrics}.
 */
public final class OpenFlowCounters {

    /** Metrics component of the southbound's counters. */
    public static final String COMPONENT = "openflow";
    /** Its feature. */
    public static final String FEATURE = "messages";

    private OpenFlowCounters() {
    }

    /** Every counter by name, in the order shown. */
    public static Map<String, ToLongFunction<Snapshot>> fields() {
        Map<String, ToLongFunction<Snapshot>> f = new LinkedHashMap<>();
        f.put("packetIns", Snapshot::packetIns);
        for (PacketInKind k : PacketInKind.values()) {
            String label = k.label();
            f.put("packetIns" + Character.toUpperCase(label.charAt(0)) + label.substring(1), s -> s.packetIns(k));
        }
        f.put("packetInsDropped", Snapshot::packetInsDropped);
        f.put("packetOuts", Snapshot::packetOuts);
        f.put("flowMods", Snapshot::flowMods);
        f.put("barriers", Snapshot::barriers);
        f.put("flowRemoved", Snapshot::flowRemoved);
        f.put("errors", Snapshot::errors);
        f.put("connects", Snapshot::connects);
        return f;
    }

    /**
     * @param stats the southbound's counters
     * @return {@code {"total": {...}, "switches": {"of:...": {...}}}}
     */
    public static ObjectNode json(OpenFlowStats stats) {
        ObjectNode root = new ObjectMapper().createObjectNode();
        put(root.putObject("total"), stats.total());
        ObjectNode sw = root.putObject("switches");
        stats.perSwitch().forEach((d, s) -> put(sw.putObject(d.toString()), s));
        return root;
    }

    private static void put(ObjectNode n, Snapshot s) {
        fields().forEach((name, f) -> n.put(name, f.applyAsLong(s)));
    }

    /**
     * Registers a gauge per counter (totals over the switches).
     *
     * @param metrics metrics service
     * @param stats   the southbound's counters
     */
    public static void register(MetricsService metrics, OpenFlowStats stats) {
        MetricsComponent c = metrics.registerComponent(COMPONENT);
        MetricsFeature feature = c.registerFeature(FEATURE);
        fields().forEach((name, f) -> {
            metrics.removeMetric(c, feature, name);
            metrics.registerMetric(c, feature, name, (Gauge<Long>) () -> f.applyAsLong(stats.total()));
        });
    }
}
