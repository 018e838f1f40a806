package org.fwlb.policy;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Round robin: the next eligible member after the last chosen one. With every member eligible the
 * distribution is exact; an ineligible member's turns are spread over the others, not given to its
 * successor.
 */
public final class RoundRobinPolicy implements SelectionPolicy {
    /** Configuration name. */
    public static final String NAME = "round-robin";

    private final AtomicInteger last = new AtomicInteger(-1);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int selectIndex(List<? extends Member> members, long flowHash) {
        int n = members.size();
        while (true) {
            int prev = last.get();
            int start = prev < 0 ? -1 : prev % Math.max(n, 1);
            int found = NONE;
            for (int k = 1; k <= n; k++) {
                int i = (start + k) % n;
                if (members.get(i).eligibility().isEligible()) {
                    found = i;
                    break;
                }
            }
            if (found == NONE) {
                return NONE;
            }
            if (last.compareAndSet(prev, found)) {
                return found;
            }
        }
    }
}
