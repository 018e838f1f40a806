package org.fwlb.policy;

import org.fwlb.model.Eligibility;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.fwlb.policy.Members.equal;
import static org.fwlb.policy.Members.picks;
import static org.fwlb.policy.Members.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RoundRobinPolicyTest {
    @Test
    void distributionIsExactAndInOrder() {
        RoundRobinPolicy p = new RoundRobinPolicy();
        List<SimpleMember> m = equal(3);
        for (int i = 0; i < 30; i++) {
            assertEquals(i % 3, p.selectIndex(m, 0));
        }
        Map<String, Integer> c = picks(new RoundRobinPolicy(), equal(7), 7000);
        c.values().forEach(v -> assertEquals(1000, v));
    }

    @Test
    void ineligibleMembersAreSkippedAndTheirTurnsSpread() {
        RoundRobinPolicy p = new RoundRobinPolicy();
        List<SimpleMember> m = with(with(equal(4), 1, Eligibility.DRAINING), 2, Eligibility.FULL);
        Map<String, Integer> c = picks(p, m, 1000);
        assertEquals(500, c.get("m0"));
        assertEquals(500, c.get("m3"));
        assertNull(c.get("m1"));
        assertNull(c.get("m2"));
    }

    @Test
    void oneDownMemberDoesNotDoubleItsSuccessor() {
        Map<String, Integer> c = picks(new RoundRobinPolicy(), with(equal(4), 0, Eligibility.HEALTH_DOWN), 3000);
        assertEquals(1000, c.get("m1"));
        assertEquals(1000, c.get("m2"));
        assertEquals(1000, c.get("m3"));
    }

    @Test
    void noEligibleMemberIsReportedClearly() {
        List<SimpleMember> m = with(with(equal(2), 0, Eligibility.ADMIN_DOWN), 1, Eligibility.HEALTH_DOWN);
        RoundRobinPolicy p = new RoundRobinPolicy();
        assertEquals(SelectionPolicy.NONE, p.selectIndex(m, 0));
        Selection s = p.select(m, 0);
        assertFalse(s.isChosen());
        assertEquals("no eligible member among 2: m0=admin down, m1=health down", s.message());
        assertEquals(Eligibility.HEALTH_DOWN, s.reasons().get("m1"));
        assertEquals(SelectionPolicy.NONE, p.selectIndex(List.of(), 0));
        assertEquals("no eligible member: there are no members", p.select(List.of(), 0).message());
    }

    @Test
    void membershipShrinkingKeepsWorking() {
        RoundRobinPolicy p = new RoundRobinPolicy();
        List<SimpleMember> five = equal(5);
        for (int i = 0; i < 4; i++) {
            p.selectIndex(five, 0);
        }
        List<SimpleMember> two = equal(2);
        int a = p.selectIndex(two, 0);
        int b = p.selectIndex(two, 0);
        assertTrue(a >= 0 && a < 2 && b >= 0 && b < 2 && a != b);
    }

    @Test
    void concurrentPicksStayExact() throws Exception {
        RoundRobinPolicy p = new RoundRobinPolicy();
        List<SimpleMember> m = equal(4);
        int[][] counts = new int[4][4];
        Thread[] threads = new Thread[4];
        for (int t = 0; t < 4; t++) {
            int id = t;
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 25_000; i++) {
                    counts[id][p.selectIndex(m, 0)]++;
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        for (int member = 0; member < 4; member++) {
            int sum = 0;
            for (int t = 0; t < 4; t++) {
                sum += counts[t][member];
            }
            assertEquals(25_000, sum, "member " + member);
        }
    }
}
