package org.fwlb.api;

import org.fwlb.model.AdminState;
import org.fwlb.model.ConnectionEntry;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Hierarchical dispatch (seed FIG 2-8): the dispatch stages' members, their run-time state and the
 * connections placed through them. Changes made here are operator overrides (kept in the member-state
 * store, cluster-wide); they affect new connections only, never pinned ones.
 */
public interface DispatchService {

    /** Highest weight an operator may set. */
    int MAX_WEIGHT = 10_000;

    /**
     * Returns every dispatcher of the topology in force, in configuration order.
     *
     * @return statuses
     */
    List<DispatchMemberStatus> dispatchers();

    /**
     * Returns every back-end server of the topology in force, in configuration order.
     *
     * @return statuses
     */
    List<DispatchMemberStatus> servers();

    /**
     * Returns one dispatcher's or server's status.
     *
     * @param memberId dispatcher or server id
     * @return status, or empty when no such member is configured
     */
    Optional<DispatchMemberStatus> member(String memberId);

    /**
     * Sets a dispatcher's or server's admin state: DRAINING and DOWN take it out of the choice for new
     * connections; DOWN also ends the connections through it.
     *
     * @param memberId dispatcher or server id
     * @param state    new state
     * @throws IllegalArgumentException for an unknown id or a null state; nothing changes then
     */
    void setAdminState(String memberId, AdminState state);

    /**
     * Sets a dispatcher's or server's weight (its share among its siblings, seed [0032]).
     *
     * @param memberId dispatcher or server id
     * @param weight   0..{@link #MAX_WEIGHT}
     * @throws IllegalArgumentException for an unknown id or a weight out of range; nothing changes then
     */
    void setWeight(String memberId, int weight);

    /**
     * Drops the operator's overrides of a member (back to the configured admin state and weight).
     *
     * @param memberId dispatcher or server id
     * @throws IllegalArgumentException for an unknown id
     */
    void clearOverrides(String memberId);

    /**
     * Returns the connections placed through a dispatch stage (the shared connection table's entries whose
     * path names a dispatcher).
     *
     * @param filter extra filter, or null
     * @return entries
     */
    List<ConnectionEntry> connections(Predicate<ConnectionEntry> filter);

    /**
     * Returns the dispatch counters of this instance (SYNs placed, rejected, FIN/RST seen, rules removed...).
     *
     * @return counter name to value
     */
    Map<String, Long> counters();

    /**
     * Takes an L7/3 dispatcher's periodic report (seed [0036]): it proves the dispatcher alive, and its
     * servers' health becomes theirs (for servers no stage switch probes).
     *
     * @param dispatcherId an L7/3 dispatcher's id
     * @param report       the report
     * @throws IllegalArgumentException for an unknown id or one that is not an L7/3 dispatcher
     */
    void l7Report(String dispatcherId, L7Report report);

    /**
     * Returns the L7/3 dispatchers' statuses.
     *
     * @return statuses in configuration order
     */
    java.util.List<L7Status> l7Dispatchers();

    /**
     * Returns the new connections this instance placed on each stage dispatcher and server.
     *
     * @return member id to placements
     */
    Map<String, Long> placements();
}
