package org.fwlb.policy;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PoliciesTest {
    @Test
    void everyNameCreatesItsPolicy() {
        assertEquals(5, Policies.NAMES.size());
        for (String name : Policies.NAMES) {
            SelectionPolicy p = Policies.create(name);
            assertEquals(name, p.name());
            assertTrue(Policies.isKnown(name));
            assertNotSame(p, Policies.create(name), "stateful policies need one instance per decision point");
        }
        assertTrue(Policies.create("round-robin") instanceof RoundRobinPolicy);
        assertTrue(Policies.create("weighted-round-robin") instanceof SmoothWeightedRoundRobinPolicy);
        assertTrue(Policies.create("least-connections") instanceof WeightedLeastConnectionsPolicy);
        assertTrue(Policies.create("least-packets") instanceof LeastPacketThroughputPolicy);
        assertTrue(Policies.create("static-hash") instanceof StaticHashPolicy);
    }

    @Test
    void unknownNameGivesAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Policies.create("fastest"));
        assertEquals("unknown policy \"fastest\"; known policies: static-hash, round-robin, weighted-round-robin, "
                             + "least-connections, least-packets", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Policies.create(null));
        assertFalse(Policies.isKnown("Round-Robin"));
        assertFalse(Policies.isKnown(null));
    }

    @Test
    void selectionOfAChosenMember() {
        Selection s = new RoundRobinPolicy().select(Members.equal(2), 0);
        assertTrue(s.isChosen());
        assertEquals(0, s.index());
        assertEquals("m0", s.member().id());
        assertEquals("chose m0", s.message());
        assertTrue(s.reasons().isEmpty());
    }

    @Test
    void memberOfAFailedSelectionThrowsWithTheReason() {
        Selection s = Selection.noEligibleMember(java.util.List.of(
                SimpleMember.of("x", 1).withEligibility(org.fwlb.model.Eligibility.DRAINING)));
        IllegalStateException e = assertThrows(IllegalStateException.class, s::member);
        assertEquals("no eligible member among 1: x=draining", e.getMessage());
    }
}
