package org.fwlb.engine;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EngineCountersTest {

    @Test
    void namesListEveryCounterOnce() throws Exception {
        Set<String> declared = new HashSet<>();
        for (Field f : EngineCounters.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                declared.add((String) f.get(null));
            }
        }
        assertEquals(declared, new HashSet<>(EngineCounters.NAMES));
        assertEquals(declared.size(), EngineCounters.NAMES.size());
    }

    @Test
    void placementsPerMemberStayOutOfTheEventCounters() {
        EngineCounters c = new EngineCounters();
        c.inc(EngineCounters.PLACED);
        c.placed("fw1");
        c.placed("fw1");
        c.placed("fw2");
        assertEquals(Map.of(EngineCounters.PLACED, 1L), c.snapshot());
        assertEquals(Map.of("fw1", 2L, "fw2", 1L), c.placements());
        assertEquals(2, c.placedOn("fw1"));
    }
}
