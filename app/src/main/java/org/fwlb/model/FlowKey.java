package org.fwlb.model;

/**
 * A directional 5-tuple (protocol, source IPv4 and port, destination IPv4 and port). The original
 * direction of a connection is the direction of its SYN (client to server).
 */
public final class FlowKey {
    private final int protocol;
    private final int srcIp;
    private final int srcPort;
    private final int dstIp;
    private final int dstPort;

    private FlowKey(int protocol, int srcIp, int srcPort, int dstIp, int dstPort) {
        this.protocol = protocol & 0xff;
        this.srcIp = srcIp;
        this.srcPort = srcPort & 0xffff;
        this.dstIp = dstIp;
        this.dstPort = dstPort & 0xffff;
    }

    /**
     * Creates a flow key.
     *
     * @param protocol IP protocol number
     * @param srcIp    source IPv4
     * @param srcPort  source port
     * @param dstIp    destination IPv4
     * @param dstPort  destination port
     * @return flow key
     */
    public static FlowKey of(int protocol, int srcIp, int srcPort, int dstIp, int dstPort) {
        return new FlowKey(protocol, srcIp, srcPort, dstIp, dstPort);
    }

    /**
     * Returns the direction-free connection key.
     *
     * @return canonical key
     */
    public ConnectionKey canonical() {
        return ConnectionKey.of(protocol, srcIp, srcPort, dstIp, dstPort);
    }

    /**
     * Returns the opposite direction.
     *
     * @return reversed flow key
     */
    public FlowKey reverse() {
        return new FlowKey(protocol, dstIp, dstPort, srcIp, srcPort);
    }

    /**
     * Returns true when the source is the canonical first endpoint of {@link #canonical()}.
     *
     * @return true when source is endpoint A
     */
    public boolean isCanonicalDirection() {
        return ConnectionKey.endpointOrder(srcIp, srcPort, dstIp, dstPort) <= 0;
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
     * Returns the source IPv4.
     *
     * @return address as int
     */
    public int srcIp() {
        return srcIp;
    }

    /**
     * Returns the source port.
     *
     * @return port
     */
    public int srcPort() {
        return srcPort;
    }

    /**
     * Returns the destination IPv4.
     *
     * @return address as int
     */
    public int dstIp() {
        return dstIp;
    }

    /**
     * Returns the destination port.
     *
     * @return port
     */
    public int dstPort() {
        return dstPort;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof FlowKey)) {
            return false;
        }
        FlowKey k = (FlowKey) o;
        return srcIp == k.srcIp && dstIp == k.dstIp && srcPort == k.srcPort && dstPort == k.dstPort
                && protocol == k.protocol;
    }

    @Override
    public int hashCode() {
        int h = srcIp * 31 + dstIp;
        h = h * 31 + ((srcPort << 16) | dstPort);
        return h * 31 + protocol;
    }

    @Override
    public String toString() {
        return ConnectionKey.protocolName(protocol) + " " + Ip4.format(srcIp) + ":" + srcPort + " -> "
                + Ip4.format(dstIp) + ":" + dstPort;
    }
}
