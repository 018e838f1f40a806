package org.fwlb.connection;

import org.fwlb.model.ConnectionEntry;

import static com.google.common.base.Preconditions.checkNotNull;

/**
 * Outcome of {@link ConnectionStore#pin}: pinned, refused because the key is already pinned (first
 * writer wins; the existing entry is returned), or refused because the table is full.
 */
public final class PinResult {

    /**
     * Outcome kinds.
     */
    public enum Status {
        /** The entry was stored. */
        PINNED,
        /** The key was already pinned; {@link #entry()} is the existing entry. */
        DUPLICATE,
        /** The table holds its maximum number of connections; nothing was stored. */
        TABLE_FULL
    }

    private final Status status;
    private final ConnectionEntry entry;
    private final int limit;

    private PinResult(Status status, ConnectionEntry entry, int limit) {
        this.status = status;
        this.entry = entry;
        this.limit = limit;
    }

    /**
     * Creates a PINNED result.
     *
     * @param entry the stored entry
     * @return result
     */
    public static PinResult pinned(ConnectionEntry entry) {
        return new PinResult(Status.PINNED, checkNotNull(entry), 0);
    }

    /**
     * Creates a DUPLICATE result.
     *
     * @param existing the entry already pinned
     * @return result
     */
    public static PinResult duplicate(ConnectionEntry existing) {
        return new PinResult(Status.DUPLICATE, checkNotNull(existing), 0);
    }

    /**
     * Creates a TABLE_FULL result.
     *
     * @param limit the configured cap
     * @return result
     */
    public static PinResult tableFull(int limit) {
        return new PinResult(Status.TABLE_FULL, null, limit);
    }

    /**
     * Returns the status.
     *
     * @return status
     */
    public Status status() {
        return status;
    }

    /**
     * Returns true when this call stored the entry.
     *
     * @return true for PINNED
     */
    public boolean isPinned() {
        return status == Status.PINNED;
    }

    /**
     * Returns the entry in the table for this key: the new one (PINNED) or the existing one (DUPLICATE).
     *
     * @return entry, or null for TABLE_FULL
     */
    public ConnectionEntry entry() {
        return entry;
    }

    /**
     * Returns a human-readable outcome.
     *
     * @return message
     */
    public String message() {
        switch (status) {
            case PINNED:
                return "pinned " + entry.key() + " " + entry.path();
            case DUPLICATE:
                return "already pinned " + entry.key() + " " + entry.path();
            default:
                return "connection table full: " + limit + " connections (connectionTable.maxConnections); "
                        + "new connection refused";
        }
    }

    @Override
    public String toString() {
        return message();
    }
}
