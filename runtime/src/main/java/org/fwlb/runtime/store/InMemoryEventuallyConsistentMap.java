package org.fwlb.runtime.store;

import org.onosproject.store.Timestamp;
import org.onosproject.store.service.EventuallyConsistentMap;
import org.onosproject.store.service.EventuallyConsistentMapEvent;
import org.onosproject.store.service.EventuallyConsistentMapListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;

import static java.util.Objects.requireNonNull;

/**
 * One view of a named in-memory eventually consistent map with ONOS semantics: every write is stamped by
 * the map's timestamp provider and only wins over a newer-stamped value or tombstone if it is newer;
 * PUT/REMOVE events go to every view's listeners (through the view's event executor, if one was given).
 * Values are round-tripped through the serializer on write, as ONOS does when it replicates them.
 *
 * @param <K> key type
 * @param <V> value type
 */
final class InMemoryEventuallyConsistentMap<K, V> implements EventuallyConsistentMap<K, V> {

    private static final Logger log = LoggerFactory.getLogger(InMemoryEventuallyConsistentMap.class);

    private final EcMapState state;
    private final Codec codec;
    private final BiFunction<K, V, Timestamp> timestamps;
    private final Executor eventExecutor;
    private final boolean tombstones;

    /** A listener of some view. */
    record Listener<K, V>(EventuallyConsistentMapListener<K, V> listener, Executor executor, Codec codec) {
    }

    private record Change(EventuallyConsistentMapEvent.Type type, Object key, Object stored) {
    }

    InMemoryEventuallyConsistentMap(EcMapState state, Codec codec, BiFunction<K, V, Timestamp> timestamps,
                                    Executor eventExecutor, boolean tombstones) {
        this.state = state;
        this.codec = codec;
        this.timestamps = timestamps;
        this.eventExecutor = eventExecutor;
        this.tombstones = tombstones;
    }

    @Override
    public String name() {
        return state.name;
    }

    private void announce(List<Change> changes) {
        for (Change c : changes) {
            for (Listener<?, ?> l : state.listeners) {
                deliver(l, c);
            }
        }
    }

    private <LK, LV> void deliver(Listener<LK, LV> l, Change c) {
        EventuallyConsistentMapEvent<LK, LV> event = new EventuallyConsistentMapEvent<>(
                state.name, c.type(), l.codec().load(c.key()), l.codec().load(c.stored()));
        l.executor().execute(() -> {
            try {
                l.listener().event(event);
            } catch (RuntimeException e) {
                log.warn("map {}: listener failed on {}", state.name, event, e);
            }
        });
    }

    // under lock: applies a put stamped ts; returns whether it won
    private boolean applyPut(K key, Object stored, Timestamp ts, List<Change> changes) {
        EcMapState.Entry cur = state.entries.get(key);
        Timestamp removedAt = state.tombstones.get(key);
        if ((cur != null && !ts.isNewerThan(cur.timestamp())) || (removedAt != null && !ts.isNewerThan(removedAt))) {
            return false;
        }
        state.tombstones.remove(key);
        state.entries.put(key, new EcMapState.Entry(stored, ts));
        changes.add(new Change(EventuallyConsistentMapEvent.Type.PUT, codec.store(key), stored));
        return true;
    }

    // under lock: applies a removal stamped ts; returns the removed stored value or null
    private Object applyRemove(K key, Timestamp ts, List<Change> changes) {
        EcMapState.Entry cur = state.entries.get(key);
        if (cur == null || (ts != null && !ts.isNewerThan(cur.timestamp()))) {
            return null;
        }
        state.entries.remove(key);
        if (tombstones && ts != null) {
            state.tombstones.put(key, ts);
        }
        changes.add(new Change(EventuallyConsistentMapEvent.Type.REMOVE, codec.store(key), cur.stored()));
        return cur.stored();
    }

    @Override
    public int size() {
        synchronized (state) {
            return state.entries.size();
        }
    }

    @Override
    public boolean isEmpty() {
        return size() == 0;
    }

    @Override
    public boolean containsKey(K key) {
        synchronized (state) {
            return state.entries.containsKey(requireNonNull(key));
        }
    }

