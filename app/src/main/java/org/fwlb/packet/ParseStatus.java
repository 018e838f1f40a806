package org.fwlb.packet;

/**
 * Outcome of parsing a frame: how far it was parsed, or why it is malformed.
 */
public enum ParseStatus {
    /** Nothing parsed yet. */
    NOT_PARSED(false, "not parsed"),
    /** Ethernet parsed; neither IPv4 nor ARP. */
    OK_L2(true, "Ethernet frame (not IPv4 or ARP)"),
    /** An ARP packet for IPv4 over Ethernet. */
    OK_ARP(true, "ARP"),
    /** IPv4 parsed; transport not parsed (another protocol, or a non-first fragment). */
    OK_L3(true, "IPv4 (transport not parsed)"),
    /** IPv4 with its TCP, UDP or ICMP header parsed. */
    OK_L4(true, "IPv4 with transport header"),

    /** Null or empty input. */
    NO_DATA(false, "no data"),
    /** Offset or length outside the array. */
    BAD_BOUNDS(false, "offset/length outside the buffer"),
    /** Shorter than an Ethernet header. */
    TRUNCATED_ETHERNET(false, "truncated Ethernet header"),
    /** A VLAN tag is cut short. */
    TRUNCATED_VLAN(false, "truncated VLAN tag"),
    /** An MPLS label stack entry is cut short. */
    TRUNCATED_MPLS(false, "truncated MPLS label"),
    /** An MPLS label stack without bottom of stack within 8 labels. */
    BAD_MPLS(false, "MPLS label stack too deep"),
    /** ARP shorter than 28 bytes. */
    TRUNCATED_ARP(false, "truncated ARP packet"),
    /** ARP not for IPv4 over Ethernet. */
    BAD_ARP(false, "ARP not for IPv4 over Ethernet"),
    /** IPv4 header cut short. */
    TRUNCATED_IPV4(false, "truncated IPv4 header"),
    /** IP version is not 4. */
    BAD_IP_VERSION(false, "IP version is not 4"),
    /** IHL below 5. */
    BAD_IP_HEADER_LENGTH(false, "IPv4 header length below 20 bytes"),
    /** Total length smaller than the header. */
    BAD_IP_TOTAL_LENGTH(false, "IPv4 total length smaller than its header"),
    /** TCP header cut short. */
    TRUNCATED_TCP(false, "truncated TCP header"),
    /** TCP data offset below 5 or beyond the segment. */
    BAD_TCP_DATA_OFFSET(false, "TCP data offset out of range"),
    /** UDP header cut short. */
    TRUNCATED_UDP(false, "truncated UDP header"),
    /** UDP length below 8 or beyond the datagram. */
    BAD_UDP_LENGTH(false, "UDP length out of range"),
    /** ICMP header cut short. */
    TRUNCATED_ICMP(false, "truncated ICMP header");

    private final boolean parsed;
    private final String description;

    ParseStatus(boolean parsed, String description) {
        this.parsed = parsed;
        this.description = description;
    }

    /**
     * Returns true when the frame was parsed (possibly only partly, see the OK_* values).
     *
     * @return true for OK_*
     */
    public boolean isParsed() {
        return parsed;
    }

    /**
     * Returns a human-readable description.
     *
     * @return description
     */
    public String description() {
        return description;
    }
}
