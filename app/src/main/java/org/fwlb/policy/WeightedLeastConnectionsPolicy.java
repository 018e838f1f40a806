package org.fwlb.policy;

/**
 * Weighted least connections: the eligible member with the fewest active connections per unit of
 * weight; ties rotate.
 */
public final class WeightedLeastConnectionsPolicy extends LeastLoadPolicy {
    /** Configuration name. */
    public static final String NAME = "least-connections";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    protected double load(Member m) {
        return Math.max(0, m.activeConnections()) / (double) Math.max(1, m.weight());
    }
}
