package org.fwlb.engine;

/**
 * The two applications that own decision points, connections and rules. Each keeps its ONOS identity
 * (application name, .oar, REST, CLI); the engine tags every rule with the owner's application id.
 */
public enum Owner {
    /** The firewall sandwich (FIG 1, FIG 6): firewall choice, and the L4/3 stage of a FIG 6 internal dispatcher. */
    SANDWICH("org.fwlb.sandwich"),
    /** Hierarchical dispatch (FIG 2-8): L4/2, L4/3 stages and the DF of L7/3 hosts. */
    DISPATCH("org.fwlb.clusterdispatch");

    private final String appName;

    Owner(String appName) {
        this.appName = appName;
    }

    /** @return the ONOS application name */
    public String appName() {
        return appName;
    }

    /**
     * Returns the owner of an application name.
     *
     * @param appName application name
     * @return owner, or null when neither
     */
    public static Owner of(String appName) {
        for (Owner o : values()) {
            if (o.appName.equals(appName)) {
                return o;
            }
        }
        return null;
    }
}
