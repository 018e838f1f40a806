package org.fwlb.engine.impl;

import org.fwlb.engine.DecisionPoint;
import org.fwlb.engine.EngineContext;
import org.fwlb.engine.EnginePlan;
import org.fwlb.engine.HashBuckets;
import org.fwlb.engine.Lifecycle;
import org.fwlb.engine.Members;
import org.fwlb.engine.Owner;
import org.fwlb.engine.PathPlanner;
import org.fwlb.model.Dispatcher;
import org.fwlb.model.Firewall;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.Server;
import org.fwlb.model.VirtualService;
import org.onosproject.core.ApplicationId;
import org.onosproject.net.DeviceId;
import org.slf4j.Logger;

import java.util.HashMap;
import java.util.Map;

import static org.slf4j.LoggerFactory.getLogger;

/**
 * What the engine does when the topology, a member's state or a device changes (on the engine's event thread):
 * a new plan, connections through members that left or went down ended, static-hash buckets recomputed, base
 * rules brought in line.
 */
final class Reactions {

    private final Logger log = getLogger(getClass());

    private final EngineContext ctx;
    private final PathPlanner planner;
    private final Lifecycle lifecycle;
    private final BaseRuleSync base;

    Reactions(EngineContext ctx, PathPlanner planner, Lifecycle lifecycle, BaseRuleSync base) {
        this.ctx = ctx;
        this.planner = planner;
        this.lifecycle = lifecycle;
        this.base = base;
    }

    /** Brings the engine in line with a (new) topology. Runs on the event thread. */
    void apply(FwlbTopology t) {
        EnginePlan previous = ctx.plan();
        ctx.plan(EnginePlan.of(t));
        planner.reset();
        FwlbTopology old = previous.topology();
        // connections through members that left (or changed) end now
        for (Firewall fw : old.firewalls()) {
            if (!fw.equals(t.firewall(fw.id()))) {
                lifecycle.clearMember(previous, fw.id());
            }
        }
        for (Dispatcher d : old.dispatchers()) {
            if (!d.equals(t.dispatcher(d.id()))) {
                lifecycle.clearMember(previous, d.id());
            }
        }
        for (Server s : old.servers()) {
            if (!s.equals(t.server(s.id()))) {
                lifecycle.clearMember(previous, s.id());
            }
        }
        recomputeBuckets();
        lifecycle.clearMovedToHash(previous, ctx.plan());
        base.reinstallAll();
    }

    /** A member that can no longer carry traffic loses its connections; static-hash buckets move. */
    void memberChanged(String stateId) {
        EnginePlan plan = ctx.plan();
        FwlbTopology t = plan.topology();
        String id = stateId.contains(":") ? stateId.substring(0, stateId.indexOf(':')) : stateId;
        if (ctx.members().isDown(t, id)) {
            lifecycle.clearMember(plan, id);
        }
        if (recomputeBuckets()) {
            base.reinstallAll();
        }
    }

    /** @return whether an assignment changed */
    boolean recomputeBuckets() {
        EnginePlan plan = ctx.plan();
        FwlbTopology t = plan.topology();
        int n = ctx.settings().hashBuckets;
        HashBuckets fw = HashBuckets.assign(Members.forHashing(ctx.members().firewalls(t)), n);
        Map<Dispatcher, Map<VirtualService, HashBuckets>> stages = new HashMap<>();
        boolean changed = !fw.equals(ctx.firewallBuckets());
        for (DeviceId dev : plan.pointDevices()) {
            for (DecisionPoint p : plan.pointsOn(dev)) {
                if (p.stage() == null || p.kind() == DecisionPoint.Kind.DF) {
                    continue;
                }
                for (VirtualService v : p.services()) {
                    HashBuckets b = HashBuckets.assign(Members.forHashing(
                            ctx.members().candidates(t, p.stage().id(), v.serviceType())), n);
                    stages.computeIfAbsent(p.stage(), k -> new HashMap<>()).put(v, b);
                    changed |= !b.equals(ctx.stageBuckets(p.stage(), v));
                }
            }
        }
        ctx.buckets(fw, stages);
        return changed;
    }

    /**
     * A device came or went: a (re)connected switch gets all its base rules again; a stage whose switch left
     * loses its connections (they are gone with it) and its static-hash buckets.
     *
     * @param dev       device
     * @param available whether it is available now
     */
    void deviceChanged(DeviceId dev, boolean available) {
        EnginePlan plan = ctx.plan();
        if (available) {
            base.reinstall(dev, true);
            return;
        }
        for (DecisionPoint p : plan.pointsOn(dev)) {
            if (p.stage() != null && p.kind() != DecisionPoint.Kind.DF) {
                lifecycle.clearMember(plan, p.stage().id());
            }
        }
        if (recomputeBuckets()) {
            base.reinstallAll();
        }
    }

    /**
     * An application attaches: its decision points decide, its base rules are installed.
     *
     * @param owner owner
     * @param appId its application id
     */
    void attach(Owner owner, ApplicationId appId) {
        ctx.rules().setApp(owner, appId);
        recomputeBuckets();
        base.reinstallAll();
        log.info("{} attached ({})", owner, appId.name());
    }

    /**
     * An application detaches: withdrawn (deactivated), its connections end and its rules go; otherwise (one
     * instance stops) its pins, rules and meters stay for the other instances, or for this one restarted.
     *
     * @param owner    owner
     * @param withdraw whether to end its connections and remove its rules
     */
    void detach(Owner owner, boolean withdraw) {
        if (withdraw) {
            int n = lifecycle.clearOwner(ctx.plan(), owner);
            base.removeOwner(owner);
            ctx.rules().setApp(owner, null);
            base.reinstallAll();
            log.info("{} withdrawn: {} connection(s) ended, its rules removed", owner, n);
        } else {
            base.forgetOwner(owner);
            ctx.rules().setApp(owner, null);
        }
    }
}
