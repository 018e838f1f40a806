package org.fwlb.engine;

import org.fwlb.connection.ConnectionEvent;
import org.fwlb.connection.ConnectionListener;
import org.fwlb.model.ConnectionEntry;
import org.onosproject.core.ApplicationId;
import org.onosproject.event.ListenerService;

import java.util.List;
import java.util.function.Predicate;

/**
 * The connection engine both applications attach to: it owns the packet path (punts, decisions, installation,
 * life cycle, adoption) and the base rules of every device, and tags each rule with the owning application's id.
 * Listeners receive the connection table's events (pinned, state changed, path changed, removed).
 */
public interface ConnectionEngine extends ListenerService<ConnectionEvent, ConnectionListener> {

    /**
     * Attaches an application: its decision points start deciding and its base rules are installed.
     *
     * @param owner which application
     * @param appId its application id (owner of its rules)
     */
    void attach(Owner owner, ApplicationId appId);

    /**
     * Detaches an application: its decision points stop deciding. With {@code withdraw} (the application is
     * deactivated) its connections end and its rules are removed; without (one instance stops) they stay for the
     * other instances, or for the restarted one to adopt.
     *
     * @param owner    which application
     * @param withdraw whether to end its connections and remove its rules
     */
    void detach(Owner owner, boolean withdraw);

    /**
     * Returns the connections matching a filter.
     *
     * @param filter filter, null for all
     * @return entries
     */
    List<ConnectionEntry> connections(Predicate<ConnectionEntry> filter);

    /**
     * Returns an owner's counters on this instance.
     *
     * @param owner owner
     * @return counters
     */
    EngineCounters counters(Owner owner);

    /** @return the member view (configuration, overrides, health, live counts, rates) */
    Members members();

    /** @return the plan in force */
    EnginePlan plan();

    /** @return the firewalls' static-hash buckets in force */
    HashBuckets firewallBuckets();

    /**
     * Tells whether this instance drives a device: it is available and mastered here. The applications' own
     * punts (ARP, probes) and probes act only on such devices, as the engine does.
     *
     * @param device device
     * @return true when this instance sends to and answers for it
     */
    boolean drives(org.onosproject.net.DeviceId device);

    /**
     * Tells how far every device the attached applications use is from ready: connected, mastered here, and
     * every base rule confirmed by the switch (a script can wait on this instead of reading flow tables).
     *
     * @return device id to "ready" or what it waits for (empty when no device is configured)
     */
    java.util.Map<String, String> readiness();

    /**
     * Returns the decision and install latency timers.
     *
     * @return timers
     */
    EngineTimers timers();

    /**
     * Returns the packets the punt meters dropped, per device.
     *
     * @return device to packets
     */
    java.util.Map<org.onosproject.net.DeviceId, Long> puntMeterDrops();

    /**
     * Returns how often each member's health state changed.
     *
     * @return member id to transitions
     */
    java.util.Map<String, Long> healthTransitions();

    /**
     * Returns the overload state: OVERLOAD while new connections of pinned classes go by static-hash rules.
     *
     * @return state
     */
    default OverloadDetector.State overloadState() {
        return OverloadDetector.State.NORMAL;
    }
}
