package org.fwlb.engine;

import com.google.common.base.MoreObjects;
import com.google.common.collect.ImmutableList;
import org.fwlb.model.Dispatcher;
import org.fwlb.model.FirewallDispatcher;
import org.fwlb.model.FirewallDispatcher.Role;
import org.fwlb.model.VirtualService;
import org.onosproject.net.DeviceId;
import org.onosproject.net.PortNumber;

import java.util.List;
import java.util.Optional;

/**
 * A place on a connection's path where a choice is made (seed [0008], [0028]-[0030], FIG 7-8): the firewall
 * choice at a firewall dispatcher, an L4/2 or L4/3 dispatch stage on its switch, or the firewall-dispatching
 * module (DF) of an L7/3 host on the switch the host hangs off. Each belongs to the application that owns its
 * rules.
 */
public final class DecisionPoint {

    /** Kinds of decision point. */
    public enum Kind {
        /** A firewall dispatcher chooses the firewall. */
        FIREWALL_CHOICE,
        /** An L4/2 stage chooses the next stage or server; only the destination MAC changes. */
        L4_2,
        /** An L4/3 stage chooses the server; destination rewritten, replies rewritten back to the VIP. */
        L4_3,
        /** The DF of an L7/3 host: no choice; its replies go straight to the connection's firewall. */
        DF
    }

    private final Kind kind;
    private final Owner owner;
    private final DeviceId device;
    private final FirewallDispatcher flb;
    private final Dispatcher stage;
    private final ImmutableList<VirtualService> services;

    private DecisionPoint(Kind kind, Owner owner, DeviceId device, FirewallDispatcher flb, Dispatcher stage,
                          List<VirtualService> services) {
        this.kind = kind;
        this.owner = owner;
        this.device = device;
        this.flb = flb;
        this.stage = stage;
        this.services = ImmutableList.copyOf(services);
    }

    /**
     * The firewall choice of a firewall dispatcher.
     *
     * @param flb the firewall dispatcher
     * @return decision point
     */
    static DecisionPoint firewallChoice(FirewallDispatcher flb) {
        return new DecisionPoint(Kind.FIREWALL_CHOICE, Owner.SANDWICH, flb.deviceId(), flb, null, ImmutableList.of());
    }

    /**
     * A switch-realized stage, or the DF of a host-realized one.
     *
     * @param kind     L4_2, L4_3 or DF
     * @param owner    owning application
     * @param device   the stage's switch (a DF: the switch its host hangs off)
     * @param stage    the dispatcher
     * @param services the services whose dispatch tree holds it
     * @return decision point
     */
    static DecisionPoint stage(Kind kind, Owner owner, DeviceId device, Dispatcher stage,
                               List<VirtualService> services) {
        return new DecisionPoint(kind, owner, device, null, stage, services);
    }

    /** @return kind */
    public Kind kind() {
        return kind;
    }

    /** @return the application owning this point's rules */
    public Owner owner() {
        return owner;
    }

    /** @return the device its rules go on */
    public DeviceId device() {
        return device;
    }

    /** @return the firewall dispatcher's role (firewall choice only) */
    public Role role() {
        return flb.role();
    }

    /** @return the firewall dispatcher (firewall choice only), else null */
    public FirewallDispatcher flb() {
        return flb;
    }

    /** @return the dispatcher (stages and DF), else null */
    public Dispatcher stage() {
        return stage;
    }

    /** @return services whose tree holds this stage (empty for a firewall choice) */
    public List<VirtualService> services() {
        return services;
    }

    /** @return whether this point answers: its rules send the replies (L4/3 switch, DF) */
    public boolean answers() {
        return kind == Kind.L4_3 || kind == Kind.DF;
    }

    /** @return the configured uplink of an answering stage, if any */
    public Optional<PortNumber> uplink() {
        return stage == null ? Optional.empty() : stage.uplink();
    }

    /** @return the id of the member deciding here: the stage's id, or "external"/"internal" */
    public String id() {
        return stage != null ? stage.id() : flb.role().name().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public String toString() {
        return MoreObjects.toStringHelper("DecisionPoint").add("kind", kind).add("id", id())
                .add("device", device).add("owner", owner).toString();
    }
}
