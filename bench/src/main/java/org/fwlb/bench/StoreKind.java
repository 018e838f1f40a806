package org.fwlb.bench;

import org.onosproject.store.service.StorageService;
import org.onosproject.store.service.TestStorageService;

/**
 * The two connection-table back ends the decision benchmarks compare.
 */
public enum StoreKind {
    /** onos-api's TestConsistentMap: a ConcurrentHashMap of objects, nothing serialized. */
    plain,
    /** Every key and value Kryo-encoded with the stores' real serializers, decoded on reads and events. */
    kryo;

    /**
     * Returns a fresh storage service of this kind.
     *
     * @return storage service
     */
    public StorageService newStorage() {
        return this == plain ? new TestStorageService() : new TranscodingStorageService();
    }
}
