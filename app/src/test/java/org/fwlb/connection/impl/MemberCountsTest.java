package org.fwlb.connection.impl;

import org.fwlb.model.ConnectionKey;
import org.fwlb.model.ConnectionPath;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MemberCountsTest {
    private final MemberCounts counts = new MemberCounts();
    private final ConnectionKey k1 = ConnectionKey.of(6, 1, 1000, 2, 80);
    private final ConnectionKey k2 = ConnectionKey.of(6, 1, 1001, 2, 80);

    @Test
    void repeatedPresenceCountsOnce() {
        ConnectionPath p = ConnectionPath.viaFirewall("fw1").withNextDispatcher("d1").withServer("s1");
        counts.present(k1, p);
        counts.present(k1, p);
        assertEquals(1, counts.total());
        assertEquals(1, counts.count("fw1"));
        assertEquals(1, counts.count("d1"));
        assertEquals(1, counts.count("s1"));
        assertEquals(0, counts.count("fw2"));
    }

    @Test
    void absenceOfAnUnknownKeyChangesNothing() {
        counts.present(k1, ConnectionPath.viaFirewall("fw1"));
        counts.absent(k2);
        counts.absent(k1);
        counts.absent(k1);
        assertEquals(0, counts.total());
        assertEquals(0, counts.count("fw1"));
        assertEquals(Map.of(), counts.snapshot());
    }

    @Test
    void pathChangeMovesCounts() {
        counts.present(k1, ConnectionPath.viaFirewall("fw1"));
        counts.present(k2, ConnectionPath.viaFirewall("fw1"));
        counts.present(k1, ConnectionPath.viaFirewall("fw2").withServer("s1"));
        assertEquals(2, counts.total());
        assertEquals(Map.of("fw1", 1, "fw2", 1, "s1", 1), counts.snapshot());
    }
}
