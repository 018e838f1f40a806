package org.fwlb.l7.cookie;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CookieSignerTest {
    private static final String KEY = "0123456789abcdef-key";

    @Test
    void issuedCookieVerifiesAndNamesItsServer() {
        CookieSigner s = new CookieSigner(KEY, 0, () -> 1_700_000_000L);
        String v = s.issue("srv-1");
        assertTrue(v.matches("srv-1\\.1700000000\\.[A-Za-z0-9_-]{22}"), v);
        assertEquals("srv-1", s.verify(v));
        assertEquals("srv-1", new CookieSigner(KEY, 0).verify(v), "any dispatcher with the key verifies it");
    }

    @Test
    void everyAlterationIsRejected() {
        CookieSigner s = new CookieSigner(KEY, 0, () -> 1_700_000_000L);
        String v = s.issue("s1");
        String mac = v.substring(v.lastIndexOf('.') + 1);
        assertNull(s.verify("s2" + v.substring(2)), "other server, same mac");
        assertNull(s.verify("s1.1700000001." + mac), "other timestamp");
        assertNull(s.verify(v.substring(0, v.length() - 1)), "short mac");
        assertNull(s.verify(v + "A"), "long mac");
        for (int i = 0; i < mac.length(); i++) {
            char c = mac.charAt(i) == 'A' ? 'B' : 'A';
            String t = v.substring(0, v.length() - mac.length()) + mac.substring(0, i) + c + mac.substring(i + 1);
            assertNull(s.verify(t), t);
        }
        assertNull(new CookieSigner("another-key-0123456789", 0).verify(v), "other key");
        for (String junk : new String[]{null, "", "s1", "s1..", ".1." + mac, "s1.x1." + mac, "s1.-1." + mac,
                "s1.99999999999999999999." + mac}) {
            assertNull(s.verify(junk), String.valueOf(junk));
        }
    }

    @Test
    void maxAgeExpiresCookies() {
        AtomicLong now = new AtomicLong(1000);
        CookieSigner s = new CookieSigner(KEY, 60, now::get);
        String v = s.issue("s1");
        now.set(1060);
        assertEquals("s1", s.verify(v));
        now.set(1061);
        assertNull(s.verify(v));
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
