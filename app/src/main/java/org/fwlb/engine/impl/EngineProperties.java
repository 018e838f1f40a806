package org.fwlb.engine.impl;

import org.fwlb.engine.EngineSettings;
import org.onlab.util.Tools;
import org.osgi.service.component.ComponentContext;
import org.slf4j.Logger;

import java.util.Dictionary;

import static org.fwlb.engine.impl.OsgiPropertyConstants.ARP_RATE_PPS;
import static org.fwlb.engine.impl.OsgiPropertyConstants.HASH_BUCKETS;
import static org.fwlb.engine.impl.OsgiPropertyConstants.HOLD_SECONDS;
import static org.fwlb.engine.impl.OsgiPropertyConstants.MAX_HALF_OPEN;
import static org.fwlb.engine.impl.OsgiPropertyConstants.MAX_HOLDS;
import static org.fwlb.engine.impl.OsgiPropertyConstants.OVERLOAD_GRACE_SECONDS;
import static org.fwlb.engine.impl.OsgiPropertyConstants.OVERLOAD_HOLD_SECONDS;
import static org.fwlb.engine.impl.OsgiPropertyConstants.OVERLOAD_PUNT_PPS;
import static org.fwlb.engine.impl.OsgiPropertyConstants.PER_STAGE_DECISIONS;
import static org.fwlb.engine.impl.OsgiPropertyConstants.PUNT_BURST;
import static org.fwlb.engine.impl.OsgiPropertyConstants.PUNT_RATE_PPS;
import static org.fwlb.engine.impl.OsgiPropertyConstants.SWEEP_INTERVAL_MS;
import static org.fwlb.engine.impl.OsgiPropertyConstants.TCP_FLAGS_MATCH;

/**
 * Reads the engine's component properties; a value that does not parse or is out of range is refused with a
 * warning naming it, and the previous value stays.
 */
final class EngineProperties {

    private EngineProperties() {
    }

    static EngineSettings read(ComponentContext context, EngineSettings cur, Logger log) {
        Dictionary<?, ?> p = context == null ? null : context.getProperties();
        if (p == null) {
            return cur;
        }
        int buckets = integer(p, HASH_BUCKETS, cur.hashBuckets, 2, 1024, log);
        if (Integer.bitCount(buckets) != 1) {
            log.warn("ignoring {}={}: expected a power of two", HASH_BUCKETS, buckets);
            buckets = cur.hashBuckets;
        }
        return new EngineSettings(
                integer(p, PUNT_RATE_PPS, cur.puntRatePps, 0, 10_000_000, log),
                integer(p, PUNT_BURST, cur.puntBurst, 0, 10_000_000, log),
                integer(p, ARP_RATE_PPS, cur.arpRatePps, 0, 10_000_000, log),
                bool(p, PER_STAGE_DECISIONS, cur.perStageDecisions, log),
                bool(p, TCP_FLAGS_MATCH, cur.tcpFlags, log),
                integer(p, HOLD_SECONDS, cur.holdSeconds, 1, 3600, log),
                integer(p, MAX_HOLDS, cur.maxHolds, 0, 10_000_000, log),
                integer(p, MAX_HALF_OPEN, cur.maxHalfOpen, 1, 10_000_000, log),
                buckets,
                integer(p, SWEEP_INTERVAL_MS, cur.sweepIntervalMs, 100, 600_000, log),
                integer(p, OVERLOAD_PUNT_PPS, cur.overloadPuntPps, 0, 10_000_000, log),
                integer(p, OVERLOAD_HOLD_SECONDS, cur.overloadHoldSeconds, 1, 3600, log),
                integer(p, OVERLOAD_GRACE_SECONDS, cur.overloadGraceSeconds, 1, 3600, log));
    }

    private static int integer(Dictionary<?, ?> p, String name, int current, int min, int max, Logger log) {
        String s = Tools.get(p, name);
        if (s == null) {
            return current;
        }
        try {
            int v = Integer.parseInt(s.trim());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        log.warn("ignoring {}={}: expected an integer in {}..{}", name, s, min, max);
        return current;
    }

    private static boolean bool(Dictionary<?, ?> p, String name, boolean current, Logger log) {
        String s = Tools.get(p, name);
        if (s == null) {
            return current;
        }
        String v = s.trim().toLowerCase(java.util.Locale.ROOT);
        if (v.equals("true") || v.equals("false")) {
            return Boolean.parseBoolean(v);
        }
        log.warn("ignoring {}={}: expected true or false", name, s);
        return current;
    }
}
