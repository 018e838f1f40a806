package org.fwlb.l7.cookie;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The server cookie: {@code <serverId>.<issued-epoch-s>.<mac>} where mac is the first 22 characters
 * (132 bits) of base64url(HMAC-SHA256(key, "fwlb1:" + serverId + "." + issued)). Every dispatcher of a
 * service shares the key, so a cookie issued by one verifies on all of them (FIG 5); the client cannot
 * forge a server choice without it. Verification compares in constant time.
 */
public final class CookieSigner {
    private static final int MAC_CHARS = 22;
    private static final byte[] DOMAIN = "fwlb1:".getBytes(StandardCharsets.US_ASCII);

    private final SecretKeySpec key;
    private final long maxAgeS;
    private final LongSupplier clockS;
    // Mac is not thread-safe and costly to create: one per thread
    private final ThreadLocal<Mac> macs;
    // the issued cookie value changes at most once a second per server: no HMAC per response
    private final ConcurrentHashMap<String, Issued> issued = new ConcurrentHashMap<>();

    private record Issued(long second, String value, String header) { }

    private final String cookieName;

    public CookieSigner(String key, long maxAgeS) {
        this("FWLBSRV", key, maxAgeS);
    }

    public CookieSigner(String cookieName, String key, long maxAgeS) {
        this(cookieName, key, maxAgeS, () -> System.currentTimeMillis() / 1000);
    }

    public CookieSigner(String key, long maxAgeS, LongSupplier clockS) {
        this("FWLBSRV", key, maxAgeS, clockS);
    }

    public CookieSigner(String cookieName, String key, long maxAgeS, LongSupplier clockS) {
        this.cookieName = cookieName;
        this.key = new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
        this.maxAgeS = maxAgeS;
        this.clockS = clockS;
        this.macs = ThreadLocal.withInitial(this::newMac);
        newMac(); // fail at start-up, not on the first request, if the JRE lacks HmacSHA256
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** A cookie value naming {@code serverId}, issued now. */
    public String issue(String serverId) {
        return current(serverId).value;
    }

    /** The whole Set-Cookie header value: {@code NAME=value; Path=/; HttpOnly}. */
    public String setCookieHeader(String serverId) {
        return current(serverId).header;
    }

    private Issued current(String serverId) {
        long now = clockS.getAsLong();
        Issued cur = issued.get(serverId);
        if (cur != null && cur.second == now) {
            return cur;
        }
        String value = serverId + "." + now + "." + mac(serverId + "." + now);
        cur = new Issued(now, value, cookieName + "=" + value + "; Path=/; HttpOnly");
        issued.put(serverId, cur);
        return cur;
    }

    /** The server id the value names if its signature is valid and it has not expired, else null. */
    public String verify(String value) {
        if (value == null) {
            return null;
        }
        int d1 = value.indexOf('.');
        int d2 = d1 < 0 ? -1 : value.indexOf('.', d1 + 1);
        if (d1 <= 0 || d2 < 0 || d2 == d1 + 1 || value.length() - d2 - 1 != MAC_CHARS) {
            return null;
        }
        long ts = 0;
        for (int i = d1 + 1; i < d2; i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9' || i - d1 > 12) {
                return null;
            }
            ts = ts * 10 + (c - '0');
        }
        String signed = value.substring(0, d2);
        byte[] expected = mac(signed).getBytes(StandardCharsets.US_ASCII);
        byte[] given = value.substring(d2 + 1).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, given)) {
            return null;
        }
        if (maxAgeS > 0 && clockS.getAsLong() - ts > maxAgeS) {
            return null;
        }
        return value.substring(0, d1);
    }

    private String mac(String signed) {
        Mac mac = macs.get();
        mac.update(DOMAIN);
        byte[] sum = mac.doFinal(signed.getBytes(StandardCharsets.US_ASCII));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(sum).substring(0, MAC_CHARS);
    }

    /**
     * The value of cookie {@code name} in a Cookie request header ("a=1; name=v; b=2"), or null. No regex:
     * this runs on every request.
     */
    public static String find(String header, String name) {
        if (header == null) {
            return null;
        }
        int n = header.length();
        int i = 0;
        while (i < n) {
            while (i < n && (header.charAt(i) == ' ' || header.charAt(i) == ';')) {
                i++;
            }
            int end = header.indexOf(';', i);
            if (end < 0) {
                end = n;
            }
            int eq = header.indexOf('=', i);
            if (eq > i && eq < end && eq - i == name.length() && header.regionMatches(i, name, 0, name.length())) {
                int vs = eq + 1;
                int ve = end;
                while (ve > vs && header.charAt(ve - 1) == ' ') {
                    ve--;
                }
                if (ve - vs >= 2 && header.charAt(vs) == '"' && header.charAt(ve - 1) == '"') {
                    vs++;
                    ve--;
                }
                return header.substring(vs, ve);
            }
            i = end + 1;
        }
        return null;
    }

    /** The header without cookie {@code name} (HAProxy "indirect": servers never see it), or null if empty. */
    public static String strip(String header, String name) {
        StringBuilder out = null;
        int n = header.length();
        int i = 0;
        boolean removed = false;
        while (i < n) {
            while (i < n && (header.charAt(i) == ' ' || header.charAt(i) == ';')) {
                i++;
            }
            if (i >= n) {
                break;
            }
            int end = header.indexOf(';', i);
            if (end < 0) {
                end = n;
            }
            int eq = header.indexOf('=', i);
            boolean ours = eq > i && eq < end && eq - i == name.length()
                    && header.regionMatches(i, name, 0, name.length());
            if (ours) {
                removed = true;
            } else {
                if (out == null) {
                    out = new StringBuilder(n);
                } else {
                    out.append("; ");
                }
                out.append(header, i, end);
            }
            i = end + 1;
        }
        if (!removed) {
            return header;
        }
        return out == null ? null : out.toString().trim();
    }
}
