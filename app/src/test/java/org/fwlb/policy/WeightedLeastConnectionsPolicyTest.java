package org.fwlb.policy;

import org.fwlb.model.Eligibility;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.fwlb.policy.Members.picks;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WeightedLeastConnectionsPolicyTest {
    private final WeightedLeastConnectionsPolicy p = new WeightedLeastConnectionsPolicy();

    @Test
    void picksTheFewestConnections() {
        List<SimpleMember> m = List.of(SimpleMember.of("a", 1).withActiveConnections(5),
                                       SimpleMember.of("b", 1).withActiveConnections(2),
                                       SimpleMember.of("c", 1).withActiveConnections(9));
        for (int i = 0; i < 10; i++) {
            assertEquals(1, p.selectIndex(m, i));
        }
    }

    @Test
    void connectionsAreCountedPerUnitOfWeight() {
        // a: 10/4 = 2.5, b: 3/1 = 3 -> a
        List<SimpleMember> m = List.of(SimpleMember.of("a", 4).withActiveConnections(10),
                                       SimpleMember.of("b", 1).withActiveConnections(3));
        assertEquals(0, p.selectIndex(m, 0));
    }

    @Test
    void skipsIneligibleEvenWhenEmpty() {
        List<SimpleMember> m = List.of(SimpleMember.of("a", 1).withEligibility(Eligibility.DRAINING),
                                       SimpleMember.of("b", 1).withActiveConnections(100));
        assertEquals(1, p.selectIndex(m, 0));
    }

    @Test
    void tiesAreSpreadNotPiledOnTheFirst() {
        Map<String, Integer> c = picks(p, Members.equal(4), 4000);
        c.values().forEach(v -> assertEquals(1000, v));
    }

    @Test
    void convergesToTheWeightsWhenCountsFollowThePicks() {
        int[] weights = {1, 2, 5};
        long[] active = new long[3];
        for (int i = 0; i < 8000; i++) {
            List<SimpleMember> m = new ArrayList<>();
            for (int j = 0; j < 3; j++) {
                m.add(SimpleMember.of("m" + j, weights[j]).withActiveConnections(active[j]));
            }
            active[p.selectIndex(m, i)]++;
        }
        assertEquals(1000, active[0], 1);
        assertEquals(2000, active[1], 1);
        assertEquals(5000, active[2], 1);
    }

    @Test
    void noneWhenAllFull() {
        List<SimpleMember> m = List.of(SimpleMember.of("a", 1, Eligibility.FULL, 10, 0));
        Selection s = p.select(m, 0);
        assertTrue(!s.isChosen() && s.message().contains("a=full (10 connections)"));
    }
}
