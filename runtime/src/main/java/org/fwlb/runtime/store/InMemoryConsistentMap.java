package org.fwlb.runtime.store;

import org.onosproject.core.ApplicationId;
import org.onosproject.store.primitives.MapUpdate;
import org.onosproject.store.primitives.TransactionId;
import org.onosproject.store.service.AsyncConsistentMap;
import org.onosproject.store.service.AsyncIterator;
import org.onosproject.store.service.MapEvent;
import org.onosproject.store.service.MapEventListener;
import org.onosproject.store.service.TransactionLog;
import org.onosproject.store.service.Version;
import org.onosproject.store.service.Versioned;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * One view of a named in-memory consistent map, with ONOS ConsistentMap semantics: versioned values
 * (a write that does not change the stored bytes is a no-op: no new version, no event), conditional
 * operations by value or version, and INSERT/UPDATE/REMOVE events to every view's listeners after the
 * change. Operations complete immediately; failures (serialization, null values) complete the future
 * exceptionally, which the synchronous wrapper rethrows.
 *
 * @param <K> key type
 * @param <V> value type
 */
final class InMemoryConsistentMap<K, V> implements AsyncConsistentMap<K, V> {

    private static final Logger log = LoggerFactory.getLogger(InMemoryConsistentMap.class);

    private final MapState state;
    private final Codec codec;
    private final boolean nullValues;
    private final boolean readOnly;
    private final ApplicationId appId;

    /** A listener registration of some view (decodes events with that view's codec). */
    record Listener<K, V>(MapEventListener<K, V> listener, Executor executor, Codec codec, String name) {
        void deliver(MapState.Change c) {
            MapEvent<K, V> event = new MapEvent<>(c.type(), name, codec.<K>load(c.key()),
                                                  versioned(codec, c.newEntry()), versioned(codec, c.oldEntry()));
            executor.execute(() -> {
                try {
                    listener.event(event);
                } catch (RuntimeException e) {
                    log.warn("map {}: listener {} failed on {}", name, listener, event, e);
                }
            });
        }
    }

    InMemoryConsistentMap(MapState state, Codec codec, boolean nullValues, boolean readOnly, ApplicationId appId) {
        this.state = state;
        this.codec = codec;
        this.nullValues = nullValues;
        this.readOnly = readOnly;
        this.appId = appId;
    }

    @Override
    public String name() {
        return state.name;
    }

    @Override
    public ApplicationId applicationId() {
        return appId;
    }

    // Runs op under the map lock, then announces its changes outside the lock.
    private <T> CompletableFuture<T> run(boolean write, Supplier<T> op, List<MapState.Change> changes) {
        return run(write, op, Function.identity(), changes);
    }

