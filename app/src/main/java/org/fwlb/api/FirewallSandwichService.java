package org.fwlb.api;

import org.fwlb.model.AdminState;
import org.fwlb.model.ConnectionEntry;

import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The firewall sandwich (seed FIG 1, FIG 6): its firewalls, their connections and counters, and the
 * operator's controls.
 */
public interface FirewallSandwichService {

    /**
     * Returns every configured firewall's status, in configuration order.
     *
     * @return statuses
     */
    List<FirewallStatus> firewalls();

    /**
     * Changes a firewall's admin state: {@code UP}, {@code DRAINING} (no new connections, existing ones
     * stay) or {@code DOWN} (no new connections, its pinned connections are cleared at once).
     *
     * @param firewallId firewall id
     * @param state      new state
     * @throws IllegalArgumentException if the firewall is unknown
     */
    void setFirewallState(String firewallId, AdminState state);

    /**
     * Returns the pinned connections that pass the filter.
     *
     * @param filter filter
     * @return connections
     */
    List<ConnectionEntry> connections(Predicate<ConnectionEntry> filter);

    /**
     * Returns the sandwich's counters (SYNs placed, refused, RSTs sent, packet-ins by kind, ...).
     *
     * @return counters by name
     */
    Map<String, Long> counters();

    /**
     * Returns a one-line description per traffic class: mode, policy, unknown non-SYN action.
     *
     * @return descriptions by traffic class id
     */
    Map<String, String> policies();

    /**
     * Returns the new connections this instance placed on each firewall.
     *
     * @return firewall id to placements
     */
    Map<String, Long> placements();
}
