package org.fwlb.l7.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.fwlb.l7.Log;
import org.fwlb.l7.backend.ServerRegistry;
import org.fwlb.l7.config.AdminState;
import org.fwlb.l7.config.ConfigException;
import org.fwlb.l7.config.ServerConfig;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.Iterator;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Local control REST on the control port (operators and the controller):
 * GET /stats, GET /table, GET /health, GET /servers/{id}, PUT|POST /servers/{id} {"weight":n,"adminState":"drain"}.
 */
public final class ControlServer {
    private static final int MAX_BODY = 64 * 1024;
    private final HttpServer server;
    private final ObjectMapper json = new ObjectMapper();
    private final ServerRegistry registry;

    public ControlServer(InetSocketAddress bind, ServerRegistry registry, Supplier<JsonNode> stats,
                         Supplier<JsonNode> table, Supplier<JsonNode> health) throws IOException {
        this.registry = registry;
        server = HttpServer.create(bind, 64);
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "l7-control");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/stats", ex -> get(ex, "/stats", stats));
        server.createContext("/table", ex -> get(ex, "/table", table));
        server.createContext("/health", ex -> get(ex, "/health", health));
        server.createContext("/servers/", this::servers);
        server.createContext("/", ex -> send(ex, 404, error("no such resource: " + ex.getRequestURI().getPath())));
    }

    public void start() {
        server.start();
    }

    public void stop() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    private void get(HttpExchange ex, String path, Supplier<JsonNode> view) throws IOException {
        if (!ex.getRequestURI().getPath().equals(path)) {
            send(ex, 404, error("no such resource: " + ex.getRequestURI().getPath()));
        } else if (!ex.getRequestMethod().equals("GET")) {
            send(ex, 405, error("use GET"));
        } else {
            JsonNode n = view.get();
            int status = n.has("status") && !"up".equals(n.get("status").asText()) ? 503 : 200;
            send(ex, status, n);
        }
    }

    private void servers(HttpExchange ex) throws IOException {
        String id = ex.getRequestURI().getPath().substring("/servers/".length());
        var b = registry.get(id);
        if (b == null) {
            send(ex, 404, error("unknown server '" + id + "'"));
            return;
        }
        switch (ex.getRequestMethod()) {
            case "GET" -> send(ex, 200, Views.server(b));
            case "PUT", "POST" -> {
                try {
                    JsonNode body = json.readTree(readBody(ex));
                    if (body == null || !body.isObject()) {
                        throw new ConfigException("body: must be a JSON object");
                    }
                    Integer weight = null;
                    AdminState admin = null;
                    for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
                        String f = it.next();
                        if (!f.equals("weight") && !f.equals("adminState")) {
                            throw new ConfigException(f + ": unknown field (weight, adminState)");
                        }
                    }
                    if (body.has("weight")) {
                        JsonNode w = body.get("weight");
                        if (!w.isIntegralNumber() || w.asInt() < 0 || w.asInt() > 10000) {
                            throw new ConfigException("weight: must be an integer in [0, 10000]");
                        }
                        weight = w.asInt();
                    }
                    if (body.has("adminState")) {
                        admin = AdminState.parse(body.get("adminState").asText(), "adminState");
                    }
                    ServerConfig c = registry.override(id, weight, admin);
                    send(ex, 200, Views.server(registry.get(c.id())));
                } catch (ConfigException e) {
                    send(ex, 400, error(e.getMessage()));
                } catch (IOException e) {
                    send(ex, 400, error("body: not valid JSON"));
                }
            }
            default -> send(ex, 405, error("use GET, PUT or POST"));
        }
    }

    private static byte[] readBody(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            byte[] b = in.readNBytes(MAX_BODY + 1);
            if (b.length > MAX_BODY) {
                throw new ConfigException("body: larger than " + MAX_BODY + " bytes");
            }
            return b;
        }
    }

    private static JsonNode error(String message) {
        return JsonNodeFactory.instance.objectNode().put("error", message);
    }

    private void send(HttpExchange ex, int status, JsonNode body) throws IOException {
        byte[] b = json.writerWithDefaultPrettyPrinter().writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        } catch (IOException e) {
            Log.debug("control_write_failed", "error", e.getMessage());
        }
    }
}