    // Runs op under the map lock; then, outside it, announces its changes and turns op's result into the answer
    // (decoding stored bytes needs no lock: stored forms are immutable), so readers do not queue behind a decode.
    private <R, T> CompletableFuture<T> run(boolean write, Supplier<R> op, Function<R, T> answer,
                                            List<MapState.Change> changes) {
        if (write && readOnly) {
            return refused();
        }
        R raw;
        try {
            synchronized (state) {
                raw = op.get();
            }
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        for (MapState.Change c : changes) {
            for (Listener<?, ?> l : state.listeners) {
                l.deliver(c);
            }
        }
        try {
            return CompletableFuture.completedFuture(answer.apply(raw));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private <T> CompletableFuture<T> read(Supplier<T> op) {
        return run(false, op, List.of());
    }

    // A stored value and key encoded before the lock is taken (a pure function of the arguments).
    private record Encoded<K>(K key, Object value) {
    }

    private Encoded<K> encode(K key, V value) {
        checkValue(value);
        return new Encoded<>(storedKey(key), codec.store(value));
    }

    private <T> CompletableFuture<T> refused() {
        return CompletableFuture.failedFuture(new UnsupportedOperationException(
                "map " + state.name + " was built withUpdatesDisabled()"));
    }

    private static <T> CompletableFuture<T> failed(RuntimeException e) {
        return CompletableFuture.failedFuture(e);
    }

    private static <V> Versioned<V> versioned(Codec codec, MapState.Entry e) {
        return e == null ? null : new Versioned<>(codec.load(e.stored()), e.version(), e.creationTime());
    }

    private Versioned<V> versioned(MapState.Entry e) {
        return versioned(codec, e);
    }

    private void checkValue(V value) {
        if (value == null && !nullValues) {
            throw new NullPointerException("map " + state.name + ": null values are not allowed");
        }
    }

    // Stores value for key (under the lock); returns the previous entry; records the change if any.
    private MapState.Entry write(K key, Object stored, List<MapState.Change> changes) {
        MapState.Entry old = state.entries.get(key);
        if (old != null && Codec.sameStored(old.stored(), stored)) {
            return old; // unchanged: no new version, no event (ONOS does the same)
        }
        MapState.Entry neu = new MapState.Entry(stored, state.nextVersion(), System.currentTimeMillis());
        state.entries.put(key, neu);
        changes.add(new MapState.Change(old == null ? MapEvent.Type.INSERT : MapEvent.Type.UPDATE,
                                        codec.store(key), neu, old));
        return old;
    }

    private MapState.Entry delete(K key, List<MapState.Change> changes) {
        MapState.Entry old = state.entries.remove(key);
        if (old != null) {
            changes.add(new MapState.Change(MapEvent.Type.REMOVE, codec.store(key), null, old));
        }
        return old;
    }

    private K storedKey(K key) {
        requireNonNull(key, "map " + state.name + ": null keys are not allowed");
        return codec.key(key);
    }

    @Override
    public CompletableFuture<Integer> size() {
        return read(() -> state.entries.size());
    }

    @Override
    public CompletableFuture<Boolean> containsKey(K key) {
        return read(() -> state.entries.containsKey(requireNonNull(key)));
    }

    @Override
    public CompletableFuture<Boolean> containsValue(V value) {
        return read(() -> {
            for (MapState.Entry e : state.entries.values()) {
                if (Objects.equals(codec.load(e.stored()), value)) {
                    return true;
                }
            }
            return false;
        });
    }

    @Override
    public CompletableFuture<Versioned<V>> get(K key) {
        return run(false, () -> state.entries.get(requireNonNull(key)), this::versioned, List.of());
    }

    @Override
    public CompletableFuture<Versioned<V>> getOrDefault(K key, V defaultValue) {
        return run(false, () -> state.entries.get(requireNonNull(key)),
                   e -> e == null ? new Versioned<>(defaultValue, 0) : versioned(e), List.of());
    }

    @Override
    public CompletableFuture<Versioned<V>> computeIf(K key, Predicate<? super V> condition,
                                                     BiFunction<? super K, ? super V, ? extends V> remapping) {
        List<MapState.Change> changes = new ArrayList<>();
        return run(true, () -> {
            K k = storedKey(key);
            MapState.Entry old = state.entries.get(k);
            V oldValue = old == null ? null : codec.load(old.stored());
            if (!condition.test(oldValue)) {
                return versioned(old);
            }
            V computed = remapping.apply(key, oldValue);
            if (computed == null) {
                if (old != null) {
                    delete(k, changes);
                }
                return null;
            }
            write(k, codec.store(computed), changes);
            return versioned(state.entries.get(k));
        }, changes);
    }

    @Override
    public CompletableFuture<Versioned<V>> put(K key, V value) {
        return writeEncoded(key, value, (enc, changes) -> write(enc.key(), enc.value(), changes));
    }

    @Override
    public CompletableFuture<Versioned<V>> putAndGet(K key, V value) {
        return writeEncoded(key, value, (enc, changes) -> {
            write(enc.key(), enc.value(), changes);
            return state.entries.get(enc.key());
        });
    }

    @Override
    public CompletableFuture<Versioned<V>> remove(K key) {
        List<MapState.Change> changes = new ArrayList<>();
        return run(true, () -> versioned(delete(requireNonNull(key), changes)), changes);
    }

    @Override
    public CompletableFuture<Void> clear() {
        List<MapState.Change> changes = new ArrayList<>();
        return run(true, () -> {
            for (Object k : new ArrayList<>(state.entries.keySet())) {
                @SuppressWarnings("unchecked")
                K key = (K) k;
                delete(key, changes);
            }
            return null;
        }, changes);
    }

    @Override
    public CompletableFuture<Set<K>> keySet() {
        return read(() -> {
            Set<K> keys = new LinkedHashSet<>();
            for (Object k : state.entries.keySet()) {
                keys.add(codec.load(codec.store(k)));
            }
            return keys;
        });
    }

    @Override
    public CompletableFuture<Collection<Versioned<V>>> values() {
        return read(() -> {
            List<Versioned<V>> out = new ArrayList<>();
            state.entries.values().forEach(e -> out.add(versioned(e)));
            return out;
        });
    }

    @Override
    public CompletableFuture<Set<Map.Entry<K, Versioned<V>>>> entrySet() {
        return read(() -> {
            Set<Map.Entry<K, Versioned<V>>> out = new LinkedHashSet<>();
            state.entries.forEach((k, e) -> out.add(new AbstractMap.SimpleImmutableEntry<>(
                    codec.<K>load(codec.store(k)), versioned(e))));
            return out;
        });
    }

    @Override
    public CompletableFuture<Versioned<V>> putIfAbsent(K key, V value) {
        return writeEncoded(key, value, (enc, changes) -> {
            MapState.Entry old = state.entries.get(enc.key());
            if (old != null) {
                return old;
            }
            write(enc.key(), enc.value(), changes);
            return null;
        });
    }

    /**
     * A write of one key and value: encoded before the map's lock is taken (an encoding failure changes nothing),
     * then applied under it; the entry the operation answers becomes its Versioned.
     */
    private CompletableFuture<Versioned<V>> writeEncoded(K key, V value,
            BiFunction<Encoded<K>, List<MapState.Change>, MapState.Entry> op) {
        if (readOnly) {
            return refused();
        }
        Encoded<K> enc;
        try {
            enc = encode(key, value);
        } catch (RuntimeException e) {
            return failed(e);
        }
        List<MapState.Change> changes = new ArrayList<>();
        return run(true, () -> op.apply(enc, changes), this::versioned, changes);
    }

    @Override
    public CompletableFuture<Boolean> remove(K key, V value) {
        List<MapState.Change> changes = new ArrayList<>();
        return run(true, () -> {
            MapState.Entry old = state.entries.get(requireNonNull(key));
            if (old == null || !Objects.equals(codec.load(old.stored()), value)) {
                return false;
            }
            delete(key, changes);
            return true;
        }, changes);
    }

    @Override
    public CompletableFuture<Boolean> remove(K key, long version) {
        List<MapState.Change> changes = new ArrayList<>();
        return run(true, () -> {
            MapState.Entry old = state.entries.get(requireNonNull(key));
            if (old == null || old.version() != version) {
                return false;
            }
            delete(key, changes);
            return true;
        }, changes);
    }

    @Override
    public CompletableFuture<Versioned<V>> replace(K key, V value) {
        List<MapState.Change> changes = new ArrayList<>();
        return run(true, () -> {
            checkValue(value);
            K k = storedKey(key);
            if (!state.entries.containsKey(k)) {
                return null;
            }
            return versioned(write(k, codec.store(value), changes));
        }, changes);
    }

    @Override
    public CompletableFuture<Boolean> replace(K key, V oldValue, V newValue) {
        List<MapState.Change> changes = new ArrayList<>();
        return run(true, () -> {
            checkValue(newValue);
            K k = storedKey(key);
            MapState.Entry old = state.entries.get(k);
            if (old == null || !Objects.equals(codec.load(old.stored()), oldValue)) {
                return false;
            }
            write(k, codec.store(newValue), changes);
            return true;
        }, changes);
    }

    @Override
    public CompletableFuture<Boolean> replace(K key, long oldVersion, V newValue) {
        List<MapState.Change> changes = new ArrayList<>();
        return run(true, () -> {
            checkValue(newValue);
            K k = storedKey(key);
            MapState.Entry old = state.entries.get(k);
            if (old == null || old.version() != oldVersion) {
                return false;
            }
            write(k, codec.store(newValue), changes);
            return true;
        }, changes);
    }

    @Override
    public CompletableFuture<Void> addListener(MapEventListener<K, V> listener, Executor executor) {
        state.listeners.add(new Listener<>(requireNonNull(listener), requireNonNull(executor), codec, state.name));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> removeListener(MapEventListener<K, V> listener) {
        // only this view's registrations (same codec) of that listener
        state.listeners.removeIf(l -> l.listener() == listener && l.codec() == codec);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<AsyncIterator<Map.Entry<K, Versioned<V>>>> iterator() {
        return entrySet().thenApply(entries -> {
            Iterator<Map.Entry<K, Versioned<V>>> it = new ArrayList<>(entries).iterator();
            return new AsyncIterator<Map.Entry<K, Versioned<V>>>() {
                @Override
                public CompletableFuture<Boolean> hasNext() {
                    return CompletableFuture.completedFuture(it.hasNext());
                }

                @Override
                public CompletableFuture<Map.Entry<K, Versioned<V>>> next() {
                    return CompletableFuture.completedFuture(it.next());
                }
            };
        });
    }

    @Override
    public CompletableFuture<Version> begin(TransactionId transactionId) {
        throw unsupported("begin");
    }

    @Override
    public CompletableFuture<Boolean> prepare(TransactionLog<MapUpdate<K, V>> transactionLog) {
        throw unsupported("prepare");
    }

    @Override
    public CompletableFuture<Boolean> prepareAndCommit(TransactionLog<MapUpdate<K, V>> transactionLog) {
        throw unsupported("prepareAndCommit");
    }

    @Override
    public CompletableFuture<Void> commit(TransactionId transactionId) {
        throw unsupported("commit");
    }

    @Override
    public CompletableFuture<Void> rollback(TransactionId transactionId) {
        throw unsupported("rollback");
    }

    private UnsupportedOperationException unsupported(String method) {
        return new UnsupportedOperationException("AsyncConsistentMap." + method
                + " (transactions) is not supported by the fwlb runtime (map " + state.name + ")");
    }

    @Override
    public String toString() {
        return "InMemoryConsistentMap{" + state.name + "}";
    }
}
