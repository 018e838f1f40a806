package org.fwlb.engine.impl;

import org.fwlb.engine.BaseRules;
import org.fwlb.engine.EngineContext;
import org.fwlb.engine.EnginePlan;
import org.fwlb.engine.EngineSettings;
import org.fwlb.engine.Owner;
import org.onosproject.core.ApplicationId;
import org.onosproject.net.DeviceId;
import org.onosproject.net.flow.FlowId;
import org.onosproject.net.flow.FlowRule;
import org.onosproject.net.flow.FlowRuleService;
import org.slf4j.Logger;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import static org.slf4j.LoggerFactory.getLogger;

/**
 * Keeps each mastered device's base rules equal to what {@link BaseRules} gives for the plan, the attached owners
 * and the bucket assignments: only the difference is applied. Used on the engine's event thread only.
 */
final class BaseRuleSync {

    private final Logger log = getLogger(getClass());

    private final EngineContext ctx;
    private final FlowRuleService flows;
    private final PuntMeters meters;
    /** Per device, the base rules applied (an immutable map, replaced whole: read by readiness from any thread). */
    private final Map<DeviceId, Map<FlowId, FlowRule>> installed = new java.util.concurrent.ConcurrentHashMap<>();

    BaseRuleSync(EngineContext ctx, FlowRuleService flows, PuntMeters meters) {
        this.ctx = ctx;
        this.flows = flows;
        this.meters = meters;
    }

    /** Every device: the wanted ones brought in line, the others cleared. */
    void reinstallAll() {
        Set<DeviceId> wanted = wanted(ctx.plan());
        for (DeviceId dev : wanted) {
            reinstall(dev, false);
        }
        for (DeviceId dev : new ArrayList<>(installed.keySet())) {
            if (!wanted.contains(dev)) {
                remove(installed.remove(dev).values());
                meters.forget(dev, true);
            }
        }
        meters.withdrawRetired();
    }

    private Set<DeviceId> wanted(EnginePlan plan) {
        Set<DeviceId> out = new LinkedHashSet<>();
        for (Owner o : Owner.values()) {
            if (ctx.attached(o)) {
                out.addAll(plan.devices(o));
            }
        }
        return out;
    }

    /**
     * One device.
     *
     * @param dev   device
     * @param fresh whether to send every rule again (a switch that (re)connected, a new master)
     */
    void reinstall(DeviceId dev, boolean fresh) {
        if (fresh || !ctx.isLocalMaster(dev)) {
            installed.remove(dev);
        }
        EnginePlan plan = ctx.plan();
        if (!ctx.isLocalMaster(dev) || !wanted(plan).contains(dev)) {
            return;
        }
        EngineSettings s = ctx.settings();
        BaseRules.Meters m = new BaseRules.Meters(meters.meter(dev, "punt", s.puntRatePps, s.puntBurst),
                                                  meters.meter(dev, "arp", s.arpRatePps, s.arpRatePps));
        Map<FlowId, FlowRule> next = new LinkedHashMap<>();
        for (FlowRule r : new BaseRules(ctx.rules(), s.tcpFlags, overloaded()).rules(plan, dev, m, ctx.firewallBuckets(),
                                                                        ctx::stageBuckets)) {
            next.put(r.id(), r);
        }
        Map<FlowId, FlowRule> old = installed.getOrDefault(dev, Collections.emptyMap());
        List<FlowRule> add = new ArrayList<>();
        List<FlowRule> gone = new ArrayList<>();
        next.forEach((id, r) -> {
            FlowRule o = old.get(id);
            // treatment equality ignores meters: compare them too (new punt rates make new meters)
            if (o == null || !o.treatment().equals(r.treatment())
                    || !Objects.equals(o.treatment().meters(), r.treatment().meters())) {
                add.add(r);
            }
        });
        old.forEach((id, r) -> {
            if (!next.containsKey(id)) {
                gone.add(r);
            }
        });
        remove(gone);
        if (!add.isEmpty()) {
            flows.applyFlowRules(add.toArray(new FlowRule[0]));
        }
        installed.put(dev, Collections.unmodifiableMap(next));
        log.debug("base rules on {}: {} added, {} removed", dev, add.size(), gone.size());
    }

    private boolean overloaded() {
        return ctx.overload() == org.fwlb.engine.OverloadDetector.State.OVERLOAD;
    }

    /**
     * Removes an owner's base rules (its application is deactivated).
     *
     * @param owner owner
     */
    void removeOwner(Owner owner) {
        ApplicationId app = ctx.rules().app(owner);
        if (app == null) {
            return;
        }
        for (DeviceId dev : new ArrayList<>(installed.keySet())) {
            Map<FlowId, FlowRule> keep = new LinkedHashMap<>();
            List<FlowRule> gone = new ArrayList<>();
            installed.get(dev).forEach((id, r) -> {
                if (r.appId() == app.id()) {
                    gone.add(r);
                } else {
                    keep.put(id, r);
                }
            });
            installed.put(dev, Collections.unmodifiableMap(keep));
            remove(gone);
        }
    }

    /**
     * Forgets an owner's base rules without removing them (one instance stops).
     *
     * @param owner owner
     */
    void forgetOwner(Owner owner) {
        ApplicationId app = ctx.rules().app(owner);
        if (app == null) {
            return;
        }
        for (DeviceId dev : new ArrayList<>(installed.keySet())) {
            Map<FlowId, FlowRule> keep = new LinkedHashMap<>(installed.get(dev));
            keep.values().removeIf(r -> r.appId() == app.id());
            installed.put(dev, Collections.unmodifiableMap(keep));
        }
    }

    /**
     * Tells how far each device the attached owners use is from ready: connected, mastered here, every base
     * rule confirmed by the switch (ADDED in the flow rule store).
     *
     * @return device id to "ready" or what it waits for
     */
    Map<String, String> readiness() {
        Map<String, String> out = new java.util.TreeMap<>();
        for (DeviceId dev : wanted(ctx.plan())) {
            if (!ctx.isLocalMaster(dev)) {
                out.put(dev.toString(), "not connected (or mastered by another instance)");
                continue;
            }
            Map<FlowId, FlowRule> rules = installed.get(dev);
            if (rules == null || rules.isEmpty()) {
                out.put(dev.toString(), "base rules not applied yet");
                continue;
            }
            int waiting = 0;
            for (FlowRule r : rules.values()) {
                org.onosproject.net.flow.FlowEntry e = flows.getFlowEntry(r);
                if (e == null || e.state() != org.onosproject.net.flow.FlowEntry.FlowEntryState.ADDED) {
                    waiting++;
                }
            }
            out.put(dev.toString(), waiting == 0 ? "ready" : waiting + " of " + rules.size()
                    + " base rules not confirmed by the switch yet");
        }
        return out;
    }

    private void remove(java.util.Collection<FlowRule> rules) {
        if (!rules.isEmpty()) {
            flows.removeFlowRules(rules.toArray(new FlowRule[0]));
        }
    }
}
