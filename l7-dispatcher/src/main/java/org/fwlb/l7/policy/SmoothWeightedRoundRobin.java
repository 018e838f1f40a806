package org.fwlb.l7.policy;

import org.fwlb.l7.backend.Backend;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Smooth weighted round robin (as in nginx): each pick adds every eligible server's weight to its running
 * score, takes the highest and subtracts the total from it. Weights 5,1,1 give a a b a c a a: proportional
 * and interleaved, never bursts of one server.
 */
public final class SmoothWeightedRoundRobin implements Policy {
    private final Map<Backend, long[]> current = new IdentityHashMap<>();

    @Override
    public synchronized Backend choose(Backend[] candidates, Backend exclude) {
        Backend best = null;
        long[] bestScore = null;
        long total = 0;
        for (Backend b : candidates) {
            if (!Policy.usable(b, exclude)) {
                continue;
            }
            long[] score = current.computeIfAbsent(b, k -> new long[1]);
            int w = b.weight();
            score[0] += w;
            total += w;
            if (best == null || score[0] > bestScore[0]) {
                best = b;
                bestScore = score;
            }
        }
        if (best != null) {
            bestScore[0] -= total;
        }
        if (current.size() > 4 * candidates.length + 16) {
            current.keySet().retainAll(java.util.Arrays.asList(candidates)); // forget removed servers
        }
        return best;
    }
}
