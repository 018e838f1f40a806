package org.fwlb.dispatch.impl;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Named event counters of the dispatch stages on this controller instance.
 */
final class DispatchCounters {

    /** SYNs punted at a dispatch stage. */
    static final String SYN_PUNTS = "synPunts";
    /** Stage decisions made (also per member as {@code placed:<id>}). */
    static final String PLACED = "placed";
    /** SYNs dropped: no eligible member. */
    static final String NO_MEMBER = "noEligibleMember";
    /** SYNs dropped: connection table full. */
    static final String TABLE_FULL = "connectionTableFull";
    /** SYNs for no configured service (port or VIP unknown). */
    static final String NO_SERVICE = "noService";
    /** SYN retransmissions following an earlier decision. */
    static final String SYN_RETRANSMITS = "synRetransmits";
    /** Path tags read (and removed) from SYNs. */
    static final String PATH_TAGS = "pathTagsRead";
    /** SYNs tagged with their firewall's identity. */
    static final String TAGGED = "pathTagsWritten";
    /** FTP data connections placed with their control connection. */
    static final String FTP_DATA = "ftpDataFollowed";
    /** Rule installation failures. */
    static final String INSTALL_FAILED = "installFailed";
    /** FIN/RST punted. */
    static final String CLOSE_PUNTS = "finRstPunts";
    /** Unknown non-SYN segments punted. */
    static final String UNKNOWN_PUNTS = "unknownNonSynPunts";
    /** RSTs sent for unknown segments. */
    static final String RST_SENT = "rstSent";
    /** ARP requests answered for VIPs. */
    static final String ARP_ANSWERED = "arpAnswered";
    /** Server health probes sent. */
    static final String PROBES_SENT = "probesSent";
    /** Connections whose dispatch rules were removed (closed, idle, member down). */
    static final String REMOVED = "connectionsRemoved";
    /** Packets that could not be parsed. */
    static final String MALFORMED = "malformedPackets";
    /** Exceptions caught in packet processing. */
    static final String ERRORS = "processingErrors";

    private final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();

    /** Per-member placement counters, found without building a name per decision. */
    private final Map<String, AtomicLong> placedBy = new ConcurrentHashMap<>();

    void incPlaced(String memberId) {
        AtomicLong c = placedBy.get(memberId);
        if (c == null) {
            c = placedBy.computeIfAbsent(memberId, k -> counters.computeIfAbsent(PLACED + ":" + k,
                                                                                 n -> new AtomicLong()));
        }
        c.incrementAndGet();
    }

    void inc(String name) {
        counters.computeIfAbsent(name, k -> new AtomicLong()).incrementAndGet();
    }

    long get(String name) {
        AtomicLong v = counters.get(name);
        return v == null ? 0 : v.get();
    }

    Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        counters.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }
}
