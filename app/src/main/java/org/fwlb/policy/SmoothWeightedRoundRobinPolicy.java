package org.fwlb.policy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Smooth weighted round robin (as in nginx): each pick adds every eligible member's weight to its
 * current value, chooses the largest and subtracts the total from it. Over a cycle of sum(weights)
 * picks each member is chosen exactly weight times, interleaved (weights 5,1,1 give a a b a c a a).
 * State is kept per member id, so it survives reordering and members joining or leaving. A member of
 * weight 0 gets no share (as long as some eligible member has a weight).
 */
public final class SmoothWeightedRoundRobinPolicy implements SelectionPolicy {
    /** Configuration name. */
    public static final String NAME = "weighted-round-robin";

    private String[] ids = new String[0];
    private long[] current = new long[0];

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public synchronized int selectIndex(List<? extends Member> members, long flowHash) {
        int n = members.size();
        if (!sameIds(members)) {
            rebuild(members);
        }
        // weight 0 means no share, unless every eligible member has weight 0 (then they share equally)
        boolean anyWeight = false;
        for (int i = 0; i < n && !anyWeight; i++) {
            anyWeight = members.get(i).eligibility().isEligible() && members.get(i).weight() > 0;
        }
        long total = 0;
        int best = NONE;
        for (int i = 0; i < n; i++) {
            Member m = members.get(i);
            int w = anyWeight ? m.weight() : 1;
            if (!m.eligibility().isEligible() || w <= 0) {
                continue;
            }
            current[i] += w;
            total += w;
            if (best == NONE || current[i] > current[best]) {
                best = i;
            }
        }
        if (best != NONE) {
            current[best] -= total;
        }
        return best;
    }

    private boolean sameIds(List<? extends Member> members) {
        if (members.size() != ids.length) {
            return false;
        }
        for (int i = 0; i < ids.length; i++) {
            String id = members.get(i).id();
            if (ids[i] != id && !ids[i].equals(id)) {
                return false;
            }
        }
        return true;
    }

    private void rebuild(List<? extends Member> members) {
        Map<String, Long> old = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            old.put(ids[i], current[i]);
        }
        int n = members.size();
        String[] newIds = new String[n];
        long[] newCurrent = new long[n];
        for (int i = 0; i < n; i++) {
            newIds[i] = members.get(i).id();
            newCurrent[i] = old.getOrDefault(newIds[i], 0L);
        }
        ids = newIds;
        current = newCurrent;
    }
}
