package org.fwlb.model;

/**
 * Identity of a connection, the same for both directions: the protocol and the two (IPv4, port)
 * endpoints in canonical order (the lower (ip, port), unsigned, first). Used as the key of the
 * distributed connection table, so it is small, immutable and cheap to hash.
 */
public final class ConnectionKey {
    private final int protocol;
    private final int ipA;
    private final int portA;
    private final int ipB;
    private final int portB;

    private ConnectionKey(int protocol, int ipA, int portA, int ipB, int portB) {
        this.protocol = protocol;
        this.ipA = ipA;
        this.portA = portA;
        this.ipB = ipB;
        this.portB = portB;
    }

    /**
     * Returns the key of the connection between two endpoints, in whichever order they are given.
     *
     * @param protocol IP protocol number
     * @param ip1      IPv4 of one endpoint
     * @param port1    port of that endpoint
     * @param ip2      IPv4 of the other endpoint
     * @param port2    port of the other endpoint
     * @return canonical key
     */
    public static ConnectionKey of(int protocol, int ip1, int port1, int ip2, int port2) {
        if (endpointOrder(ip1, port1, ip2, port2) <= 0) {
            return new ConnectionKey(protocol & 0xff, ip1, port1 & 0xffff, ip2, port2 & 0xffff);
        }
        return new ConnectionKey(protocol & 0xff, ip2, port2 & 0xffff, ip1, port1 & 0xffff);
    }

    /**
     * Compares two endpoints in canonical order.
     *
     * @param ip1   first IPv4
     * @param port1 first port
     * @param ip2   second IPv4
     * @param port2 second port
     * @return negative when the first comes first, zero when equal, positive otherwise
     */
    public static int endpointOrder(int ip1, int port1, int ip2, int port2) {
        int c = Integer.compareUnsigned(ip1, ip2);
        return c != 0 ? c : Integer.compare(port1 & 0xffff, port2 & 0xffff);
    }

    /**
     * Returns the IP protocol number.
     *
     * @return protocol
     */
    public int protocol() {
        return protocol;
    }

    /**
     * Returns the IPv4 of the first (lower) endpoint.
     *
     * @return address as int
     */
    public int ipA() {
        return ipA;
    }

    /**
     * Returns the port of the first endpoint.
     *
     * @return port
     */
    public int portA() {
        return portA;
    }

    /**
     * Returns the IPv4 of the second (higher) endpoint.
     *
     * @return address as int
     */
    public int ipB() {
        return ipB;
    }

    /**
     * Returns the port of the second endpoint.
     *
     * @return port
     */
    public int portB() {
        return portB;
    }

    /**
     * Returns true when this connection has the endpoint (ip, port).
     *
     * @param ip   IPv4
     * @param port port
     * @return true when one of its endpoints
     */
    public boolean hasEndpoint(int ip, int port) {
        return (ip == ipA && port == portA) || (ip == ipB && port == portB);
    }

    /**
     * Returns a 64-bit hash of the key, equal for both directions (used by hash-based policies).
     *
     * @return hash
     */
    public long longHash() {
        long h = ((long) ipA << 32) ^ (ipB & 0xffffffffL);
        h ^= ((long) portA << 40) ^ ((long) portB << 16) ^ protocol;
        return mix(h);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ConnectionKey)) {
            return false;
        }
        ConnectionKey k = (ConnectionKey) o;
        return ipA == k.ipA && ipB == k.ipB && portA == k.portA && portB == k.portB && protocol == k.protocol;
    }

    @Override
    public int hashCode() {
        int h = ipA * 31 + ipB;
        h = h * 31 + ((portA << 16) | portB);
        return h * 31 + protocol;
    }

    @Override
    public String toString() {
        return protocolName(protocol) + " " + Ip4.format(ipA) + ":" + portA + " <-> " + Ip4.format(ipB) + ":" + portB;
    }

    static String protocolName(int protocol) {
        Protocol p = Protocol.fromNumber(protocol);
        return p == null ? "proto" + protocol : p.jsonName();
    }
}
