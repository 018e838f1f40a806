package org.fwlb.policy;

import com.google.common.collect.ImmutableList;

import java.util.List;

/**
 * Creates selection policies by their configuration names.
 */
public final class Policies {
    /** Every known policy name, in documentation order. */
    public static final List<String> NAMES = ImmutableList.of(StaticHashPolicy.NAME, RoundRobinPolicy.NAME,
            SmoothWeightedRoundRobinPolicy.NAME, WeightedLeastConnectionsPolicy.NAME,
            LeastPacketThroughputPolicy.NAME);

    private Policies() {
    }

    /**
     * Returns true when the name is a known policy.
     *
     * @param name policy name
     * @return true when known
     */
    public static boolean isKnown(String name) {
        return name != null && NAMES.contains(name);
    }

    /**
     * Creates a new (independent) policy instance.
     *
     * @param name policy name: static-hash, round-robin, weighted-round-robin, least-connections,
     *             least-packets
     * @return the policy
     * @throws IllegalArgumentException naming the known policies when the name is unknown
     */
    public static SelectionPolicy create(String name) {
        if (name != null) {
            switch (name) {
                case StaticHashPolicy.NAME:
                    return new StaticHashPolicy();
                case RoundRobinPolicy.NAME:
                    return new RoundRobinPolicy();
                case SmoothWeightedRoundRobinPolicy.NAME:
                    return new SmoothWeightedRoundRobinPolicy();
                case WeightedLeastConnectionsPolicy.NAME:
                    return new WeightedLeastConnectionsPolicy();
                case LeastPacketThroughputPolicy.NAME:
                    return new LeastPacketThroughputPolicy();
                default:
                    break;
            }
        }
        throw new IllegalArgumentException("unknown policy " + (name == null ? "null" : "\"" + name + "\"")
                + "; known policies: " + String.join(", ", NAMES));
    }

    /**
     * Tells whether a member may take a new connection under a weighted policy: it is eligible, and its
     * weight is above 0 unless every eligible member has weight 0 (weight 0 means "no share", seed [0032],
     * but a stage whose members all have weight 0 still serves).
     *
     * @param members all members
     * @param m       one of them
     * @return true if it competes
     */
    public static boolean competes(java.util.List<? extends Member> members, Member m) {
        if (!m.eligibility().isEligible()) {
            return false;
        }
        if (m.weight() > 0) {
            return true;
        }
        for (Member o : members) {
            if (o.eligibility().isEligible() && o.weight() > 0) {
                return false;
            }
        }
        return true;
    }
}
