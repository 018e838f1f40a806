package org.fwlb.sandwich.impl;

import org.fwlb.api.FirewallStatus;
import org.fwlb.api.MemberStateService;
import org.fwlb.api.MemberStatus;
import org.fwlb.connection.ConnectionStore;
import org.fwlb.model.AdminState;
import org.fwlb.model.Eligibility;
import org.fwlb.model.Firewall;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.HealthState;
import org.fwlb.policy.SimpleMember;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The firewalls as the selection policies see them: configuration merged with operator overrides, probed
 * health, live connection counts and packet rates.
 */
final class FirewallView {

    private final MemberStateService states;
    private final ConnectionStore connections;
    private final ToDoubleFunction<String> packetRate;

    FirewallView(MemberStateService states, ConnectionStore connections, ToDoubleFunction<String> packetRate) {
        this.states = states;
        this.connections = connections;
        this.packetRate = packetRate;
    }

    /**
     * Returns one policy member per firewall, in configuration order.
     *
     * @param t topology
     * @return members
     */
    List<SimpleMember> members(FwlbTopology t) {
        List<Firewall> fws = t.firewalls();
        List<SimpleMember> out = new ArrayList<>(fws.size());
        for (Firewall fw : fws) {
            out.add(member(fw));
        }
        return out;
    }

    private SimpleMember member(Firewall fw) {
        MemberStatus s = states.status(fw.id());
        AdminState admin = s.adminOverride() != null ? s.adminOverride() : fw.adminState();
        int weight = s.weightOverride() != MemberStatus.NO_WEIGHT ? s.weightOverride() : fw.weight();
        long active = connections.connectionCount(fw.id());
        Eligibility e = Eligibility.of(admin, health(fw), active, fw.maxConnections());
        return SimpleMember.of(fw.id(), weight, e, active, packetRate.applyAsDouble(fw.id()));
    }

    /**
     * Returns a firewall's health: down when the probes through either of its interfaces say so.
     *
     * @param fw firewall
     * @return health
     */
    HealthState health(Firewall fw) {
        return states.status(FirewallProber.probeId(fw, true)).health() == HealthState.UP
                && states.status(FirewallProber.probeId(fw, false)).health() == HealthState.UP
                ? HealthState.UP : HealthState.DOWN;
    }

    /**
     * Returns members for the static-hash assignment: only firewalls that are down (admin or health)
     * lose their buckets; draining or full ones keep them, as moving a bucket would break its
     * established connections.
     *
     * @param t topology
     * @return members
     */
    List<SimpleMember> hashMembers(FwlbTopology t) {
        List<SimpleMember> out = new ArrayList<>();
        for (SimpleMember m : members(t)) {
            Eligibility e = m.eligibility();
            boolean down = e == Eligibility.ADMIN_DOWN || e == Eligibility.HEALTH_DOWN;
            out.add(m.withEligibility(down ? e : Eligibility.ELIGIBLE));
        }
        return out;
    }

    /**
     * Returns the operator's view of every firewall.
     *
     * @param t topology
     * @return statuses
     */
    List<FirewallStatus> statuses(FwlbTopology t) {
        List<FirewallStatus> out = new ArrayList<>();
        for (Firewall fw : t.firewalls()) {
            MemberStatus s = states.status(fw.id());
            SimpleMember m = member(fw);
            AdminState admin = s.adminOverride() != null ? s.adminOverride() : fw.adminState();
            out.add(new FirewallStatus(fw.id(), admin, health(fw), m.eligibility(), m.weight(),
                                       fw.maxConnections(), (int) m.activeConnections(), m.packetRate()));
        }
        return out;
    }
}
