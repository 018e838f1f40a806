package org.fwlb.l7.relay;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The matching table of [0037]: which relaying dispatcher's request went to which server over which
 * persistent server connection, so the reply goes back the way the request came. Recent entries are kept
 * in a ring (GET /table), totals per (via, server) forever.
 */
public final class MatchingTable {
    /** One relayed request: client, relaying dispatcher (id and address), server, server connection. */
    public record Entry(long ts, String client, String via, String viaAddress, String server, String serverConn) { }

    private final Entry[] ring;
    private int next;
    private long total;
    private final Map<String, Long> counts = new HashMap<>();

    public MatchingTable(int capacity) {
        this.ring = new Entry[capacity];
    }

    public synchronized void record(Entry e) {
        ring[next] = e;
        next = (next + 1) % ring.length;
        total++;
        counts.merge(e.via() + "->" + e.server(), 1L, Long::sum);
    }

    /** Newest first. */
    public synchronized List<Entry> recent() {
        List<Entry> out = new ArrayList<>();
        for (int i = 1; i <= ring.length; i++) {
            Entry e = ring[Math.floorMod(next - i, ring.length)];
            if (e == null) {
                break;
            }
            out.add(e);
        }
        return out;
    }

    public synchronized long total() {
        return total;
    }

    public synchronized Map<String, Long> counts() {
        return new HashMap<>(counts);
    }
}
