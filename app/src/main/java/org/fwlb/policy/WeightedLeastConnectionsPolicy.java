package org.fwlb.policy;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Weighted least connections: the eligible member with the fewest active connections per unit of
 * weight. Ties are broken by a rotating start position so that a burst of decisions made before the
 * counts catch up is spread rather than piled on the first member.
 */
public final class WeightedLeastConnectionsPolicy implements SelectionPolicy {
    /** Configuration name. */
    public static final String NAME = "least-connections";

    private final AtomicInteger rotation = new AtomicInteger();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int selectIndex(List<? extends Member> members, long flowHash) {
        int n = members.size();
        if (n == 0) {
            return NONE;
        }
        int start = (rotation.getAndIncrement() & Integer.MAX_VALUE) % n;
        int best = NONE;
        long bestActive = 0;
        long bestWeight = 1;
        for (int k = 0; k < n; k++) {
            int i = (start + k) % n;
            Member m = members.get(i);
            if (!m.eligibility().isEligible()) {
                continue;
            }
            long a = Math.max(0, m.activeConnections());
            long w = Math.max(1, m.weight());
            // a / w < bestActive / bestWeight without division
            if (best == NONE || a * bestWeight < bestActive * w) {
                best = i;
                bestActive = a;
                bestWeight = w;
            }
        }
        return best;
    }
}
