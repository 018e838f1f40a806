package org.fwlb.policy;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Base of the "least loaded per unit of weight" policies. Ties are broken by a rotating start position so
 * that a burst of decisions made before the load figures catch up is spread rather than piled on the
 * first member.
 */
abstract class LeastLoadPolicy implements SelectionPolicy {

    private final AtomicInteger rotation = new AtomicInteger();

    /**
     * Returns a member's load per unit of weight (lower is better).
     *
     * @param m an eligible member
     * @return load
     */
    protected abstract double load(Member m);

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
            if (!Policies.competes(members, m)) {
                continue;
            }
            double load = load(m);
            if (best == NONE || load < bestLoad) {
                best = i;
                bestLoad = load;
            }
        }
        return best;
    }
}
