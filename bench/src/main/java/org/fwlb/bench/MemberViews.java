package org.fwlb.bench;

import org.fwlb.api.MemberStateService;
import org.fwlb.api.MemberStatus;
import org.fwlb.connection.ConnectionStore;
import org.fwlb.model.AdminState;
import org.fwlb.model.Dispatcher;
import org.fwlb.model.Eligibility;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.Server;
import org.fwlb.policy.SimpleMember;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The policy view of servers and dispatchers, built the way the sandwich builds its firewall and server
 * members (FirewallView, FirewallSandwichManager.serverMember): configuration merged with operator
 * overrides and probed health, live connection counts from the table, packet rates.
 */
final class MemberViews {

    private final FwlbTopology topology;
    private final MemberStateService states;
    private final ConnectionStore connections;
    private final ToDoubleFunction<String> packetRate;

    MemberViews(FwlbTopology topology, MemberStateService states, ConnectionStore connections,
                ToDoubleFunction<String> packetRate) {
        this.topology = topology;
        this.states = states;
        this.connections = connections;
        this.packetRate = packetRate;
    }

    /**
     * Returns the members a dispatcher chooses among.
     *
     * @param ids candidate ids (servers and dispatchers), e.g. FwlbTopology.candidates(...)
     * @return members in the same order
     */
    List<SimpleMember> of(List<String> ids) {
        List<SimpleMember> out = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            Server s = topology.server(id);
            if (s != null) {
                out.add(member(id, s.adminState(), s.weight(), s.maxConnections()));
            } else {
                Dispatcher d = topology.dispatcher(id);
                out.add(member(id, d.adminState(), d.weight(), d.maxConnections()));
            }
        }
        return out;
    }

    /**
     * Returns the policy view of a server.
     *
     * @param s server
     * @return member
     */
    SimpleMember server(Server s) {
        return member(s.id(), s.adminState(), s.weight(), s.maxConnections());
    }

    private SimpleMember member(String id, AdminState configuredAdmin, int configuredWeight, int max) {
        MemberStatus st = states.status(id);
        AdminState admin = st.adminOverride() != null ? st.adminOverride() : configuredAdmin;
        int weight = st.weightOverride() != MemberStatus.NO_WEIGHT ? st.weightOverride() : configuredWeight;
        long active = connections.connectionCount(id);
        return SimpleMember.of(id, weight, Eligibility.of(admin, st.health(), active, max), active,
                               packetRate.applyAsDouble(id));
    }
}
