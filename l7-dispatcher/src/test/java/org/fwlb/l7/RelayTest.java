package org.fwlb.l7;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.fwlb.l7.bench.BenchBackend;
import org.fwlb.l7.config.AdminState;
import org.fwlb.l7.cookie.CookieSigner;
import org.fwlb.l7.relay.RelaySigner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * FIG 5 on loopback: dispatcher A reaches s1, dispatcher B reaches s3. A request at A with a cookie for s3
 * is relayed to B, recorded in B's matching table and answered through A; failures fall back to A's policy.
 */
class RelayTest {
    private static final String NO_HEALTH = "\"health\":{\"intervalMs\":600000}";
    private final Fixture fx = new Fixture();
    private final CookieSigner signer = new CookieSigner(Fixture.KEY);

    @AfterEach
    void stop() {
        fx.close();
    }

    static String peers(Dispatcher... ds) {
        StringBuilder b = new StringBuilder("[");
        for (Dispatcher d : ds) {
            if (b.length() > 1) {
                b.append(',');
            }
            b.append("{\"id\":\"").append(d.id()).append("\",\"relay\":\"127.0.0.1:")
                    .append(d.relayAddress().getPort()).append("\"}");
        }
        return b.append(']').toString();
    }

    static JsonNode control(Dispatcher d, String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + d.controlAddress().getPort() + path))
                        .header("Authorization", Fixture.READ_AUTH).build(),
                HttpResponse.BodyHandlers.ofString());
        return new ObjectMapper().readTree(r.body());
    }

    private RawHttp.Response get(Dispatcher d, String path, String cookie) throws Exception {
        try (RawHttp c = new RawHttp(d.listenAddress())) {
            return c.exchange(RawHttp.get(path, "Cookie: theme=dark; FWLBSRV=" + cookie));
        }
    }

    @Test
    void broadcastFindsThePeerAndTheReplyComesBackThroughTheRelayingDispatcher() throws Exception {
        BenchBackend s1 = fx.backend("s1");
        BenchBackend s3 = fx.backend("s3");
        Dispatcher b = fx.dispatcher(Fixture.config("dB", List.of(Fixture.server(s3)), NO_HEALTH));
        Dispatcher a = fx.dispatcher(Fixture.config("dA", List.of(Fixture.server(s1)), NO_HEALTH
                + ",\"directory\":{\"mode\":\"broadcast\",\"peers\":" + peers(b) + "}"));
        String cookie = signer.issue("s3");
        for (int i = 0; i < 30; i++) {
            RawHttp.Response r = get(a, "/echo", cookie);
            assertEquals(200, r.status());
            assertTrue(r.body().startsWith("server=s3\n"), r.body());
            assertTrue(r.body().contains("cookie=[theme=dark]"), "s3 sees no dispatcher cookie: " + r.body());
            assertTrue(r.body().contains("xff=127.0.0.1\n"), r.body());
            assertEquals("dA", r.header("x-fwlb-dispatcher"), "answered by the relaying dispatcher: " + r.headers());
            assertEquals("dB", r.header("x-fwlb-relayed-by"), "through the peer");
            assertNull(r.header("set-cookie"), "the cookie's server answered: no new cookie");
        }
        assertEquals(30, a.stats().relayedOut.sum());
        assertEquals(30, b.stats().relayedIn.sum());
        assertEquals(0, s1.requests.sum());
        JsonNode table = control(b, "/table");
        assertEquals(30, table.get("total").asInt());
        JsonNode e = table.get("entries").get(0);
        assertEquals("dA", e.get("via").asText());
        assertEquals("s3", e.get("server").asText());
        assertTrue(e.get("client").asText().startsWith("127.0.0.1:"));
        assertEquals(30, table.get("counts").get("dA->s3").asInt());
        // relay connections are persistent too
        JsonNode stats = control(a, "/stats");
        assertTrue(stats.get("peerConnections").get(0).get("openedTotal").asInt() <= 8);
        assertEquals(30, stats.get("relayedOut").asInt());
    }

    @Test
    void unreachableOrRefusingPeerFallsBackToThePolicyWithAFreshCookie() throws Exception {
        BenchBackend s1 = fx.backend("s1");
        BenchBackend s3 = fx.backend("s3");
        Dispatcher b = fx.dispatcher(Fixture.config("dB", List.of(Fixture.server(s3)), NO_HEALTH));
        // a long cache: A keeps believing B has s3 after B turned it down, so B must refuse
        Dispatcher a = fx.dispatcher(Fixture.config("dA", List.of(Fixture.server(s1)), NO_HEALTH
                + ",\"directory\":{\"mode\":\"broadcast\",\"cacheMs\":60000,\"peers\":" + peers(b) + "}"));
        String cookie = signer.issue("s3");
        assertEquals("s3", get(a, "/", cookie).header("x-server"));
        b.registry().override("s3", null, AdminState.DOWN);
        RawHttp.Response r = get(a, "/", cookie);
        assertEquals(200, r.status());
        assertEquals("s1", r.header("x-server"));
        assertTrue(r.setCookie("FWLBSRV").startsWith("s1."));
        assertEquals(1, b.stats().relayRefused.sum());
        // B now says "not here" to the broadcast: straight to the policy
        r = get(a, "/", cookie);
        assertEquals("s1", r.header("x-server"));
        assertEquals(1, b.stats().relayRefused.sum());

        // a peer that does not answer at all
        Dispatcher c = fx.dispatcher(Fixture.config("dC", List.of(Fixture.server(s1)), NO_HEALTH
                + ",\"directory\":{\"mode\":\"broadcast\",\"peers\":[{\"id\":\"dX\",\"relay\":\"127.0.0.1:1\"}]}"));
        r = get(c, "/", cookie);
        assertEquals("s1", r.header("x-server"));
        assertNotNull(r.setCookie("FWLBSRV"));
    }

    /** A relay-port request as a peer holding {@code signer}'s key sends it. */
    static String signed(RelaySigner signer, String path, String relay, String server, String... more) {
        List<String> h = new java.util.ArrayList<>();
        if (relay != null) {
            h.add(RelaySigner.RELAY + ": " + relay);
        }
        if (server != null) {
            h.add(RelaySigner.SERVER + ": " + server);
        }
        signer.sign("GET", path, relay, server, null, null).forEach((k, v) -> h.add(k + ": " + v));
        h.addAll(List.of(more));
        return RawHttp.get(path, h.toArray(new String[0]));
    }

    @Test
    void relayPortNeverRelaysAgainAndRequiresTheSignedCookie() throws Exception {
        BenchBackend s3 = fx.backend("s3");
        Dispatcher b = fx.dispatcher(Fixture.config("dB", List.of(Fixture.server(s3)), NO_HEALTH));
        RelaySigner peer = new RelaySigner(Fixture.KEY, 10_000);
        InetSocketAddress relay = b.relayAddress();
        try (RawHttp c = new RawHttp(relay)) {
            // s1 is not B's: refused, not relayed on
            RawHttp.Response r = c.exchange(signed(peer, "/", "dA", "s1", "Cookie: FWLBSRV=" + signer.issue("s1")));
            assertEquals(503, r.status());
            assertEquals("unknown-server", r.header("x-fwlb-refused"));
            // a relay header naming s3 without a cookie for s3 cannot pick s3
            r = c.exchange(signed(peer, "/", "dA", "s3", "Cookie: FWLBSRV=" + signer.issue("s1")));
            assertEquals("cookie", r.header("x-fwlb-refused"));
            assertEquals(200, c.exchange(signed(peer, "/_fwlb/has/s3", "dA", null)).status());
            assertEquals(404, c.exchange(signed(peer, "/_fwlb/has/s1", "dA", null)).status());
        }
        assertEquals(0, s3.requests.sum());
    }
}
