package org.fwlb.engine;

import org.fwlb.model.Eligibility;
import org.fwlb.policy.SimpleMember;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.IntFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The static hash as the switches match it (ported from the sandwich's StaticHashAssignmentTest): buckets of the
 * client port, apportioned by weight, stable when a member leaves, the same on both firewall dispatchers.
 */
class HashBucketsTest {

    private static final int[] WEIGHTS = {2, 1, 1, 1, 3};
    private static final String[] IDS = {"fw1", "fw2", "fw3", "fw4", "fw5"};

    private static List<SimpleMember> members(String down) {
        List<SimpleMember> out = new ArrayList<>();
        for (int i = 0; i < IDS.length; i++) {
            out.add(SimpleMember.of(IDS[i], WEIGHTS[i]).withEligibility(
                    IDS[i].equals(down) ? Eligibility.HEALTH_DOWN : Eligibility.ELIGIBLE));
        }
        return out;
    }

    /**
     * 2,000 client ports as Linux hands them to successive connections: even (connect() prefers even ports,
     * leaving odd ones to bind()), stepping by 2 from an offset in the ephemeral range.
     */
    private static int[] evenClientPorts() {
        int start = 32768 + 2 * new Random(2005).nextInt(4000);
        int[] out = new int[2000];
        for (int i = 0; i < out.length; i++) {
            out[i] = start + 2 * i;
        }
        return out;
    }

    /** Connections per member when each client port goes to the member of its bucket. */
    private static Map<String, Integer> spread(int[] ports, IntFunction<String> owner) {
        Map<String, Integer> out = new HashMap<>();
        for (int p : ports) {
            out.merge(owner.apply(p), 1, Integer::sum);
        }
        return out;
    }

    /** The members whose share is off its weight's by more than 10 %. */
    private static List<String> offByMoreThanTenPercent(Map<String, Integer> got, int n) {
        List<String> off = new ArrayList<>();
        int total = Arrays.stream(WEIGHTS).sum();
        for (int i = 0; i < IDS.length; i++) {
            double want = (double) n * WEIGHTS[i] / total;
            int have = got.getOrDefault(IDS[i], 0);
            if (Math.abs(have - want) > 0.10 * want) {
                off.add(IDS[i] + ": " + have + " vs " + Math.round(want));
            }
        }
        return off;
    }

    @Test
    void bucketsFollowTheWeightsForEvenClientPorts() {
        HashBuckets b = HashBuckets.assign(members(null), 64);
        Map<String, Integer> buckets = new HashMap<>();
        for (int i = 0; i < 64; i++) {
            buckets.merge(b.owner(i), 1, Integer::sum);
        }
        assertEquals(Map.of("fw1", 16, "fw2", 8, "fw3", 8, "fw4", 8, "fw5", 24), buckets, "2:1:1:1:3 of 64");
        int[] ports = evenClientPorts();
        Map<String, Integer> got = spread(ports, b::ownerOf);
        assertEquals(List.of(), offByMoreThanTenPercent(got, ports.length), "connections per firewall " + got);
    }

    @Test
    void theOldLowSixBitsBucketSkewsEvenClientPorts() {
        // the assignment the sandwich used before: the bucket was the low 6 bits of the client port; an even
        // port never reaches an odd bucket, so half the buckets (and whoever owns them) get nothing
        HashBuckets b = HashBuckets.assign(members(null), 64);
        int[] ports = evenClientPorts();
        Map<String, Integer> old = spread(ports, p -> b.owner(p & 63));
        Set<Integer> reached = new HashSet<>();
        for (int p : ports) {
            reached.add(p & 63);
        }
        assertEquals(32, reached.size(), "only even buckets");
        assertFalse(offByMoreThanTenPercent(old, ports.length).isEmpty(),
                    "the old bucket would have met the weights: " + old);
        Set<Integer> now = new HashSet<>();
        for (int p : ports) {
            now.add(HashBuckets.bucketOf(p, 64));
        }
        assertEquals(64, now.size(), "the bucket skips bit 0: every bucket is reached");
    }

    @Test
    void aMemberLeavingMovesMostlyItsOwnBuckets() {
        HashBuckets before = HashBuckets.assign(members(null), 64);
        HashBuckets after = HashBuckets.assign(members("fw2"), 64);
        int own = 0;
        int others = 0;
        for (int i = 0; i < 64; i++) {
            if ("fw2".equals(before.owner(i))) {
                own++;
                assertNotNull(after.owner(i));
                assertFalse("fw2".equals(after.owner(i)), "bucket " + i);
            } else if (!before.owner(i).equals(after.owner(i))) {
                others++;
            }
        }
        assertEquals(8, own);
        assertTrue(others <= own, "buckets of the staying members that moved: " + others + " (fw2 had " + own + ")");
        // and back: the same assignment as before
        assertEquals(before, HashBuckets.assign(members(null), 64));
    }

    @Test
    void ownerOfIsTheSameFunctionOfTheClientPortOnBothSides() {
        HashBuckets b = HashBuckets.assign(members(null), 64);
        int mask = HashBuckets.mask(64);
        for (int port = 1024; port < 65536; port += 7) {
            int bucket = HashBuckets.bucketOf(port, 64);
            // what a bucket rule matches (client port as source at one dispatcher, as destination at the other)
            assertEquals(HashBuckets.portValue(bucket), port & mask, "port " + port);
            assertEquals(b.owner(bucket), b.ownerOf(port));
            assertEquals(b.ownerOf(port), b.ownerOf(port ^ 1), "bit 0 does not matter");
        }
    }

    @Test
    void nobodyCompetingLeavesEveryBucketEmptyAndWeightZeroGetsNone() {
        List<SimpleMember> none = new ArrayList<>();
        members(null).forEach(m -> none.add(m.withEligibility(Eligibility.ADMIN_DOWN)));
        HashBuckets empty = HashBuckets.assign(none, 64);
        for (int i = 0; i < 64; i++) {
            assertNull(empty.owner(i));
        }
        List<SimpleMember> zero = new ArrayList<>(members(null));
        zero.set(4, zero.get(4).withWeight(0));
        HashBuckets z = HashBuckets.assign(zero, 64);
        for (int i = 0; i < 64; i++) {
            assertFalse("fw5".equals(z.owner(i)), "weight 0: no share");
        }
        assertThrows(IllegalArgumentException.class, () -> HashBuckets.assign(members(null), 48));
        assertEquals(HashBuckets.assign(members(null), 16), HashBuckets.assign(members(null), 16), "deterministic");
    }
}
