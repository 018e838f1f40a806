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
 * The server cookie, format 2: {@code <serverId>.<first>.<last>.<mac>} where {@code first} is when the session
 * got its server and {@code last} when the cookie was last (re-)issued (Unix seconds), and mac is the first 22
 * characters (132 bits) of base64url(HMAC-SHA256(key, "fwlb2:" + serverId + "." + first + "." + last)). Every
 * dispatcher of a service shares the key, so a cookie issued by one verifies on all of them (FIG 5); the client
 * cannot forge a server choice without it. Verification compares in constant time.
 * <p>
 * Like HAProxy's {@code maxidle}/{@code maxlife}: a cookie is valid while {@code now - last <= maxIdleS} and
 * {@code now - first <= maxLifeS} (0 = no limit); a timestamp more than {@code MAX_SKEW_S} in the future, or
 * {@code last < first}, is invalid (a far-future date would never expire). A valid cookie whose {@code last}
 * is older than a quarter of maxIdle is re-issued with {@code last = now} and the same {@code first}.
 * Format-1 cookies ({@code id.issued.mac}, "fwlb1:") never expired and are refused.
 */
public final class CookieSigner {
    private static final int MAC_CHARS = 22;
    private static final byte[] DOMAIN = "fwlb2:".getBytes(StandardCharsets.US_ASCII);
    /** Clocks of dispatchers and this one may differ this much. */
    public static final long MAX_SKEW_S = 30;

    /** A cookie that verified: its server and timestamps. */
    public record Verified(String server, long first, long last) { }

    private final SecretKeySpec key;
    private final long maxIdleS;
    private final long maxLifeS;
    private final long refreshAfterS;
    private final LongSupplier clockS;
    // Mac is not thread-safe and costly to create: one per thread
    private final ThreadLocal<Mac> macs;
    // a new session's cookie value changes at most once a second per server: no HMAC per response
    private final ConcurrentHashMap<String, Issued> issued = new ConcurrentHashMap<>();

    private record Issued(long second, String value, String header) { }

    private final String cookieName;

    /** Defaults of the configuration: maxIdle 30 min, maxLife 24 h. */
    public CookieSigner(String key) {
        this("FWLBSRV", key, 1800, 86400, () -> System.currentTimeMillis() / 1000);
    }

    public CookieSigner(String key, LongSupplier clockS) {
        this("FWLBSRV", key, 1800, 86400, clockS);
    }

    public CookieSigner(String cookieName, String key, long maxIdleS, long maxLifeS) {
        this(cookieName, key, maxIdleS, maxLifeS, () -> System.currentTimeMillis() / 1000);
    }

    public CookieSigner(String cookieName, String key, long maxIdleS, long maxLifeS, LongSupplier clockS) {
        this.cookieName = cookieName;
        this.key = new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
        this.maxIdleS = maxIdleS;
        this.maxLifeS = maxLifeS;
        this.refreshAfterS = maxIdleS > 0 ? Math.max(1, maxIdleS / 4) : 0;
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

    /** A cookie value naming {@code serverId} for a new session, issued now. */
    public String issue(String serverId) {
        return current(serverId).value;
    }

    /** The whole Set-Cookie header value for a new session: {@code NAME=value; Path=/; HttpOnly}. */
    public String setCookieHeader(String serverId) {
        return current(serverId).header;
    }

    /** Set-Cookie re-issuing {@code v} now (same server and first-issue time): the idle clock restarts. */
    public String refreshHeader(Verified v) {
        return header(value(v.server(), v.first(), Math.max(v.first(), clockS.getAsLong())));
    }

    /** Signs arbitrary timestamps (tests, tools). */
    public String value(String serverId, long first, long last) {
        String signed = serverId + "." + first + "." + last;
        return signed + "." + mac(signed);
    }

    private String header(String value) {
        return cookieName + "=" + value + "; Path=/; HttpOnly";
    }

    private Issued current(String serverId) {
        long now = clockS.getAsLong();
        Issued cur = issued.get(serverId);
        if (cur != null && cur.second == now) {
            return cur;
        }
        String value = value(serverId, now, now);
        cur = new Issued(now, value, header(value));
        issued.put(serverId, cur);
        return cur;
    }

    /** The server id the value names if it is valid now, else null. */
    public String verify(String value) {
        Verified v = check(value);
        return v == null ? null : v.server();
    }

    /** The verified cookie if its signature is right and it is valid now, else null. */
    public Verified check(String value) {
        if (value == null) {
            return null;
        }
        int d1 = value.indexOf('.');
        int d2 = d1 < 0 ? -1 : value.indexOf('.', d1 + 1);
        int d3 = d2 < 0 ? -1 : value.indexOf('.', d2 + 1);
        if (d1 <= 0 || d3 < 0 || value.length() - d3 - 1 != MAC_CHARS) {
            return null;
        }
        long first = seconds(value, d1 + 1, d2);
        long last = seconds(value, d2 + 1, d3);
        if (first < 0 || last < 0) {
            return null;
        }
        byte[] expected = mac(value.substring(0, d3)).getBytes(StandardCharsets.US_ASCII);
        byte[] given = value.substring(d3 + 1).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, given)) {
            return null;
        }
        Verified v = new Verified(value.substring(0, d1), first, last);
        return valid(v) ? v : null;
    }

    /** Time checks only (the signature was verified before): idle, life, future dates. */
    public boolean valid(Verified v) {
        long now = clockS.getAsLong();
        if (v.last() < v.first() || v.last() - now > MAX_SKEW_S) {
            return false;
        }
        return (maxIdleS <= 0 || now - v.last() <= maxIdleS) && (maxLifeS <= 0 || now - v.first() <= maxLifeS);
    }

    /** Should the response re-issue this valid cookie (its idle timestamp is getting old)? */
    public boolean needsRefresh(Verified v) {
        return refreshAfterS > 0 && clockS.getAsLong() - v.last() >= refreshAfterS;
    }

    /** Decimal seconds in [from, to): 1-12 digits, else -1. */
    private static long seconds(String s, int from, int to) {
        if (to - from < 1 || to - from > 12) {
            return -1;
        }
        long x = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            x = x * 10 + (c - '0');
        }
        return x;
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
