package org.fwlb.l7.relay;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/**
 * Directory mode "broadcast" ([0036]): asks every peer {@code GET /_fwlb/has/<server>} on its relay port;
 * the first 200 wins. Answers (also "nobody") are cached for {@code cacheMs}, and concurrent lookups of one
 * server share one broadcast.
 * <p>
 * An answer is cached before any caller sees it, and only if no {@link #invalidate} came since its broadcast
 * started: otherwise a refusal handled in between would be overwritten by the older answer, and the next
 * request would be relayed to the refusing peer again (issue 11).
 */
public final class BroadcastDirectory implements Directory {
    private final String selfId;
    private final List<PeerRef> staticPeers;
    private volatile Map<String, PeerRef> controllerPeers = Map.of();
    private final BiFunction<PeerRef, String, CompletableFuture<Boolean>> ask;
    private final long cacheNanos;
    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<PeerRef>> inFlight = new HashMap<>(); // guarded by this

    private record Cached(PeerRef peer, long until) { }

    public BroadcastDirectory(String selfId, List<PeerRef> peers, HttpClient client, int timeoutMs, int cacheMs,
                              RelaySigner signer) {
        this(selfId, peers, (p, sid) -> has(client, timeoutMs, signer, selfId, p, sid), cacheMs);
    }

    /** {@code ask}: does this peer reach this server and is it up? Never fails (false on any error). */
    public BroadcastDirectory(String selfId, List<PeerRef> peers,
                              BiFunction<PeerRef, String, CompletableFuture<Boolean>> ask, int cacheMs) {
        this.selfId = selfId;
        this.staticPeers = List.copyOf(peers);
        this.ask = ask;
        this.cacheNanos = cacheMs * 1_000_000L;
    }

    private static CompletableFuture<Boolean> has(HttpClient client, int timeoutMs, RelaySigner signer, String selfId,
                                                  PeerRef p, String serverId) {
        String path = "/_fwlb/has/" + serverId;
        URI uri = URI.create("http://" + p.relay().getHostString() + ":" + p.relay().getPort() + path);
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofMillis(timeoutMs)).GET()
                .header(RelaySigner.RELAY, selfId);
        signer.sign("GET", path, selfId, null, null, null).forEach(b::header); // peers answer only their peers
        return client.sendAsync(b.build(), HttpResponse.BodyHandlers.discarding())
                .handle((r, e) -> e == null && r.statusCode() == 200);
    }

    @Override
    public CompletableFuture<PeerRef> locate(String serverId) {
        Cached c = cache.get(serverId);
        if (c != null && System.nanoTime() - c.until < 0) {
            return CompletableFuture.completedFuture(c.peer);
        }
        CompletableFuture<PeerRef> mine;
        synchronized (this) {
            CompletableFuture<PeerRef> running = inFlight.get(serverId);
            if (running != null) {
                return running;
            }
            mine = new CompletableFuture<>();
            inFlight.put(serverId, mine);
        }
        broadcast(serverId, mine);
        return mine;
    }

    @Override
    public void invalidate(String serverId) {
        synchronized (this) {
            cache.remove(serverId);
            inFlight.remove(serverId); // its answer may predate the refusal: deliver it, never cache it
        }
    }

    private void answered(String serverId, CompletableFuture<PeerRef> result, PeerRef p) {
        synchronized (this) {
            if (inFlight.remove(serverId, result)) {
                cache.put(serverId, new Cached(p, System.nanoTime() + cacheNanos));
            }
        }
        result.complete(p); // after the cache: a caller's invalidate() always comes later
    }

    private void broadcast(String serverId, CompletableFuture<PeerRef> result) {
        List<PeerRef> peers = peers();
        if (peers.isEmpty()) {
            answered(serverId, result, null);
            return;
        }
        AtomicInteger pending = new AtomicInteger(peers.size());
        for (PeerRef p : peers) {
            ask.apply(p, serverId).whenComplete((yes, e) -> {
                if (e == null && Boolean.TRUE.equals(yes)) {
                    if (!result.isDone()) {
                        answered(serverId, result, p);
                    }
                } else if (pending.decrementAndGet() == 0 && !result.isDone()) {
                    answered(serverId, result, null);
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
