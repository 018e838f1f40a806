package org.fwlb.api;

import org.fwlb.model.HealthState;

/**
 * The controller's view of one L7/3 dispatcher process: its health (reports arriving), its last report
 * and how long ago it came.
 */
public final class L7Status {
    private final String id;
    private final HealthState health;
    private final L7Report last;
    private final long ageMillis;

    /**
     * Creates a status.
     *
     * @param id        dispatcher id
     * @param health    UP while reports arrive
     * @param last      last report, or null if none came yet
     * @param ageMillis age of the last report, -1 if none
     */
    public L7Status(String id, HealthState health, L7Report last, long ageMillis) {
        this.id = id;
        this.health = health;
        this.last = last;
        this.ageMillis = ageMillis;
    }

    /** @return dispatcher id */
    public String id() {
        return id;
    }

    /** @return health */
    public HealthState health() {
        return health;
    }

    /** @return last report or null */
    public L7Report last() {
        return last;
    }

    /** @return age of the last report in ms, -1 if none */
    public long ageMillis() {
        return ageMillis;
    }
}
