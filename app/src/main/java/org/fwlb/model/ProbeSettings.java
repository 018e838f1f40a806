package org.fwlb.model;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * Health probe timing with hysteresis: a member goes down after {@code downAfter} consecutive misses and
 * up again after {@code upAfter} consecutive successes.
 */
public final class ProbeSettings {
    /** Default probe interval in milliseconds. */
    public static final int DEFAULT_INTERVAL_MS = 500;
    /** Default misses before down. */
    public static final int DEFAULT_DOWN_AFTER = 3;
    /** Default successes before up. */
    public static final int DEFAULT_UP_AFTER = 2;

    private final int intervalMs;
    private final int downAfter;
    private final int upAfter;

    private ProbeSettings(int intervalMs, int downAfter, int upAfter) {
        checkArgument(intervalMs > 0, "intervalMs must be > 0");
        checkArgument(downAfter > 0, "downAfter must be > 0");
        checkArgument(upAfter > 0, "upAfter must be > 0");
        this.intervalMs = intervalMs;
        this.downAfter = downAfter;
        this.upAfter = upAfter;
    }

    /**
     * Creates probe settings.
     *
     * @param intervalMs interval between probes
     * @param downAfter  consecutive misses before down
     * @param upAfter    consecutive successes before up
     * @return settings
     */
    public static ProbeSettings of(int intervalMs, int downAfter, int upAfter) {
        return new ProbeSettings(intervalMs, downAfter, upAfter);
    }

    /**
     * Returns the defaults (500 ms, 3, 2).
     *
     * @return defaults
     */
    public static ProbeSettings defaults() {
        return new ProbeSettings(DEFAULT_INTERVAL_MS, DEFAULT_DOWN_AFTER, DEFAULT_UP_AFTER);
    }

    /**
     * Returns the probe interval.
     *
     * @return milliseconds
     */
    public int intervalMs() {
        return intervalMs;
    }

    /**
     * Returns the consecutive misses before a member is marked down.
     *
     * @return count
     */
    public int downAfter() {
        return downAfter;
    }

    /**
     * Returns the consecutive successes before a member is marked up.
     *
     * @return count
     */
    public int upAfter() {
        return upAfter;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ProbeSettings)) {
            return false;
        }
        ProbeSettings p = (ProbeSettings) o;
        return intervalMs == p.intervalMs && downAfter == p.downAfter && upAfter == p.upAfter;
    }

    @Override
    public int hashCode() {
        return (intervalMs * 31 + downAfter) * 31 + upAfter;
    }

    @Override
    public String toString() {
        return "ProbeSettings{intervalMs=" + intervalMs + ", downAfter=" + downAfter + ", upAfter=" + upAfter + "}";
    }
}
