package org.fwlb.policy;

/**
 * Least packet throughput (seed [0008]): the eligible member with the lowest recent packet rate per unit
 * of weight, as fed by packet counters; ties rotate.
 */
public final class LeastPacketThroughputPolicy extends LeastLoadPolicy {
    /** Configuration name. */
    public static final String NAME = "least-packets";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    protected double load(Member m) {
        double rate = m.packetRate();
        return (Double.isNaN(rate) || rate < 0 ? 0 : rate) / Math.max(1, m.weight());
    }
}
