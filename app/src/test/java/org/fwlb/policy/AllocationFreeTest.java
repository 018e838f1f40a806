package org.fwlb.policy;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.fwlb.testing.Allocations.allocatedBytes;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The decision path must not allocate: measured with the JVM's per-thread allocation counter.
 */
class AllocationFreeTest {
    private static final int CALLS = 200_000;

    @Test
    void everyPolicyDecidesWithoutAllocating() {
        List<SimpleMember> members = Members.weighted(3, 1, 2, 5);
        for (String name : Policies.NAMES) {
            SelectionPolicy p = Policies.create(name);
            long bytes = allocatedBytes(() -> {
                long sink = 0;
                for (int i = 0; i < CALLS; i++) {
                    sink += p.selectIndex(members, FlowHash.mix(i));
                }
                assertTrue(sink >= 0);
            });
            // a single boxed object per call would be >= 16 bytes * CALLS
            assertTrue(bytes < CALLS, name + " allocated " + bytes + " bytes for " + CALLS + " decisions");
        }
    }
}
