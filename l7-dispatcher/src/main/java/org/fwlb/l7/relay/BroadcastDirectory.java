package org.fwlb.l7.relay;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Directory mode "broadcast" ([0036]): asks every peer {@code GET /_fwlb/has/<server>} on its relay port;
 * the first 200 wins. Answers (also "nobody") are cached for {@code cacheMs}, and concurrent lookups of one
 * server share one broadcast.
 */
public final class BroadcastDirectory implements Directory {
    private final String selfId;
    private final List<PeerRef> staticPeers;
    private volatile Map<String, PeerRef> controllerPeers = Map.of();
    private final HttpClient client;
    private final int timeoutMs;
    private final long cacheNanos;
    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, CompletableFuture<PeerRef>> inFlight = new ConcurrentHashMap<>();

    private record Cached(PeerRef peer, long until) { }

    public BroadcastDirectory(String selfId, List<PeerRef> peers, HttpClient client, int timeoutMs, int cacheMs) {
        this.selfId = selfId;
        this.staticPeers = List.copyOf(peers);
        this.client = client;
        this.timeoutMs = timeoutMs;
        this.cacheNanos = cacheMs * 1_000_000L;
    }

    @Override
    public CompletableFuture<PeerRef> locate(String serverId) {
        Cached c = cache.get(serverId);
        if (c != null && System.nanoTime() - c.until < 0) {
            return CompletableFuture.completedFuture(c.peer);
        }
        CompletableFuture<PeerRef> mine = new CompletableFuture<>();
        CompletableFuture<PeerRef> running = inFlight.putIfAbsent(serverId, mine);
        if (running != null) {
            return running;
        }
        broadcast(serverId, mine);
        return mine;
    }

    @Override
    public void invalidate(String serverId) {
        cache.remove(serverId);
    }

    private void broadcast(String serverId, CompletableFuture<PeerRef> result) {
        List<PeerRef> peers = peers();
        result.whenComplete((p, e) -> {
            cache.put(serverId, new Cached(p, System.nanoTime() + cacheNanos));
            inFlight.remove(serverId, result);
        });
        AtomicInteger pending = new AtomicInteger(peers.size());
        if (peers.isEmpty()) {
            result.complete(null);
        }
        for (PeerRef p : peers) {
            URI uri = URI.create("http://" + p.relay().getHostString() + ":" + p.relay().getPort()
                    + "/_fwlb/has/" + serverId);
            HttpRequest req = HttpRequest.newBuilder(uri).timeout(Duration.ofMillis(timeoutMs)).GET().build();
            client.sendAsync(req, HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
                if (e == null && r.statusCode() == 200) {
                    result.complete(p);
                } else if (pending.decrementAndGet() == 0) {
                    result.complete(null);
                }
            });
        }
    }

    private List<PeerRef> peers() {
        List<PeerRef> all = new ArrayList<>(staticPeers);
        for (PeerRef p : controllerPeers.values()) {
            if (all.stream().noneMatch(s -> s.id().equals(p.id()))) {
                all.add(p);
            }
        }
        return all;
    }

    @Override
    public void update(JsonNode directory, JsonNode dispatchers) {
        if (dispatchers != null && dispatchers.isArray()) {
            controllerPeers = ControllerDirectory.parsePeers(dispatchers, selfId);
        }
    }
}
