package org.fwlb.policy;

import org.fwlb.model.Eligibility;

/**
 * A candidate a policy can choose: a firewall, a dispatcher or a server, as seen at decision time.
 * Implementations are usually light views over the caller's live state.
 */
public interface Member {

    /**
     * Returns the member id.
     *
     * @return id
     */
    String id();

    /**
     * Returns the weight; weighted policies treat values below 1 as 1.
     *
     * @return weight
     */
    int weight();

    /**
     * Returns whether the member may take a new connection and, if not, why.
     *
     * @return eligibility
     */
    Eligibility eligibility();

    /**
     * Returns the number of live connections pinned to this member.
     *
     * @return active connections
     */
    long activeConnections();

    /**
     * Returns the recent packet rate through this member (packets per second), fed by packet counters.
     *
     * @return packet rate
     */
    double packetRate();
}
