package org.fwlb.api;

import org.fwlb.model.AdminState;
import org.fwlb.model.Eligibility;
import org.fwlb.model.HealthState;

/**
 * What an operator sees of one firewall: its effective state, load and eligibility for new connections.
 */
public final class FirewallStatus {

    private final String id;
    private final AdminState adminState;
    private final HealthState health;
    private final Eligibility eligibility;
    private final int weight;
    private final int maxConnections;
    private final int connections;
    private final double packetRate;

    /**
     * Creates a status view.
     *
     * @param id             firewall id
     * @param adminState     effective admin state
     * @param health         probed health
     * @param eligibility    eligibility for new connections
     * @param weight         effective weight
     * @param maxConnections configured cap, 0 = none
     * @param connections    pinned connections now
     * @param packetRate     packets/s through it (pinned rules' counters)
     */
    public FirewallStatus(String id, AdminState adminState, HealthState health, Eligibility eligibility,
                          int weight, int maxConnections, int connections, double packetRate) {
        this.id = id;
        this.adminState = adminState;
        this.health = health;
        this.eligibility = eligibility;
        this.weight = weight;
        this.maxConnections = maxConnections;
        this.connections = connections;
        this.packetRate = packetRate;
    }

    /** @return firewall id */
    public String id() {
        return id;
    }

    /** @return effective admin state */
    public AdminState adminState() {
        return adminState;
    }

    /** @return probed health */
    public HealthState health() {
        return health;
    }

    /** @return eligibility for new connections */
    public Eligibility eligibility() {
        return eligibility;
    }

    /** @return effective weight */
    public int weight() {
        return weight;
    }

    /** @return configured connection cap, 0 = none */
    public int maxConnections() {
        return maxConnections;
    }

    /** @return pinned connections now */
    public int connections() {
        return connections;
    }

    /** @return packets per second through the firewall */
    public double packetRate() {
        return packetRate;
    }
}
