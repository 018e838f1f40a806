package org.fwlb.model;

import org.junit.jupiter.api.Test;
import org.onlab.packet.Ip4Address;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConnectionKeyTest {
    static final int CLIENT = ip("10.0.1.5");
    static final int SERVER = ip("10.0.2.100");

    static int ip(String s) {
        return Ip4Address.valueOf(s).toInt();
    }

    @Test
    void bothDirectionsGiveTheSameKey() {
        ConnectionKey fwd = ConnectionKey.of(6, CLIENT, 40000, SERVER, 80);
        ConnectionKey rev = ConnectionKey.of(6, SERVER, 80, CLIENT, 40000);
        assertEquals(fwd, rev);
        assertEquals(fwd.hashCode(), rev.hashCode());
        assertEquals(fwd.longHash(), rev.longHash());
    }

    @Test
    void lowerEndpointComesFirst() {
        ConnectionKey k = ConnectionKey.of(6, SERVER, 80, CLIENT, 40000);
        assertEquals(CLIENT, k.ipA());
        assertEquals(40000, k.portA());
        assertEquals(SERVER, k.ipB());
        assertEquals(80, k.portB());
    }

    @Test
    void addressesCompareUnsigned() {
        int high = ip("200.1.1.1"); // negative as a signed int
        ConnectionKey k = ConnectionKey.of(6, high, 1, CLIENT, 2);
        assertEquals(CLIENT, k.ipA());
        assertEquals(high, k.ipB());
    }

    @Test
    void sameAddressOrdersByPort() {
        ConnectionKey k = ConnectionKey.of(17, CLIENT, 5000, CLIENT, 53);
        assertEquals(53, k.portA());
        assertEquals(5000, k.portB());
    }

    @Test
    void differentTuplesDiffer() {
        ConnectionKey a = ConnectionKey.of(6, CLIENT, 40000, SERVER, 80);
        assertNotEquals(a, ConnectionKey.of(6, CLIENT, 40001, SERVER, 80));
        assertNotEquals(a, ConnectionKey.of(17, CLIENT, 40000, SERVER, 80));
        assertNotEquals(a, ConnectionKey.of(6, CLIENT, 40000, SERVER, 81));
        assertNotEquals(a, ConnectionKey.of(6, CLIENT + 1, 40000, SERVER, 80));
    }

    @Test
    void portsAreMaskedTo16Bits() {
        assertEquals(ConnectionKey.of(6, CLIENT, 65535, SERVER, 80), ConnectionKey.of(6, CLIENT, -1, SERVER, 80));
    }

    @Test
    void hasEndpoint() {
        ConnectionKey k = ConnectionKey.of(6, CLIENT, 40000, SERVER, 80);
        assertTrue(k.hasEndpoint(SERVER, 80));
        assertTrue(k.hasEndpoint(CLIENT, 40000));
        assertFalse(k.hasEndpoint(SERVER, 40000));
    }

    @Test
    void hashCodesSpreadOverManyKeys() {
        java.util.Set<Integer> hashes = new java.util.HashSet<>();
        for (int port = 1024; port < 11024; port++) {
            hashes.add(ConnectionKey.of(6, CLIENT, port, SERVER, 80).hashCode());
        }
        assertEquals(10000, hashes.size());
    }

    @Test
    void readableToString() {
        assertEquals("tcp 10.0.1.5:40000 <-> 10.0.2.100:80",
                     ConnectionKey.of(6, SERVER, 80, CLIENT, 40000).toString());
    }
}
