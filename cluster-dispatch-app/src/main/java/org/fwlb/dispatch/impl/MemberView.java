package org.fwlb.dispatch.impl;

import org.fwlb.api.MemberStateService;
import org.fwlb.api.MemberStatus;
import org.fwlb.connection.ConnectionStore;
import org.fwlb.model.AdminState;
import org.fwlb.model.Dispatcher;
import org.fwlb.model.Eligibility;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.HealthState;
import org.fwlb.model.Server;
import org.fwlb.policy.SimpleMember;
import org.onosproject.net.DeviceId;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The policy's view of a stage's candidates: configuration plus operator overrides (admin state, weight),
 * health (probes, reports, and for a switch-realized dispatcher its switch being connected) and live
 * connection counts.
 */
final class MemberView {

    private final MemberStateService states;
    private final ConnectionStore connections;
    private final Predicate<DeviceId> deviceUp;

    MemberView(MemberStateService states, ConnectionStore connections, Predicate<DeviceId> deviceUp) {
        this.states = states;
        this.connections = connections;
        this.deviceUp = deviceUp;
    }

    /**
     * Returns the candidates of a stage for a service type, in configuration order.
     *
     * @param t           topology
     * @param stageId     dispatcher
     * @param serviceType service type
     * @return members
     */
    List<SimpleMember> candidates(FwlbTopology t, String stageId, String serviceType) {
        List<SimpleMember> out = new ArrayList<>();
        for (String id : t.candidates(stageId, serviceType)) {
            out.add(member(t, id));
        }
        return out;
    }

    /**
     * Returns one member's view.
     *
     * @param t  topology
     * @param id dispatcher or server id
     * @return member
     */
    SimpleMember member(FwlbTopology t, String id) {
        long active = connections.connectionCount(id);
        return SimpleMember.of(id, weight(t, id), Eligibility.of(admin(t, id), health(t, id), active, max(t, id)),
                               active, 0.0);
    }

    AdminState admin(FwlbTopology t, String id) {
        Server s = t.server(id);
        AdminState configured = s != null ? s.adminState() : t.dispatcher(id).adminState();
        return states.adminState(id, configured);
    }

    int weight(FwlbTopology t, String id) {
        Server s = t.server(id);
        return states.weight(id, s != null ? s.weight() : t.dispatcher(id).weight());
    }

    private int max(FwlbTopology t, String id) {
        Server s = t.server(id);
        return s != null ? s.maxConnections() : t.dispatcher(id).maxConnections();
    }

    /** A switch-realized dispatcher whose switch is gone is down, whatever its last report said. */
    HealthState health(FwlbTopology t, String id) {
        Dispatcher d = t.dispatcher(id);
        if (d != null && d.isSwitchRealized() && !deviceUp.test(d.deviceId().get())) {
            return HealthState.DOWN;
        }
        MemberStatus st = states.status(id);
        return st.health();
    }
}
