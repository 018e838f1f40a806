package org.fwlb.l7.policy;

import org.fwlb.l7.backend.Backend;

import java.util.concurrent.atomic.AtomicInteger;

/** Plain round robin over the eligible servers (weights only matter as 0 = no new sessions). */
public final class RoundRobin implements Policy {
    private final AtomicInteger next = new AtomicInteger();

    @Override
    public Backend choose(Backend[] candidates, Backend exclude) {
        // rotate over the eligible servers only, so a down server's turn is not inherited by its neighbour
        int eligible = 0;
        for (Backend b : candidates) {
            if (Policy.usable(b, exclude)) {
                eligible++;
            }
        }
        if (eligible == 0) {
            return null;
        }
        int k = Math.floorMod(next.getAndIncrement(), eligible);
        Backend last = null;
        for (Backend b : candidates) {
            if (Policy.usable(b, exclude)) {
                if (k-- == 0) {
                    return b;
                }
                last = b;
            }
        }
        return last; // eligibility changed between the two passes
    }
}
