package org.fwlb.l7.relay;

import io.netty.handler.codec.http.HttpHeaders;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Authenticates requests between peer dispatchers on the relay port (relayed requests and
 * {@code /_fwlb/has/} queries): HMAC-SHA256 with the shared relay key over
 * {@code "fwlb-relay1\n" + method + "\n" + target + "\n" + X-Fwlb-Relay + "\n" + X-Fwlb-Server + "\n"
 * + X-Fwlb-Client + "\n" + X-Forwarded-For + "\n" + ts + "\n" + nonce}, sent as {@code X-Fwlb-Ts} (Unix ms),
 * {@code X-Fwlb-Nonce} (128 random bits) and {@code X-Fwlb-Sig} (base64url). A request is accepted only if its
 * signature is right, its timestamp within {@code maxSkewMs} of this clock and its nonce not seen before
 * (nonces are remembered for twice the window, so a captured request cannot be replayed). Body and other
 * headers are not covered: this proves which dispatcher asked, it does not hide or seal the traffic.
 */
public final class RelaySigner {
    public static final String TS = "X-Fwlb-Ts";
    public static final String NONCE = "X-Fwlb-Nonce";
    public static final String SIG = "X-Fwlb-Sig";
    public static final String RELAY = "X-Fwlb-Relay";
    public static final String SERVER = "X-Fwlb-Server";
    public static final String CLIENT = "X-Fwlb-Client";
    private static final byte[] DOMAIN = "fwlb-relay1\n".getBytes(StandardCharsets.US_ASCII);

    private final SecretKeySpec key;
    private final long maxSkewMs;
    private final LongSupplier clockMs;
    private final ThreadLocal<Mac> macs;
    private final SecureRandom random = new SecureRandom();
    // replay protection: nonces of the current and the previous window of 2 * maxSkewMs
    private Set<String> seen = new HashSet<>();
    private Set<String> seenBefore = new HashSet<>();
    private long generationStart;

    public RelaySigner(String key, int maxSkewMs) {
        this(key, maxSkewMs, System::currentTimeMillis);
    }

    public RelaySigner(String key, int maxSkewMs, LongSupplier clockMs) {
        this.key = new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
        this.maxSkewMs = maxSkewMs;
        this.clockMs = clockMs;
        this.macs = ThreadLocal.withInitial(this::newMac);
        this.generationStart = clockMs.getAsLong();
        newMac();
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

    /** The three authentication headers for a request with these relay headers (null = absent). */
    public Map<String, String> sign(String method, String target, String relay, String server, String client,
                                    String xff) {
        byte[] n = new byte[16];
        random.nextBytes(n);
        String nonce = Base64.getUrlEncoder().withoutPadding().encodeToString(n);
        String ts = Long.toString(clockMs.getAsLong());
        Map<String, String> h = new LinkedHashMap<>();
        h.put(TS, ts);
        h.put(NONCE, nonce);
        h.put(SIG, mac(method, target, relay, server, client, xff, ts, nonce));
        return h;
    }

    /** Adds the authentication headers to a request whose relay headers are already set. */
    public void sign(HttpHeaders h, String method, String target) {
        sign(method, target, h.get(RELAY), h.get(SERVER), h.get(CLIENT), h.get("X-Forwarded-For")).forEach(h::set);
    }

    /** Null if the request is authentic and fresh, else why not (for the counters and logs). */
    public String verify(HttpHeaders h, String method, String target) {
        String ts = h.get(TS);
        String nonce = h.get(NONCE);
        String sig = h.get(SIG);
        if (ts == null || nonce == null || sig == null || h.getAll(SIG).size() != 1 || h.getAll(TS).size() != 1
                || h.getAll(NONCE).size() != 1) {
            return "unsigned";
        }
        String expected = mac(method, target, h.get(RELAY), h.get(SERVER), h.get(CLIENT), h.get("X-Forwarded-For"),
                ts, nonce);
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                sig.getBytes(StandardCharsets.US_ASCII))) {
            return "bad-signature";
        }
        long t;
        try {
            t = Long.parseLong(ts);
        } catch (NumberFormatException e) {
            return "bad-signature";
        }
        long now = clockMs.getAsLong();
        if (Math.abs(now - t) > maxSkewMs) {
            return "expired";
        }
        synchronized (this) {
            if (now - generationStart >= 2 * maxSkewMs) {
                // a nonce stays at least one whole generation (2 * maxSkewMs) after the one it came in: longer
                // than its timestamp can verify; older ones can go
                seenBefore = seen;
                seen = new HashSet<>();
                generationStart = now;
            }
            if (seenBefore.contains(nonce) || !seen.add(nonce)) {
                return "replayed";
            }
        }
        return null;
    }

    private String mac(String method, String target, String relay, String server, String client, String xff,
                       String ts, String nonce) {
        StringBuilder b = new StringBuilder(128).append(method).append('\n').append(target).append('\n');
        for (String v : new String[]{relay, server, client, xff, ts}) {
            b.append(v == null ? "" : v).append('\n');
        }
        b.append(nonce);
        Mac mac = macs.get();
        mac.update(DOMAIN);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(
                mac.doFinal(b.toString().getBytes(StandardCharsets.UTF_8)));
    }
}
