package org.fwlb.engine;

import org.fwlb.api.MemberStateService;
import org.fwlb.api.MemberStatus;
import org.fwlb.connection.ConnectionStore;
import org.fwlb.model.AdminState;
import org.fwlb.model.Dispatcher;
import org.fwlb.model.Eligibility;
import org.fwlb.model.Firewall;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.HealthState;
import org.fwlb.model.Server;
import org.fwlb.policy.SimpleMember;
import org.onosproject.net.DeviceId;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

/**
 * Members as the selection policies see them: configuration merged with operator overrides (admin state,
 * weight), health (firewall probes through both interfaces, server probes, L7 reports, a stage's switch being
 * connected), live connection counts and, for firewalls, packet rates.
 */
public final class Members {

    private final MemberStateService states;
    private final ConnectionStore connections;
    private final Predicate<DeviceId> deviceUp;
    private final ToDoubleFunction<String> packetRate;

    /**
     * Creates the view.
     *
     * @param states      member state (overrides, health)
     * @param connections connection table (live counts)
     * @param deviceUp    whether a switch is connected
     * @param packetRate  packets/s through a firewall
     */
    public Members(MemberStateService states, ConnectionStore connections, Predicate<DeviceId> deviceUp,
                   ToDoubleFunction<String> packetRate) {
        this.states = states;
        this.connections = connections;
        this.deviceUp = deviceUp;
        this.packetRate = packetRate;
    }

    /**
     * The health-entry id of one interface of a firewall (each side probed by its own dispatcher's master).
     *
     * @param fw      firewall
     * @param outside which interface
     * @return id
     */
    public static String probeId(Firewall fw, boolean outside) {
        return fw.id() + (outside ? ":outside" : ":inside");
    }

    /**
     * Returns one member per firewall, in configuration order.
     *
     * @param t topology
     * @return members
     */
    public List<SimpleMember> firewalls(FwlbTopology t) {
        List<Firewall> fws = t.firewalls();
        List<SimpleMember> out = new ArrayList<>(fws.size());
        for (Firewall fw : fws) {
            out.add(firewall(fw));
        }
        return out;
    }

    /**
     * Returns one firewall's member view.
     *
     * @param fw firewall
     * @return member
     */
    public SimpleMember firewall(Firewall fw) {
        MemberStatus s = states.status(fw.id());
        AdminState admin = s.adminOverride() != null ? s.adminOverride() : fw.adminState();
        int weight = s.weightOverride() != MemberStatus.NO_WEIGHT ? s.weightOverride() : fw.weight();
        long active = connections.connectionCount(fw.id());
        return SimpleMember.of(fw.id(), weight, Eligibility.of(admin, health(fw), active, fw.maxConnections()),
                               active, packetRate.applyAsDouble(fw.id()));
    }

    /**
     * Returns a firewall's health: down when the probes through either of its interfaces say so.
     *
     * @param fw firewall
     * @return health
     */
    public HealthState health(Firewall fw) {
        return states.status(probeId(fw, true)).health() == HealthState.UP
                && states.status(probeId(fw, false)).health() == HealthState.UP ? HealthState.UP : HealthState.DOWN;
    }

    /**
     * Returns members for a static-hash assignment: only members that are down (admin or health) lose their
     * buckets; draining or full ones keep them, as moving a bucket would break its established connections.
     *
     * @param members members
     * @return members with every other eligibility set to eligible
     */
    public static List<SimpleMember> forHashing(List<SimpleMember> members) {
        List<SimpleMember> out = new ArrayList<>(members.size());
        for (SimpleMember m : members) {
            Eligibility e = m.eligibility();
            boolean down = e == Eligibility.ADMIN_DOWN || e == Eligibility.HEALTH_DOWN;
            out.add(m.withEligibility(down ? e : Eligibility.ELIGIBLE));
        }
        return out;
    }

    /**
     * Returns the candidates of a stage for a service type, in configuration order.
     *
     * @param t           topology
     * @param stageId     dispatcher
     * @param serviceType service type
     * @return members
     */
    public List<SimpleMember> candidates(FwlbTopology t, String stageId, String serviceType) {
        List<SimpleMember> out = new ArrayList<>();
        for (String id : t.candidates(stageId, serviceType)) {
            out.add(member(t, id));
        }
        return out;
    }

    /**
     * Returns a dispatcher's or server's member view.
     *
     * @param t  topology
     * @param id dispatcher or server id
     * @return member
     */
    public SimpleMember member(FwlbTopology t, String id) {
        long active = connections.connectionCount(id);
        return SimpleMember.of(id, weight(t, id), Eligibility.of(admin(t, id), health(t, id), active, max(t, id)),
                               active, 0.0);
    }

    /**
     * Returns a dispatcher's or server's admin state (override, else configured).
     *
     * @param t  topology
     * @param id member
     * @return admin state
     */
    public AdminState admin(FwlbTopology t, String id) {
        Server s = t.server(id);
        AdminState configured = s != null ? s.adminState() : t.dispatcher(id).adminState();
        return states.adminState(id, configured);
    }

    /**
     * Returns a dispatcher's or server's weight (override, else configured).
     *
     * @param t  topology
     * @param id member
     * @return weight
     */
    public int weight(FwlbTopology t, String id) {
        Server s = t.server(id);
        return states.weight(id, s != null ? s.weight() : t.dispatcher(id).weight());
    }

    private int max(FwlbTopology t, String id) {
        Server s = t.server(id);
        return s != null ? s.maxConnections() : t.dispatcher(id).maxConnections();
    }

    /**
     * Returns a dispatcher's or server's health: a switch-realized dispatcher whose switch is gone is down,
     * whatever its last report said.
     *
     * @param t  topology
     * @param id member
     * @return health
     */
    public HealthState health(FwlbTopology t, String id) {
        Dispatcher d = t.dispatcher(id);
        if (d != null && d.isSwitchRealized() && !deviceUp.test(d.deviceId().get())) {
            return HealthState.DOWN;
        }
        return states.status(id).health();
    }

    /**
     * Tells whether a member can carry no connection at all (admin down or health down): its connections end.
     *
     * @param t  topology
     * @param id firewall, dispatcher or server id
     * @return true when down
     */
    public boolean isDown(FwlbTopology t, String id) {
        Firewall fw = t.firewall(id);
        if (fw != null) {
            MemberStatus s = states.status(fw.id());
            AdminState admin = s.adminOverride() != null ? s.adminOverride() : fw.adminState();
            return admin == AdminState.DOWN || health(fw) == HealthState.DOWN;
        }
        if (!t.isServer(id) && !t.isDispatcher(id)) {
            return false;
        }
        return admin(t, id) == AdminState.DOWN || health(t, id) == HealthState.DOWN;
    }
}
