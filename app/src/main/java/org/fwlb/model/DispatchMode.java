package org.fwlb.model;

/**
 * How connections of a traffic class or virtual service are placed.
 */
public enum DispatchMode {
    /** The first SYN is punted, the policy chooses, per-connection rules are pinned. */
    PINNED("pinned"),
    /** Proactive symmetric rules derived from a hash of the public-side address; no punts. */
    STATIC_HASH("static-hash");

    private final String jsonName;

    DispatchMode(String jsonName) {
        this.jsonName = jsonName;
    }

    /**
     * Returns the name used in JSON.
     *
     * @return "pinned" or "static-hash"
     */
    public String jsonName() {
        return jsonName;
    }

    /**
     * Parses a JSON name.
     *
     * @param name JSON name
     * @return the mode, or null when unknown
     */
    public static DispatchMode fromJson(String name) {
        for (DispatchMode m : values()) {
            if (m.jsonName.equals(name)) {
                return m;
            }
        }
        return null;
    }
}
