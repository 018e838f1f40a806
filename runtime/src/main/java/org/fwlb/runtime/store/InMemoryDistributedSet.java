package org.fwlb.runtime.store;

import org.onosproject.store.service.AsyncDistributedSet;
import org.onosproject.store.service.SetEvent;
import org.onosproject.store.service.SetEventListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * One view of a named in-memory distributed set (elements round-tripped through the serializer),
 * with ADD/REMOVE events to every view's listeners.
 *
 * @param <E> element type
 */
final class InMemoryDistributedSet<E> implements AsyncDistributedSet<E> {

    private static final Logger log = LoggerFactory.getLogger(InMemoryDistributedSet.class);

    private final SetState state;
    private final Codec codec;

    /** A listener of some view. */
    record Listener<E>(SetEventListener<E> listener, Codec codec) {
    }

    private record Change(SetEvent.Type type, Object stored) {
    }

    InMemoryDistributedSet(SetState state, Codec codec) {
        this.state = state;
        this.codec = codec;
    }

    @Override
    public String name() {
        return state.name;
    }

    private <T> CompletableFuture<T> run(Supplier<T> op, List<Change> changes) {
        T result;
        try {
            synchronized (state) {
                result = op.get();
            }
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        for (Change c : changes) {
            for (Listener<?> l : state.listeners) {
                deliver(l, c);
            }
        }
        return CompletableFuture.completedFuture(result);
    }

    private <T> void deliver(Listener<T> l, Change c) {
        SetEvent<T> event = new SetEvent<>(state.name, c.type(), l.codec().load(c.stored()));
        try {
            l.listener().event(event);
        } catch (RuntimeException e) {
            log.warn("set {}: listener failed on {}", state.name, event, e);
        }
    }

    private boolean addOne(E e, List<Change> changes) {
        E stored = codec.key(requireNonNull(e, "set " + state.name + ": null elements are not allowed"));
        if (state.elements.add(stored)) {
            changes.add(new Change(SetEvent.Type.ADD, codec.store(e)));
            return true;
        }
        return false;
    }

    private boolean removeOne(Object e, List<Change> changes) {
        if (state.elements.remove(e)) {
            changes.add(new Change(SetEvent.Type.REMOVE, codec.store(e)));
            return true;
        }
        return false;
    }

    @Override
    public CompletableFuture<Void> addListener(SetEventListener<E> listener) {
        state.listeners.add(new Listener<>(requireNonNull(listener), codec));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> removeListener(SetEventListener<E> listener) {
        state.listeners.removeIf(l -> l.listener() == listener && l.codec() == codec);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Boolean> add(E element) {
        List<Change> changes = new ArrayList<>();
        return run(() -> addOne(element, changes), changes);
    }

    @Override
    public CompletableFuture<Boolean> remove(E element) {
        List<Change> changes = new ArrayList<>();
        return run(() -> removeOne(element, changes), changes);
    }

    @Override
    public CompletableFuture<Integer> size() {
        return run(() -> state.elements.size(), List.of());
    }

    @Override
    public CompletableFuture<Boolean> isEmpty() {
        return run(() -> state.elements.isEmpty(), List.of());
    }

    @Override
    public CompletableFuture<Void> clear() {
        List<Change> changes = new ArrayList<>();
        return run(() -> {
            for (Object e : new ArrayList<>(state.elements)) {
                removeOne(e, changes);
            }
            return null;
        }, changes);
    }

    @Override
    public CompletableFuture<Boolean> contains(E element) {
        return run(() -> state.elements.contains(element), List.of());
    }

    @Override
    public CompletableFuture<Boolean> addAll(Collection<? extends E> c) {
        List<Change> changes = new ArrayList<>();
        return run(() -> {
            boolean any = false;
            for (E e : c) {
                any |= addOne(e, changes);
            }
            return any;
        }, changes);
    }

    @Override
    public CompletableFuture<Boolean> containsAll(Collection<? extends E> c) {
        return run(() -> state.elements.containsAll(c), List.of());
    }

    @Override
    public CompletableFuture<Boolean> retainAll(Collection<? extends E> c) {
        List<Change> changes = new ArrayList<>();
        return run(() -> {
            boolean any = false;
            for (Object e : new ArrayList<>(state.elements)) {
                if (!c.contains(e)) {
                    any |= removeOne(e, changes);
                }
            }
            return any;
        }, changes);
    }

    @Override
    public CompletableFuture<Boolean> removeAll(Collection<? extends E> c) {
        List<Change> changes = new ArrayList<>();
        return run(() -> {
            boolean any = false;
            for (Object e : c) {
                any |= removeOne(e, changes);
            }
            return any;
        }, changes);
    }

    @Override
    public CompletableFuture<? extends Set<E>> getAsImmutableSet() {
        return run(() -> {
            Set<E> out = new LinkedHashSet<>();
            state.elements.forEach(e -> out.add(codec.load(codec.store(e))));
            return java.util.Collections.unmodifiableSet(out);
        }, List.of());
    }
}
