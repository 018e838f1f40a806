package org.fwlb.engine.impl;

/**
 * Names and defaults of the connection engine's component properties ({@code cfg set
 * org.fwlb.engine.impl.ConnectionEngineManager <name> <value>}).
 */
public final class OsgiPropertyConstants {

    private OsgiPropertyConstants() {
    }

    /** Punted TCP packets per second and device (meter); 0 = no meter. */
    public static final String PUNT_RATE_PPS = "puntRatePps";
    /** Default punt rate. */
    public static final int PUNT_RATE_PPS_DEFAULT = 5000;

    /** Burst of the TCP punt meter, packets. */
    public static final String PUNT_BURST = "puntBurst";
    /** Default burst. */
    public static final int PUNT_BURST_DEFAULT = 1000;

    /** Punted ARP requests and probe answers per second and device (meter); 0 = no meter. */
    public static final String ARP_RATE_PPS = "arpRatePps";
    /** Default ARP rate. */
    public static final int ARP_RATE_PPS_DEFAULT = 200;

    /** Every stage decides when its own SYN reaches it (FIG 7/8 path tags) instead of the whole path at once. */
    public static final String PER_STAGE_DECISIONS = "perStageDecisions";
    /** Default: whole paths where one instance masters the switches. */
    public static final boolean PER_STAGE_DECISIONS_DEFAULT = false;

    /** Rules match TCP flags (needs an ONOS build that translates TCP_FLAGS; ONOS 2.7's does not). */
    public static final String TCP_FLAGS_MATCH = "tcpFlagsMatch";
    /** Default: no tcp_flags matches (works on a stock ONOS 2.7). */
    public static final boolean TCP_FLAGS_MATCH_DEFAULT = false;

    /** Seconds a held 5-tuple (an unknown non-SYN segment's drop) stays without traffic. */
    public static final String HOLD_SECONDS = "holdSeconds";
    /** Default hold. */
    public static final int HOLD_SECONDS_DEFAULT = 5;

    /** Most held 5-tuples per instance. */
    public static final String MAX_HOLDS = "maxHolds";
    /** Default cap of held 5-tuples. */
    public static final int MAX_HOLDS_DEFAULT = 20000;

    /** Most half-open connections (placed, nothing of the client seen since) per instance. */
    public static final String MAX_HALF_OPEN = "maxHalfOpen";
    /** Default half-open cap. */
    public static final int MAX_HALF_OPEN_DEFAULT = 20000;

    /** Static-hash buckets of the client port (a power of two, 2..1024). */
    public static final String HASH_BUCKETS = "hashBuckets";
    /** Default buckets. */
    public static final int HASH_BUCKETS_DEFAULT = 64;

    /** Period of the engine's sweep (adoption, bookkeeping) and of packet-rate sampling, ms. */
    public static final String SWEEP_INTERVAL_MS = "sweepIntervalMs";
    /** Default sweep period. */
    public static final int SWEEP_INTERVAL_MS_DEFAULT = 1000;

    public static final String OVERLOAD_PUNT_PPS = "overloadPuntPps";
    public static final int OVERLOAD_PUNT_PPS_DEFAULT = 4000;

    public static final String OVERLOAD_HOLD_SECONDS = "overloadHoldSeconds";
    public static final int OVERLOAD_HOLD_SECONDS_DEFAULT = 10;

    public static final String OVERLOAD_GRACE_SECONDS = "overloadGraceSeconds";
    public static final int OVERLOAD_GRACE_SECONDS_DEFAULT = 15;
}
