package org.fwlb.l7;

import java.time.Instant;

/**
 * Structured log lines (logfmt: {@code ts=… level=… event=… key=value …}) on stderr, so a Mininet host's
 * log can be grepped and parsed without a logging framework in the process.
 */
public final class Log {
    public enum Level { DEBUG, INFO, WARN, ERROR }

    private static volatile Level threshold = Level.valueOf(System.getProperty("fwlb.l7.log", "INFO").toUpperCase());

    private Log() {
    }

    public static void setLevel(Level level) {
        threshold = level;
    }

    public static boolean enabled(Level level) {
        return level.ordinal() >= threshold.ordinal();
    }

    public static void debug(String event, Object... kv) {
        log(Level.DEBUG, event, kv);
    }

    public static void info(String event, Object... kv) {
        log(Level.INFO, event, kv);
    }

    public static void warn(String event, Object... kv) {
        log(Level.WARN, event, kv);
    }

    public static void error(String event, Object... kv) {
        log(Level.ERROR, event, kv);
    }

    private static void log(Level level, String event, Object... kv) {
        if (!enabled(level)) {
            return;
        }
        StringBuilder b = new StringBuilder(96);
        b.append("ts=").append(Instant.now()).append(" level=").append(level.name().toLowerCase())
                .append(" event=").append(event);
        for (int i = 0; i + 1 < kv.length; i += 2) {
            b.append(' ').append(kv[i]).append('=');
            appendValue(b, String.valueOf(kv[i + 1]));
        }
        System.err.println(b);
    }

    // values with blanks or quotes are quoted so a line always splits into key=value pairs
    private static void appendValue(StringBuilder b, String v) {
        boolean quote = v.isEmpty();
        for (int i = 0; i < v.length() && !quote; i++) {
            char c = v.charAt(i);
            quote = c <= ' ' || c == '"' || c == '=';
        }
        if (!quote) {
            b.append(v);
            return;
        }
        b.append('"');
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < ' ') {
                b.append(' ');
            } else {
                b.append(c);
            }
        }
        b.append('"');
    }
}
