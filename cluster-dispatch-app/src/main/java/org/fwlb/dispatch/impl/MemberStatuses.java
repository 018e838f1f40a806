package org.fwlb.dispatch.impl;

import org.fwlb.api.DispatchMemberStatus;
import org.fwlb.connection.ConnectionStore;
import org.fwlb.engine.EngineCounters;
import org.fwlb.engine.Members;
import org.fwlb.model.AdminState;
import org.fwlb.model.Dispatcher;
import org.fwlb.model.Eligibility;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.HealthState;

import java.util.ArrayList;
import java.util.List;

/**
 * The operator's view of the dispatchers and servers (pure over the member view, the live counts and the
 * placement counters): admin state, health, eligibility, weight, live and placed connections, place in the tree.
 */
final class MemberStatuses {

    private final Members members;
    private final ConnectionStore connections;
    private final EngineCounters counters;

    MemberStatuses(Members members, ConnectionStore connections, EngineCounters counters) {
        this.members = members;
        this.connections = connections;
        this.counters = counters;
    }

    /**
     * Returns one member's status.
     *
     * @param t  topology
     * @param id a dispatcher or server of the topology
     * @return status
     */
    DispatchMemberStatus status(FwlbTopology t, String id) {
        Dispatcher d = t.dispatcher(id);
        AdminState admin = members.admin(t, id);
        HealthState health = members.health(t, id);
        int active = connections.connectionCount(id);
        int max = d != null ? d.maxConnections() : t.server(id).maxConnections();
        int stage = d != null ? t.stageDepth(id)
                : t.parents(id).stream().mapToInt(t::stageDepth).max().orElse(0) + 1;
        return DispatchMemberStatus.builder().id(id)
                .role(d != null ? DispatchMemberStatus.Role.DISPATCHER : DispatchMemberStatus.Role.SERVER)
                .kind(d != null ? d.kind().jsonName() : "server").stage(stage)
                .device(d != null ? d.deviceId().map(Object::toString).orElse(null) : null)
                .adminState(admin).health(health).eligibility(Eligibility.of(admin, health, active, max))
                .weight(members.weight(t, id)).maxConnections(max).connections(active)
                .placed(counters.placedOn(id)).parents(t.parents(id)).build();
    }

    /**
     * Returns the dispatchers' statuses.
     *
     * @param t topology
     * @return statuses in configuration order
     */
    List<DispatchMemberStatus> dispatchers(FwlbTopology t) {
        List<DispatchMemberStatus> out = new ArrayList<>();
        t.dispatchers().forEach(d -> out.add(status(t, d.id())));
        return out;
    }

    /**
     * Returns the servers' statuses.
     *
     * @param t topology
     * @return statuses in configuration order
     */
    List<DispatchMemberStatus> servers(FwlbTopology t) {
        List<DispatchMemberStatus> out = new ArrayList<>();
        t.servers().forEach(s -> out.add(status(t, s.id())));
        return out;
    }
}
