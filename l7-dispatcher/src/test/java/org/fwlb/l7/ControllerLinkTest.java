package org.fwlb.l7;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.fwlb.l7.bench.BenchBackend;
import org.fwlb.l7.config.AdminState;
import org.fwlb.l7.cookie.CookieSigner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The controller contract against a fake controller: reports, live answers, directory lookups. */
class ControllerLinkTest {
    private static final String NO_HEALTH = "\"health\":{\"intervalMs\":600000}";
    private final Fixture fx = new Fixture();
    private FakeController ctl;

    @AfterEach
    void stop() {
        fx.close();
        if (ctl != null) {
            ctl.close();
        }
    }

    private String link(String mode) {
        return ",\"directory\":{\"mode\":\"" + mode + "\",\"controllerUrl\":\"" + ctl.url()
                + "\",\"reportIntervalMs\":100,\"allowInsecureController\":true}";
    }

    private static RawHttp.Response get(Dispatcher d, String path, String cookie) throws Exception {
        try (RawHttp c = new RawHttp(d.listenAddress())) {
            return cookie == null ? c.exchange(RawHttp.get(path))
                    : c.exchange(RawHttp.get(path, "Cookie: FWLBSRV=" + cookie));
        }
    }

    @Test
    void reportsAreSentAndAnswersAppliedLiveWithoutDisturbingInFlightRequests() throws Exception {
        ctl = new FakeController();
        BenchBackend s1 = fx.backend("s1");
        BenchBackend s2 = fx.backend("s2");
        String s1json = Fixture.server(s1);
        ctl.answers.put("dA", "{\"servers\":[" + s1json + "],\"directory\":[],\"dispatchers\":[]}");
        Dispatcher a = fx.dispatcher(Fixture.config("dA", List.of(s1json), NO_HEALTH + link("controller")));
        Fixture.eventually(3000, () -> !ctl.reports.isEmpty());
        assertEquals(200, get(a, "/", null).status());
        Fixture.eventually(3000, () -> ctl.reports.get(ctl.reports.size() - 1).contains("\"requests\":1"));
        JsonNode report = new ObjectMapper().readTree(ctl.reports.get(ctl.reports.size() - 1));
        assertEquals("up", report.at("/servers/s1/health").asText());
        assertEquals(1, report.at("/servers/s1/requests").asInt());
        assertTrue(report.has("relayedOut") && report.has("relayedIn") && report.has("badRequests")
                && report.has("uptimeMs"), report.toString());

        // a request in flight on s1 while the controller drains s1 and adds s2
        CompletableFuture<Integer> inFlight = CompletableFuture.supplyAsync(() -> {
            try {
                return get(a, "/slow/600", null).status();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        Fixture.eventually(3000, () -> s1.requests.sum() == 2); // in flight at s1
        ctl.answers.put("dA", "{\"servers\":[" + Fixture.server("s1", s1.address().getPort(), 1, "drain") + ","
                + Fixture.server(s2) + "],\"directory\":[],\"dispatchers\":[]}");
        Fixture.eventually(3000, () -> a.registry().get("s2") != null
                && a.registry().get("s1").adminState() == AdminState.DRAIN);
        assertEquals(200, inFlight.get());
        for (int i = 0; i < 4; i++) {
            assertEquals("s2", get(a, "/", null).header("x-server"));
        }
        String s1cookie = new CookieSigner(Fixture.KEY).issue("s1");
        assertEquals("s1", get(a, "/", s1cookie).header("x-server"), "sessions stay on the draining server");

        // a local override lasts while the controller's view of s1 is unchanged
        HttpResponse<String> put = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + a.controlAddress().getPort() + "/servers/s1"))
                .header("Authorization", Fixture.ADMIN_AUTH)
                .PUT(HttpRequest.BodyPublishers.ofString("{\"adminState\":\"up\",\"weight\":2}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, put.statusCode(), put.body());
        int reports = ctl.reports.size();
        Fixture.eventually(3000, () -> ctl.reports.size() > reports + 2);
        assertEquals(AdminState.UP, a.registry().get("s1").adminState());
        assertEquals(2, a.registry().get("s1").weight());

        // the controller removes s1 entirely
        ctl.answers.put("dA", "{\"servers\":[" + Fixture.server(s2) + "]}");
        Fixture.eventually(3000, () -> a.registry().get("s1") == null);
        RawHttp.Response r = get(a, "/", s1cookie);
        assertEquals("s2", r.header("x-server"));
        assertTrue(r.setCookie("FWLBSRV").startsWith("s2."));
    }

    @Test
    void controllerDirectoryFindsThePeerAlsoOnAMiss() throws Exception {
        ctl = new FakeController();
        BenchBackend s1 = fx.backend("s1");
        BenchBackend s3 = fx.backend("s3");
        Dispatcher b = fx.dispatcher(Fixture.config("dB", List.of(Fixture.server(s3)), NO_HEALTH));
        String dispatchers = "[{\"id\":\"dB\",\"relay\":\"127.0.0.1:" + b.relayAddress().getPort()
                + "\",\"health\":\"up\"},{\"id\":\"dA\",\"relay\":\"127.0.0.1:1\",\"health\":\"up\"}]";
        // the periodic answers know nothing yet; only GET /directory does
        ctl.answers.put("dA", "{\"servers\":[" + Fixture.server(s1) + "]}");
        ctl.directory = "{\"directory\":[{\"server\":\"s3\",\"dispatchers\":[\"dB\"]}],\"dispatchers\":" + dispatchers + "}";
        Dispatcher a = fx.dispatcher(Fixture.config("dA", List.of(Fixture.server(s1)), NO_HEALTH + link("controller")));
        String s3cookie = new CookieSigner(Fixture.KEY).issue("s3");
        RawHttp.Response r = get(a, "/echo", s3cookie);
        assertTrue(r.body().startsWith("server=s3"), r.body());
        assertEquals(1, ctl.directoryGets.get());
        assertNull(r.setCookie("FWLBSRV"));
        assertEquals(1, b.table().total());

        // now the periodic answer carries it, and says dB is down: fall back, fresh cookie
        ctl.answers.put("dA", "{\"servers\":[" + Fixture.server(s1) + "],\"directory\":[{\"server\":\"s3\","
                + "\"dispatchers\":[\"dB\"]}],\"dispatchers\":[{\"id\":\"dB\",\"relay\":\"127.0.0.1:"
                + b.relayAddress().getPort() + "\",\"health\":\"down\"}]}");
        ctl.directory = "{\"directory\":[],\"dispatchers\":[]}";
        int n = ctl.reports.size();
        Fixture.eventually(3000, () -> ctl.reports.size() > n + 1);
        r = get(a, "/", s3cookie);
        assertEquals("s1", r.header("x-server"));
        assertTrue(r.setCookie("FWLBSRV").startsWith("s1."));
    }

    @Test
    void unknownToTheControllerItKeepsServingItsStaticConfig() throws Exception {
        ctl = new FakeController(); // no answer for dZ: 404
        BenchBackend s1 = fx.backend("s1");
        Dispatcher z = fx.dispatcher(Fixture.config("dZ", List.of(Fixture.server(s1)), NO_HEALTH + link("controller")));
        Fixture.eventually(3000, () -> ctl.reportAttempts.get() >= 2); // refused twice (404)
        assertEquals(200, get(z, "/", null).status());
        JsonNode health = RelayTest.control(z, "/health");
        assertEquals("unreachable", health.get("controller").asText());
        assertEquals("up", health.get("status").asText());
    }
}
