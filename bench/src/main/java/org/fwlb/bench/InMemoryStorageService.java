package org.fwlb.bench;

import org.onosproject.store.service.AsyncConsistentMap;
import org.onosproject.store.service.ConsistentMap;
import org.onosproject.store.service.ConsistentMapBuilder;
import org.onosproject.store.service.StorageServiceAdapter;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A StorageService whose consistent maps are {@link InMemoryConsistentMap}s, serializing or not. Maps are
 * shared by name, as in a cluster; like ONOS it refuses a map without a name or a serializer.
 */
final class InMemoryStorageService extends StorageServiceAdapter {

    private final boolean serialize;
    private final Map<String, InMemoryConsistentMap<?, ?>> maps = new ConcurrentHashMap<>();

    /**
     * Creates the service.
     *
     * @param serialize true: maps Kryo-encode keys and values with the serializer they are built with
     */
    InMemoryStorageService(boolean serialize) {
        this.serialize = serialize;
    }

    @Override
    public <K, V> ConsistentMapBuilder<K, V> consistentMapBuilder() {
        return new ConsistentMapBuilder<K, V>() {
            @Override
            @SuppressWarnings("unchecked")
            public ConsistentMap<K, V> build() {
                if (name() == null || serializer() == null) {
                    throw new IllegalStateException("a distributed map needs a name and a serializer");
                }
                return (ConsistentMap<K, V>) maps.computeIfAbsent(
                        name(), n -> new InMemoryConsistentMap<K, V>(n, serialize ? serializer() : null));
            }

            @Override
            public AsyncConsistentMap<K, V> buildAsyncMap() {
                throw new UnsupportedOperationException("the benchmark uses the synchronous map only");
            }
        };
    }

    /**
     * Returns the map of a name.
     *
     * @param name map name
     * @return the map, or null when not built
     */
    InMemoryConsistentMap<?, ?> map(String name) {
        return maps.get(name);
    }
}
