package org.fwlb.model;

/**
 * What a dispatcher does with a non-SYN packet of a connection it does not know (seed [0011]).
 */
public enum UnknownNonSynAction {
    /** Discard it. */
    DROP("drop"),
    /** Discard it and answer the sender with a TCP RST built by the controller. */
    DROP_RST("drop-rst"),
    /** Forward it to the member the static hash would pick. */
    FORWARD("forward");

    private final String jsonName;

    UnknownNonSynAction(String jsonName) {
        this.jsonName = jsonName;
    }

    /**
     * Returns the name used in JSON.
     *
     * @return "drop", "drop-rst" or "forward"
     */
    public String jsonName() {
        return jsonName;
    }

    /**
     * Parses a JSON name.
     *
     * @param name JSON name
     * @return the action, or null when unknown
     */
    public static UnknownNonSynAction fromJson(String name) {
        for (UnknownNonSynAction a : values()) {
            if (a.jsonName.equals(name)) {
                return a;
            }
        }
        return null;
    }
}
