package org.fwlb.connection;

import org.onosproject.event.EventListener;

/**
 * Listener of connection table events.
 */
public interface ConnectionListener extends EventListener<ConnectionEvent> {
}
