package org.fwlb.l7.config;

/**
 * Operator state of a server. DRAIN: no new policy choices, but cookie-sticky requests still go there,
 * so sessions finish on it; DOWN: nothing is sent to it.
 */
public enum AdminState {
    UP, DRAIN, DOWN;

    public String json() {
        return name().toLowerCase();
    }

    public static AdminState parse(String s, String path) {
        switch (s) {
            case "up": return UP;
            case "drain": case "draining": return DRAIN;
            case "down": return DOWN;
            default: throw new ConfigException(path + ": '" + s + "' must be up, drain or down");
        }
    }
}
