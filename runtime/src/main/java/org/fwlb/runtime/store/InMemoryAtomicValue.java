package org.fwlb.runtime.store;

import org.onosproject.store.service.AsyncAtomicValue;
import org.onosproject.store.service.AtomicValueEvent;
import org.onosproject.store.service.AtomicValueEventListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;

import static java.util.Objects.requireNonNull;

/**
 * One view of a named in-memory atomic value (round-tripped through the serializer), with UPDATE
 * events to every view's listeners.
 *
 * @param <V> value type
 */
final class InMemoryAtomicValue<V> implements AsyncAtomicValue<V> {

    private static final Logger log = LoggerFactory.getLogger(InMemoryAtomicValue.class);

    private final ValueState state;
    private final Codec codec;

    /** A listener of some view. */
    record Listener<V>(AtomicValueEventListener<V> listener, Codec codec) {
    }

    InMemoryAtomicValue(ValueState state, Codec codec) {
        this.state = state;
        this.codec = codec;
    }

    @Override
    public String name() {
        return state.name;
    }

    private void announce(Object newStored, Object oldStored) {
        if (Codec.sameStored(newStored, oldStored)) {
            return;
        }
        for (Listener<?> l : state.listeners) {
            deliver(l, newStored, oldStored);
        }
    }

    private <T> void deliver(Listener<T> l, Object newStored, Object oldStored) {
        AtomicValueEvent<T> event = new AtomicValueEvent<>(state.name, l.codec().load(newStored),
                                                           l.codec().load(oldStored));
        try {
            l.listener().event(event);
        } catch (RuntimeException e) {
            log.warn("value {}: listener failed on {}", state.name, event, e);
        }
    }

    @Override
    public CompletableFuture<Boolean> compareAndSet(V expect, V update) {
        try {
            Object neu = codec.store(update);
            Object old;
            synchronized (state) {
                old = state.stored;
                if (!Objects.equals(codec.load(old), expect)) {
                    return CompletableFuture.completedFuture(false);
                }
                state.stored = neu;
            }
            announce(neu, old);
            return CompletableFuture.completedFuture(true);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<V> get() {
        synchronized (state) {
            return CompletableFuture.completedFuture(codec.load(state.stored));
        }
    }

    @Override
    public CompletableFuture<V> getAndSet(V value) {
        try {
            Object neu = codec.store(value);
            Object old;
            synchronized (state) {
                old = state.stored;
                state.stored = neu;
            }
            announce(neu, old);
            return CompletableFuture.completedFuture(codec.load(old));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<Void> set(V value) {
        return getAndSet(value).thenApply(v -> null);
    }

    @Override
    public CompletableFuture<Void> addListener(AtomicValueEventListener<V> listener) {
        state.listeners.add(new Listener<>(requireNonNull(listener), codec));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> removeListener(AtomicValueEventListener<V> listener) {
        state.listeners.removeIf(l -> l.listener() == listener && l.codec() == codec);
        return CompletableFuture.completedFuture(null);
    }
}