    @Override
    public boolean containsValue(V value) {
        synchronized (state) {
            return state.entries.values().stream().anyMatch(e -> Objects.equals(codec.load(e.stored()), value));
        }
    }

    @Override
    public V get(K key) {
        synchronized (state) {
            EcMapState.Entry e = state.entries.get(requireNonNull(key, "map " + state.name + ": null key"));
            return e == null ? null : codec.load(e.stored());
        }
    }

    @Override
    public void put(K key, V value) {
        requireNonNull(value, "map " + state.name + ": null values are not allowed");
        K k = codec.key(key);
        Object stored = codec.store(value);
        Timestamp ts = timestamps.apply(key, value);
        List<Change> changes = new ArrayList<>();
        synchronized (state) {
            applyPut(k, stored, ts, changes);
        }
        announce(changes);
    }

    @Override
    public V remove(K key) {
        requireNonNull(key, "map " + state.name + ": null key");
        Timestamp ts = timestamps.apply(key, null);
        List<Change> changes = new ArrayList<>();
        Object removed;
        synchronized (state) {
            removed = applyRemove(key, ts, changes);
        }
        announce(changes);
        return removed == null ? null : codec.load(removed);
    }

    @Override
    public void remove(K key, V value) {
        requireNonNull(key, "map " + state.name + ": null key");
        Timestamp ts = timestamps.apply(key, value);
        List<Change> changes = new ArrayList<>();
        synchronized (state) {
            EcMapState.Entry cur = state.entries.get(key);
            if (cur != null && Objects.equals(codec.load(cur.stored()), value)) {
                applyRemove(key, ts, changes);
            }
        }
        announce(changes);
    }

    @Override
    public V compute(K key, BiFunction<K, V, V> recompute) {
        K k = codec.key(key);
        List<Change> changes = new ArrayList<>();
        V result;
        synchronized (state) {
            EcMapState.Entry cur = state.entries.get(k);
            V old = cur == null ? null : codec.load(cur.stored());
            V computed = recompute.apply(key, old);
            if (computed == null) {
                if (cur != null) {
                    applyRemove(k, timestamps.apply(key, null), changes);
                }
                result = null;
            } else if (cur != null && Codec.sameStored(cur.stored(), codec.store(computed))) {
                result = computed;
            } else {
                applyPut(k, codec.store(computed), timestamps.apply(key, computed), changes);
                EcMapState.Entry now = state.entries.get(k);
                result = now == null ? null : codec.load(now.stored());
            }
        }
        announce(changes);
        return result;
    }

    @Override
    public void putAll(Map<? extends K, ? extends V> m) {
        m.forEach(this::put);
    }

    @Override
    public void clear() {
        for (K k : keySet()) {
            remove(k);
        }
    }

    @Override
    public Set<K> keySet() {
        synchronized (state) {
            Set<K> out = new LinkedHashSet<>();
            state.entries.keySet().forEach(k -> out.add(codec.load(codec.store(k))));
            return out;
        }
    }

    @Override
    public Collection<V> values() {
        synchronized (state) {
            List<V> out = new ArrayList<>();
            state.entries.values().forEach(e -> out.add(codec.load(e.stored())));
            return out;
        }
    }

    @Override
    public Set<Map.Entry<K, V>> entrySet() {
        synchronized (state) {
            Set<Map.Entry<K, V>> out = new LinkedHashSet<>();
            state.entries.forEach((k, e) -> out.add(new AbstractMap.SimpleImmutableEntry<>(
                    codec.<K>load(codec.store(k)), codec.<V>load(e.stored()))));
            return out;
        }
    }

    @Override
    public void addListener(EventuallyConsistentMapListener<K, V> listener) {
        state.listeners.add(new Listener<>(requireNonNull(listener), eventExecutor, codec));
    }

    @Override
    public void removeListener(EventuallyConsistentMapListener<K, V> listener) {
        state.listeners.removeIf(l -> l.listener() == listener && l.codec() == codec);
    }

    @Override
    public String toString() {
        return "InMemoryEventuallyConsistentMap{" + state.name + "}";
    }
}
