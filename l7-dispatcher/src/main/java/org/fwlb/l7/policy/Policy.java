package org.fwlb.l7.policy;

import org.fwlb.l7.backend.Backend;

/** Chooses a server for a request without (valid) cookie among one service type's servers. */
public interface Policy {
    /**
     * An eligible server of {@code candidates} other than {@code exclude} (the one that just failed, or
     * null), or null when none is eligible.
     */
    Backend choose(Backend[] candidates, Backend exclude);

    static Policy named(String name) {
        switch (name) {
            case "round-robin": return new RoundRobin();
            case "weighted-round-robin": return new SmoothWeightedRoundRobin();
            case "least-connections": return new LeastConnections();
            default: throw new IllegalArgumentException("unknown policy " + name);
        }
    }

    static boolean usable(Backend b, Backend exclude) {
        return b != exclude && b.eligible();
    }
}
