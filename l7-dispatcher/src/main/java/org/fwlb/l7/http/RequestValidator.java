package org.fwlb.l7.http;

import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The checks a request head must pass before anything of it is forwarded, on top of Netty's decoder (which
 * already rejects malformed lines, header names and chunk sizes). A proxy is the place where request
 * smuggling happens (CL+TE, duplicate lengths, odd codings), so anything ambiguous is refused rather than
 * repaired. Returns 0 when the head is acceptable, else the status to answer before closing.
 */
public final class RequestValidator {
    private static final Set<HttpMethod> FORWARDED = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST,
            HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.OPTIONS, HttpMethod.PATCH);
    private static final Set<HttpMethod> IDEMPOTENT = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.PUT,
            HttpMethod.DELETE, HttpMethod.OPTIONS);

    private final long maxBodyBytes;

    public RequestValidator(long maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    public static boolean idempotent(HttpMethod m) {
        return IDEMPOTENT.contains(m);
    }

    /** Status for a head Netty could not decode. */
    public static int statusForDecodeFailure(Throwable cause) {
        if (cause instanceof TooLongHttpLineException) {
            return 414;
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return 431;
        }
        if (cause instanceof TooLongFrameException) {
            return 413;
        }
        return 400;
    }

    public int check(HttpRequest req) {
        HttpVersion v = req.protocolVersion();
        if (!"HTTP".equals(v.protocolName())) {
            return 400;
        }
        if (v.majorVersion() != 1 || v.minorVersion() > 1) {
            return 505;
        }
        if (!FORWARDED.contains(req.method())) {
            return methodToken(req.method().name()) ? 501 : 400;
        }
        String uri = req.uri();
        if (!validTarget(uri, req.method())) {
            return 400;
        }
        HttpHeaders h = req.headers();
        List<String> hosts = h.getAll(HttpHeaderNames.HOST);
        if (hosts.size() > 1 || (v == HttpVersion.HTTP_1_1 && (hosts.isEmpty() || hosts.get(0).isEmpty()))
                || (!hosts.isEmpty() && !validHost(hosts.get(0)))) {
            return 400;
        }
        List<String> te = h.getAll(HttpHeaderNames.TRANSFER_ENCODING);
        List<String> cl = h.getAll(HttpHeaderNames.CONTENT_LENGTH);
        if (!te.isEmpty()) {
            if (te.size() > 1 || !cl.isEmpty() || v == HttpVersion.HTTP_1_0) {
                return 400;
            }
            if (!"chunked".equalsIgnoreCase(te.get(0).trim())) {
                return 501; // a transfer coding we do not implement (RFC 9112 6.1)
            }
        }
        if (!cl.isEmpty()) {
            if (cl.size() > 1) {
                return 400;
            }
            long len = digits(cl.get(0));
            if (len < 0) {
                return 400;
            }
            if (len > maxBodyBytes) {
                return 413;
            }
        }
        for (Map.Entry<String, String> e : h) {
            if (!validValue(e.getValue())) {
                return 400;
            }
        }
        String expect = h.get(HttpHeaderNames.EXPECT);
        if (expect != null && !"100-continue".equalsIgnoreCase(expect.trim())) {
            return 417;
        }
        return 0;
    }

    private static boolean methodToken(String m) {
        for (int i = 0; i < m.length(); i++) {
            if (!tchar(m.charAt(i))) {
                return false;
            }
        }
        return !m.isEmpty();
    }

    static boolean tchar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    /** origin-form, absolute-form (http://authority[/…], authority checked like Host) or "*" for OPTIONS. */
    private static boolean validTarget(String uri, HttpMethod m) {
        if (uri.isEmpty()) {
            return false;
        }
        for (int i = 0; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                return false;
            }
        }
        char c0 = uri.charAt(0);
        if (c0 == '/') {
            return true;
        }
        if (uri.equals("*")) {
            return m == HttpMethod.OPTIONS;
        }
        // absolute-form: its authority becomes the server's Host, so it passes the Host checks (no userinfo)
        return uri.regionMatches(true, 0, "http://", 0, 7) && validHost(authority(uri));
    }

    /** The authority of an absolute-form target ("http://a:1/x?y" → "a:1"). */
    static String authority(String uri) {
        int end = 7;
        while (end < uri.length() && "/?#".indexOf(uri.charAt(end)) < 0) {
            end++;
        }
        return uri.substring(7, end);
    }

    /**
     * Host (RFC 9110 7.2): reg-name or IPv4 (letters, digits, '.', '-', '_') or a bracketed IPv6 literal,
     * optional ":port" (1-65535). No userinfo ('@'), no path, no percent-encoding.
     */
    static boolean validHost(String host) {
        if (host.isEmpty() || host.length() > 255) {
            return false;
        }
        int i = 0;
        int n = host.length();
        if (host.charAt(0) == '[') {
            int close = host.indexOf(']');
            if (close < 3) {
                return false;
            }
            for (i = 1; i < close; i++) {
                char c = host.charAt(i);
                if (!(Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
                    return false;
                }
            }
            i = close + 1;
        } else {
            for (; i < n && host.charAt(i) != ':'; i++) {
                char c = host.charAt(i);
                if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.'
                        || c == '-' || c == '_')) {
                    return false;
                }
            }
            if (i == 0) {
                return false;
            }
        }
        if (i == n) {
            return true;
        }
        if (host.charAt(i) != ':' || n - i - 1 < 1 || n - i - 1 > 5) {
            return false;
        }
        long port = digits(host.substring(i + 1));
        return port >= 1 && port <= 65535;
    }

    /** Header values: no control characters but HTAB (NUL, CR or LF in a value is an injection attempt). */
    private static boolean validValue(String v) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                return false;
            }
        }
        return true;
    }

    /** Non-negative decimal without sign or blanks, else -1. */
    static long digits(String s) {
        s = s.trim();
        if (s.isEmpty() || s.length() > 18) {
            return -1;
        }
        long x = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            x = x * 10 + (c - '0');
        }
        return x;
    }
}
