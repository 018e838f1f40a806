package org.fwlb.policy;

import org.fwlb.model.ConnectionKey;
import org.fwlb.model.Eligibility;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.fwlb.policy.Members.equal;
import static org.fwlb.policy.Members.weighted;
import static org.fwlb.policy.Members.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StaticHashPolicyTest {
    private static final int FLOWS = 100_000;
    private final StaticHashPolicy p = new StaticHashPolicy();

    private String[] assign(List<? extends Member> m) {
        String[] a = new String[FLOWS];
        for (int i = 0; i < FLOWS; i++) {
            int idx = p.selectIndex(m, FlowHash.ofAddress(i));
            a[i] = idx < 0 ? null : m.get(idx).id();
        }
        return a;
    }

    @Test
    void deterministicAcrossInstances() {
        List<SimpleMember> m = equal(5);
        StaticHashPolicy other = new StaticHashPolicy();
        for (int i = 0; i < 10_000; i++) {
            long h = FlowHash.mix(i);
            assertEquals(p.selectIndex(m, h), other.selectIndex(m, h));
        }
    }

    @Test
    void independentOfListOrder() {
        List<SimpleMember> m = equal(4);
        List<SimpleMember> r = new ArrayList<>(m);
        java.util.Collections.reverse(r);
        for (int i = 0; i < 10_000; i++) {
            long h = FlowHash.mix(i);
            assertEquals(m.get(p.selectIndex(m, h)).id(), r.get(p.selectIndex(r, h)).id());
        }
    }

    @Test
    void evenSpreadWithEqualWeights() {
        Map<String, Integer> c = Members.picks(p, equal(4), FLOWS);
        c.values().forEach(v -> assertEquals(FLOWS / 4.0, v, FLOWS / 4.0 * 0.03));
    }

    @Test
    void weightsAreHonoured() {
        Map<String, Integer> c = Members.picks(p, weighted(1, 2, 3, 4), FLOWS);
        for (int i = 0; i < 4; i++) {
            double expected = FLOWS * (i + 1) / 10.0;
            assertEquals(expected, c.get("m" + i), expected * 0.03, "m" + i);
        }
    }

    @Test
    void aMemberLeavingMovesOnlyItsOwnShare() {
        List<SimpleMember> m = equal(5);
        String[] before = assign(m);
        String[] after = assign(with(m, 2, Eligibility.HEALTH_DOWN));
        int moved = 0;
        int owned = 0;
        for (int i = 0; i < FLOWS; i++) {
            if (before[i].equals("m2")) {
                owned++;
                assertNotEquals("m2", after[i]);
            } else {
                assertEquals(before[i], after[i], "flow " + i + " moved although its member stayed");
            }
            if (!before[i].equals(after[i])) {
                moved++;
            }
        }
        // exactly the leaver's share moved (about 1/5 of the flows), spread over the others
        assertEquals(owned, moved);
        assertEquals(FLOWS / 5.0, moved, FLOWS / 5.0 * 0.05);
    }

    @Test
    void aMemberJoiningTakesOnlyItsShare() {
        String[] before = assign(equal(4));
        String[] after = assign(equal(5));
        int moved = 0;
        for (int i = 0; i < FLOWS; i++) {
            if (!before[i].equals(after[i])) {
                assertEquals("m4", after[i], "a moved flow may only go to the new member");
                moved++;
            }
        }
        assertEquals(FLOWS / 5.0, moved, FLOWS / 5.0 * 0.05);
    }

    @Test
    void aMemberComingBackGetsExactlyItsFlowsBack() {
        List<SimpleMember> m = equal(3);
        String[] before = assign(m);
        assign(with(m, 0, Eligibility.ADMIN_DOWN));
        String[] again = assign(m);
        for (int i = 0; i < FLOWS; i++) {
            assertEquals(before[i], again[i]);
        }
    }

    @Test
    void symmetricHashPicksTheSameMemberForBothDirections() {
        List<SimpleMember> m = equal(3);
        Random rnd = new Random(7);
        for (int i = 0; i < 10_000; i++) {
            int a = rnd.nextInt();
            int b = rnd.nextInt();
            int pa = rnd.nextInt(65536);
            int pb = rnd.nextInt(65536);
            long fwd = FlowHash.symmetric(6, a, pa, b, pb);
            long rev = FlowHash.symmetric(6, b, pb, a, pa);
            assertEquals(fwd, rev);
            assertEquals(fwd, FlowHash.of(ConnectionKey.of(6, b, pb, a, pa)));
            assertEquals(p.selectIndex(m, fwd), p.selectIndex(m, rev));
        }
    }

    @Test
    void skipsIneligibleAndReportsNone() {
        List<SimpleMember> m = with(with(equal(2), 0, Eligibility.DRAINING), 1, Eligibility.FULL);
        Selection s = p.select(m, 42);
        assertEquals(SelectionPolicy.NONE, s.index());
        assertTrue(s.message().startsWith("no eligible member among 2"));
    }
}
