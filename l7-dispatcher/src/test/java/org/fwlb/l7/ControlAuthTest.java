package org.fwlb.l7;

import org.fwlb.l7.bench.BenchBackend;
import org.fwlb.l7.config.DispatcherConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 14: the control port is on loopback by default, needs credentials and cannot be blocked by a client. */
class ControlAuthTest {
    private final Fixture fx = new Fixture();
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        fx.close();
    }

    private HttpResponse<String> call(Dispatcher d, String method, String path, String auth) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + d.controlAddress().getPort() + path))
                .timeout(java.time.Duration.ofSeconds(5))
                .method(method, method.equals("GET") ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString("{\"weight\":3}"));
        if (auth != null) {
            b.header("Authorization", auth);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes());
    }

    @Test
    void defaultsBindLoopbackAndWithoutCredentialsThereIsNoControlPort() throws Exception {
        DispatcherConfig c = DispatcherConfig.parse("{\"id\":\"d\",\"cookie\":{\"key\":\"0123456789abcdef\"}}");
        assertEquals("127.0.0.1", c.control().getHostString());
        assertTrue(c.controlAuth().credentials().isEmpty());
        BenchBackend s1 = fx.backend("s1");
        Dispatcher d = fx.dispatcher(Fixture.config("d1", List.of(Fixture.server(s1)), Fixture.NO_HEALTH)
                .replace(Fixture.CONTROL, "\"control\":{\"ip\":\"127.0.0.1\",\"port\":0}"));
        assertNull(d.controlAddressOrNull(), "no credentials configured: the control REST is off");
    }

    @Test
    void everyRequestNeedsACredentialAndChangesNeedAdmin() throws Exception {
        BenchBackend s1 = fx.backend("s1");
        Dispatcher d = fx.dispatcher(Fixture.config("d1", List.of(Fixture.server(s1)), Fixture.NO_HEALTH));
        for (String path : new String[]{"/health", "/stats", "/table", "/servers/s1", "/metrics", "/nope"}) {
            HttpResponse<String> r = call(d, "GET", path, null);
            assertEquals(401, r.statusCode(), path);
            assertTrue(r.headers().firstValue("www-authenticate").orElse("").startsWith("Basic realm="), path);
            assertTrue(!r.body().contains("s1") || path.equals("/nope"), "nothing revealed: " + r.body());
        }
        for (String bad : new String[]{basic(Fixture.ADMIN, "wrong-password-000"), basic("root", Fixture.ADMIN_PASSWORD),
                "Bearer " + Fixture.READ_TOKEN + "x", "Bearer " + Fixture.ADMIN_PASSWORD, basic("", Fixture.READ_TOKEN),
                "Basic !!!", "Digest x", Fixture.ADMIN_AUTH + "x"}) {
            assertEquals(401, call(d, "GET", "/health", bad).statusCode(), bad);
        }
        assertEquals(200, call(d, "GET", "/health", Fixture.READ_AUTH).statusCode());
        assertEquals(200, call(d, "GET", "/stats", Fixture.ADMIN_AUTH).statusCode());
        assertEquals(401, call(d, "PUT", "/servers/s1", null).statusCode());
        HttpResponse<String> forbidden = call(d, "PUT", "/servers/s1", Fixture.READ_AUTH);
        assertEquals(403, forbidden.statusCode(), "read role cannot change");
        // ONOS's error shape, as the controller's REST APIs answer
        com.fasterxml.jackson.databind.JsonNode err = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(forbidden.body());
        assertEquals(403, err.path("code").asInt(), forbidden.body());
        assertEquals("role admin required", err.path("message").asText(), forbidden.body());
        assertEquals(1, d.registry().get("s1").weight());
        assertEquals(200, call(d, "PUT", "/servers/s1", Fixture.ADMIN_AUTH).statusCode());
        assertEquals(3, d.registry().get("s1").weight());
    }

    @Test
    void halfARequestBlocksNobody() throws Exception {
        BenchBackend s1 = fx.backend("s1");
        Dispatcher d = fx.dispatcher(Fixture.config("d1", List.of(Fixture.server(s1)), Fixture.NO_HEALTH));
        try (RawHttp half = new RawHttp(d.controlAddress())) {
            // half a request, then silence: the old one-thread server blocked /health for 30 s on this
            half.send("GET /health HTTP/1.1\r\nHost: x\r\nAuthorization: " + Fixture.READ_AUTH + "\r\n");
            for (int i = 0; i < 3; i++) {
                assertEquals(200, call(d, "GET", "/health", Fixture.READ_AUTH).statusCode());
            }
            // ... while the half request was still pending: it completes now
            half.send("\r\n");
            assertEquals(200, half.read().status());
        }
    }

    @Test
    void slowClientsAreCutOffAndConnectionsAreCapped() throws Exception {
        BenchBackend s1 = fx.backend("s1");
        String cfg = Fixture.config("d1", List.of(Fixture.server(s1)), Fixture.NO_HEALTH);
        Dispatcher quick = fx.dispatcher(cfg.replace("\"port\":0,\"users\"", "\"port\":0,\"requestTimeoutMs\":300,\"users\""));
        Dispatcher capped = fx.dispatcher(cfg.replace("\"port\":0,\"users\"", "\"port\":0,\"maxConnections\":4,\"users\""));
        List<RawHttp> slow = new ArrayList<>();
        try {
            try (RawHttp c = new RawHttp(quick.controlAddress())) {
                c.send("GET /he");
                assertTrue(c.closedByPeer(), "a request not complete within requestTimeoutMs is cut off");
            }
            for (int i = 0; i < 4; i++) {
                RawHttp c = new RawHttp(capped.controlAddress());
                c.send("GET /he"); // held for the default 10 s
                slow.add(c);
            }
            Fixture.eventually(3000, () -> capped.controlOpenConnections() == 4);
            assertTrue(RawHttp.closedOnArrival(capped.controlAddress()),
                    "beyond maxConnections: closed at once, not held 10 s");
            slow.get(0).close();
            Fixture.eventually(3000, () -> capped.controlOpenConnections() == 3);
            assertEquals(200, call(capped, "GET", "/health", Fixture.READ_AUTH).statusCode(), "room again");
        } finally {
            for (RawHttp c : slow) {
                c.close();
            }
        }
    }
}
