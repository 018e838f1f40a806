package org.fwlb.connection;

import org.fwlb.model.ConnectionKey;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers the initial sequence number of the SYN each recent connection was placed with, to tell a SYN
 * retransmission (same ISN: follow the pin) from a new connection on a reused client port (another ISN: decide
 * afresh). Bounded (least recently placed forgotten first) and local to this instance; when it does not know a
 * connection, the caller falls back to the connection's state.
 */
public final class SynMemory {

    /** What the memory knows of a SYN. */
    public enum Verdict {
        /** The SYN the connection was placed with (or a retransmission of it). */
        SAME,
        /** Another SYN: a new connection on the same 5-tuple. */
        OTHER,
        /** Not remembered. */
        UNKNOWN
    }

    private final Map<ConnectionKey, Integer> isns;

    /**
     * Creates a memory.
     *
     * @param capacity connections remembered at most
     */
    public SynMemory(int capacity) {
        this.isns = new LinkedHashMap<ConnectionKey, Integer>(1024, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<ConnectionKey, Integer> eldest) {
                return size() > capacity;
            }
        };
    }

    /**
     * Records the SYN a connection is placed with.
     *
     * @param key connection
     * @param isn the SYN's sequence number
     */
    public synchronized void placed(ConnectionKey key, int isn) {
        isns.remove(key);
        isns.put(key, isn);
    }

    /**
     * Judges a SYN of a known 5-tuple.
     *
     * @param key connection
     * @param isn the SYN's sequence number
     * @return verdict
     */
    public synchronized Verdict judge(ConnectionKey key, int isn) {
        Integer seen = isns.get(key);
        return seen == null ? Verdict.UNKNOWN : seen == isn ? Verdict.SAME : Verdict.OTHER;
    }
}
