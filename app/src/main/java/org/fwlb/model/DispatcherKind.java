package org.fwlb.model;

/**
 * Clustering technology of a dispatcher (seed [0003], [0030]).
 */
public enum DispatcherKind {
    /** Layer-4 switching, layer-2 forwarding: rewrites the destination MAC only. */
    L4_2("L4/2"),
    /** Layer-4 switching, layer-3 forwarding: rewrites destination IP/MAC (and replies' source). */
    L4_3("L4/3"),
    /** Layer-7 switching, layer-3 forwarding: a process that terminates TCP and routes requests. */
    L7_3("L7/3");

    private final String jsonName;

    DispatcherKind(String jsonName) {
        this.jsonName = jsonName;
    }

    /**
     * Returns the name used in JSON.
     *
     * @return "L4/2", "L4/3" or "L7/3"
     */
    public String jsonName() {
        return jsonName;
    }

    /**
     * Parses a JSON name.
     *
     * @param name JSON name
     * @return the kind, or null when unknown
     */
    public static DispatcherKind fromJson(String name) {
        for (DispatcherKind k : values()) {
            if (k.jsonName.equals(name)) {
                return k;
            }
        }
        return null;
    }
}
