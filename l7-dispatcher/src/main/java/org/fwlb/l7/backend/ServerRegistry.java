package org.fwlb.l7.backend;

import org.fwlb.l7.Log;
import org.fwlb.l7.config.AdminState;
import org.fwlb.l7.config.ServerConfig;
import org.fwlb.l7.policy.Policy;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The servers this dispatcher reaches, as an immutable snapshot swapped on every change, so the request
 * path reads it without locks. A server keeps its Backend (counters, pool) across updates unless its
 * address changes; a removed server's pool closes after its in-flight requests.
 */
public final class ServerRegistry {
    private final Function<ServerConfig, ConnectionPool> poolFactory;
    private final String policyName;
    private volatile Snapshot snapshot = new Snapshot(Map.of(), Map.of());
    // one policy (with its rotation state) per service type, kept across snapshots; read on every request
    private final java.util.concurrent.ConcurrentHashMap<String, Policy> policies =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** Servers by id and, per service type, the candidate array the policy scans. */
    public record Snapshot(Map<String, Backend> byId, Map<String, Backend[]> byType) {
        public Backend[] ofType(String type) {
            Backend[] a = byType.get(type);
            return a == null ? NONE : a;
        }
    }

    private static final Backend[] NONE = new Backend[0];

    public ServerRegistry(String policyName, Function<ServerConfig, ConnectionPool> poolFactory) {
        this.policyName = policyName;
        this.poolFactory = poolFactory;
    }

    public Snapshot snapshot() {
        return snapshot;
    }

    public Backend get(String id) {
        return snapshot.byId.get(id);
    }

    public Collection<Backend> all() {
        return snapshot.byId.values();
    }

    public Policy policy(String serviceType) {
        Policy p = policies.get(serviceType);
        return p != null ? p : policies.computeIfAbsent(serviceType, t -> Policy.named(policyName));
    }

    /** Makes {@code servers} the set of servers; returns a short description of what changed. */
    public synchronized String apply(List<ServerConfig> servers) {
        Map<String, Backend> old = snapshot.byId;
        Map<String, Backend> next = new LinkedHashMap<>();
        List<Backend> retire = new ArrayList<>();
        List<String> changes = new ArrayList<>();
        for (ServerConfig c : servers) {
            Backend b = old.get(c.id());
            InetSocketAddress addr = new InetSocketAddress(c.ip(), c.port());
            if (b != null && b.address().equals(addr)) {
                if (!b.config().equals(c)) {
                    changes.add("changed " + c.id());
                    b.config(c);
                }
            } else {
                if (b != null) {
                    retire.add(b);
                }
                b = new Backend(c, poolFactory.apply(c));
                changes.add("added " + c.id());
            }
            next.put(c.id(), b);
        }
        for (Backend b : old.values()) {
            if (!next.containsKey(b.id())) {
                retire.add(b);
                changes.add("removed " + b.id());
            }
        }
        publish(next);
        retire.forEach(b -> b.pool().close());
        if (!changes.isEmpty()) {
            Log.info("servers_applied", "changes", String.join(",", changes));
        }
        return String.join(",", changes);
    }

    /** Local override of weight and/or admin state (control REST); null leaves a field as it is. */
    public synchronized ServerConfig override(String id, Integer weight, AdminState admin) {
        Backend b = snapshot.byId.get(id);
        if (b == null) {
            return null;
        }
        ServerConfig c = b.config();
        ServerConfig n = new ServerConfig(c.id(), c.ip(), c.port(), weight == null ? c.weight() : weight,
                admin == null ? c.adminState() : admin, c.serviceTypes());
        b.config(n);
        if (!Objects.equals(c.serviceTypes(), n.serviceTypes())) {
            publish(new LinkedHashMap<>(snapshot.byId));
        }
        Log.info("server_override", "server", id, "weight", n.weight(), "adminState", n.adminState().json());
        return n;
    }

    private void publish(Map<String, Backend> byId) {
        Map<String, List<Backend>> types = new HashMap<>();
        for (Backend b : byId.values()) {
            for (String t : b.config().serviceTypes()) {
                types.computeIfAbsent(t, k -> new ArrayList<>()).add(b);
            }
        }
        Map<String, Backend[]> byType = new HashMap<>();
        types.forEach((t, l) -> byType.put(t, l.toArray(NONE)));
        snapshot = new Snapshot(Map.copyOf(byId), Map.copyOf(byType));
    }

    public synchronized void closeAll() {
        snapshot.byId.values().forEach(b -> b.pool().close());
    }
}
