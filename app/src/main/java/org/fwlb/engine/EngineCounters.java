package org.fwlb.engine;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Named event counters of this controller instance, one set per owner: packet-ins by kind, placements (also per
 * member), refusals, ends. Cheap to increment from the packet path (no name is built per packet).
 */
public final class EngineCounters {

    /** SYNs punted. */
    public static final String SYN_PUNTS = "synPunts";
    /** Decisions made: each decision point that decided a connection counts one (a FIG 6 connection two:
     *  firewall and server); per chosen member see {@link #placements()}. */
    public static final String PLACED = "connectionsPlaced";
    /** SYNs of a connection already decided (retransmission, or a reused 5-tuple whose rules were gone). */
    public static final String SYN_FOLLOWED = "synRetransmits";
    /** SYNs refused as openings: other flags, bad checksum, TTL too low. */
    public static final String INVALID_SYN = "invalidSyns";
    /** SYNs dropped: no eligible member. */
    public static final String NO_MEMBER = "noEligibleMember";
    /** SYNs dropped: connection table full. */
    public static final String TABLE_FULL = "connectionTableFull";
    /** SYNs dropped: too many half-open connections. */
    public static final String HALF_OPEN_FULL = "halfOpenLimit";
    /** SYNs to no service of the stage. */
    public static final String NO_SERVICE = "noService";
    /** Unknown non-SYN segments punted (seed [0011]). */
    public static final String UNKNOWN_PUNTS = "unknownNonSynPunts";
    /** Non-SYN segments of known connections punted (rules not yet in the switch's flow cache, or lost). */
    public static final String KNOWN_PUNTS = "knownSegmentPunts";
    /** 5-tuples held (their segments dropped in the switch). */
    public static final String HELD = "segmentsHeld";
    /** RSTs sent for unknown segments. */
    public static final String RST_SENT = "rstSent";
    /** Connections pinned by the static hash from a mid-stream segment (unknownNonSyn forward). */
    public static final String FORWARDED = "forwardedByHash";
    /** FIN/RST punted (tcp_flags mode). */
    public static final String CLOSE_PUNTS = "finRstPunts";
    /** Rule installation failures. */
    public static final String INSTALL_FAILED = "installFailed";
    /** Connections ended (idle, member down, cleared). */
    public static final String REMOVED = "connectionsRemoved";
    /** Connections adopted from rules found on the switches. */
    public static final String ADOPTED = "connectionsAdopted";
    /** Connections whose handshake completed (the client's packets crossed its rule). */
    public static final String ESTABLISHED = "connectionsEstablished";
    /** Path tags written into SYNs (FIG 7/8 per-stage decisions). */
    public static final String TAGGED = "pathTagsWritten";
    /** Path tags read from SYNs. */
    public static final String TAGS_READ = "pathTagsRead";
    /** FTP data connections placed with their control connection. */
    public static final String FTP_DATA = "ftpDataFollowed";
    /** Packets that could not be parsed. */
    public static final String MALFORMED = "malformedPackets";
    /** Exceptions caught in packet processing. */
    public static final String ERRORS = "processingErrors";
    /** Times the punt path was found overloaded (new connections then went by static-hash rules). */
    public static final String OVERLOADS = "overloadsEntered";
    /** SYN+ACKs passed to their hash firewall in overload or grace (neither pinned nor held). */
    public static final String PASSED_BY_HASH = "synAcksPassedByHash";

    /** Every counter above, so exporters show each from zero (Prometheus counters should not appear late). */
    public static final List<String> NAMES = List.of(SYN_PUNTS, PLACED, SYN_FOLLOWED, INVALID_SYN, NO_MEMBER,
            TABLE_FULL, HALF_OPEN_FULL, NO_SERVICE, UNKNOWN_PUNTS, HELD, RST_SENT, FORWARDED, CLOSE_PUNTS,
            INSTALL_FAILED, REMOVED, ADOPTED, ESTABLISHED, TAGGED, TAGS_READ, FTP_DATA, MALFORMED, ERRORS,
            KNOWN_PUNTS, OVERLOADS, PASSED_BY_HASH);

    private final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> placedBy = new ConcurrentHashMap<>();

    /**
     * Increments a counter.
     *
     * @param name counter
     */
    public void inc(String name) {
        add(name, 1);
    }

    /**
     * Adds to a counter.
     *
     * @param name counter
     * @param n    amount
     */
    public void add(String name, long n) {
        AtomicLong c = counters.get(name);
        if (c == null) {
            c = counters.computeIfAbsent(name, k -> new AtomicLong());
        }
        c.addAndGet(n);
    }

    /**
     * Counts a placement on a member (see {@link #placements()}).
     *
     * @param memberId member chosen
     */
    public void placed(String memberId) {
        AtomicLong c = placedBy.get(memberId);
        if (c == null) {
            c = placedBy.computeIfAbsent(memberId, k -> new AtomicLong());
        }
        c.incrementAndGet();
    }

    /**
     * Returns a counter.
     *
     * @param name counter
     * @return value
     */
    public long get(String name) {
        AtomicLong c = counters.get(name);
        return c == null ? 0 : c.get();
    }

    /**
     * Returns the placements on a member.
     *
     * @param memberId member
     * @return count
     */
    public long placedOn(String memberId) {
        AtomicLong c = placedBy.get(memberId);
        return c == null ? 0 : c.get();
    }

    /** @return placements per member, sorted by member id */
    public Map<String, Long> placements() {
        Map<String, Long> out = new TreeMap<>();
        placedBy.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    /** @return the event counters by name, sorted (placements per member are apart: {@link #placements()}) */
    public Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        counters.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }
}
