package org.fwlb.runtime.store;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Shared state of one named distributed set.
 */
final class SetState {
    final String name;
    final Set<Object> elements = new LinkedHashSet<>();
    final List<InMemoryDistributedSet.Listener<?>> listeners = new CopyOnWriteArrayList<>();

    SetState(String name) {
        this.name = name;
    }
}
