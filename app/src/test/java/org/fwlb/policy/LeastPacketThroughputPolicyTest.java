package org.fwlb.policy;

import org.fwlb.model.Eligibility;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LeastPacketThroughputPolicyTest {
    private final LeastPacketThroughputPolicy p = new LeastPacketThroughputPolicy();

    @Test
    void avoidsTheMemberCarryingAHeavyFlow() {
        List<SimpleMember> m = List.of(SimpleMember.of("a", 1).withPacketRate(90_000),
                                       SimpleMember.of("b", 1).withPacketRate(120),
                                       SimpleMember.of("c", 1).withPacketRate(300));
        for (int i = 0; i < 20; i++) {
            assertEquals(1, p.selectIndex(m, i));
        }
    }

    @Test
    void rateIsPerUnitOfWeight() {
        List<SimpleMember> m = List.of(SimpleMember.of("a", 10).withPacketRate(1000),
                                       SimpleMember.of("b", 1).withPacketRate(200));
        assertEquals(0, p.selectIndex(m, 0));
    }

    @Test
    void badRatesCountAsZeroAndIneligibleAreSkipped() {
        List<SimpleMember> m = List.of(SimpleMember.of("a", 1).withPacketRate(0).withEligibility(Eligibility.ADMIN_DOWN),
                                       SimpleMember.of("b", 1).withPacketRate(Double.NaN),
                                       SimpleMember.of("c", 1).withPacketRate(5));
        assertEquals(1, p.selectIndex(m, 0));
    }

    @Test
    void tiesRotate() {
        Members.picks(p, Members.equal(3), 3000).values().forEach(v -> assertEquals(1000, v));
    }
}
