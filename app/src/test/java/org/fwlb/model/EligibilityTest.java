package org.fwlb.model;

import org.junit.jupiter.api.Test;

import static org.fwlb.model.AdminState.DOWN;
import static org.fwlb.model.AdminState.DRAINING;
import static org.fwlb.model.AdminState.UP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EligibilityTest {
    @Test
    void eligibleOnlyWhenUpHealthyAndNotFull() {
        assertEquals(Eligibility.ELIGIBLE, Eligibility.of(UP, HealthState.UP, 5, 10));
        assertEquals(Eligibility.ELIGIBLE, Eligibility.of(UP, HealthState.UP, 1_000_000, 0));
        assertEquals(Eligibility.FULL, Eligibility.of(UP, HealthState.UP, 10, 10));
        assertEquals(Eligibility.HEALTH_DOWN, Eligibility.of(UP, HealthState.DOWN, 0, 0));
        assertEquals(Eligibility.DRAINING, Eligibility.of(DRAINING, HealthState.UP, 0, 0));
        assertEquals(Eligibility.ADMIN_DOWN, Eligibility.of(DOWN, HealthState.UP, 0, 0));
        assertTrue(Eligibility.ELIGIBLE.isEligible());
        assertFalse(Eligibility.FULL.isEligible());
    }

    @Test
    void adminStateWinsOverHealthAndHealthOverFullness() {
        assertEquals(Eligibility.ADMIN_DOWN, Eligibility.of(DOWN, HealthState.DOWN, 10, 10));
        assertEquals(Eligibility.DRAINING, Eligibility.of(DRAINING, HealthState.DOWN, 10, 10));
        assertEquals(Eligibility.HEALTH_DOWN, Eligibility.of(UP, HealthState.DOWN, 10, 10));
    }

    @Test
    void jsonNamesRoundTrip() {
        for (AdminState s : AdminState.values()) {
            assertEquals(s, AdminState.fromJson(s.jsonName()));
        }
        for (DispatchMode m : DispatchMode.values()) {
            assertEquals(m, DispatchMode.fromJson(m.jsonName()));
        }
        for (UnknownNonSynAction a : UnknownNonSynAction.values()) {
            assertEquals(a, UnknownNonSynAction.fromJson(a.jsonName()));
        }
        for (DispatcherKind k : DispatcherKind.values()) {
            assertEquals(k, DispatcherKind.fromJson(k.jsonName()));
        }
        for (Protocol p : Protocol.values()) {
            assertEquals(p, Protocol.fromJson(p.jsonName()));
            assertEquals(p, Protocol.fromNumber(p.number()));
        }
        assertEquals(null, AdminState.fromJson("UP"));
        assertEquals(null, DispatcherKind.fromJson("L4_2"));
        assertEquals(null, Protocol.fromNumber(1));
    }
}
