package org.fwlb.l7;

import org.fwlb.l7.bench.BenchBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 14: what a client sends never forges its address or our relay protocol, nor strips vital headers. */
class HeaderTrustTest {
    private final Fixture fx = new Fixture();

    @AfterEach
    void stop() {
        fx.close();
    }

    @Test
    void clientSuppliedForwardingAndRelayHeadersAreDroppedAtTheFront() throws Exception {
        BenchBackend s1 = fx.backend("s1");
        Dispatcher d = fx.dispatcher(Fixture.config("d1", List.of(Fixture.server(s1)), Fixture.NO_HEALTH));
        try (RawHttp c = new RawHttp(d.listenAddress())) {
            String body = c.exchange(RawHttp.get("/echo", "X-Forwarded-For: 6.6.6.6", "x-forwarded-for: 7.7.7.7",
                    "Forwarded: for=6.6.6.6", "X-Fwlb-Relay: dEvil", "X-Fwlb-Client: 6.6.6.6:1",
                    "X-Fwlb-Server: s1", "X-FWLB-Sig: forged")).body();
            assertTrue(body.contains("xff=127.0.0.1\n"), body);
            assertTrue(body.contains("forwarded=null\n"), body);
            assertTrue(body.contains("relay=null\n"), body);
            assertTrue(body.contains("fwlb=[]\n"), body);
        }
    }

    @Test
    void connectionTokensCannotStripHostCookieOrForwardedFor() throws Exception {
        BenchBackend s1 = fx.backend("s1");
        Dispatcher d = fx.dispatcher(Fixture.config("d1", List.of(Fixture.server(s1)), Fixture.NO_HEALTH));
        try (RawHttp c = new RawHttp(d.listenAddress())) {
            String body = c.exchange(RawHttp.get("/echo", "Connection: keep-alive, Host, Cookie, X-Forwarded-For, X-Drop",
                    "Cookie: theme=dark", "X-Drop: 1")).body();
            assertTrue(body.contains("host=vip.example\n"), body);
            assertTrue(body.contains("cookie=[theme=dark]\n"), body);
            assertTrue(body.contains("xff=127.0.0.1\n"), body);
            // an ordinary hop-by-hop header named by Connection still goes
            String drop = c.exchange(RawHttp.get("/echo", "Connection: X-Drop", "X-Drop: 1")).body();
            assertTrue(drop.contains("server=s1"), drop);
        }
    }

    @Test
    void absoluteFormAuthorityBecomesHostOnlyWhenValid() throws Exception {
        BenchBackend s1 = fx.backend("s1");
        Dispatcher d = fx.dispatcher(Fixture.config("d1", List.of(Fixture.server(s1)), Fixture.NO_HEALTH));
        try (RawHttp c = new RawHttp(d.listenAddress())) {
            String body = c.exchange("GET http://vip.example:8080/echo?a=1 HTTP/1.1\r\nHost: other\r\n\r\n").body();
            assertTrue(body.contains("host=vip.example:8080\n") && body.contains("uri=/echo?a=1\n"), body);
            body = c.exchange("GET http://vip.example?x HTTP/1.1\r\nHost: other\r\n\r\n").body();
            assertEquals("s1\n", body);
        }
        for (String target : new String[]{"http://evil@10.0.0.1:22/", "http://[::1/", "http://h:0/", "http://a%40b/",
                "http://:80/", "http://h:8o/"}) {
            try (RawHttp c = new RawHttp(d.listenAddress())) {
                assertEquals(400, c.exchange("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n").status(), target);
            }
        }
        assertEquals(2, s1.requests.sum(), "the refused targets reached no server");
    }
}
