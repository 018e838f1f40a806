package org.fwlb.runtime.store;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Shared state of one named atomic value.
 */
final class ValueState {
    final String name;
    Object stored;
    final List<InMemoryAtomicValue.Listener<?>> listeners = new CopyOnWriteArrayList<>();

    ValueState(String name) {
        this.name = name;
    }
}
