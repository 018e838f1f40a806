package org.fwlb.l7.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The dispatcher's configuration file (l7-dispatcher/README.md "Configuration"). Parsing is strict: an
 * unknown field or a bad value throws {@link ConfigException} naming the field path.
 */
public record DispatcherConfig(String id, InetSocketAddress listen, InetSocketAddress relay,
                               InetSocketAddress control, Cookie cookie, String policy,
                               List<ServerConfig> servers, List<Route> routes, String defaultServiceType,
                               Pool pool, Timeouts timeouts, Limits limits, Health health, Directory directory,
                               int workers, boolean debugHeaders, int shutdownGraceMs) {

    public static final Set<String> POLICIES = Set.of("round-robin", "weighted-round-robin", "least-connections");

    public record Cookie(String name, String key, long maxAgeS) {
        @Override
        public String toString() { // never print the key
            return "Cookie[name=" + name + ", maxAgeS=" + maxAgeS + "]";
        }
    }

    public record Route(String pathPrefix, String host, String serviceType) { }

    public record Pool(int maxPerServer, int idleMs, int maxQueue) { }

    public record Timeouts(int clientHeaderMs, int clientIdleMs, int connectMs, int responseMs, int queueMs) { }

    public record Limits(int maxHeaderBytes, int maxRequestLineBytes, long maxBodyBytes, int maxPipelined) { }

    public record Health(int intervalMs, int downAfter, int upAfter, String kind, String path, int timeoutMs) { }

    public record Peer(String id, InetSocketAddress relay) { }

    public record Directory(String mode, URI controllerUrl, int reportIntervalMs, List<Peer> peers, int cacheMs) {
        public boolean broadcast() {
            return "broadcast".equals(mode);
        }
    }

    public static DispatcherConfig load(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8));
    }

    public static DispatcherConfig parse(String json) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json);
            if (root == null) {
                throw new ConfigException("config: empty");
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ConfigException("config: not valid JSON: " + e.getOriginalMessage());
        }
        return parse(new JsonFields(root, ""));
    }

    private static DispatcherConfig parse(JsonFields f) {
        String id = f.str("id", null);
        if (!ServerConfig.ID.matcher(id).matches()) {
            throw new ConfigException("id: '" + id + "' must match " + ServerConfig.ID.pattern());
        }
        InetSocketAddress listen = endpoint(f.obj("listen"), 80);
        InetSocketAddress relay = endpoint(f.obj("relay"), 8081);
        InetSocketAddress control = endpoint(f.obj("control"), 8082);

        JsonFields c = f.obj("cookie");
        String cookieName = c.str("name", "FWLBSRV");
        if (!cookieName.matches("[A-Za-z0-9_-]{1,32}")) {
            throw new ConfigException("cookie.name: '" + cookieName + "' is not a cookie token");
        }
        String key = c.str("key", null);
        if (key.length() < 16) {
            throw new ConfigException("cookie.key: must be at least 16 characters");
        }
        Cookie cookie = new Cookie(cookieName, key, c.num("maxAgeS", 0, 0, 10L * 365 * 86400));
        c.done();

        String policy = f.str("policy", "round-robin");
        if (!POLICIES.contains(policy)) {
            throw new ConfigException("policy: '" + policy + "' must be one of " + POLICIES);
        }
        String defaultType = f.str("defaultServiceType", "http");
        List<ServerConfig> servers = parseServers(f.objects("servers"), defaultType);
        List<Route> routes = f.objects("routes").stream().map(DispatcherConfig::route).toList();

        JsonFields p = f.obj("pool");
        Pool pool = new Pool(p.integer("maxPerServer", 8, 1, 10000), p.integer("idleMs", 30000, 100, 3600_000),
                p.integer("maxQueue", 1024, 0, 1_000_000));
        p.done();

        JsonFields t = f.obj("timeouts");
        Timeouts timeouts = new Timeouts(t.integer("clientHeaderMs", 10000, 10, 3600_000),
                t.integer("clientIdleMs", 60000, 10, 3600_000), t.integer("connectMs", 1000, 10, 600_000),
                t.integer("responseMs", 10000, 10, 3600_000), t.integer("queueMs", 2000, 1, 600_000));
        t.done();

        JsonFields l = f.obj("limits");
        Limits limits = new Limits(l.integer("maxHeaderBytes", 16384, 512, 1 << 20),
                l.integer("maxRequestLineBytes", 8192, 64, 1 << 20),
                l.num("maxBodyBytes", 10L << 20, 0, 1L << 31), l.integer("maxPipelined", 16, 1, 1024));
        l.done();

        JsonFields h = f.obj("health");
        String kind = h.str("kind", "tcp");
        if (!kind.equals("tcp") && !kind.equals("http")) {
            throw new ConfigException("health.kind: '" + kind + "' must be tcp or http");
        }
        String hpath = h.str("path", "/");
        if (!hpath.startsWith("/")) {
            throw new ConfigException("health.path: must start with /");
        }
        Health health = new Health(h.integer("intervalMs", 500, 50, 600_000), h.integer("downAfter", 3, 1, 100),
                h.integer("upAfter", 2, 1, 100), kind, hpath, h.integer("timeoutMs", 1000, 10, 600_000));
        h.done();

        Directory directory = directory(f.obj("directory"), id);
        int workers = f.integer("workers", 0, 0, 256);
        boolean debugHeaders = f.bool("debugHeaders", false);
        int grace = f.integer("shutdownGraceMs", 5000, 0, 600_000);
        f.done();
        return new DispatcherConfig(id, listen, relay, control, cookie, policy, servers, routes, defaultType, pool,
                timeouts, limits, health, directory, workers, debugHeaders, grace);
    }

    /** Also used for the controller's report answer, which carries the same server objects. */
    public static List<ServerConfig> parseServers(List<JsonFields> list, String defaultServiceType) {
        List<ServerConfig> servers = list.stream().map(s -> ServerConfig.parse(s, defaultServiceType)).toList();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < servers.size(); i++) {
            if (!ids.add(servers.get(i).id())) {
                throw new ConfigException("servers[" + i + "].id: duplicate '" + servers.get(i).id() + "'");
            }
        }
        return servers;
    }

    public static List<ServerConfig> parseServers(JsonNode array, String path, String defaultServiceType) {
        JsonFields holder = new JsonFields(
                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().set("servers", array), path);
        return parseServers(holder.objects("servers"), defaultServiceType);
    }

    private static Route route(JsonFields r) {
        String prefix = r.optStr("pathPrefix");
        String host = r.optStr("host");
        String type = r.str("serviceType", null);
        if ((prefix == null) == (host == null)) {
            throw new ConfigException(r.path("pathPrefix") + ": a route has exactly one of pathPrefix or host");
        }
        if (prefix != null && !prefix.startsWith("/")) {
            throw new ConfigException(r.path("pathPrefix") + ": must start with /");
        }
        r.done();
        return new Route(prefix, host == null ? null : host.toLowerCase(), type);
    }

    private static InetSocketAddress endpoint(JsonFields e, int defaultPort) {
        String ip = e.str("ip", "0.0.0.0");
        Addresses.checkHost(ip, e.path("ip"));
        int port = e.integer("port", defaultPort, 0, 65535);
        e.done();
        return new InetSocketAddress(ip, port);
    }

    private static Directory directory(JsonFields d, String selfId) {
        String mode = d.str("mode", "controller");
        if (!mode.equals("controller") && !mode.equals("broadcast")) {
            throw new ConfigException("directory.mode: '" + mode + "' must be controller or broadcast");
        }
        String url = d.optStr("controllerUrl");
        URI uri = null;
        if (url != null) {
            try {
                uri = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("directory.controllerUrl: is not a URL"); // it may hold a password
            }
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new ConfigException("directory.controllerUrl: '" + uri.getScheme() + "://"
                        + uri.getHost() + "...' must be an http:// or https:// URL");
            }
        }
        int interval = d.integer("reportIntervalMs", 500, 50, 600_000);
        List<Peer> peers = d.objects("peers").stream().map(p -> {
            String pid = p.str("id", null);
            if (!ServerConfig.ID.matcher(pid).matches() || pid.equals(selfId)) {
                throw new ConfigException(p.path("id") + ": '" + pid + "' is not a valid peer id");
            }
            InetSocketAddress a = Addresses.hostPort(p.str("relay", null), p.path("relay"));
            p.done();
            return new Peer(pid, a);
        }).toList();
        int cacheMs = d.integer("cacheMs", 3000, 0, 600_000);
        d.done();
        return new Directory(mode, uri, interval, peers, cacheMs);
    }
}
