package org.fwlb.l7.control;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.fwlb.l7.Stats;
import org.fwlb.l7.backend.Backend;
import org.fwlb.l7.backend.ConnectionPool;
import org.fwlb.l7.backend.ServerRegistry;
import org.fwlb.l7.config.ServerConfig;
import org.fwlb.l7.relay.MatchingTable;
import org.fwlb.l7.relay.PeerPools;

import java.util.Comparator;
import java.util.List;

/** JSON views of the dispatcher's state: GET /stats, GET /table and the controller report. */
public final class Views {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private Views() {
    }

    static List<Backend> sorted(ServerRegistry registry) {
        return registry.all().stream().sorted(Comparator.comparing(Backend::id)).toList();
    }

    public static ObjectNode server(Backend b) {
        ObjectNode n = serverConfig(b.config());
        ConnectionPool p = b.pool();
        n.put("health", b.healthy() ? "up" : "down")
                .put("requests", b.requests()).put("active", b.active()).put("failures", b.failures())
                .put("open", p.open()).put("pooled", p.idle()).put("queued", p.queued())
                .put("openedTotal", p.openedTotal());
        return n;
    }

    public static ObjectNode serverConfig(ServerConfig c) {
        ObjectNode n = F.objectNode().put("id", c.id()).put("ip", c.ip()).put("port", c.port())
                .put("weight", c.weight()).put("adminState", c.adminState().json());
        ArrayNode types = n.putArray("serviceTypes");
        c.serviceTypes().forEach(types::add);
        return n;
    }

    static void counters(ObjectNode n, Stats s) {
        n.put("requests", s.requests.sum()).put("relayedOut", s.relayedOut.sum())
                .put("relayedIn", s.relayedIn.sum()).put("badRequests", s.badRequests.sum())
                .put("uptimeMs", s.uptimeMs());
    }

    public static ObjectNode stats(String id, String policy, Stats s, ServerRegistry registry, PeerPools peers,
                                   MatchingTable table) {
        ObjectNode n = F.objectNode().put("id", id).put("policy", policy);
        counters(n, s);
        n.put("responses", s.responses.sum()).put("relayRefused", s.relayRefused.sum())
                .put("relayForbidden", s.relayForbidden.sum())
                .put("cookieInserted", s.cookieInserted.sum()).put("cookieInvalid", s.cookieInvalid.sum())
                .put("cookieRefreshed", s.cookieRefreshed.sum())
                .put("retries", s.retries.sum()).put("status502", s.status502.sum())
                .put("status503", s.status503.sum()).put("status504", s.status504.sum())
                .put("clientTimeouts", s.clientTimeouts.sum())
                .put("clientConnections", s.clientConnections.get())
                .put("clientConnectionsTotal", s.clientConnectionsTotal.sum())
                .put("clientConnectionsRefused", s.clientConnectionsRefused.sum())
                .put("matchingTableTotal", table.total());
        n.set("memory", memory());
        ArrayNode servers = n.putArray("servers");
        sorted(registry).forEach(b -> servers.add(server(b)));
        ArrayNode relays = n.putArray("peerConnections");
        for (ConnectionPool p : peers.all()) {
            relays.add(F.objectNode().put("relay", p.address().getHostString() + ":" + p.address().getPort())
                    .put("open", p.open()).put("pooled", p.idle()).put("openedTotal", p.openedTotal()));
        }
        return n;
    }

    /** Buffer memory in use: Netty's pooled arenas and the JVM's direct buffers, and the heap. */
    public static ObjectNode memory() {
        var m = io.netty.buffer.PooledByteBufAllocator.DEFAULT.metric();
        long jvmDirect = -1;
        for (var pool : java.lang.management.ManagementFactory.getPlatformMXBeans(
                java.lang.management.BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                jvmDirect = pool.getMemoryUsed();
            }
        }
        Runtime rt = Runtime.getRuntime();
        return F.objectNode().put("pooledDirectBytes", m.usedDirectMemory()).put("pooledHeapBytes", m.usedHeapMemory())
                .put("jvmDirectBytes", jvmDirect).put("heapUsedBytes", rt.totalMemory() - rt.freeMemory());
    }

    /** The periodic report body of the controller contract. */
    public static ObjectNode report(Stats s, ServerRegistry registry) {
        ObjectNode n = F.objectNode();
        ObjectNode servers = n.putObject("servers");
        for (Backend b : sorted(registry)) {
            servers.putObject(b.id()).put("health", b.healthy() ? "up" : "down").put("requests", b.requests())
                    .put("open", b.pool().open()).put("pooled", b.pool().idle()).put("active", b.active());
        }
        counters(n, s);
        return n;
    }

    public static ObjectNode table(MatchingTable t) {
        ObjectNode n = F.objectNode().put("total", t.total());
        ObjectNode counts = n.putObject("counts");
        t.counts().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                .forEach(e -> counts.put(e.getKey(), e.getValue()));
        ArrayNode entries = n.putArray("entries");
        for (MatchingTable.Entry e : t.recent()) {
            entries.add(F.objectNode().put("ts", e.ts()).put("client", e.client()).put("via", e.via())
                    .put("viaAddress", e.viaAddress()).put("server", e.server()).put("serverConn", e.serverConn()));
        }
        return n;
    }
}
