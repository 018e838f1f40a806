package org.fwlb.bench;

import org.onosproject.store.service.AsyncConsistentMap;
import org.onosproject.store.service.ConsistentMap;
import org.onosproject.store.service.ConsistentMapBuilder;
import org.onosproject.store.service.StorageServiceAdapter;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A StorageService whose consistent maps serialize through the serializer they are built with
 * ({@link TranscodingConsistentMap}). Maps are shared by name, as in a cluster.
 */
final class TranscodingStorageService extends StorageServiceAdapter {

    private final Map<String, TranscodingConsistentMap<?, ?>> maps = new ConcurrentHashMap<>();

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
                        name(), n -> new TranscodingConsistentMap<K, V>(n, serializer()));
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
    TranscodingConsistentMap<?, ?> map(String name) {
        return maps.get(name);
    }
}
