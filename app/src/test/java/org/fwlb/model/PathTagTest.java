package org.fwlb.model;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PathTagTest {
    @Test
    void rangeIsOneTo4094() {
        assertEquals(1, PathTag.of(1).value());
        assertEquals(4094, PathTag.of(4094).value());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PathTag.of(0));
        assertTrue(e.getMessage().contains("1..4094"));
        assertThrows(IllegalArgumentException.class, () -> PathTag.of(4095));
        assertFalse(PathTag.isValid(-1));
        assertTrue(PathTag.isValid(100));
    }

    @Test
    void tagsAreCachedAndValueEqual() {
        assertSame(PathTag.of(7), PathTag.of(7));
        assertEquals(PathTag.of(3), PathTag.forPosition(2));
    }
}
