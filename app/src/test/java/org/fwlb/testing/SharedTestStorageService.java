package org.fwlb.testing;

import org.onosproject.store.service.ConsistentMap;
import org.onosproject.store.service.ConsistentMapBuilder;
import org.onosproject.store.service.TestConsistentMap;
import org.onosproject.store.service.TestStorageService;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TestStorageService whose consistent maps are shared by name, as an ONOS cluster shares its
 * primitives: components of several simulated instances that build a map with the same name get the same
 * map (and each other's map events). It refuses maps built without a name or a serializer, as ONOS would.
 */
public class SharedTestStorageService extends TestStorageService {
    private final Map<String, ConsistentMap<?, ?>> maps = new ConcurrentHashMap<>();

    @Override
    public <K, V> ConsistentMapBuilder<K, V> consistentMapBuilder() {
        return new TestConsistentMap.Builder<K, V>() {
            @Override
            @SuppressWarnings("unchecked")
            public ConsistentMap<K, V> build() {
                if (name() == null) {
                    throw new IllegalStateException("a distributed map needs a name");
                }
                if (serializer() == null) {
                    throw new IllegalStateException("distributed map " + name() + " needs a serializer");
                }
                return (ConsistentMap<K, V>) maps.computeIfAbsent(name(), n -> super.build());
            }
        };
    }

    /**
     * Returns the shared map of a name, if built.
     *
     * @param name map name
     * @param <K>  key type
     * @param <V>  value type
     * @return the map, or null
     */
    @SuppressWarnings("unchecked")
    public <K, V> ConsistentMap<K, V> map(String name) {
        return (ConsistentMap<K, V>) maps.get(name);
    }
}
