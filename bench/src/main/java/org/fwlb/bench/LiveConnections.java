package org.fwlb.bench;

import org.fwlb.model.ConnectionKey;

/**
 * Keeps the connection table at a steady size: remembers the last {@code size} connections pinned and,
 * when a new one comes, hands back the oldest, which the benchmark removes from the table. So each
 * measured decision pins one connection and removes one (what a connection costs the table over its life)
 * and the table holds {@code size} connections throughout.
 */
final class LiveConnections {

    private final ConnectionKey[] ring;
    private int next;

    LiveConnections(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("live connections must be >= 1, got " + size);
        }
        ring = new ConnectionKey[size];
    }

    /**
     * Records a new connection.
     *
     * @param key the connection just pinned
     * @return the connection to remove now, or null while the ring fills
     */
    ConnectionKey admit(ConnectionKey key) {
        ConnectionKey old = ring[next];
        ring[next] = key;
        next = next + 1 == ring.length ? 0 : next + 1;
        return old;
    }
}
