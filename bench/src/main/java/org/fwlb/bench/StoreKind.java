package org.fwlb.bench;

/**
 * The two connection-table back ends the decision benchmarks compare (both {@link InMemoryConsistentMap}).
 */
public enum StoreKind {
    /** Objects in a ConcurrentHashMap, nothing serialized. */
    plain,
    /** Every key and value Kryo-encoded with the stores' real serializers, decoded on reads and events. */
    kryo;

    /**
     * Returns a fresh storage service of this kind.
     *
     * @return storage service
     */
    InMemoryStorageService newStorage() {
        return new InMemoryStorageService(this == kryo);
    }
}
