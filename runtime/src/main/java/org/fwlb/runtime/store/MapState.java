package org.fwlb.runtime.store;

import org.onosproject.store.service.MapEvent;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Shared state of one named consistent map: stored entries with their versions (one increasing counter
 * per map, like the commit index ONOS uses) and the listeners of every view.
 */
final class MapState {

    /** A stored entry: value in stored form, its version and creation time. */
    record Entry(Object stored, long version, long creationTime) {
    }

    /** A change to announce: key and old/new entries in stored form. */
    record Change(MapEvent.Type type, Object key, Entry newEntry, Entry oldEntry) {
    }

    final String name;
    final Map<Object, Entry> entries = new LinkedHashMap<>();
    final List<InMemoryConsistentMap.Listener<?, ?>> listeners = new CopyOnWriteArrayList<>();
    private long version;

    MapState(String name) {
        this.name = name;
    }

    long nextVersion() {
        return ++version;
    }
}
