package org.fwlb.bench;

/**
 * Keeps the connection table at a steady size: remembers the numbers of the last {@code size} connections opened
 * and, when a new one comes, hands back the oldest, which the benchmark ends. So each measured operation opens one
 * connection and ends one (what a connection costs over its life) and the table holds {@code size} connections
 * throughout.
 */
final class LiveConnections {

    private final long[] ring;
    private int next;

    LiveConnections(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("live connections must be >= 1, got " + size);
        }
        ring = new long[size];
        java.util.Arrays.fill(ring, -1);
    }

    /**
     * Records a new connection.
     *
     * @param n the number of the connection just opened
     * @return the number of the connection to end now, or -1 while the ring fills
     */
    long admit(long n) {
        long old = ring[next];
        ring[next] = n;
        next = next + 1 == ring.length ? 0 : next + 1;
        return old;
    }
}
