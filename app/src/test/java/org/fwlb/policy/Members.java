package org.fwlb.policy;

import org.fwlb.model.Eligibility;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Test helpers for member lists.
 */
final class Members {
    private Members() {
    }

    /** Eligible members "m0".."m(n-1)" with the given weights. */
    static List<SimpleMember> weighted(int... weights) {
        List<SimpleMember> l = new ArrayList<>();
        for (int i = 0; i < weights.length; i++) {
            l.add(SimpleMember.of("m" + i, weights[i]));
        }
        return l;
    }

    /** n eligible members of weight 1. */
    static List<SimpleMember> equal(int n) {
        int[] w = new int[n];
        java.util.Arrays.fill(w, 1);
        return weighted(w);
    }

    /** Returns a copy of the list with member i made ineligible for the given reason. */
    static List<SimpleMember> with(List<SimpleMember> l, int i, Eligibility e) {
        List<SimpleMember> c = new ArrayList<>(l);
        c.set(i, c.get(i).withEligibility(e));
        return c;
    }

    /** Runs picks and counts per member id. */
    static Map<String, Integer> picks(SelectionPolicy p, List<? extends Member> members, int n) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < n; i++) {
            int idx = p.selectIndex(members, FlowHash.mix(i));
            counts.merge(idx < 0 ? "none" : members.get(idx).id(), 1, Integer::sum);
        }
        return counts;
    }
}
