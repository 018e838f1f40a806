package org.fwlb.sandwich.impl;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Named event counters of this controller instance (packet-ins by kind, placements, refusals...).
 */
public final class SandwichCounters {

    /** SYNs punted to the controller. */
    public static final String SYN_PUNTS = "synPunts";
    /** Connections pinned (also counted per firewall and server as {@code connectionsPlaced:<id>}). */
    public static final String PLACED = "connectionsPlaced";
    /** SYNs dropped: no eligible firewall. */
    public static final String NO_FIREWALL = "noEligibleFirewall";
    /** SYNs dropped: connection table full. */
    public static final String TABLE_FULL = "connectionTableFull";
    /** SYN retransmissions of a connection already pinned. */
    public static final String SYN_RETRANSMITS = "synRetransmits";
    /** Rule installation failures. */
    public static final String INSTALL_FAILED = "installFailed";
    /** FIN/RST seen. */
    public static final String CLOSE_PUNTS = "finRstPunts";
    /** Unknown non-SYN segments punted. */
    public static final String UNKNOWN_PUNTS = "unknownNonSynPunts";
    /** RSTs sent for unknown segments. */
    public static final String RST_SENT = "rstSent";
    /** ARP requests answered for gateways and VIPs. */
    public static final String ARP_ANSWERED = "arpAnswered";
    /** Health probes sent. */
    public static final String PROBES_SENT = "probesSent";
    /** Connections removed (closed, idle, firewall down). */
    public static final String REMOVED = "connectionsRemoved";
    /** Connections adopted from rules found on the switches. */
    public static final String ADOPTED = "connectionsAdopted";
    /** Packets that could not be parsed. */
    public static final String MALFORMED = "malformedPackets";
    /** Exceptions caught in packet processing. */
    public static final String ERRORS = "processingErrors";

    private final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();

    /**
     * Increments a counter.
     *
     * @param name counter
     */
    public void inc(String name) {
        counters.computeIfAbsent(name, n -> new AtomicLong()).incrementAndGet();
    }

    /**
     * Returns a counter's value.
     *
     * @param name counter
     * @return value
     */
    public long get(String name) {
        AtomicLong c = counters.get(name);
        return c == null ? 0 : c.get();
    }

    /**
     * Returns a sorted snapshot.
     *
     * @return counters
     */
    public Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        counters.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }
}
