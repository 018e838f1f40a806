package org.fwlb.l7.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.fwlb.l7.Log;
import org.fwlb.l7.config.Addresses;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Directory mode "controller": the controller's central view of which dispatcher reaches which server
 * ([0036] "central configuration file"), refreshed by every report answer; a miss asks
 * {@code GET {controllerUrl}/directory} at once (one call in flight, at most one per second).
 */
public final class ControllerDirectory implements Directory {
    private static final long MIN_REFRESH_NANOS = 1_000_000_000L;
    private final String selfId;
    private final URI directoryUri;
    private final HttpClient client;
    private final int timeoutMs;
    private final ObjectMapper json = new ObjectMapper();

    private volatile View view = new View(Map.of(), Map.of());
    private CompletableFuture<Void> refreshing; // guarded by this
    private long lastRefresh;

    record View(Map<String, List<String>> serverToDispatchers, Map<String, PeerRef> upPeers) { }

    private final URI controllerUrl;

    public ControllerDirectory(String selfId, URI controllerUrl, HttpClient client, int timeoutMs) {
        this.selfId = selfId;
        this.directoryUri = URI.create(org.fwlb.l7.control.ControllerAuth.strip(controllerUrl) + "/directory");
        this.controllerUrl = controllerUrl;
        this.client = client;
        this.timeoutMs = timeoutMs;
    }

    @Override
    public CompletableFuture<PeerRef> locate(String serverId) {
        PeerRef p = find(serverId);
        if (p != null) {
            return CompletableFuture.completedFuture(p);
        }
        return refresh().thenApply(v -> find(serverId));
    }

    private PeerRef find(String serverId) {
        View v = view;
        List<String> ds = v.serverToDispatchers.get(serverId);
        if (ds == null) {
            return null;
        }
        for (String d : ds) {
            PeerRef p = v.upPeers.get(d);
            if (p != null) {
                return p;
            }
        }
        return null;
    }

    private synchronized CompletableFuture<Void> refresh() {
        if (refreshing != null) {
            return refreshing;
        }
        if (System.nanoTime() - lastRefresh < MIN_REFRESH_NANOS && lastRefresh != 0) {
            return CompletableFuture.completedFuture(null);
        }
        lastRefresh = System.nanoTime();
        HttpRequest req = org.fwlb.l7.control.ControllerAuth.apply(HttpRequest.newBuilder(directoryUri), controllerUrl)
                .timeout(Duration.ofMillis(timeoutMs)).GET().build();
        CompletableFuture<Void> f = client.sendAsync(req, HttpResponse.BodyHandlers.ofString())
                .thenAccept(r -> {
                    if (r.statusCode() != 200) {
                        Log.warn("directory_fetch_failed", "status", r.statusCode());
                        return;
                    }
                    try {
                        JsonNode n = json.readTree(r.body());
                        update(n.get("directory"), n.get("dispatchers"));
                    } catch (Exception e) {
                        Log.warn("directory_fetch_bad_answer", "error", e.getMessage());
                    }
                })
                .exceptionally(e -> {
                    Log.warn("directory_fetch_failed", "error", org.fwlb.l7.config.Redact.text(String.valueOf(e.getMessage())));
                    return null;
                });
        refreshing = f;
        f.whenComplete((v, e) -> {
            synchronized (this) {
                refreshing = null;
            }
        });
        return f;
    }

    @Override
    public void update(JsonNode directory, JsonNode dispatchers) {
        View old = view;
        Map<String, List<String>> s2d = old.serverToDispatchers;
        Map<String, PeerRef> peers = old.upPeers;
        if (directory != null && directory.isArray()) {
            s2d = new HashMap<>();
            for (JsonNode e : directory) {
                String server = e.path("server").asText("");
                List<String> ds = new java.util.ArrayList<>();
                e.path("dispatchers").forEach(d -> {
                    if (!selfId.equals(d.asText())) {
                        ds.add(d.asText());
                    }
                });
                if (!server.isEmpty() && !ds.isEmpty()) {
                    s2d.put(server, List.copyOf(ds));
                }
            }
        }
        if (dispatchers != null && dispatchers.isArray()) {
            peers = parsePeers(dispatchers, selfId);
        }
        view = new View(Map.copyOf(s2d), Map.copyOf(peers));
    }

    /** The up peers of a controller "dispatchers" array (bad entries are skipped and logged). */
    static Map<String, PeerRef> parsePeers(JsonNode dispatchers, String selfId) {
        Map<String, PeerRef> peers = new HashMap<>();
        for (JsonNode d : dispatchers) {
            String id = d.path("id").asText("");
            if (id.isEmpty() || id.equals(selfId) || !"up".equals(d.path("health").asText("up"))) {
                continue;
            }
            try {
                peers.put(id, new PeerRef(id, Addresses.hostPort(d.path("relay").asText(""), "dispatchers." + id)));
            } catch (RuntimeException e) {
                Log.warn("directory_bad_peer", "peer", id, "error", e.getMessage());
            }
        }
        return peers;
    }
}
