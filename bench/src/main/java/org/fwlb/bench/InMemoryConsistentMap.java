package org.fwlb.bench;

import org.onlab.util.HexString;
import org.onosproject.store.service.ConsistentMapAdapter;
import org.onosproject.store.service.MapEvent;
import org.onosproject.store.service.MapEventListener;
import org.onosproject.store.service.Serializer;
import org.onosproject.store.service.Versioned;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.Predicate;

/**
 * An in-memory ConsistentMap (a ConcurrentHashMap, events delivered synchronously on the writing thread,
 * the listener's executor ignored) in one of two forms that differ only in serialization:
 * <ul>
 * <li>plain: keys and values are kept as the objects given; nothing is copied or encoded;</li>
 * <li>kryo: it stores what a real ONOS map stores, keys as the hex string of their Kryo encoding
 * (HexString.toHexString(serializer.encode(key))) and values as Kryo bytes, and decodes on every read and
 * for every event, as the transcoding layer of ONOS's StorageService does in front of the Atomix
 * primitive.</li>
 * </ul>
 * So the two measure what serialization costs the decision; replication (Raft, network) is not modelled.
 * onos-api's TestConsistentMap is not used as the plain form: its compute* operations Kryo-copy the value.
 *
 * <p>Implements the operations the fwlb stores use (get, putIfAbsent, computeIf, compute, remove,
 * iteration, listeners); the rest of the interface falls back to the adapter's no-ops.
 *
 * @param <K> key type
 * @param <V> value type
 */
final class InMemoryConsistentMap<K, V> extends ConsistentMapAdapter<K, V> {

    private final String name;
    private final Serializer serializer;
    private final Map<Object, Versioned<Object>> raw = new ConcurrentHashMap<>();
    private final AtomicLong versions = new AtomicLong();
    private final List<MapEventListener<K, V>> listeners = new CopyOnWriteArrayList<>();

    /**
     * Creates a map.
     *
     * @param name       map name
     * @param serializer the serializer to encode with, or null for the plain form
     */
    InMemoryConsistentMap(String name, Serializer serializer) {
        this.name = name;
        this.serializer = serializer;
    }

    private Object encodeKey(K key) {
        return serializer == null ? key : HexString.toHexString(serializer.encode(key));
    }

    @SuppressWarnings("unchecked")
    private K decodeKey(Object key) {
        return serializer == null ? (K) key : serializer.decode(HexString.fromHexString((String) key));
    }

    private Object encode(V value) {
        return serializer == null ? value : serializer.encode(value);
    }

    @SuppressWarnings("unchecked")
    private V decode(Object value) {
        return serializer == null || value == null ? (V) value : serializer.decode((byte[]) value);
    }

    private Versioned<Object> encodeValue(V value) {
        return new Versioned<>(encode(value), versions.incrementAndGet(), System.currentTimeMillis());
    }

    @SuppressWarnings("unchecked")
    private Versioned<V> decodeValue(Versioned<Object> v) {
        if (v == null || serializer == null) {
            return (Versioned<V>) (Versioned<?>) v;
        }
        return new Versioned<>(decode(v.value()), v.version(), v.creationTime());
    }

