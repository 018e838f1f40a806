package org.fwlb.runtime.store;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The data behind named primitives. One backend per (simulated) cluster: every StorageService built on
 * the same backend sees the same maps, sets and counters, the way every ONOS instance sees the same
 * Atomix primitives.
 */
public final class StoreBackend {

    private final boolean serialize;
    private final Map<String, MapState> maps = new ConcurrentHashMap<>();
    private final Map<String, EcMapState> ecMaps = new ConcurrentHashMap<>();
    private final Map<String, SetState> sets = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();
    private final Map<String, ValueState> values = new ConcurrentHashMap<>();

    /**
     * @param serialize round-trip every stored key and value through the primitive's serializer
     */
    public StoreBackend(boolean serialize) {
        this.serialize = serialize;
    }

    /** A backend that serializes (the default). */
    public StoreBackend() {
        this(true);
    }

    /** @return whether values are round-tripped through serializers */
    public boolean serializes() {
        return serialize;
    }

    MapState map(String name) {
        return maps.computeIfAbsent(name, MapState::new);
    }

    EcMapState ecMap(String name) {
        return ecMaps.computeIfAbsent(name, EcMapState::new);
    }

    SetState set(String name) {
        return sets.computeIfAbsent(name, SetState::new);
    }

    AtomicLong counter(String name) {
        return counters.computeIfAbsent(name, n -> new AtomicLong());
    }

    ValueState value(String name) {
        return values.computeIfAbsent(name, ValueState::new);
    }

    /** @return names of every primitive created so far, by kind (for status reports) */
    public Map<String, java.util.Set<String>> primitiveNames() {
        return Map.of("consistentMaps", java.util.Set.copyOf(maps.keySet()),
                      "eventuallyConsistentMaps", java.util.Set.copyOf(ecMaps.keySet()),
                      "sets", java.util.Set.copyOf(sets.keySet()),
                      "counters", java.util.Set.copyOf(counters.keySet()),
                      "values", java.util.Set.copyOf(values.keySet()));
    }
}
