package org.fwlb.policy;

import org.fwlb.model.ConnectionKey;

/**
 * 64-bit hashes for hash-based selection. Hashes of a {@link ConnectionKey} or of an endpoint pair are
 * symmetric (both directions of a connection give the same value); hashing only the public-side address
 * gives the value proactive static-hash rules can be derived from.
 */
public final class FlowHash {

    private FlowHash() {
    }

    /**
     * Mixes 64 bits (the murmur3 finalizer): every input bit affects every output bit.
     *
     * @param z input
     * @return mixed value
     */
    public static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }

    /**
     * Returns the hash of an IPv4 address (e.g. the public-side address for static-hash mode).
     *
     * @param ip IPv4 as int
     * @return hash
     */
    public static long ofAddress(int ip) {
        return mix((ip & 0xffffffffL) * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L);
    }

    /**
     * Returns the symmetric hash of a connection.
     *
     * @param key connection key
     * @return hash
     */
    public static long of(ConnectionKey key) {
        return key.longHash();
    }

    /**
     * Returns the symmetric hash of a connection given in either direction, without allocating.
     *
     * @param protocol IP protocol number
     * @param srcIp    source IPv4
     * @param srcPort  source port
     * @param dstIp    destination IPv4
     * @param dstPort  destination port
     * @return the same value as {@code of(ConnectionKey.of(...))}
     */
    public static long symmetric(int protocol, int srcIp, int srcPort, int dstIp, int dstPort) {
        if (ConnectionKey.endpointOrder(srcIp, srcPort, dstIp, dstPort) <= 0) {
            return ordered(protocol & 0xff, srcIp, srcPort & 0xffff, dstIp, dstPort & 0xffff);
        }
        return ordered(protocol & 0xff, dstIp, dstPort & 0xffff, srcIp, srcPort & 0xffff);
    }

    private static long ordered(int protocol, int ipA, int portA, int ipB, int portB) {
        long h = ((long) ipA << 32) ^ (ipB & 0xffffffffL);
        h ^= ((long) portA << 40) ^ ((long) portB << 16) ^ protocol;
        return mix(h);
    }
}
