package org.fwlb.policy;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Least packet throughput (seed [0008]): the eligible member with the lowest recent packet rate per unit
 * of weight, as fed by packet counters. Ties rotate like {@link WeightedLeastConnectionsPolicy}.
 */
public final class LeastPacketThroughputPolicy implements SelectionPolicy {
    /** Configuration name. */
    public static final String NAME = "least-packets";

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
        double bestLoad = 0;
        for (int k = 0; k < n; k++) {
            int i = (start + k) % n;
            Member m = members.get(i);
            if (!m.eligibility().isEligible()) {
                continue;
            }
            double rate = m.packetRate();
            double load = (Double.isNaN(rate) || rate < 0 ? 0 : rate) / Math.max(1, m.weight());
            if (best == NONE || load < bestLoad) {
                best = i;
                bestLoad = load;
            }
        }
        return best;
    }
}
