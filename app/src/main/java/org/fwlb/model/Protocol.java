package org.fwlb.model;

import java.util.Locale;

/**
 * Transport protocol of a traffic class or virtual service.
 */
public enum Protocol {
    /** TCP (IP protocol 6). */
    TCP(6),
    /** UDP (IP protocol 17). */
    UDP(17);

    private final int number;

    Protocol(int number) {
        this.number = number;
    }

    /**
     * Returns the IP protocol number.
     *
     * @return 6 or 17
     */
    public int number() {
        return number;
    }

    /**
     * Returns the name used in JSON ("tcp", "udp").
     *
     * @return JSON name
     */
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a JSON name.
     *
     * @param name "tcp" or "udp"
     * @return the protocol, or null when unknown
     */
    public static Protocol fromJson(String name) {
        for (Protocol p : values()) {
            if (p.jsonName().equals(name)) {
                return p;
            }
        }
        return null;
    }

    /**
     * Maps an IP protocol number.
     *
     * @param number IP protocol number
     * @return the protocol, or null when neither TCP nor UDP
     */
    public static Protocol fromNumber(int number) {
        return number == 6 ? TCP : number == 17 ? UDP : null;
    }
}
