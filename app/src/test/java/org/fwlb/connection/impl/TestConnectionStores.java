package org.fwlb.connection.impl;

import org.onosproject.store.service.StorageService;

/**
 * Builds activated connection stores for the apps' tests (the store's fields are package-protected).
 */
public final class TestConnectionStores {

    private TestConnectionStores() {
    }

    /**
     * Returns an activated store on the given storage.
     *
     * @param storage storage service (e.g. the shared test storage)
     * @return store
     */
    public static DistributedConnectionStore on(StorageService storage) {
        DistributedConnectionStore s = new DistributedConnectionStore();
        s.storageService = storage;
        s.activate();
        return s;
    }
}
