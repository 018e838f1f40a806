package org.fwlb.l7.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.fwlb.l7.Log;
import org.fwlb.l7.Stats;
import org.fwlb.l7.backend.ServerRegistry;
import org.fwlb.l7.config.DispatcherConfig;
import org.fwlb.l7.config.ServerConfig;
import org.fwlb.l7.relay.Directory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The dispatcher's side of the controller contract: every {@code reportIntervalMs} POST the report to
 * {@code {controllerUrl}/l7/{id}/report} and apply the answer (servers, directory, dispatchers) live.
 * <p>
 * Server fields from the controller are applied when they differ from the controller's previous answer,
 * so a local override (control REST) lasts until the controller changes its own view of that server.
 */
public final class ControllerLink {
    private final DispatcherConfig cfg;
    private final URI reportUri;
    private final HttpClient client;
    private final Stats stats;
    private final ServerRegistry registry;
    private final Directory directory;
    private final ScheduledExecutorService scheduler;
    private final ObjectMapper json = new ObjectMapper();
    private Map<String, ServerConfig> lastAnswer; // scheduler thread only
    private volatile boolean connected;
    private boolean everAnswered; // scheduler thread only
    private volatile long lastAnswerAt;
    private boolean inFlight;

    public ControllerLink(DispatcherConfig cfg, HttpClient client, Stats stats, ServerRegistry registry,
                          Directory directory, ScheduledExecutorService scheduler) {
        this.cfg = cfg;
        this.reportUri = URI.create(ControllerAuth.strip(cfg.directory().controllerUrl()) + "/l7/" + cfg.id()
                + "/report");
        this.client = client;
        this.stats = stats;
        this.registry = registry;
        this.directory = directory;
        this.scheduler = scheduler;
    }

    public void start() {
        int ms = cfg.directory().reportIntervalMs();
        scheduler.scheduleWithFixedDelay(this::report, 0, ms, TimeUnit.MILLISECONDS);
    }

    public boolean connected() {
        return connected;
    }

    public long lastAnswerAt() {
        return lastAnswerAt;
    }

    private void report() {
        if (inFlight) {
            return; // a slow controller gets one report at a time
        }
        inFlight = true;
        // the relay port lets peers reach this dispatcher through the controller's directory
        String body = Views.report(stats, registry).put("relayPort", cfg.relay().getPort()).toString();
        HttpRequest req = ControllerAuth.apply(HttpRequest.newBuilder(reportUri), cfg.directory().controllerUrl())
                .timeout(Duration.ofMillis(Math.max(1000, 2L * cfg.directory().reportIntervalMs())))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        client.sendAsync(req, HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> {
            if (!scheduler.isShutdown()) {
                scheduler.execute(() -> answered(r, e));
            }
        });
    }

    private void answered(HttpResponse<String> r, Throwable e) {
        inFlight = false;
        if (e != null) {
            stats.controllerFailures.increment();
            linkState(false, "error", org.fwlb.l7.config.Redact.text(String.valueOf(e)));
        } else if (r.statusCode() != 200) {
            stats.controllerFailures.increment();
            String body = r.body();
            linkState(false, "status", r.statusCode() + " "
                    + org.fwlb.l7.config.Redact.text(body.length() > 200 ? body.substring(0, 200) : body));
        } else {
            try {
                apply(json.readTree(r.body()));
                linkState(true, "status", 200);
            } catch (Exception ex) {
                stats.controllerFailures.increment();
                linkState(false, "bad_answer", ex.getMessage());
            }
        }
    }

    private void linkState(boolean ok, String k, Object v) {
        if (ok != connected || !everAnswered) {
            everAnswered = true; // also log a controller that is unreachable from the start
            if (ok) {
                Log.info("controller_connected", "url", reportUri);
            } else {
                Log.warn("controller_unreachable", "url", reportUri, k, v);
            }
        }
        connected = ok;
    }

    /** Applies one answer; visible for tests. Throws on an invalid answer, changing nothing. */
    void apply(JsonNode answer) {
        JsonNode servers = answer.get("servers");
        if (servers != null && !servers.isNull()) {
            List<ServerConfig> wanted = DispatcherConfig.parseServers(servers, "answer", cfg.defaultServiceType());
            Map<String, ServerConfig> byId = new HashMap<>();
            wanted.forEach(s -> byId.put(s.id(), s));
            if (!byId.equals(lastAnswer)) {
                List<ServerConfig> next = new ArrayList<>();
                for (ServerConfig s : wanted) {
                    ServerConfig prev = lastAnswer == null ? null : lastAnswer.get(s.id());
                    var current = registry.get(s.id());
                    // unchanged in the controller's view: keep what is live (it may carry a local override)
                    next.add(prev != null && prev.equals(s) && current != null ? current.config() : s);
                }
                registry.apply(next);
                lastAnswer = byId;
            }
        }
        directory.update(answer.get("directory"), answer.get("dispatchers"));
        lastAnswerAt = System.currentTimeMillis();
    }
}
