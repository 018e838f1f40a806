package org.fwlb.engine;

import org.fwlb.engine.OverloadDetector.State;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The overload detector's states: entered by punt rate or refused placements, left by hold and probe (GRACE), with
 * a hold that doubles while the overload goes on.
 */
class OverloadDetectorTest {

    /** 1000 punts/s means overload; hold 10 s; grace 15 s. */
    private final OverloadDetector d = new OverloadDetector(1000, 10_000, 15_000);
    private long now;
    private long punts;
    private long refused;

    /** Advances by ms at a punt rate (per second) and samples. */
    private State step(long ms, long ratePps) {
        now += ms;
        punts += ratePps * ms / 1000;
        return d.observe(now, punts, 0, refused);
    }

    @Test
    void theFirstSampleOnlyRecordsAndARateBelowTheThresholdStaysNormal() {
        assertNull(d.observe(0, 1_000_000, 1_000_000, 50), "no rate from one sample, however large the counters");
        punts = 1_000_000;
        refused = 50;
        for (int i = 0; i < 40; i++) {
            assertNull(step(250, 999));
        }
        assertEquals(State.NORMAL, d.state());
    }

    @Test
    void aRateAtTheThresholdEntersOverloadWhichHoldsEvenWithoutPunts() {
        d.observe(0, 0, 0, 0);
        assertEquals(State.OVERLOAD, step(250, 1000));
        for (int i = 0; i < 39; i++) {
            assertNull(step(250, 0), "held at " + now);
        }
        assertEquals(State.GRACE, step(250, 0), "the hold ran out: pinning is tried again");
    }

    @Test
    void unknownSegmentPuntsCountExceptInGraceWhereAdoptionsAreExpected() {
        d.observe(0, 0, 0, 0);
        long others = 0;
        now += 250;
        others += 250;
        assertEquals(State.OVERLOAD, d.observe(now, punts, others, refused), "an ACK flood overloads too");
        now += 10_000;
        assertEquals(State.GRACE, d.observe(now, punts, others, refused));
        for (int i = 0; i < 59; i++) {
            now += 250;
            others += 2500;       // 10,000 adoptions/s
            assertNull(d.observe(now, punts, others, refused), "adoptions in grace are not an overload");
        }
        now += 250;
        assertEquals(State.NORMAL, d.observe(now, punts, others, refused));
    }

    @Test
    void aRefusedPlacementAloneMeansOverload() {
        d.observe(0, 0, 0, 0);
        refused++;
        assertEquals(State.OVERLOAD, step(250, 10));
    }

    @Test
    void aQuietGraceReturnsToNormalAndResetsTheHold() {
        d.observe(0, 0, 0, 0);
        step(250, 5000);
        now += 10_000;
        assertEquals(State.GRACE, d.observe(now, punts, 0, refused));
        for (int i = 0; i < 59; i++) {
            assertNull(step(250, 500), "grace at " + now);
        }
        assertEquals(State.NORMAL, step(250, 500));
        assertEquals(10_000, d.holdMs());
    }

    @Test
    void overloadDuringGraceDoublesTheHoldUpToSixteenTimes() {
        d.observe(0, 0, 0, 0);
        assertEquals(State.OVERLOAD, step(250, 5000));
        for (long hold : new long[]{20_000, 40_000, 80_000, 160_000, 160_000}) {
            now += d.holdMs() - 1;
            assertNull(d.observe(now, punts, 0, refused), "not before its hold");
            now += 1;
            assertEquals(State.GRACE, d.observe(now, punts, 0, refused));
            assertEquals(State.OVERLOAD, step(250, 5000), "the flood goes on");
            assertEquals(hold, d.holdMs());
        }
    }

    @Test
    void zeroDisablesItAndBadSettingsAreRefused() {
        OverloadDetector off = new OverloadDetector(0, 1000, 1000);
        off.observe(0, 0, 0, 0);
        assertNull(off.observe(1000, 1_000_000, 0, 1000));
        assertEquals(State.NORMAL, off.state());
        assertThrows(IllegalArgumentException.class, () -> new OverloadDetector(-1, 1000, 1000));
        assertThrows(IllegalArgumentException.class, () -> new OverloadDetector(10, 0, 1000));
        assertThrows(IllegalArgumentException.class, () -> new OverloadDetector(10, 1000, 0));
    }

    @Test
    void aSampleNotLaterThanThePreviousMovesNothing() {
        d.observe(1000, 0, 0, 0);
        assertNull(d.observe(1000, 1_000_000, 0, 0));
        assertNull(d.observe(900, 2_000_000, 0, 0));
        assertEquals(State.NORMAL, d.state());
    }
}
