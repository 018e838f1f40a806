package org.fwlb.model;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * Timeouts of pinned connections: the idle timeout of their rules and the short timeout they get once a
 * FIN or RST was seen.
 */
public final class Timeouts {
    /** Default idle timeout in seconds. */
    public static final int DEFAULT_IDLE_SECONDS = 10;
    /** Default closing timeout in seconds. */
    public static final int DEFAULT_CLOSING_SECONDS = 2;

    private final int idleSeconds;
    private final int closingSeconds;

    private Timeouts(int idleSeconds, int closingSeconds) {
        checkArgument(idleSeconds >= 1 && idleSeconds <= 65535, "idleSeconds out of range 1..65535");
        checkArgument(closingSeconds >= 1 && closingSeconds <= 65535, "closingSeconds out of range 1..65535");
        this.idleSeconds = idleSeconds;
        this.closingSeconds = closingSeconds;
    }

    /**
     * Creates timeouts.
     *
     * @param idleSeconds    idle timeout of pinned rules, 1..65535
     * @param closingSeconds timeout after FIN/RST, 1..65535
     * @return timeouts
     */
    public static Timeouts of(int idleSeconds, int closingSeconds) {
        return new Timeouts(idleSeconds, closingSeconds);
    }

    /**
     * Returns the defaults (10 s idle, 2 s closing).
     *
     * @return default timeouts
     */
    public static Timeouts defaults() {
        return new Timeouts(DEFAULT_IDLE_SECONDS, DEFAULT_CLOSING_SECONDS);
    }

    /**
     * Returns the idle timeout.
     *
     * @return seconds
     */
    public int idleSeconds() {
        return idleSeconds;
    }

    /**
     * Returns the closing timeout.
     *
     * @return seconds
     */
    public int closingSeconds() {
        return closingSeconds;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Timeouts && ((Timeouts) o).idleSeconds == idleSeconds
                && ((Timeouts) o).closingSeconds == closingSeconds;
    }

    @Override
    public int hashCode() {
        return 31 * idleSeconds + closingSeconds;
    }

    @Override
    public String toString() {
        return "Timeouts{idleSeconds=" + idleSeconds + ", closingSeconds=" + closingSeconds + "}";
    }
}