    private void notify(MapEvent.Type type, Object key, Versioned<Object> now, Versioned<Object> before) {
        if (listeners.isEmpty()) {
            return;
        }
        MapEvent<K, V> e = new MapEvent<>(type, name, decodeKey(key), decodeValue(now), decodeValue(before));
        for (MapEventListener<K, V> l : listeners) {
            l.event(e);
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int size() {
        return raw.size();
    }

    @Override
    public boolean isEmpty() {
        return raw.isEmpty();
    }

    @Override
    public boolean containsKey(K key) {
        return raw.containsKey(encodeKey(key));
    }

    @Override
    public Versioned<V> get(K key) {
        return decodeValue(raw.get(encodeKey(key)));
    }

    @Override
    public Versioned<V> putIfAbsent(K key, V value) {
        Object k = encodeKey(key);
        Versioned<Object> v = encodeValue(value);
        Versioned<Object> prev = raw.putIfAbsent(k, v);
        if (prev != null) {
            return decodeValue(prev);
        }
        notify(MapEvent.Type.INSERT, k, v, null);
        return null;
    }

    @Override
    public Versioned<V> put(K key, V value) {
        Object k = encodeKey(key);
        Versioned<Object> v = encodeValue(value);
        Versioned<Object> prev = raw.put(k, v);
        notify(prev == null ? MapEvent.Type.INSERT : MapEvent.Type.UPDATE, k, v, prev);
        return decodeValue(prev);
    }

    @Override
    public Versioned<V> remove(K key) {
        Object k = encodeKey(key);
        Versioned<Object> prev = raw.remove(k);
        if (prev != null) {
            notify(MapEvent.Type.REMOVE, k, null, prev);
        }
        return decodeValue(prev);
    }

    @Override
    public boolean remove(K key, long version) {
        Object k = encodeKey(key);
        Versioned<Object>[] removed = newHolder();
        raw.computeIfPresent(k, (s, cur) -> {
            if (cur.version() != version) {
                return cur;
            }
            removed[0] = cur;
            return null;
        });
        if (removed[0] != null) {
            notify(MapEvent.Type.REMOVE, k, null, removed[0]);
            return true;
        }
        return false;
    }

    @Override
    public Versioned<V> computeIf(K key, Predicate<? super V> condition,
                                  BiFunction<? super K, ? super V, ? extends V> function) {
        Object k = encodeKey(key);
        Versioned<Object>[] before = newHolder();
        boolean[] changed = {false};
        Versioned<Object> after = raw.compute(k, (s, cur) -> {
            V old = cur == null ? null : decode(cur.value());
            if (!condition.test(old)) {
                return cur;
            }
            V next = function.apply(key, old);
            before[0] = cur;
            changed[0] = true;
            return next == null ? null : encodeValue(next);
        });
        if (changed[0]) {
            MapEvent.Type type = after == null ? MapEvent.Type.REMOVE
                    : before[0] == null ? MapEvent.Type.INSERT : MapEvent.Type.UPDATE;
            if (after != null || before[0] != null) {
                notify(type, k, after, before[0]);
            }
        }
        return decodeValue(after);
    }

    @Override
    public Versioned<V> compute(K key, BiFunction<? super K, ? super V, ? extends V> function) {
        return computeIf(key, v -> true, function);
    }

    @Override
    public void clear() {
        for (Object k : new ArrayList<>(raw.keySet())) {
            Versioned<Object> prev = raw.remove(k);
            if (prev != null) {
                notify(MapEvent.Type.REMOVE, k, null, prev);
            }
        }
    }

    @Override
    public Set<K> keySet() {
        Set<K> out = new LinkedHashSet<>();
        for (Object k : raw.keySet()) {
            out.add(decodeKey(k));
        }
        return out;
    }

    @Override
    public Collection<Versioned<V>> values() {
        List<Versioned<V>> out = new ArrayList<>();
        for (Versioned<Object> v : raw.values()) {
            out.add(decodeValue(v));
        }
        return out;
    }

    @Override
    public Set<Map.Entry<K, Versioned<V>>> entrySet() {
        Set<Map.Entry<K, Versioned<V>>> out = new LinkedHashSet<>();
        for (Map.Entry<Object, Versioned<Object>> e : raw.entrySet()) {
            out.add(new AbstractMap.SimpleImmutableEntry<>(decodeKey(e.getKey()), decodeValue(e.getValue())));
        }
        return out;
    }

    @Override
    public void addListener(MapEventListener<K, V> listener, Executor executor) {
        listeners.add(listener);
    }

    @Override
    public void removeListener(MapEventListener<K, V> listener) {
        listeners.remove(listener);
    }

    /**
     * Tells whether this map serializes.
     *
     * @return true for the kryo form
     */
    boolean serializes() {
        return serializer != null;
    }

    /**
     * Returns the stored form of a key's value (the object itself, or its Kryo bytes).
     *
     * @param key key
     * @return stored value, or null
     */
    Object stored(K key) {
        Versioned<Object> v = raw.get(encodeKey(key));
        return v == null ? null : v.value();
    }

    /**
     * Returns what the map holds (for the footprint measurement).
     *
     * @return the stored keys and values
     */
    Map<Object, Versioned<Object>> raw() {
        return raw;
    }

    @SuppressWarnings("unchecked")
    private static Versioned<Object>[] newHolder() {
        return (Versioned<Object>[]) new Versioned<?>[1];
    }
}
