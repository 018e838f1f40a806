package org.fwlb.sandwich.impl;

import org.fwlb.connection.ConnectionStore;
import org.fwlb.model.ConnectionEntry;
import org.fwlb.model.FirewallDispatcher.Role;
import org.fwlb.model.FlowKey;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.Ip4;
import org.onosproject.core.ApplicationId;
import org.onosproject.net.DeviceId;
import org.onosproject.net.flow.FlowRule;
import org.onosproject.net.flow.FlowRuleService;
import org.onosproject.net.packet.PacketService;

import java.util.List;
import java.util.function.Supplier;

/**
 * What the sandwich's workers share: the topology in force, the services they act through, the rule
 * builder and the counters. Built by the manager; keeps the workers free of DS wiring.
 */
final class SandwichContext {

    /** Name under which the sandwich pins connections. */
    static final String APP_NAME = "org.fwlb.sandwich";

    final ApplicationId appId;
    final Supplier<FwlbTopology> topology;
    final ConnectionStore connections;
    final FlowRuleService flowRules;
    final PacketService packets;
    final SandwichRules rules;
    final SandwichCounters counters;
    private volatile boolean active = true;

    SandwichContext(ApplicationId appId, Supplier<FwlbTopology> topology, ConnectionStore connections,
                    FlowRuleService flowRules, PacketService packets, SandwichCounters counters) {
        this.appId = appId;
        this.topology = topology;
        this.connections = connections;
        this.flowRules = flowRules;
        this.packets = packets;
        this.rules = new SandwichRules(appId);
        this.counters = counters;
    }

    /**
     * Tells whether the sandwich is still active (false once deactivation began).
     *
     * @return true while active
     */
    boolean active() {
        return active;
    }

    /** Marks the sandwich deactivated: late callbacks undo instead of pinning. */
    void deactivate() {
        active = false;
    }

    /**
     * Returns the role of a device in the sandwich.
     *
     * @param t      topology
     * @param device device
     * @return role, or null when the device is neither firewall dispatcher
     */
    static Role roleOf(FwlbTopology t, DeviceId device) {
        if (t.external().isPresent() && t.external().get().deviceId().equals(device)) {
            return Role.EXTERNAL;
        }
        if (t.internal().isPresent() && t.internal().get().deviceId().equals(device)) {
            return Role.INTERNAL;
        }
        return null;
    }

    /**
     * Returns the side a connection was started from: private clients sit in the internal subnet.
     *
     * @param t     topology
     * @param entry connection
     * @return origin
     */
    static Role originOf(FwlbTopology t, ConnectionEntry entry) {
        return originOf(t, entry.flow());
    }

    /**
     * Returns the side a directional flow's source sits on.
     *
     * @param t    topology
     * @param flow flow in its original direction
     * @return origin
     */
    static Role originOf(FwlbTopology t, FlowKey flow) {
        boolean inside = t.internal().isPresent()
                && t.internal().get().subnet().contains(Ip4.toAddress(flow.srcIp()));
        return inside ? Role.INTERNAL : Role.EXTERNAL;
    }

    /**
     * Returns the pinned rules of a connection with a given idle timeout.
     *
     * @param t           topology
     * @param entry       connection
     * @param idleSeconds idle timeout
     * @return rules
     */
    List<FlowRule> rulesOf(FwlbTopology t, ConnectionEntry entry, int idleSeconds) {
        return rules.pinnedRules(t, entry, originOf(t, entry), idleSeconds);
    }
}
