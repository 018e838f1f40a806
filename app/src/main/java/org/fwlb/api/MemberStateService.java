package org.fwlb.api;

import org.fwlb.model.AdminState;
import org.fwlb.model.HealthState;
import org.onosproject.event.ListenerService;

import java.util.Map;

/**
 * Admin state, weight and health of firewalls, dispatchers and servers, shared by the controller
 * instances. The configuration gives the baseline; operators override it at run time (drain, force
 * down, weights) and probes report health.
 */
public interface MemberStateService extends ListenerService<MemberStateEvent, MemberStateListener> {

    /**
     * Returns the status of a member (initial status when never touched).
     *
     * @param memberId member id
     * @return status
     */
    MemberStatus status(String memberId);

    /**
     * Returns all statuses that differ from the initial one.
     *
     * @return statuses by member id
     */
    Map<String, MemberStatus> statuses();

    /**
     * Returns the effective admin state: the override if any, else the configured one.
     *
     * @param memberId   member id
     * @param configured the configured state
     * @return effective admin state
     */
    AdminState adminState(String memberId, AdminState configured);

    /**
     * Returns the effective weight: the override if any, else the configured one.
     *
     * @param memberId   member id
     * @param configured configured weight
     * @return effective weight
     */
    int weight(String memberId, int configured);

    /**
     * Overrides a member's admin state.
     *
     * @param memberId a member of the topology in force
     * @param state    new state
     * @throws IllegalArgumentException if the member is unknown
     */
    void setAdminState(String memberId, AdminState state);

    /**
     * Overrides a member's weight.
     *
     * @param memberId a member of the topology in force
     * @param weight   new weight, 0..10000 (0: no share of new connections under weighted policies)
     * @throws IllegalArgumentException if the member is unknown or the weight out of range
     */
    void setWeight(String memberId, int weight);

    /**
     * Removes a member's overrides; the configuration applies again.
     *
     * @param memberId a member of the topology in force
     * @throws IllegalArgumentException if the member is unknown
     */
    void clearOverrides(String memberId);

    /**
     * Records the health a probe observed.
     *
     * @param memberId member id
     * @param health   observed health
     */
    void reportHealth(String memberId, HealthState health);
}
