package org.fwlb.api;

import org.fwlb.model.AdminState;
import org.fwlb.model.HealthState;

import java.util.Objects;

/**
 * Run-time state of one member (firewall, dispatcher or server) on top of its configuration: an
 * operator's admin-state and weight overrides and the health seen by the probes. Stored in a
 * distributed map so every controller instance agrees.
 */
public final class MemberStatus {

    /** No weight override. */
    public static final int NO_WEIGHT = -1;

    private final AdminState adminOverride;
    private final HealthState health;
    private final int weightOverride;

    private MemberStatus(AdminState adminOverride, HealthState health, int weightOverride) {
        this.adminOverride = adminOverride;
        this.health = health == null ? HealthState.UP : health;
        this.weightOverride = weightOverride;
    }

    /**
     * Returns the status of a member nobody has touched: no override, healthy.
     *
     * @return the initial status
     */
    public static MemberStatus initial() {
        return new MemberStatus(null, HealthState.UP, NO_WEIGHT);
    }

    /**
     * Returns the operator's admin-state override.
     *
     * @return override, or null when the config's state applies
     */
    public AdminState adminOverride() {
        return adminOverride;
    }

    /**
     * Returns the probed health.
     *
     * @return health
     */
    public HealthState health() {
        return health;
    }

    /**
     * Returns the operator's weight override.
     *
     * @return weight, or {@link #NO_WEIGHT}
     */
    public int weightOverride() {
        return weightOverride;
    }

    /**
     * Returns a copy with another admin override.
     *
     * @param state override, or null to clear it
     * @return new status
     */
    public MemberStatus withAdminOverride(AdminState state) {
        return new MemberStatus(state, health, weightOverride);
    }

    /**
     * Returns a copy with another health.
     *
     * @param newHealth health
     * @return new status
     */
    public MemberStatus withHealth(HealthState newHealth) {
        return new MemberStatus(adminOverride, newHealth, weightOverride);
    }

    /**
     * Returns a copy with another weight override.
     *
     * @param weight weight, or {@link #NO_WEIGHT}
     * @return new status
     */
    public MemberStatus withWeightOverride(int weight) {
        return new MemberStatus(adminOverride, health, weight);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof MemberStatus)) {
            return false;
        }
        MemberStatus that = (MemberStatus) o;
        return weightOverride == that.weightOverride && adminOverride == that.adminOverride
                && health == that.health;
    }

    @Override
    public int hashCode() {
        return Objects.hash(adminOverride, health, weightOverride);
    }

    @Override
    public String toString() {
        return "MemberStatus{admin=" + adminOverride + ", health=" + health + ", weight=" + weightOverride + '}';
    }
}
