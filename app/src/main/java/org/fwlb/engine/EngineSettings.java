package org.fwlb.engine;

/**
 * The engine's component properties in force (immutable; a change makes a new one).
 */
public final class EngineSettings {

    /** Punted packets per second and device through the TCP punt meter; 0 = no meter. */
    public final int puntRatePps;
    /** Burst of the TCP punt meter. */
    public final int puntBurst;
    /** Punted ARP (and probe answers) per second and device; 0 = no meter. */
    public final int arpRatePps;
    /** Whether every stage decides when its own SYN reaches it (FIG 7/8 path tags) instead of the whole path at
     *  the first punt. */
    public final boolean perStageDecisions;
    /** Whether rules may match TCP flags (ONOS 2.7's OpenFlow driver does not translate them). */
    public final boolean tcpFlags;
    /** Seconds a held 5-tuple (an unknown non-SYN segment's action) stays without traffic. */
    public final int holdSeconds;
    /** Most held 5-tuples per instance; beyond, unknown segments are dropped without a rule. */
    public final int maxHolds;
    /** Most half-open connections (placed, no packet of the client since) per instance. */
    public final int maxHalfOpen;
    /** Static-hash buckets (a power of two). */
    public final int hashBuckets;
    /** Period of the sweep (adoption, bookkeeping, packet rates), ms. */
    public final int sweepIntervalMs;
    /** Punts per second (per instance) that mean overload: new connections go by static-hash rules; 0 = never. */
    public final int overloadPuntPps;
    /** Least seconds in overload before pinning is tried again (doubled while the overload goes on). */
    public final int overloadHoldSeconds;
    /** Seconds after an overload during which segments of hash-carried connections are adopted. */
    public final int overloadGraceSeconds;

    /** Default of {@link #overloadPuntPps}. */
    public static final int DEFAULT_OVERLOAD_PUNT_PPS = 4000;
    /** Default of {@link #overloadHoldSeconds}. */
    public static final int DEFAULT_OVERLOAD_HOLD_SECONDS = 10;
    /** Default of {@link #overloadGraceSeconds}. */
    public static final int DEFAULT_OVERLOAD_GRACE_SECONDS = 15;

    /**
     * Creates settings (the overload detector's at their defaults).
     *
     * @param puntRatePps       TCP punt meter rate
     * @param puntBurst         its burst
     * @param arpRatePps        ARP meter rate
     * @param perStageDecisions force per-stage decisions
     * @param tcpFlags          use tcp_flags matches
     * @param holdSeconds       hold rule lifetime
     * @param maxHolds          hold rule cap
     * @param maxHalfOpen       half-open cap
     * @param hashBuckets       static-hash buckets
     * @param sweepIntervalMs   sweep period
     */
    public EngineSettings(int puntRatePps, int puntBurst, int arpRatePps, boolean perStageDecisions,
                          boolean tcpFlags, int holdSeconds, int maxHolds, int maxHalfOpen, int hashBuckets,
                          int sweepIntervalMs) {
        this(puntRatePps, puntBurst, arpRatePps, perStageDecisions, tcpFlags, holdSeconds, maxHolds, maxHalfOpen,
             hashBuckets, sweepIntervalMs, DEFAULT_OVERLOAD_PUNT_PPS, DEFAULT_OVERLOAD_HOLD_SECONDS,
             DEFAULT_OVERLOAD_GRACE_SECONDS);
    }

    /**
     * Creates settings with the overload detector's.
     *
     * @param puntRatePps          TCP punt meter rate
     * @param puntBurst            its burst
     * @param arpRatePps           ARP meter rate
     * @param perStageDecisions    force per-stage decisions
     * @param tcpFlags             use tcp_flags matches
     * @param holdSeconds          hold rule lifetime
     * @param maxHolds             hold rule cap
     * @param maxHalfOpen          half-open cap
     * @param hashBuckets          static-hash buckets
     * @param sweepIntervalMs      sweep period
     * @param overloadPuntPps      punts/s meaning overload (0 = never)
     * @param overloadHoldSeconds  least overload time
     * @param overloadGraceSeconds adoption time after an overload
     */
    public EngineSettings(int puntRatePps, int puntBurst, int arpRatePps, boolean perStageDecisions,
                          boolean tcpFlags, int holdSeconds, int maxHolds, int maxHalfOpen, int hashBuckets,
                          int sweepIntervalMs, int overloadPuntPps, int overloadHoldSeconds,
                          int overloadGraceSeconds) {
        this.overloadPuntPps = overloadPuntPps;
        this.overloadHoldSeconds = overloadHoldSeconds;
        this.overloadGraceSeconds = overloadGraceSeconds;
        this.puntRatePps = puntRatePps;
        this.puntBurst = puntBurst;
        this.arpRatePps = arpRatePps;
        this.perStageDecisions = perStageDecisions;
        this.tcpFlags = tcpFlags;
        this.holdSeconds = holdSeconds;
        this.maxHolds = maxHolds;
        this.maxHalfOpen = maxHalfOpen;
        this.hashBuckets = hashBuckets;
        this.sweepIntervalMs = sweepIntervalMs;
    }

    /** @return the defaults (those of {@code OsgiPropertyConstants}) */
    public static EngineSettings defaults() {
        return new EngineSettings(5000, 1000, 200, false, false, 5, 20000, 20000, HashBuckets.DEFAULT_BUCKETS, 1000);
    }
}
