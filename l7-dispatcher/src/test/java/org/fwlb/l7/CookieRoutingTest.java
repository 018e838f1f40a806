package org.fwlb.l7;

import org.fwlb.l7.bench.BenchBackend;
import org.fwlb.l7.cookie.CookieSigner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Server choice per request: signed cookie first, policy otherwise; pooled server connections. */
class CookieRoutingTest {
    private static final String NO_HEALTH = "\"health\":{\"intervalMs\":600000}";
    private final Fixture fx = new Fixture();

    @AfterEach
    void stop() {
        fx.close();
    }

    private static RawHttp.Response get(Dispatcher d, String path, String cookie) throws Exception {
        try (RawHttp c = new RawHttp(d.listenAddress())) {
            return cookie == null ? c.exchange(RawHttp.get(path)) : c.exchange(RawHttp.get(path, "Cookie: FWLBSRV=" + cookie));
        }
    }

    @Test
    void cookieIsInsertedOnceAndKeepsTheSessionOnItsServer() throws Exception {
        BenchBackend s1 = fx.backend("s1");
        BenchBackend s2 = fx.backend("s2");
        Dispatcher d = fx.dispatcher(Fixture.config("d1", List.of(Fixture.server(s1), Fixture.server(s2)), NO_HEALTH));
        RawHttp.Response first = get(d, "/", null);
        String cookie = first.setCookie("FWLBSRV");
        assertNotNull(cookie);
        String server = first.header("x-server");
        assertTrue(cookie.startsWith(server + "."), cookie);
        assertTrue(first.header("set-cookie").endsWith("; Path=/; HttpOnly"));
        for (int i = 0; i < 40; i++) {
            RawHttp.Response r = get(d, "/", cookie);
            assertEquals(server, r.header("x-server"));
            assertNull(r.header("set-cookie"), "no new cookie while the session's server answers");
        }
        // without cookie the round robin spreads, each answer with a cookie for its server
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            RawHttp.Response r = get(d, "/", null);
            seen.add(r.header("x-server"));
            assertTrue(r.setCookie("FWLBSRV").startsWith(r.header("x-server") + "."));
        }
        assertEquals(Set.of("s1", "s2"), seen);
    }

    @Test
    void forgedOrTamperedCookieNeverSelectsItsServer() throws Exception {
        BenchBackend s1 = fx.backend("s1");
        BenchBackend s2 = fx.backend("s2");
        // s2 drains: only a valid cookie can still send a request there
        Dispatcher d = fx.dispatcher(Fixture.config("d1",
                List.of(Fixture.server(s1), Fixture.server("s2", s2.address().getPort(), 1, "drain")), NO_HEALTH));
        String valid = new CookieSigner(Fixture.KEY).issue("s2");
        assertEquals("s2", get(d, "/", valid).header("x-server"), "draining server keeps its sessions");

        String tampered = valid.substring(0, valid.length() - 1) + (valid.endsWith("A") ? "B" : "A");
        String otherKey = new CookieSigner("another-key-0123456789").issue("s2");
        String noMac = "s2.1700000000.";
        String[] forged = {tampered, otherKey, noMac, "s2", "s2.1.AAAAAAAAAAAAAAAAAAAAAA", "s1" + valid.substring(2)};
        long invalidBefore = d.stats().cookieInvalid.sum();
        for (String f : forged) {
            RawHttp.Response r = get(d, "/", f);
            assertEquals("s1", r.header("x-server"), f);
            assertTrue(r.setCookie("FWLBSRV").startsWith("s1."), "fresh cookie for " + f);
        }
        assertEquals(invalidBefore + forged.length, d.stats().cookieInvalid.sum());
    }

    @Test
    void cookieOfAnUnknownOrDeadServerFallsBackWithAFreshCookie() throws Exception {
        BenchBackend s1 = fx.backend("s1");
        BenchBackend s2 = fx.backend("s2");
        Dispatcher d = fx.dispatcher(Fixture.config("d1", List.of(Fixture.server(s1), Fixture.server(s2)),
                "\"health\":{\"intervalMs\":100,\"downAfter\":2,\"upAfter\":2}"));
        CookieSigner signer = new CookieSigner(Fixture.KEY);
        RawHttp.Response unknown = get(d, "/", signer.issue("s9"));
        assertNotNull(unknown.setCookie("FWLBSRV"));

        String s2cookie = signer.issue("s2");
        assertEquals("s2", get(d, "/", s2cookie).header("x-server"));
        s2.stop();
        // before the health check notices: the connect fails, the GET is retried on s1, new cookie
        RawHttp.Response r = get(d, "/", s2cookie);
        assertEquals(200, r.status());
        assertEquals("s1", r.header("x-server"));
        assertTrue(r.setCookie("FWLBSRV").startsWith("s1."));
        Fixture.eventually(3000, () -> !d.registry().get("s2").healthy());
        for (int i = 0; i < 5; i++) {
            RawHttp.Response x = get(d, "/", s2cookie);
            assertEquals("s1", x.header("x-server"));
            assertNotNull(x.setCookie("FWLBSRV"));
        }
    }

    @Test
    void serverConnectionsArePooledAndBoundedWhileClientsChurn() throws Exception {
        BenchBackend s1 = fx.backend("s1");
        BenchBackend s2 = fx.backend("s2");
        Dispatcher d = fx.dispatcher(Fixture.config("d1", List.of(Fixture.server(s1), Fixture.server(s2)),
                NO_HEALTH + ",\"pool\":{\"maxPerServer\":3}"));
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<Integer>> fs = new java.util.ArrayList<>();
            for (int i = 0; i < 400; i++) {
                fs.add(pool.submit(() -> get(d, "/", null).status()));
            }
            for (Future<Integer> f : fs) {
                assertEquals(200, f.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(400, s1.requests.sum() + s2.requests.sum());
        assertTrue(s1.connectionsAccepted.get() <= 3, "s1 accepted " + s1.connectionsAccepted.get());
        assertTrue(s2.connectionsAccepted.get() <= 3, "s2 accepted " + s2.connectionsAccepted.get());
        assertEquals(400, d.stats().clientConnectionsTotal.sum());
        long opened = d.registry().get("s1").pool().openedTotal() + d.registry().get("s2").pool().openedTotal();
        assertEquals(s1.connectionsAccepted.get() + s2.connectionsAccepted.get(), opened);
        assertEquals(400, d.registry().get("s1").requests() + d.registry().get("s2").requests());
        try (RawHttp c = new RawHttp(s1.address())) {
            String st = c.exchange(RawHttp.get("/_stats")).body();
            assertTrue(st.contains("\"connectionsAccepted\":" + s1.connectionsAccepted.get()), st);
        }
    }

    @Test
    void serviceTypesRouteByPathPrefixAndHost() throws Exception {
        BenchBackend web = fx.backend("web");
        BenchBackend img = fx.backend("img");
        BenchBackend stat = fx.backend("static");
        String servers = "{\"id\":\"web\",\"ip\":\"127.0.0.1\",\"port\":" + web.address().getPort() + "},"
                + "{\"id\":\"img\",\"ip\":\"127.0.0.1\",\"port\":" + img.address().getPort() + ",\"serviceTypes\":[\"img\"]},"
                + "{\"id\":\"static\",\"ip\":\"127.0.0.1\",\"port\":" + stat.address().getPort()
                + ",\"serviceTypes\":[\"static\"]}";
        Dispatcher d = fx.dispatcher(Fixture.config("d1", List.of(servers), NO_HEALTH
                + ",\"routes\":[{\"pathPrefix\":\"/img/\",\"serviceType\":\"img\"},"
                + "{\"host\":\"static.example\",\"serviceType\":\"static\"}]"));
        try (RawHttp c = new RawHttp(d.listenAddress())) {
            assertTrue(c.exchange(RawHttp.get("/echo")).body().contains("server=web"));
            assertTrue(c.exchange(RawHttp.get("/img/echo")).body().startsWith("server=img") == false);
            assertEquals("img", c.exchange(RawHttp.get("/img/x")).header("x-server"));
            RawHttp.Response st = c.exchange("GET /echo HTTP/1.1\r\nHost: Static.Example:80\r\n\r\n");
            assertTrue(st.body().contains("server=static"), st.body());
            // a web cookie does not drag an img request to the web server
            String webCookie = new CookieSigner(Fixture.KEY).issue("web");
            RawHttp.Response x = c.exchange(RawHttp.get("/img/x", "Cookie: FWLBSRV=" + webCookie));
            assertEquals("img", x.header("x-server"));
            assertNotEquals(null, x.setCookie("FWLBSRV"));
        }
    }

    @Test
    void oldCookiesAreRefreshedExpiredAndFutureOnesReplaced() throws Exception {
        BenchBackend s1 = fx.backend("s1");
        BenchBackend s2 = fx.backend("s2");
        Dispatcher d = fx.dispatcher(Fixture.config("d1", List.of(Fixture.server(s1), Fixture.server(s2)), NO_HEALTH));
        CookieSigner signer = new CookieSigner(Fixture.KEY);
        long now = System.currentTimeMillis() / 1000;
        // idle for 20 of its 30 minutes, session 5 hours old: same server, re-issued with a new idle time
        RawHttp.Response r = get(d, "/", signer.value("s2", now - 5 * 3600, now - 1200));
        assertEquals("s2", r.header("x-server"));
        CookieSigner.Verified fresh = signer.check(r.setCookie("FWLBSRV"));
        assertEquals("s2", fresh.server());
        assertEquals(now - 5 * 3600, fresh.first(), "maxLife still counts from the first issue");
        assertTrue(fresh.last() >= now, "idle clock restarted");
        assertEquals(1, d.stats().cookieRefreshed.sum());
        // recently refreshed: no Set-Cookie
        assertNull(get(d, "/", signer.value("s2", now - 5 * 3600, now - 10)).header("set-cookie"));
        // idle too long, too old, or dated ahead: invalid -> the policy and a brand-new cookie
        long invalid = d.stats().cookieInvalid.sum();
        for (String v : new String[]{signer.value("s2", now - 3600, now - 1801), signer.value("s2", now - 86401, now),
                signer.value("s2", now + 10L * 365 * 86400, now + 10L * 365 * 86400)}) {
            RawHttp.Response x = get(d, "/", v);
            CookieSigner.Verified n = signer.check(x.setCookie("FWLBSRV"));
            assertEquals(x.header("x-server"), n.server(), v);
            assertTrue(n.first() >= now && n.first() == n.last(), "a new session: " + v);
        }
        assertEquals(invalid + 3, d.stats().cookieInvalid.sum());
    }
}
