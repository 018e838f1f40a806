package org.fwlb.runtime.store;

import org.onosproject.store.service.AsyncAtomicCounter;
import org.onosproject.store.service.AsyncAtomicIdGenerator;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A named in-memory atomic counter; also serves as an id generator (ids start at 1).
 */
final class InMemoryAtomicCounter implements AsyncAtomicCounter, AsyncAtomicIdGenerator {

    private final String name;
    private final AtomicLong value;
    private final Type type;

    InMemoryAtomicCounter(String name, AtomicLong value, Type type) {
        this.name = name;
        this.value = value;
        this.type = type;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Type primitiveType() {
        return type;
    }

    @Override
    public CompletableFuture<Long> incrementAndGet() {
        return CompletableFuture.completedFuture(value.incrementAndGet());
    }

    @Override
    public CompletableFuture<Long> getAndIncrement() {
        return CompletableFuture.completedFuture(value.getAndIncrement());
    }

    @Override
    public CompletableFuture<Long> getAndAdd(long delta) {
        return CompletableFuture.completedFuture(value.getAndAdd(delta));
    }

    @Override
    public CompletableFuture<Long> addAndGet(long delta) {
        return CompletableFuture.completedFuture(value.addAndGet(delta));
    }

    @Override
    public CompletableFuture<Long> get() {
        return CompletableFuture.completedFuture(value.get());
    }

    @Override
    public CompletableFuture<Void> set(long newValue) {
        value.set(newValue);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Boolean> compareAndSet(long expectedValue, long updateValue) {
        return CompletableFuture.completedFuture(value.compareAndSet(expectedValue, updateValue));
    }

    @Override
    public CompletableFuture<Long> nextId() {
        return incrementAndGet();
    }
}
