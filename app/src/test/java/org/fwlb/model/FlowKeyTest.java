package org.fwlb.model;

import org.junit.jupiter.api.Test;

import static org.fwlb.model.ConnectionKeyTest.CLIENT;
import static org.fwlb.model.ConnectionKeyTest.SERVER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FlowKeyTest {
    private final FlowKey syn = FlowKey.of(6, CLIENT, 40000, SERVER, 80);

    @Test
    void reverseSwapsEndpoints() {
        FlowKey r = syn.reverse();
        assertEquals(SERVER, r.srcIp());
        assertEquals(80, r.srcPort());
        assertEquals(CLIENT, r.dstIp());
        assertEquals(40000, r.dstPort());
        assertEquals(syn, r.reverse());
        assertNotEquals(syn, r);
    }

    @Test
    void bothDirectionsHaveOneCanonicalKey() {
        assertEquals(syn.canonical(), syn.reverse().canonical());
    }

    @Test
    void canonicalDirection() {
        assertTrue(syn.isCanonicalDirection());
        assertFalse(syn.reverse().isCanonicalDirection());
    }

    @Test
    void readableToString() {
        assertEquals("tcp 10.0.1.5:40000 -> 10.0.2.100:80", syn.toString());
        assertEquals("proto47 10.0.1.5:0 -> 10.0.2.100:0", FlowKey.of(47, CLIENT, 0, SERVER, 0).toString());
    }
}
