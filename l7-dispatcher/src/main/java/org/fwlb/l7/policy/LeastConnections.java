package org.fwlb.l7.policy;

import org.fwlb.l7.backend.Backend;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fewest in-flight requests per unit of weight; ties rotate (a rotating start) so equal servers share the
 * load instead of the first one taking every tie.
 */
public final class LeastConnections implements Policy {
    private final AtomicInteger rotate = new AtomicInteger();

    @Override
    public Backend choose(Backend[] candidates, Backend exclude) {
        int n = candidates.length;
        if (n == 0) {
            return null;
        }
        int start = Math.floorMod(rotate.getAndIncrement(), n);
        Backend best = null;
        long bestActive = 0;
        long bestWeight = 1;
        for (int i = 0; i < n; i++) {
            Backend b = candidates[(start + i) % n];
            if (!Policy.usable(b, exclude)) {
                continue;
            }
            long a = b.active();
            long w = b.weight();
            // a / w < bestActive / bestWeight without division
            if (best == null || a * bestWeight < bestActive * w) {
                best = b;
                bestActive = a;
                bestWeight = w;
            }
        }
        return best;
    }
}
