package org.fwlb.connection.impl;

import com.google.common.collect.ImmutableMap;
import org.fwlb.model.ConnectionKey;
import org.fwlb.model.ConnectionPath;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Live connection counts per member, derived from what the map says exists. Tracks which key was
 * counted with which path, so replayed or duplicated events (initial scan racing the listener) are
 * idempotent and a path change moves counts exactly.
 */
final class MemberCounts {
    private final Map<ConnectionKey, ConnectionPath> counted = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> perMember = new ConcurrentHashMap<>();
    private final AtomicInteger total = new AtomicInteger();

    /**
     * Records that a key exists with a path (insert or update).
     */
    void present(ConnectionKey key, ConnectionPath path) {
        counted.compute(key, (k, old) -> {
            if (old == null) {
                total.incrementAndGet();
                add(path, 1);
            } else if (!old.equals(path)) {
                add(old, -1);
                add(path, 1);
            }
            return path;
        });
    }

    /**
     * Records that a key no longer exists.
     */
    void absent(ConnectionKey key) {
        counted.computeIfPresent(key, (k, old) -> {
            total.decrementAndGet();
            add(old, -1);
            return null;
        });
    }

    private void add(ConnectionPath path, int delta) {
        path.firewallId().ifPresent(id -> bump(id, delta));
        for (String d : path.dispatcherIds()) {
            bump(d, delta);
        }
        path.serverId().ifPresent(id -> bump(id, delta));
    }

    private void bump(String id, int delta) {
        perMember.computeIfAbsent(id, k -> new AtomicInteger()).addAndGet(delta);
    }

    int count(String memberId) {
        AtomicInteger c = perMember.get(memberId);
        return c == null ? 0 : c.get();
    }

    Map<String, Integer> snapshot() {
        ImmutableMap.Builder<String, Integer> b = ImmutableMap.builder();
        perMember.forEach((k, v) -> {
            int n = v.get();
            if (n != 0) {
                b.put(k, n);
            }
        });
        return b.build();
    }

    int total() {
        return total.get();
    }

    void clear() {
        counted.clear();
        perMember.clear();
        total.set(0);
    }
}
