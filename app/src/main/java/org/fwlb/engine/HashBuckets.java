package org.fwlb.engine;

import org.fwlb.policy.FlowHash;
import org.fwlb.policy.Member;
import org.fwlb.policy.Policies;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The static hash of the seed ([0010]) as the switches can match it: a bucket of the client's TCP port, the one
 * field of the 5-tuple both firewall dispatchers (and every stage) see in every packet of a connection, so the
 * rules are symmetric. Bit 0 is skipped: Linux prefers even ports for outgoing connections, so the low bit carries
 * no entropy. Buckets go to members in proportion to their weights (largest remainder), each bucket to the member
 * that scores it best among those with room (weighted rendezvous), so a member leaving moves mostly its own
 * buckets.
 */
public final class HashBuckets {

    /** Default number of buckets (a power of two). */
    public static final int DEFAULT_BUCKETS = 64;
    /** Client-port bits skipped below the bucket. */
    public static final int SHIFT = 1;

    private final String[] owners;

    private HashBuckets(String[] owners) {
        this.owners = owners;
    }

    /**
     * Assigns buckets to members.
     *
     * @param members members in configuration order (only those that compete get buckets)
     * @param buckets number of buckets, a power of two
     * @return assignment; every bucket is empty when no member competes
     */
    public static HashBuckets assign(List<? extends Member> members, int buckets) {
        if (Integer.bitCount(buckets) != 1) {
            throw new IllegalArgumentException("buckets must be a power of two: " + buckets);
        }
        String[] out = new String[buckets];
        List<Member> comp = new ArrayList<>();
        long total = 0;
        for (Member m : members) {
            if (Policies.competes(members, m)) {
                comp.add(m);
                total += Math.max(1, m.weight());
            }
        }
        if (comp.isEmpty()) {
            return new HashBuckets(out);
        }
        int[] room = quotas(comp, total, buckets);
        // every (bucket, member) pair by score, best first; a bucket goes to the best-scoring member with room
        int n = comp.size();
        long[] pairs = new long[buckets * n];
        double[] scores = new double[buckets * n];
        Integer[] order = new Integer[buckets * n];
        for (int b = 0; b < buckets; b++) {
            for (int i = 0; i < n; i++) {
                int k = b * n + i;
                pairs[k] = ((long) b << 32) | i;
                scores[k] = score(comp.get(i).id(), b);
                order[k] = k;
            }
        }
        Arrays.sort(order, (x, y) -> Double.compare(scores[x], scores[y]));
        for (int k : order) {
            int b = (int) (pairs[k] >>> 32);
            int i = (int) pairs[k];
            if (out[b] == null && room[i] > 0) {
                out[b] = comp.get(i).id();
                room[i]--;
            }
        }
        return new HashBuckets(out);
    }

    /** Largest-remainder apportionment of the buckets over the competing members' weights. */
    private static int[] quotas(List<Member> comp, long total, int buckets) {
        int n = comp.size();
        int[] q = new int[n];
        double[] rest = new double[n];
        int given = 0;
        for (int i = 0; i < n; i++) {
            double exact = (double) buckets * Math.max(1, comp.get(i).weight()) / total;
            q[i] = (int) Math.floor(exact);
            rest[i] = exact - q[i];
            given += q[i];
        }
        while (given < buckets) {
            int best = 0;
            for (int i = 1; i < n; i++) {
                if (rest[i] > rest[best]) {
                    best = i;
                }
            }
            q[best]++;
            rest[best] = -1;
            given++;
        }
        return q;
    }

    /** Rendezvous score of a member for a bucket (lower wins). */
    private static double score(String memberId, int bucket) {
        long h = FlowHash.mix(FlowHash.mix(bucket + 1L) ^ FlowHash.mix(memberId.hashCode() * 0x9E3779B97F4A7C15L));
        return (h >>> 11) * 0x1.0p-53;
    }

    /** @return number of buckets */
    public int buckets() {
        return owners.length;
    }

    /**
     * Returns the member of a bucket.
     *
     * @param bucket bucket
     * @return member id, or null when no member competes
     */
    public String owner(int bucket) {
        return owners[bucket];
    }

    /**
     * Returns the member a client port hashes to.
     *
     * @param clientPort the client's TCP port
     * @return member id, or null
     */
    public String ownerOf(int clientPort) {
        return owners[bucketOf(clientPort, owners.length)];
    }

    /**
     * Returns the bucket of a client port.
     *
     * @param clientPort client port
     * @param buckets    number of buckets
     * @return bucket
     */
    public static int bucketOf(int clientPort, int buckets) {
        return (clientPort >>> SHIFT) & (buckets - 1);
    }

    /**
     * Returns the port value a bucket's rules match (with {@link #mask(int)}).
     *
     * @param bucket bucket
     * @return masked port value
     */
    public static int portValue(int bucket) {
        return bucket << SHIFT;
    }

    /**
     * Returns the port mask of the bucket rules.
     *
     * @param buckets number of buckets
     * @return mask
     */
    public static int mask(int buckets) {
        return (buckets - 1) << SHIFT;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HashBuckets && Arrays.equals(owners, ((HashBuckets) o).owners);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(owners);
    }

    @Override
    public String toString() {
        return Arrays.toString(owners);
    }
}
