package org.fwlb.model;

/**
 * Whether a member may take a new connection and, when not, why.
 * Eligible means admin state UP, health UP and below its connection limit.
 */
public enum Eligibility {
    /** May take a new connection. */
    ELIGIBLE,
    /** Administratively down. */
    ADMIN_DOWN,
    /** Draining: keeps its connections, takes no new one. */
    DRAINING,
    /** Probes say it is down. */
    HEALTH_DOWN,
    /** At its maximum number of connections. */
    FULL;

    /**
     * Returns true for {@link #ELIGIBLE}.
     *
     * @return true when the member may take a new connection
     */
    public boolean isEligible() {
        return this == ELIGIBLE;
    }

    /**
     * Derives the eligibility of a member; admin state wins over health, health over fullness.
     *
     * @param admin          administrative state
     * @param health         operational health
     * @param active         current number of connections
     * @param maxConnections connection limit, 0 = unlimited
     * @return the eligibility
     */
    public static Eligibility of(AdminState admin, HealthState health, long active, long maxConnections) {
        if (admin == AdminState.DOWN) {
            return ADMIN_DOWN;
        }
        if (admin == AdminState.DRAINING) {
            return DRAINING;
        }
        if (health == HealthState.DOWN) {
            return HEALTH_DOWN;
        }
        if (maxConnections > 0 && active >= maxConnections) {
            return FULL;
        }
        return ELIGIBLE;
    }
}
