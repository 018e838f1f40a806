package org.fwlb.policy;

import java.util.List;

/**
 * Static hash by weighted rendezvous (highest random weight) hashing: every eligible member scores
 * {@code -ln(u) / weight} where {@code u} is a uniform value derived from (flow hash, member id); the
 * lowest score wins. Deterministic and stateless (every controller instance picks alike); symmetric
 * when the caller passes a symmetric hash; consistent: when a member leaves or becomes ineligible only
 * the flows it had move (each to the member that scored second), every other flow stays.
 */
public final class StaticHashPolicy implements SelectionPolicy {
    /** Configuration name. */
    public static final String NAME = "static-hash";

    private static final double TWO_POW_MINUS_53 = 0x1.0p-53;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int selectIndex(List<? extends Member> members, long flowHash) {
        int best = NONE;
        double bestScore = Double.POSITIVE_INFINITY;
        for (int i = 0, n = members.size(); i < n; i++) {
            Member m = members.get(i);
            if (!Policies.competes(members, m)) {
                continue;
            }
            double score = score(m.id(), Math.max(1, m.weight()), flowHash);
            if (score < bestScore || (score == bestScore && best != NONE
                    && m.id().compareTo(members.get(best).id()) < 0)) {
                best = i;
                bestScore = score;
            }
        }
        return best;
    }

    /**
     * Returns a member's score for a flow (lower wins).
     *
     * @param memberId member id
     * @param weight   weight, at least 1
     * @param flowHash flow hash
     * @return score
     */
    static double score(String memberId, int weight, long flowHash) {
        long h = FlowHash.mix(flowHash ^ FlowHash.mix(memberId.hashCode() * 0x9E3779B97F4A7C15L + 0x7F4A7C15L));
        double u = ((h >>> 11) + 0.5) * TWO_POW_MINUS_53; // uniform in (0, 1)
        return -Math.log(u) / weight;
    }
}
