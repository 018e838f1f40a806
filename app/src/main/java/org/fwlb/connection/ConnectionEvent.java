package org.fwlb.connection;

import org.fwlb.model.ConnectionEntry;
import org.onosproject.event.AbstractEvent;

/**
 * A change of the connection table, raised on every cluster instance (it is derived from map events).
 */
public class ConnectionEvent extends AbstractEvent<ConnectionEvent.Type, ConnectionEntry> {

    /**
     * Kinds of change.
     */
    public enum Type {
        /** A connection was pinned. */
        PINNED,
        /** Its TCP state changed (SYN_SEEN to ESTABLISHED, to CLOSING). */
        STATE_CHANGED,
        /** Its path was extended or changed (e.g. a later stage chose the server). */
        PATH_CHANGED,
        /** It was removed (closed, idle, member down, or cleared). */
        REMOVED
    }

    private final ConnectionEntry previous;

    /**
     * Creates an event.
     *
     * @param type     type
     * @param subject  the entry now (for REMOVED: the entry removed)
     * @param previous the entry before the change, or null
     */
    public ConnectionEvent(Type type, ConnectionEntry subject, ConnectionEntry previous) {
        super(type, subject);
        this.previous = previous;
    }

    /**
     * Returns the entry before the change.
     *
     * @return previous entry, or null for PINNED and REMOVED
     */
    public ConnectionEntry previous() {
        return previous;
    }
}
