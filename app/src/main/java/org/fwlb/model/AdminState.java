package org.fwlb.model;

import java.util.Locale;

/**
 * Administrative state of a member (firewall, dispatcher or server), set by the operator.
 */
public enum AdminState {
    /** Takes new connections. */
    UP,
    /** Takes no new connections; existing ones stay until they end. */
    DRAINING,
    /** Takes no new connections; its pinned connections are cleared. */
    DOWN;

    /**
     * Returns the name used in JSON (lower case).
     *
     * @return JSON name
     */
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a JSON name ("up", "draining", "down").
     *
     * @param name JSON name
     * @return the state, or null when the name is unknown
     */
    public static AdminState fromJson(String name) {
        for (AdminState s : values()) {
            if (s.jsonName().equals(name)) {
                return s;
            }
        }
        return null;
    }
}
