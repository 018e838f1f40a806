package org.fwlb.l7.config;

import java.net.InetSocketAddress;

/** Checks and parses the literal addresses used in the config (no DNS: a Mininet host has none). */
public final class Addresses {
    private Addresses() {
    }

    static void checkHost(String host, String path) {
        if (host.isEmpty() || !host.matches("[0-9A-Za-z.:_-]+")) {
            throw new ConfigException(path + ": '" + host + "' is not an IP address or host name");
        }
    }

    /** "ip:port" → unresolved-free socket address (IPv4 literal or host name resolved once). */
    public static InetSocketAddress hostPort(String s, String path) {
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            throw new ConfigException(path + ": '" + s + "' must be ip:port");
        }
        String host = s.substring(0, colon);
        checkHost(host, path);
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new ConfigException(path + ": '" + s + "' has no numeric port");
        }
        if (port < 1 || port > 65535) {
            throw new ConfigException(path + ": port " + port + " out of range");
        }
        return new InetSocketAddress(host, port);
    }
}
