package org.fwlb.connection;

import org.onosproject.store.StoreDelegate;

/**
 * Delegate of the connection store (the owning manager), notified of {@link ConnectionEvent}s.
 */
public interface ConnectionStoreDelegate extends StoreDelegate<ConnectionEvent> {
}
