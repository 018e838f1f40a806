package org.fwlb.sandwich.impl;

/**
 * Names and defaults of the sandwich's component properties.
 */
public final class OsgiPropertyConstants {

    private OsgiPropertyConstants() {
    }

    /** Punted packets (SYNs, unknown segments) per second and switch, enforced by an OpenFlow meter; 0 = no meter. */
    public static final String PUNT_RATE_PPS = "puntRatePps";
    /** Default punt rate. */
    public static final int PUNT_RATE_PPS_DEFAULT = 400;

    /** Burst of the punt meter, packets. */
    public static final String PUNT_BURST = "puntBurst";
    /** Default punt burst. */
    public static final int PUNT_BURST_DEFAULT = 200;

    /** Whether firewalls are probed (ARP through both interfaces). */
    public static final String PROBE_ENABLED = "probeEnabled";
    /** Default: probe. */
    public static final boolean PROBE_ENABLED_DEFAULT = true;

    /** Period of the packet-rate sampling and connection-table sweep, ms. */
    public static final String SWEEP_INTERVAL_MS = "sweepIntervalMs";
    /** Default sweep period. */
    public static final int SWEEP_INTERVAL_MS_DEFAULT = 1000;

    /** A connection whose rules never saw a packet after this many ms is removed. */
    public static final String SYN_TIMEOUT_MS = "synTimeoutMs";
    /** Default SYN timeout. */
    public static final int SYN_TIMEOUT_MS_DEFAULT = 10000;
}
