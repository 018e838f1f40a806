package org.fwlb.model;

import org.onlab.packet.Ip4Address;

/**
 * Helpers for IPv4 addresses kept as ints (network byte order value, as parsed from a packet).
 */
public final class Ip4 {

    private Ip4() {
    }

    /**
     * Formats an IPv4 int as dotted quad.
     *
     * @param ip address
     * @return e.g. "10.0.1.5"
     */
    public static String format(int ip) {
        return (ip >>> 24) + "." + ((ip >>> 16) & 0xff) + "." + ((ip >>> 8) & 0xff) + "." + (ip & 0xff);
    }

    /**
     * Converts an IPv4 int to an onlab address.
     *
     * @param ip address
     * @return Ip4Address
     */
    public static Ip4Address toAddress(int ip) {
        return Ip4Address.valueOf(ip);
    }

    /**
     * Converts an onlab IPv4 address to an int.
     *
     * @param address IPv4 address
     * @return int value
     */
    public static int toInt(Ip4Address address) {
        return address.toInt();
    }

    /**
     * Compares two IPv4 ints as unsigned values.
     *
     * @param a first
     * @param b second
     * @return negative, zero or positive
     */
    public static int compare(int a, int b) {
        return Integer.compareUnsigned(a, b);
    }
}
