package org.fwlb.sandwich.impl;

import org.fwlb.model.Firewall;
import org.fwlb.policy.FlowHash;
import org.fwlb.policy.Member;
import org.fwlb.policy.SelectionPolicy;
import org.fwlb.policy.StaticHashPolicy;

import java.util.Arrays;
import java.util.List;

/**
 * Which firewall serves each static-hash bucket. Built with the consistent static-hash policy over the
 * eligible firewalls, so a firewall leaving moves only its own buckets.
 */
public final class StaticHashAssignment {

    /** Buckets: the low 6 bits of the client port. */
    public static final int DEFAULT_BUCKETS = 64;

    private final Firewall[] byBucket;

    private StaticHashAssignment(Firewall[] byBucket) {
        this.byBucket = byBucket;
    }

    /**
     * Assigns buckets to firewalls.
     *
     * @param firewalls firewalls in configuration order
     * @param members   their policy members (same order, with eligibility)
     * @param buckets   number of buckets, a power of two
     * @return assignment; buckets stay empty when no firewall is eligible
     */
    public static StaticHashAssignment of(List<Firewall> firewalls, List<? extends Member> members, int buckets) {
        SelectionPolicy policy = new StaticHashPolicy();
        Firewall[] out = new Firewall[buckets];
        for (int b = 0; b < buckets; b++) {
            int i = policy.selectIndex(members, FlowHash.mix(b + 1));
            out[b] = i < 0 ? null : firewalls.get(i);
        }
        return new StaticHashAssignment(out);
    }

    /**
     * Returns an assignment with no firewall (nothing to forward to).
     *
     * @return empty assignment
     */
    public static StaticHashAssignment none() {
        return new StaticHashAssignment(new Firewall[DEFAULT_BUCKETS]);
    }

    /**
     * Returns the number of buckets.
     *
     * @return buckets
     */
    public int buckets() {
        return byBucket.length;
    }

    /**
     * Returns the firewall of a bucket.
     *
     * @param bucket bucket
     * @return firewall or null
     */
    public Firewall firewall(int bucket) {
        return byBucket[bucket];
    }

    /**
     * Returns the bucket of a client port.
     *
     * @param clientPort the client's TCP port
     * @return bucket
     */
    public int bucketOf(int clientPort) {
        return clientPort & (byBucket.length - 1);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StaticHashAssignment && Arrays.equals(byBucket, ((StaticHashAssignment) o).byBucket);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(byBucket);
    }
}
