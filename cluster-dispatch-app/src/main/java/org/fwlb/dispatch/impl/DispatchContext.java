package org.fwlb.dispatch.impl;

import org.fwlb.connection.ConnectionStore;
import org.onosproject.core.ApplicationId;
import org.onosproject.net.flow.FlowRuleService;
import org.onosproject.net.packet.PacketService;

import java.util.function.Supplier;

/**
 * What the dispatch workers share: the application id, the plan in force, the connection table, the flow
 * rule and packet services, the rule builder and the counters.
 */
final class DispatchContext {

    /** Application name (flow rule owner). */
    static final String APP_NAME = "org.fwlb.clusterdispatch";

    final ApplicationId appId;
    final Supplier<DispatchPlan> plan;
    final ConnectionStore connections;
    final FlowRuleService flowRules;
    final PacketService packets;
    final StageRules rules;
    final DispatchCounters counters;
    private volatile boolean active = true;

    DispatchContext(ApplicationId appId, Supplier<DispatchPlan> plan, ConnectionStore connections,
                    FlowRuleService flowRules, PacketService packets, DispatchCounters counters) {
        this.appId = appId;
        this.plan = plan;
        this.connections = connections;
        this.flowRules = flowRules;
        this.packets = packets;
        this.rules = new StageRules(appId);
        this.counters = counters;
    }

    /** @return false once the component is being deactivated: no new rules then */
    boolean active() {
        return active;
    }

    void deactivate() {
        active = false;
    }
}
