package org.fwlb.l7.config;

import java.net.URI;

/** Credentials never reach a log line or an error message: user-info in URLs becomes "***". */
public final class Redact {
    private Redact() {
    }

    public static String url(URI u) {
        if (u == null) {
            return "null";
        }
        if (u.getRawUserInfo() == null) {
            return u.toString();
        }
        return u.getScheme() + "://***@" + u.getRawAuthority().substring(u.getRawAuthority().lastIndexOf('@') + 1)
                + (u.getRawPath() == null ? "" : u.getRawPath()) + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
    }

    /**
     * Any "scheme://user:pass@" in free text (exception messages quote URLs). The user-info may hold
     * characters a URL may not (a space in a mistyped password): everything up to the authority's '@' goes.
     */
    public static String text(String s) {
        return s == null ? null : s.replaceAll("(?i)([a-z][a-z0-9+.-]*://)[^/@]*@", "$1***@");
    }
}
