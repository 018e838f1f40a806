package org.fwlb.l7.cookie;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CookieSignerTest {
    private static final String KEY = "0123456789abcdef-key";
    private static final long T0 = 1_700_000_000L;

    @Test
    void issuedCookieVerifiesAndNamesItsServer() {
        CookieSigner s = new CookieSigner(KEY, () -> T0);
        String v = s.issue("srv-1");
        assertTrue(v.matches("srv-1\\.1700000000\\.1700000000\\.[A-Za-z0-9_-]{22}"), v);
        assertEquals("srv-1", s.verify(v));
        assertEquals(new CookieSigner.Verified("srv-1", T0, T0), s.check(v));
        assertEquals("srv-1", new CookieSigner("FWLBSRV", KEY, 0, 0).verify(v), "any dispatcher with the key");
    }

    @Test
    void everyAlterationIsRejected() {
        CookieSigner s = new CookieSigner(KEY, () -> T0);
        String v = s.issue("s1");
        String mac = v.substring(v.lastIndexOf('.') + 1);
        assertNull(s.verify("s2" + v.substring(2)), "other server, same mac");
        assertNull(s.verify("s1.1700000000.1700000001." + mac), "other idle timestamp");
        assertNull(s.verify("s1.1699999999.1700000000." + mac), "other first timestamp");
        assertNull(s.verify(v.substring(0, v.length() - 1)), "short mac");
        assertNull(s.verify(v + "A"), "long mac");
        for (int i = 0; i < mac.length(); i++) {
            char c = mac.charAt(i) == 'A' ? 'B' : 'A';
            String t = v.substring(0, v.length() - mac.length()) + mac.substring(0, i) + c + mac.substring(i + 1);
            assertNull(s.verify(t), t);
        }
        assertNull(new CookieSigner("another-key-0123456789", () -> T0).verify(v), "other key");
        for (String junk : new String[]{null, "", "s1", "s1...", ".1.1." + mac, "s1.x1.1." + mac, "s1.-1.1." + mac,
                "s1.1..", "s1.99999999999999999999.1." + mac}) {
            assertNull(s.verify(junk), String.valueOf(junk));
        }
    }

    @Test
    void formatOneCookiesAreRefused() {
        // "fwlb1:" cookies (id.issued.mac) never expired: they must not verify under format 2
        CookieSigner s = new CookieSigner(KEY, () -> T0);
        String v1 = "s1.1700000000." + s.issue("s1").substring(s.issue("s1").lastIndexOf('.') + 1);
        assertNull(s.verify(v1));
    }

    @Test
    void maxIdleExpiresAnUnusedCookieAndRefreshKeepsItAliveUntilMaxLife() {
        AtomicLong now = new AtomicLong(T0);
        CookieSigner s = new CookieSigner("FWLBSRV", KEY, 1800, 86400, now::get);
        String v = s.issue("s1");
        now.set(T0 + 449);
        assertFalse(s.needsRefresh(s.check(v)), "younger than maxIdle/4: no refresh");
        now.set(T0 + 450);
        assertTrue(s.needsRefresh(s.check(v)));
        now.set(T0 + 1800);
        assertEquals("s1", s.verify(v), "idle exactly maxIdle");
        now.set(T0 + 1801);
        assertNull(s.verify(v), "idle longer than maxIdle");

        // a client that comes back every 20 minutes keeps its cookie refreshed ... until maxLife
        now.set(T0);
        String cur = s.issue("s1");
        for (long t = T0 + 1200; t <= T0 + 86400; t += 1200) {
            now.set(t);
            CookieSigner.Verified c = s.check(cur);
            assertEquals("s1", c.server(), "at +" + (t - T0));
            assertEquals(T0, c.first(), "refresh keeps the first-issue time");
            String h = s.refreshHeader(c);
            cur = h.substring("FWLBSRV=".length(), h.indexOf(';'));
        }
        now.set(T0 + 86401);
        assertNull(s.verify(cur), "older than maxLife although just refreshed");
    }

    @Test
    void timestampsInTheFutureBeyondTheSkewAreRefused() {
        AtomicLong now = new AtomicLong(T0);
        CookieSigner s = new CookieSigner(KEY, now::get);
        long tenYears = 10L * 365 * 86400;
        assertNull(s.verify(s.value("s1", T0 + tenYears, T0 + tenYears)), "dated 10 years ahead");
        assertNull(s.verify(s.value("s1", T0, T0 + CookieSigner.MAX_SKEW_S + 1)), "idle date ahead");
        assertNull(s.verify(s.value("s1", T0 + 100, T0 + 10)), "last before first");
        assertEquals("s1", s.verify(s.value("s1", T0 + CookieSigner.MAX_SKEW_S, T0 + CookieSigner.MAX_SKEW_S)),
                "a peer's clock a little ahead");
    }

    @Test
    void zeroDisablesALimit() {
        AtomicLong now = new AtomicLong(T0);
        CookieSigner s = new CookieSigner("FWLBSRV", KEY, 0, 0, now::get);
        String v = s.issue("s1");
        now.set(T0 + 5L * 365 * 86400);
        assertEquals("s1", s.verify(v));
        assertFalse(s.needsRefresh(s.check(v)));
    }

    @Test
    void findsAndStripsOurCookieAmongOthers() {
        assertEquals("v1", CookieSigner.find("a=1; FWLBSRV=v1; b=2", "FWLBSRV"));
        assertEquals("v1", CookieSigner.find("FWLBSRV=v1", "FWLBSRV"));
        assertEquals("v1", CookieSigner.find("FWLBSRV=\"v1\";x=2", "FWLBSRV"));
        assertNull(CookieSigner.find("XFWLBSRV=v1; FWLBSRVX=v2", "FWLBSRV"));
        assertNull(CookieSigner.find(null, "FWLBSRV"));
        assertEquals("a=1; b=2", CookieSigner.strip("a=1; FWLBSRV=v1; b=2", "FWLBSRV"));
        assertNull(CookieSigner.strip("FWLBSRV=v1", "FWLBSRV"));
        assertEquals("a=1", CookieSigner.strip("a=1", "FWLBSRV"));
    }
}
