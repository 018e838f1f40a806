package org.fwlb.connection;

import org.fwlb.model.ConnectionKey;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SynMemoryTest {

    @Test
    void tellsRetransmissionsFromNewConnectionsAndForgetsTheOldest() {
        SynMemory m = new SynMemory(2);
        ConnectionKey a = ConnectionKey.of(6, 1, 40000, 2, 80);
        ConnectionKey b = ConnectionKey.of(6, 1, 40001, 2, 80);
        ConnectionKey c = ConnectionKey.of(6, 1, 40002, 2, 80);
        assertEquals(SynMemory.Verdict.UNKNOWN, m.judge(a, 5));
        m.placed(a, 5);
        assertEquals(SynMemory.Verdict.SAME, m.judge(a, 5));
        assertEquals(SynMemory.Verdict.OTHER, m.judge(a, 6));
        m.placed(b, 1);
        m.placed(c, 1);
        assertEquals(SynMemory.Verdict.UNKNOWN, m.judge(a, 5), "capacity 2: the oldest is forgotten");
        assertEquals(SynMemory.Verdict.SAME, m.judge(c, 1));
    }
}
