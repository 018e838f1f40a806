package org.fwlb.l7;

import com.fasterxml.jackson.databind.JsonNode;
import org.fwlb.l7.bench.BenchBackend;
import org.fwlb.l7.backend.Backend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Control REST, health-check hysteresis, graceful shutdown, and the process entry point. */
class ControlAndLifecycleTest {
    private final Fixture fx = new Fixture();

    @AfterEach
    void stop() {
        fx.close();
    }

    private static HttpResponse<String> call(Dispatcher d, String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + d.controlAddress().getPort() + path));
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        b.header("Authorization", Fixture.ADMIN_AUTH);
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void controlRestShowsStatsAndChangesServers() throws Exception {
        BenchBackend s1 = fx.backend("s1");
        BenchBackend s2 = fx.backend("s2");
        Dispatcher d = fx.dispatcher(Fixture.config("d1", List.of(Fixture.server(s1), Fixture.server(s2)),
                "\"health\":{\"intervalMs\":600000}"));
        try (RawHttp c = new RawHttp(d.listenAddress())) {
            c.exchange(RawHttp.get("/"));
            c.exchange(RawHttp.get("/"));
        }
        JsonNode stats = RelayTest.control(d, "/stats");
        assertEquals(2, stats.get("requests").asInt());
        assertEquals("d1", stats.get("id").asText());
        JsonNode srv = stats.get("servers").get(0);
        assertEquals("s1", srv.get("id").asText());
        assertEquals(1, srv.get("requests").asInt());
        assertEquals(1, srv.get("openedTotal").asInt());
        assertEquals(1, srv.get("open").asInt());
        assertEquals("up", RelayTest.control(d, "/health").get("status").asText());

        assertEquals(200, call(d, "PUT", "/servers/s2", "{\"adminState\":\"down\"}").statusCode());
        try (RawHttp c = new RawHttp(d.listenAddress())) {
            for (int i = 0; i < 4; i++) {
                assertEquals("s1", c.exchange(RawHttp.get("/")).header("x-server"));
            }
        }
        assertEquals(200, call(d, "POST", "/servers/s2", "{\"adminState\":\"up\",\"weight\":5}").statusCode());
        assertEquals(5, d.registry().get("s2").weight());
        assertEquals(404, call(d, "PUT", "/servers/nope", "{\"weight\":1}").statusCode());
        HttpResponse<String> bad = call(d, "PUT", "/servers/s1", "{\"weight\":-1}");
        assertEquals(400, bad.statusCode());
        assertTrue(bad.body().contains("weight"), bad.body());
        assertEquals(400, call(d, "PUT", "/servers/s1", "{\"colour\":1}").statusCode());
        assertEquals(400, call(d, "PUT", "/servers/s1", "not json").statusCode());
        assertEquals(1, d.registry().get("s1").weight(), "a refused change changes nothing");
        assertEquals(405, call(d, "DELETE", "/stats", null).statusCode());
        assertEquals(404, call(d, "GET", "/nope", null).statusCode());
    }

    @Test
    void healthChecksUseHysteresis() throws Exception {
        BenchBackend s1 = fx.backend("s1");
        int port = s1.address().getPort();
        Dispatcher d = fx.dispatcher(Fixture.config("d1", List.of(Fixture.server(s1)),
                "\"health\":{\"intervalMs\":100,\"downAfter\":3,\"upAfter\":2,\"kind\":\"http\",\"path\":\"/\"}"));
        Backend b = d.registry().get("s1");
        Fixture.eventually(3000, () -> s1.requests.sum() >= 3); // three probes answered
        assertTrue(b.healthy());
        s1.stop();
        long t0 = System.nanoTime();
        Fixture.eventually(3000, () -> !b.healthy());
        long downMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(downMs >= 150, "down only after 3 failed probes, was " + downMs);
        fx.backends.add(BenchBackend.start("s1", "127.0.0.1", port, 1));
        Fixture.eventually(3000, b::healthy);
        assertNull(b.probed(true, 3, 2), "no change when up");
        assertNull(b.probed(false, 3, 2));
        assertNull(b.probed(false, 3, 2));
        assertEquals(Boolean.FALSE, b.probed(false, 3, 2));
    }

    @Test
    void httpHealthChecksReuseOneConnection() throws Exception {
        BenchBackend s1 = fx.backend("s1");
        fx.dispatcher(Fixture.config("d1", List.of(Fixture.server(s1)),
                "\"health\":{\"intervalMs\":50,\"kind\":\"http\",\"path\":\"/\"}"));
        Fixture.eventually(3000, () -> s1.requests.sum() >= 10);
        // so servers counting their TCP connections (issue 6 proof 4) see the pool, not the probes
        assertEquals(1, s1.connectionsAccepted.get());
    }

    @Test
    void gracefulShutdownFinishesInFlightRequestsAndRefusesNewOnes() throws Exception {
        BenchBackend s1 = fx.backend("s1");
        Dispatcher d = fx.dispatcher(Fixture.config("d1", List.of(Fixture.server(s1)), "\"health\":{\"intervalMs\":600000}"));
        InetSocketAddress addr = d.listenAddress();
        RawHttp idle = new RawHttp(addr);
        assertEquals(200, idle.exchange(RawHttp.get("/")).status());
        RawHttp busy = new RawHttp(addr);
        busy.send(RawHttp.get("/slow/700"));
        Fixture.eventually(3000, () -> s1.requests.sum() == 2); // in flight at the server
        CompletableFuture<Void> down = CompletableFuture.runAsync(() -> d.shutdown(5000));
        assertTrue(idle.closedByPeer(), "idle keep-alive connection closed at once");
        RawHttp.Response r = busy.read();
        assertEquals(200, r.status());
        assertEquals("close", r.header("connection"));
        down.get(6, TimeUnit.SECONDS);
        assertThrows(ConnectException.class, () -> new RawHttp(addr));
        idle.close();
        busy.close();
    }

    @Test
    void processStartsFromAConfigFileAndStopsOnSigterm(@TempDir Path tmp) throws Exception {
        BenchBackend s1 = fx.backend("s1");
        Path bad = tmp.resolve("bad.json");
        Files.writeString(bad, "{\"id\":\"d1\",\"cookie\":{\"key\":\"short\"}}");
        Process p = launcher(bad, tmp.resolve("bad.log"));
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue());
        String err = Files.readString(tmp.resolve("bad.log"));
        assertTrue(err.contains("cookie.key"), err);

        Path good = tmp.resolve("good.json");
        Files.writeString(good, Fixture.config("d1", List.of(Fixture.server(s1)), "")
                .replace("\"listen\":{\"ip\":\"127.0.0.1\",\"port\":0}", "\"listen\":{\"ip\":\"127.0.0.1\",\"port\":" + freePort() + "}"));
        Files.setPosixFilePermissions(good, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        Path logFile = tmp.resolve("l7.log");
        Process proc = launcher(good, logFile);
        Fixture.eventually(20000, () -> Files.exists(logFile) && Files.readString(logFile).contains("event=started"));
        String listen = Files.readAllLines(logFile).stream().filter(l -> l.contains("event=started")).findFirst()
                .orElseThrow().replaceAll(".* listen=/?([0-9.:]+).*", "$1");
        String[] hp = listen.split(":");
        try (RawHttp c = new RawHttp(new InetSocketAddress(hp[0], Integer.parseInt(hp[1])))) {
            assertEquals(200, c.exchange(RawHttp.get("/")).status());
        }
        proc.destroy(); // SIGTERM
        assertTrue(proc.waitFor(20, TimeUnit.SECONDS));
        String log = Files.readString(logFile);
        assertTrue(log.contains("event=shutdown_started") && log.contains("event=shutdown_done"), log);
        assertTrue(log.contains("level=warn event=config_readable_by_others path=" + good + " mode=rw-r--r--"), log);
        assertEquals(143, proc.exitValue(), "terminated by SIGTERM after the shutdown hook");
    }

    private static int freePort() throws Exception {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static Process launcher(Path config, Path log) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "org.fwlb.l7.Main",
                "--config", config.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}
