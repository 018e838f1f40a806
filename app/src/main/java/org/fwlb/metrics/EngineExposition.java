package org.fwlb.metrics;

import org.fwlb.engine.ConnectionEngine;
import org.fwlb.engine.EngineCounters;
import org.fwlb.engine.Owner;

import java.util.Locale;

/**
 * The engine's share of an application's scrape: the owner's event counters ({@code fwlb_<owner>_<counter>_total},
 * e.g. {@code fwlb_sandwich_syn_punts_total}), decision and install latency, the connection table, punt meter
 * drops per device and health transitions per member.
 */
public final class EngineExposition {

    private EngineExposition() {
    }

    /**
     * Adds the engine's families for one owner.
     *
     * @param t      the scrape
     * @param engine the engine
     * @param owner  whose counters
     * @param table  entries in the connection table
     */
    public static void write(PrometheusText t, ConnectionEngine engine, Owner owner, int table) {
        String prefix = "fwlb_" + owner.name().toLowerCase(Locale.ROOT) + "_";
        EngineCounters c = engine.counters(owner);
        for (String name : EngineCounters.NAMES) {
            t.counter(prefix + snake(name), "fwlb engine counter " + name, c.get(name));
        }
        t.summary("fwlb_decision_latency_seconds", "Time from a punted SYN to its decided path",
                  engine.timers().decision());
        t.summary("fwlb_install_latency_seconds", "Time from applying a connection's rules to every switch's"
                + " confirmation", engine.timers().install());
        t.gauge("fwlb_connection_table_entries", "Connections in the connection table (all owners)", table);
        engine.puntMeterDrops().forEach((dev, n) -> t.counter("fwlb_punt_meter_dropped_packets",
                "Punted packets dropped by the punt meters", n, "device", dev.toString()));
        engine.healthTransitions().forEach((m, n) -> t.counter("fwlb_health_transitions",
                "Changes of a member's health or admin state", n, "member", m));
    }

    /**
     * @param camel a camelCase name
     * @return its snake_case form
     */
    static String snake(String camel) {
        StringBuilder b = new StringBuilder(camel.length() + 8);
        for (int i = 0; i < camel.length(); i++) {
            char ch = camel.charAt(i);
            if (Character.isUpperCase(ch)) {
                b.append('_').append(Character.toLowerCase(ch));
            } else {
                b.append(ch);
            }
        }
        return b.toString();
    }
}
