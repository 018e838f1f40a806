package org.fwlb.runtime.store;

import org.onosproject.store.Timestamp;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Shared state of one named eventually consistent map: stored values with the timestamp of the write
 * that produced them, tombstones of removals (an older write never resurrects a removed key) and the
 * listeners of every view. All views converge immediately (one copy).
 */
final class EcMapState {

    /** A stored value and the timestamp of the write. */
    record Entry(Object stored, Timestamp timestamp) {
    }

    final String name;
    final Map<Object, Entry> entries = new LinkedHashMap<>();
    final Map<Object, Timestamp> tombstones = new HashMap<>();
    final List<InMemoryEventuallyConsistentMap.Listener<?, ?>> listeners = new CopyOnWriteArrayList<>();

    EcMapState(String name) {
        this.name = name;
    }
}
