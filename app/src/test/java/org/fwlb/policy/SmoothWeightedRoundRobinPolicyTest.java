package org.fwlb.policy;

import org.fwlb.model.Eligibility;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.fwlb.policy.Members.picks;
import static org.fwlb.policy.Members.weighted;
import static org.fwlb.policy.Members.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SmoothWeightedRoundRobinPolicyTest {
    @Test
    void nginxSequenceIsSmooth() {
        SmoothWeightedRoundRobinPolicy p = new SmoothWeightedRoundRobinPolicy();
        List<SimpleMember> m = weighted(5, 1, 1);
        StringBuilder seq = new StringBuilder();
        for (int i = 0; i < 7; i++) {
            seq.append((char) ('a' + p.selectIndex(m, 0)));
        }
        assertEquals("aabacaa", seq.toString());
    }

    @Test
    void weightsAreHonouredWithinOnePercent() {
        int[] w = {3, 2, 1, 7};
        Map<String, Integer> c = picks(new SmoothWeightedRoundRobinPolicy(), weighted(w), 130_000);
        int total = 13;
        for (int i = 0; i < w.length; i++) {
            double expected = 130_000.0 * w[i] / total;
            double got = c.get("m" + i);
            assertTrue(Math.abs(got - expected) <= 0.01 * expected, "m" + i + " got " + got + " expected " + expected);
        }
    }

    @Test
    void everyCycleIsExact() {
        SmoothWeightedRoundRobinPolicy p = new SmoothWeightedRoundRobinPolicy();
        List<SimpleMember> m = weighted(4, 3, 2);
        for (int cycle = 0; cycle < 50; cycle++) {
            int[] c = new int[3];
            for (int i = 0; i < 9; i++) {
                c[p.selectIndex(m, 0)]++;
            }
            assertEquals(4, c[0]);
            assertEquals(3, c[1]);
            assertEquals(2, c[2]);
        }
    }

    @Test
    void noMemberWinsTwiceInARowWhenWeightsAreEqual() {
        SmoothWeightedRoundRobinPolicy p = new SmoothWeightedRoundRobinPolicy();
        List<SimpleMember> m = weighted(2, 2, 2);
        int last = -1;
        for (int i = 0; i < 60; i++) {
            int now = p.selectIndex(m, 0);
            assertTrue(now != last);
            last = now;
        }
    }

    @Test
    void ineligibleMembersGetNothingAndOthersKeepTheirRatio() {
        List<SimpleMember> m = with(weighted(1, 5, 2), 1, Eligibility.DRAINING);
        Map<String, Integer> c = picks(new SmoothWeightedRoundRobinPolicy(), m, 3000);
        assertNull(c.get("m1"));
        assertEquals(1000, c.get("m0"));
        assertEquals(2000, c.get("m2"));
    }

    @Test
    void reorderingTheListKeepsPerMemberState() {
        SmoothWeightedRoundRobinPolicy p = new SmoothWeightedRoundRobinPolicy();
        List<SimpleMember> m = weighted(3, 1);
        int[] c = new int[2];
        for (int i = 0; i < 2; i++) {
            c[p.selectIndex(m, 0)]++;
        }
        List<SimpleMember> reversed = new ArrayList<>(m);
        Collections.reverse(reversed);
        for (int i = 0; i < 2; i++) {
            c[1 - p.selectIndex(reversed, 0)]++;
        }
        // one full cycle of 4 picks across the reorder: still exactly 3:1
        assertEquals(3, c[0]);
        assertEquals(1, c[1]);
    }

    @Test
    void allIneligibleGivesNone() {
        List<SimpleMember> m = with(weighted(2), 0, Eligibility.FULL);
        Selection s = new SmoothWeightedRoundRobinPolicy().select(m, 0);
        assertEquals(SelectionPolicy.NONE, s.index());
        assertEquals("no eligible member among 1: m0=full (0 connections)", s.message());
    }
}
