package org.fwlb.l7;

import org.fwlb.l7.bench.BenchBackend;
import org.fwlb.l7.cookie.CookieSigner;
import org.fwlb.l7.relay.RelaySigner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 14: the relay port serves only peers that hold the relay key, each signed request once. */
class RelayAuthTest {
    private final Fixture fx = new Fixture();
    private final String cookie = new CookieSigner(Fixture.KEY).issue("s3");

    @AfterEach
    void stop() {
        fx.close();
    }

    private static void forbidden(Dispatcher b, String raw, String what) throws Exception {
        try (RawHttp c = new RawHttp(b.relayAddress())) {
            RawHttp.Response r = c.exchange(raw);
            assertEquals(403, r.status(), what);
            assertEquals("auth", r.header("x-fwlb-refused"), what);
            assertTrue(c.closedByPeer(), what + ": connection closed");
        }
    }

    @Test
    void unsignedForgedStaleReplayedOrAlteredRelayRequestsAreForbidden() throws Exception {
        BenchBackend s3 = fx.backend("s3");
        Dispatcher b = fx.dispatcher(Fixture.config("dB", List.of(Fixture.server(s3)), Fixture.NO_HEALTH));
        String ck = "Cookie: FWLBSRV=" + cookie;
        forbidden(b, RawHttp.get("/", "X-Fwlb-Relay: dA", "X-Fwlb-Server: s3", ck), "unsigned relay");
        forbidden(b, RawHttp.get("/_fwlb/has/s3"), "unsigned has-query reveals nothing");
        forbidden(b, RelayTest.signed(new RelaySigner("another-relay-key-0123", 10_000), "/", "dA", "s3", ck),
                "other key");
        AtomicLong clock = new AtomicLong(System.currentTimeMillis() - 10_001);
        forbidden(b, RelayTest.signed(new RelaySigner(Fixture.KEY, 10_000, clock::get), "/", "dA", "s3", ck), "stale");
        clock.set(System.currentTimeMillis() + 20_000);
        forbidden(b, RelayTest.signed(new RelaySigner(Fixture.KEY, 10_000, clock::get), "/", "dA", "s3", ck), "future");
        RelaySigner peer = new RelaySigner(Fixture.KEY, 10_000);
        String good = RelayTest.signed(peer, "/", "dA", "s3", ck);
        forbidden(b, good.replace("GET / ", "GET /admin "), "other target");
        forbidden(b, good.replace("X-Fwlb-Relay: dA", "X-Fwlb-Relay: dX"), "other relay id");
        forbidden(b, good.replace("\r\n\r\n", "\r\nX-Forwarded-For: 6.6.6.6\r\n\r\n"), "added X-Forwarded-For");
        assertEquals(0, s3.requests.sum(), "nothing reached the server");
        try (RawHttp c = new RawHttp(b.relayAddress())) {
            RawHttp.Response r = c.exchange(good);
            assertEquals(200, r.status());
            assertEquals("s3", r.header("x-server"));
        }
        forbidden(b, good, "replayed");
        assertEquals(1, s3.requests.sum());
        assertEquals(9, b.stats().relayForbidden.sum());
    }

    @Test
    void theServerNeverSeesTheSignature() throws Exception {
        BenchBackend s3 = fx.backend("s3");
        Dispatcher b = fx.dispatcher(Fixture.config("dB", List.of(Fixture.server(s3)), Fixture.NO_HEALTH));
        try (RawHttp c = new RawHttp(b.relayAddress())) {
            String body = c.exchange(RelayTest.signed(new RelaySigner(Fixture.KEY, 10_000), "/echo", "dA", "s3",
                    "Cookie: FWLBSRV=" + cookie)).body();
            assertTrue(body.contains("fwlb=[]\n"), body);
        }
    }

    @Test
    void peersWithDifferentKeysNeverRelayAndTheClientGetsThePolicy() throws Exception {
        BenchBackend s1 = fx.backend("s1");
        BenchBackend s3 = fx.backend("s3");
        Dispatcher b = fx.dispatcher(Fixture.config("dB", List.of(Fixture.server(s3)), Fixture.NO_HEALTH
                + ",\"relay\":{\"ip\":\"127.0.0.1\",\"port\":0,\"key\":\"a-different-relay-key-0123\"}")
                .replace(",\"relay\":{\"ip\":\"127.0.0.1\",\"port\":0},", ","));
        Dispatcher a = fx.dispatcher(Fixture.config("dA", List.of(Fixture.server(s1)), Fixture.NO_HEALTH
                + ",\"directory\":{\"mode\":\"broadcast\",\"peers\":" + RelayTest.peers(b) + "}"));
        RawHttp.Response r;
        try (RawHttp c = new RawHttp(a.listenAddress())) {
            r = c.exchange(RawHttp.get("/", "Cookie: FWLBSRV=" + cookie));
        }
        assertEquals(200, r.status());
        assertEquals("s1", r.header("x-server"), "B refused A's has-query: nobody reaches s3");
        assertTrue(r.setCookie("FWLBSRV").startsWith("s1."));
        assertEquals(1, b.stats().relayForbidden.sum());
        assertEquals(0, s3.requests.sum());
    }
}
