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
 * An in-memory ConsistentMap that stores what a real ONOS map stores: keys as the hex string of their
 * Kryo encoding, values as Kryo bytes, and that decodes on every read and for every event, as the
 * transcoding layer of ONOS's StorageService does in front of the Atomix primitive. It measures what
 * serialization costs the decision; replication (Raft, network) is not modelled. Events are delivered
 * synchronously on the writing thread (the listener's executor is ignored).
 *
 * <p>Implements the operations the fwlb stores use (get, putIfAbsent, computeIf, compute, remove,
 * iteration, listeners); the rest of the interface falls back to the adapter's no-ops.
 *
 * @param <K> key type
 * @param <V> value type
 */
final class TranscodingConsistentMap<K, V> extends ConsistentMapAdapter<K, V> {

    private final String name;
    private final Serializer serializer;
    private final Map<String, Versioned<byte[]>> raw = new ConcurrentHashMap<>();
    private final AtomicLong versions = new AtomicLong();
    private final List<MapEventListener<K, V>> listeners = new CopyOnWriteArrayList<>();

    TranscodingConsistentMap(String name, Serializer serializer) {
        this.name = name;
        this.serializer = serializer;
    }

    private String encodeKey(K key) {
        return HexString.toHexString(serializer.encode(key));
    }

    private K decodeKey(String key) {
        return serializer.decode(HexString.fromHexString(key));
    }

    private Versioned<byte[]> encodeValue(V value) {
        return new Versioned<>(serializer.encode(value), versions.incrementAndGet(), System.currentTimeMillis());
    }

    private Versioned<V> decodeValue(Versioned<byte[]> v) {
        return v == null ? null : new Versioned<>(serializer.<V>decode(v.value()), v.version(), v.creationTime());
    }

    private void notify(MapEvent.Type type, String key, Versioned<byte[]> now, Versioned<byte[]> before) {
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
        String k = encodeKey(key);
        Versioned<byte[]> v = encodeValue(value);
        Versioned<byte[]> prev = raw.putIfAbsent(k, v);
        if (prev != null) {
            return decodeValue(prev);
        }
        notify(MapEvent.Type.INSERT, k, v, null);
        return null;
    }

    @Override
    public Versioned<V> put(K key, V value) {
        String k = encodeKey(key);
        Versioned<byte[]> v = encodeValue(value);
        Versioned<byte[]> prev = raw.put(k, v);
        notify(prev == null ? MapEvent.Type.INSERT : MapEvent.Type.UPDATE, k, v, prev);
        return decodeValue(prev);
    }

    @Override
    public Versioned<V> remove(K key) {
        String k = encodeKey(key);
        Versioned<byte[]> prev = raw.remove(k);
        if (prev != null) {
            notify(MapEvent.Type.REMOVE, k, null, prev);
        }
        return decodeValue(prev);
    }

    @Override
    public boolean remove(K key, long version) {
        String k = encodeKey(key);
        Versioned<byte[]>[] removed = newHolder();
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
        String k = encodeKey(key);
        Versioned<byte[]>[] before = newHolder();
        boolean[] changed = {false};
        Versioned<byte[]> after = raw.compute(k, (s, cur) -> {
            V old = cur == null ? null : serializer.decode(cur.value());
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
        for (String k : new ArrayList<>(raw.keySet())) {
            Versioned<byte[]> prev = raw.remove(k);
            if (prev != null) {
                notify(MapEvent.Type.REMOVE, k, null, prev);
            }
        }
    }

    @Override
    public Set<K> keySet() {
        Set<K> out = new LinkedHashSet<>();
        for (String k : raw.keySet()) {
            out.add(decodeKey(k));
        }
        return out;
    }

    @Override
    public Collection<Versioned<V>> values() {
        List<Versioned<V>> out = new ArrayList<>();
        for (Versioned<byte[]> v : raw.values()) {
            out.add(decodeValue(v));
        }
        return out;
    }

    @Override
    public Set<Map.Entry<K, Versioned<V>>> entrySet() {
        Set<Map.Entry<K, Versioned<V>>> out = new LinkedHashSet<>();
        for (Map.Entry<String, Versioned<byte[]>> e : raw.entrySet()) {
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
     * Returns the number of bytes the map holds (keys as hex characters, values as bytes).
     *
     * @return bytes
     */
    long storedBytes() {
        long n = 0;
        for (Map.Entry<String, Versioned<byte[]>> e : raw.entrySet()) {
            n += e.getKey().length() + e.getValue().value().length;
        }
        return n;
    }

    @SuppressWarnings("unchecked")
    private static Versioned<byte[]>[] newHolder() {
        return (Versioned<byte[]>[]) new Versioned<?>[1];
    }
}
