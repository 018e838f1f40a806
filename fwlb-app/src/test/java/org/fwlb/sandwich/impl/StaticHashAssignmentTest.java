package org.fwlb.sandwich.impl;

import org.fwlb.config.ExampleConfigs;
import org.fwlb.model.Eligibility;
import org.fwlb.model.FwlbTopology;
import org.fwlb.policy.SimpleMember;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StaticHashAssignmentTest {

    private final FwlbTopology t = ExampleConfigs.topology(1);

    private List<SimpleMember> members(String down) {
        List<SimpleMember> out = new ArrayList<>();
        t.firewalls().forEach(f -> out.add(SimpleMember.of(f.id(), f.weight())
                .withEligibility(f.id().equals(down) ? Eligibility.HEALTH_DOWN : Eligibility.ELIGIBLE)));
        return out;
    }

    @Test
    void everyBucketHasAFirewallAndAllFirewallsGetSome() {
        StaticHashAssignment a = StaticHashAssignment.of(t.firewalls(), members(null), 64);
        java.util.Set<String> used = new java.util.HashSet<>();
        for (int b = 0; b < 64; b++) {
            assertNotNull(a.firewall(b));
            used.add(a.firewall(b).id());
        }
        assertEquals(3, used.size());
    }

    @Test
    void aFirewallLeavingMovesOnlyItsOwnBuckets() {
        StaticHashAssignment before = StaticHashAssignment.of(t.firewalls(), members(null), 64);
        StaticHashAssignment after = StaticHashAssignment.of(t.firewalls(), members("fw2"), 64);
        int moved = 0;
        for (int b = 0; b < 64; b++) {
            if (!before.firewall(b).id().equals("fw2")) {
                assertEquals(before.firewall(b), after.firewall(b), "bucket " + b);
            } else {
                moved++;
                assertTrue(!after.firewall(b).id().equals("fw2"));
            }
        }
        assertTrue(moved > 0);
    }

    @Test
    void noEligibleFirewallLeavesBucketsEmpty() {
        List<SimpleMember> none = new ArrayList<>();
        members(null).forEach(m -> none.add(m.withEligibility(Eligibility.ADMIN_DOWN)));
        StaticHashAssignment a = StaticHashAssignment.of(t.firewalls(), none, 64);
        assertNull(a.firewall(0));
        assertEquals(5, a.bucketOf(64 + 5));
    }
}
