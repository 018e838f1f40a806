package org.fwlb.dispatch.impl;

import org.fwlb.api.DispatchMemberStatus;
import org.fwlb.api.DispatchService;
import org.fwlb.api.FwlbTopologyEvent;
import org.fwlb.api.FwlbTopologyListener;
import org.fwlb.api.FwlbTopologyService;
import org.fwlb.api.L7Report;
import org.fwlb.api.L7Status;
import org.fwlb.api.MemberStateEvent;
import org.fwlb.api.MemberStateListener;
import org.fwlb.api.MemberStateService;
import org.fwlb.connection.ConnectionStore;
import org.fwlb.model.AdminState;
import org.fwlb.model.ConnectionEntry;
import org.fwlb.model.Dispatcher;
import org.fwlb.model.Eligibility;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.HealthState;
import org.fwlb.model.Server;
import org.onlab.util.Tools;
import org.onosproject.cfg.ComponentConfigService;
import org.onosproject.core.ApplicationId;
import org.onosproject.core.CoreService;
import org.onosproject.mastership.MastershipEvent;
import org.onosproject.mastership.MastershipListener;
import org.onosproject.mastership.MastershipService;
import org.onosproject.net.DeviceId;
import org.onosproject.net.device.DeviceEvent;
import org.onosproject.net.device.DeviceListener;
import org.onosproject.net.device.DeviceService;
import org.onosproject.net.flow.FlowEntry;
import org.onosproject.net.flow.FlowId;
import org.onosproject.net.flow.FlowRule;
import org.onosproject.net.flow.FlowRuleEvent;
import org.onosproject.net.flow.FlowRuleListener;
import org.onosproject.net.flow.FlowRuleService;
import org.onosproject.net.packet.PacketProcessor;
import org.onosproject.net.packet.PacketService;
import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.slf4j.Logger;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.fwlb.dispatch.impl.OsgiPropertyConstants.SERVER_PROBE_ENABLED;
import static org.fwlb.dispatch.impl.OsgiPropertyConstants.SERVER_PROBE_ENABLED_DEFAULT;
import static org.fwlb.dispatch.impl.OsgiPropertyConstants.SERVER_PROBE_INTERVAL_MS;
import static org.fwlb.dispatch.impl.OsgiPropertyConstants.SERVER_PROBE_INTERVAL_MS_DEFAULT;
import static org.onlab.util.Tools.groupedThreads;
import static org.slf4j.LoggerFactory.getLogger;

/**
 * Hierarchical dispatch (seed FIG 2-8): turns the switch-realized dispatchers of the netcfg into dispatch
 * stages (L4/2, L4/3) and the switches L7/3 hosts hang off into their firewall-dispatching modules. It wires
 * the workers (placer, life cycle, VIP ARP responder, server prober) to ONOS, keeps each stage device's base
 * rules in line with the topology, and acts only on devices this instance is master of.
 */
@Component(immediate = true, service = DispatchService.class,
        property = {
                SERVER_PROBE_ENABLED + ":Boolean=" + SERVER_PROBE_ENABLED_DEFAULT,
                SERVER_PROBE_INTERVAL_MS + ":Integer=" + SERVER_PROBE_INTERVAL_MS_DEFAULT,
        })
public class DispatchManager implements DispatchService {

    private static final int WITHDRAW_TIMEOUT_SECONDS = 10;

    private final Logger log = getLogger(getClass());

    @Reference(cardinality = ReferenceCardinality.MANDATORY)
    protected CoreService coreService;

    @Reference(cardinality = ReferenceCardinality.MANDATORY)
    protected ComponentConfigService cfgService;

    @Reference(cardinality = ReferenceCardinality.MANDATORY)
    protected DeviceService deviceService;

    @Reference(cardinality = ReferenceCardinality.MANDATORY)
    protected PacketService packetService;

    @Reference(cardinality = ReferenceCardinality.MANDATORY)
    protected FlowRuleService flowRuleService;

    @Reference(cardinality = ReferenceCardinality.MANDATORY)
    protected MastershipService mastershipService;

    @Reference(cardinality = ReferenceCardinality.MANDATORY)
    protected FwlbTopologyService topologyService;

    @Reference(cardinality = ReferenceCardinality.MANDATORY)
    protected MemberStateService memberStateService;

    @Reference(cardinality = ReferenceCardinality.MANDATORY)
    protected ConnectionStore connectionStore;

    /** Whether servers are probed. */
    private boolean serverProbeEnabled = SERVER_PROBE_ENABLED_DEFAULT;
    /** Probe period, ms; 0 = the topology's. */
    private int serverProbeIntervalMs = SERVER_PROBE_INTERVAL_MS_DEFAULT;

    private final DispatchCounters counters = new DispatchCounters();
    private final FwlbTopologyListener topologyListener = new InternalTopologyListener();
    private final MemberStateListener memberListener = new InternalMemberListener();
    private final DeviceListener deviceListener = new InternalDeviceListener();
    private final FlowRuleListener flowListener = new InternalFlowListener();
    private final MastershipListener mastershipListener = new InternalMastershipListener();
    /** Base rules installed per device, by flow id. */
    private final Map<DeviceId, Map<FlowId, FlowRule>> baseRules = new HashMap<>();

    private ApplicationId appId;
    private DispatchContext ctx;
    private MemberView members;
    private StagePlacer placer;
    private StageLifecycle lifecycle;
    private ServerProber prober;
    private L7Registry l7;
    private PacketProcessor processor;
    private ExecutorService events;
    private ScheduledExecutorService timers;
    private ScheduledFuture<?> probeTask;
    private volatile DispatchPlan plan = DispatchPlan.of(FwlbTopology.empty());

    @Activate
    protected void activate(ComponentContext context) {
        // the hook runs on every instance when the application is deactivated, not when one instance stops
        appId = coreService.registerApplication(DispatchContext.APP_NAME, this::withdrawAll);
        cfgService.registerProperties(getClass());
        readProperties(context);
        ctx = new DispatchContext(appId, () -> plan, connectionStore, flowRuleService, packetService, counters);
        Predicate<DeviceId> usable = d -> deviceService.isAvailable(d) && mastershipService.isLocalMaster(d);
        members = new MemberView(memberStateService, connectionStore, deviceService::isAvailable);
        placer = new StagePlacer(ctx, members);
        lifecycle = new StageLifecycle(ctx);
        prober = new ServerProber(ctx, memberStateService, usable);
        l7 = new L7Registry(memberStateService, id -> ServerProber.probes(plan, id));
        processor = new DispatchPacketProcessor(ctx, mastershipService::isLocalMaster, new VipArp(ctx), placer,
                                                lifecycle, prober);
        events = Executors.newSingleThreadExecutor(groupedThreads("fwlb/dispatch", "events", log));
        timers = Executors.newSingleThreadScheduledExecutor(groupedThreads("fwlb/dispatch", "timers", log));

        // before the sandwich's processor (director 1): ARP for a VIP at the internal firewall dispatcher
        packetService.addProcessor(processor, PacketProcessor.director(0));
        flowRuleService.addListener(flowListener);
        deviceService.addListener(deviceListener);
        mastershipService.addListener(mastershipListener);
        memberStateService.addListener(memberListener);
        topologyService.addListener(topologyListener);
        events.execute(() -> apply(topologyService.topology()));
        schedule();
        log.info("Started");
    }

    @Deactivate
    protected void deactivate() {
        packetService.removeProcessor(processor);
        ctx.deactivate();
        topologyService.removeListener(topologyListener);
        memberStateService.removeListener(memberListener);
        deviceService.removeListener(deviceListener);
        mastershipService.removeListener(mastershipListener);
        flowRuleService.removeListener(flowListener);
        cfgService.unregisterProperties(getClass(), false);
        timers.shutdownNow();
        events.shutdown();
        try {
            events.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // pins and rules stay: an instance stopping is not the application stopping (see withdrawAll)
        log.info("Stopped");
    }

    /** Pre-deactivation hook: the application is deactivated: every dispatch connection and rule goes. */
    private void withdrawAll() {
        ExecutorService ex = events;
        if (ex == null || ex.isShutdown()) {
            return;
        }
        packetService.removeProcessor(processor);
        ctx.deactivate();
        try {
            ex.submit(() -> {
                lifecycle.clearAll(plan.topology());
                flowRuleService.removeFlowRulesById(appId);
                baseRules.clear();
            }).get(WITHDRAW_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            log.warn("withdrawing the dispatch connections and rules failed", e);
        }
    }

    @Modified
    protected void modified(ComponentContext context) {
        readProperties(context);
        if (timers != null) {
            schedule();
        }
    }

    private void readProperties(ComponentContext context) {
        Dictionary<?, ?> p = context == null ? null : context.getProperties();
        if (p == null) {
            return;
        }
        String probe = Tools.get(p, SERVER_PROBE_ENABLED);
        if (probe != null) {
            serverProbeEnabled = Boolean.parseBoolean(probe.trim());
        }
        String ms = Tools.get(p, SERVER_PROBE_INTERVAL_MS);
        if (ms != null) {
            try {
                int v = Integer.parseInt(ms.trim());
                if (v == 0 || v >= 50) {
                    serverProbeIntervalMs = v;
                    return;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            log.warn("ignoring {}={}: expected 0 or an integer >= 50", SERVER_PROBE_INTERVAL_MS, ms);
        }
    }

    private synchronized void schedule() {
        if (probeTask != null) {
            probeTask.cancel(false);
        }
        int ms = serverProbeIntervalMs > 0 ? serverProbeIntervalMs
                : Math.max(50, topologyService.topology().probe().intervalMs());
        probeTask = timers.scheduleAtFixedRate(this::probeTick, ms, ms, TimeUnit.MILLISECONDS);
    }

    private void probeTick() {
        try {
            DispatchPlan current = plan;
            l7.sweep(current.topology(), System.currentTimeMillis(), l7TimeoutMs(current.topology()));
            if (serverProbeEnabled) {
                DispatchPlan p = plan;
                prober.tick(p, p.topology().probe());
            }
        } catch (RuntimeException e) {
            log.warn("server probe round failed", e);
        }
    }

    /** An L7 dispatcher silent for three probe intervals (at least 1.5 s) is dead. */
    private static long l7TimeoutMs(FwlbTopology t) {
        return Math.max(1500, 3L * t.probe().intervalMs());
    }

    // ---- topology and rules ---------------------------------------------------------------

    /** Brings the switches in line with a (new) topology. Runs on the event thread. */
    private void apply(FwlbTopology t) {
        DispatchPlan previous = plan;
        DispatchPlan next = DispatchPlan.of(t);
        plan = next;
        placer.reset();
        prober.retain(next);
        // connections through members that left the configuration end now
        FwlbTopology old = previous.topology();
        for (Dispatcher d : old.dispatchers()) {
            if (t.dispatcher(d.id()) == null || !d.equals(t.dispatcher(d.id()))) {
                lifecycle.clearMember(old, d.id());
            }
        }
        for (Server s : old.servers()) {
            if (t.server(s.id()) == null || !s.equals(t.server(s.id()))) {
                lifecycle.clearMember(old, s.id());
            }
        }
        if (!t.probe().equals(old.probe())) {
            schedule();
        }
        reinstallAll(next);
    }

    /** Devices the dispatch application puts rules on. */
    private static Set<DeviceId> devices(DispatchPlan p) {
        Set<DeviceId> out = new LinkedHashSet<>(p.stageDevices());
        out.addAll(p.arpAnswers().keySet());
        for (Dispatcher d : p.steeredFirstStages()) {
            out.add(d.location().get().deviceId());
        }
        return out;
    }

    private void reinstallAll(DispatchPlan p) {
        Set<DeviceId> wanted = devices(p);
        for (DeviceId dev : wanted) {
            installBase(p, dev);
        }
        for (DeviceId dev : new ArrayList<>(baseRules.keySet())) {
            if (!wanted.contains(dev)) {
                Map<FlowId, FlowRule> old = baseRules.remove(dev);
                flowRuleService.removeFlowRules(old.values().toArray(new FlowRule[0]));
            }
        }
    }

    /** Installs the base rules of one device: only the difference to what is there. */
    private void installBase(DispatchPlan p, DeviceId dev) {
        if (!deviceService.isAvailable(dev) || !mastershipService.isLocalMaster(dev)) {
            return;
        }
        FwlbTopology t = p.topology();
        boolean sandwichDevice = t.external().map(d -> d.deviceId().equals(dev)).orElse(false)
                || t.internal().map(d -> d.deviceId().equals(dev)).orElse(false);
        Map<FlowId, FlowRule> next = new LinkedHashMap<>();
        ctx.rules.baseRules(p, dev, !sandwichDevice, (stage, v) -> buckets(t, stage, v))
                .forEach(r -> next.put(r.id(), r));
        Map<FlowId, FlowRule> old = baseRules.getOrDefault(dev, Collections.emptyMap());
        List<FlowRule> add = new ArrayList<>();
        List<FlowRule> remove = new ArrayList<>();
        next.forEach((id, r) -> {
            FlowRule o = old.get(id);
            if (o == null || !o.treatment().equals(r.treatment())) {
                add.add(r);
            }
        });
        old.forEach((id, r) -> {
            if (!next.containsKey(id)) {
                remove.add(r);
            }
        });
        if (!remove.isEmpty()) {
            flowRuleService.removeFlowRules(remove.toArray(new FlowRule[0]));
        }
        if (!add.isEmpty()) {
            flowRuleService.applyFlowRules(add.toArray(new FlowRule[0]));
        }
        baseRules.put(dev, next);
        log.debug("dispatch base rules on {}: {} added, {} removed", dev, add.size(), remove.size());
    }

    /**
     * Static-hash buckets of a stage for a service: the consistent static-hash policy over the eligible members
     * (a member going down moves only its own buckets).
     */
    private String[] buckets(FwlbTopology t, Dispatcher stage, org.fwlb.model.VirtualService v) {
        java.util.List<org.fwlb.policy.SimpleMember> ms = members.candidates(t, stage.id(), v.serviceType());
        org.fwlb.policy.SelectionPolicy policy = org.fwlb.policy.Policies.create(
                org.fwlb.policy.StaticHashPolicy.NAME);
        String[] out = new String[StageRules.HASH_BUCKETS];
        for (int b = 0; b < out.length; b++) {
            org.fwlb.policy.Selection sel = policy.select(ms, org.fwlb.policy.FlowHash.mix(b + 1L));
            out[b] = sel.isChosen() ? sel.member().id() : null;
        }
        return out;
    }

    // ---- service ------------------------------------------------------------------------

    @Override
    public List<DispatchMemberStatus> dispatchers() {
        FwlbTopology t = topologyService.topology();
        List<DispatchMemberStatus> out = new ArrayList<>();
        for (Dispatcher d : t.dispatchers()) {
            out.add(status(t, d.id()));
        }
        return out;
    }

    @Override
    public List<DispatchMemberStatus> servers() {
        FwlbTopology t = topologyService.topology();
        List<DispatchMemberStatus> out = new ArrayList<>();
        for (Server s : t.servers()) {
            out.add(status(t, s.id()));
        }
        return out;
    }

    @Override
    public Optional<DispatchMemberStatus> member(String memberId) {
        FwlbTopology t = topologyService.topology();
        if (memberId == null || !t.isServer(memberId) && !t.isDispatcher(memberId)) {
            return Optional.empty();
        }
        return Optional.of(status(t, memberId));
    }

    private DispatchMemberStatus status(FwlbTopology t, String id) {
        Dispatcher d = t.dispatcher(id);
        AdminState admin = members.admin(t, id);
        HealthState health = members.health(t, id);
        int active = connectionStore.connectionCount(id);
        int max = d != null ? d.maxConnections() : t.server(id).maxConnections();
        int stage = d != null ? t.stageDepth(id)
                : t.parents(id).stream().mapToInt(t::stageDepth).max().orElse(0) + 1;
        return DispatchMemberStatus.builder().id(id)
                .role(d != null ? DispatchMemberStatus.Role.DISPATCHER : DispatchMemberStatus.Role.SERVER)
                .kind(d != null ? d.kind().jsonName() : "server").stage(stage)
                .device(d != null ? d.deviceId().map(Object::toString).orElse(null) : null)
                .adminState(admin).health(health).eligibility(Eligibility.of(admin, health, active, max))
                .weight(members.weight(t, id)).maxConnections(max).connections(active)
                .placed(counters.get(DispatchCounters.PLACED + ":" + id)).parents(t.parents(id)).build();
    }

    private String checkMember(String memberId) {
        FwlbTopology t = topologyService.topology();
        if (memberId == null || !t.isServer(memberId) && !t.isDispatcher(memberId)) {
            List<String> known = new ArrayList<>();
            t.dispatchers().forEach(d -> known.add(d.id()));
            t.servers().forEach(s -> known.add(s.id()));
            throw new IllegalArgumentException("unknown dispatcher or server: " + memberId + " (known: "
                    + (known.isEmpty() ? "none" : String.join(", ", known)) + ")");
        }
        return memberId;
    }

    @Override
    public void setAdminState(String memberId, AdminState state) {
        checkMember(memberId);
        if (state == null) {
            throw new IllegalArgumentException("state must be one of up, draining, down");
        }
        memberStateService.setAdminState(memberId, state);
    }

    @Override
    public void setWeight(String memberId, int weight) {
        checkMember(memberId);
        if (weight < 0 || weight > MAX_WEIGHT) {
            throw new IllegalArgumentException("weight must be 0.." + MAX_WEIGHT + ", not " + weight);
        }
        memberStateService.setWeight(memberId, weight);
    }

    @Override
    public void clearOverrides(String memberId) {
        memberStateService.clearOverrides(checkMember(memberId));
    }

    @Override
    public List<ConnectionEntry> connections(Predicate<ConnectionEntry> filter) {
        return connectionStore.connections(
                e -> !e.path().dispatcherIds().isEmpty() && (filter == null || filter.test(e)));
    }

    @Override
    public Map<String, Long> counters() {
        Map<String, Long> c = new LinkedHashMap<>(counters.snapshot());
        c.put("connectionsThroughStages", (long) connections(null).size());
        return c;
    }

    @Override
    public void l7Report(String dispatcherId, L7Report report) {
        if (report == null) {
            throw new IllegalArgumentException("report must not be empty");
        }
        l7.report(topologyService.topology(), dispatcherId, report, System.currentTimeMillis());
    }

    @Override
    public List<L7Status> l7Dispatchers() {
        return l7.statuses(topologyService.topology(), System.currentTimeMillis());
    }

    // ---- listeners ----------------------------------------------------------------------

    private class InternalTopologyListener implements FwlbTopologyListener {
        @Override
        public void event(FwlbTopologyEvent event) {
            events.execute(() -> apply(event.subject()));
        }
    }

    private class InternalMemberListener implements MemberStateListener {
        @Override
        public void event(MemberStateEvent event) {
            events.execute(() -> memberChanged(event.subject()));
        }
    }

    /** A member taken down (by the operator or its probes) loses its connections. */
    private void memberChanged(String id) {
        FwlbTopology t = plan.topology();
        if (!t.isServer(id) && !t.isDispatcher(id)) {
            return;
        }
        if (members.admin(t, id) == AdminState.DOWN || members.health(t, id) == HealthState.DOWN) {
            lifecycle.clearMember(t, id);
        }
        if (plan.services().stream().anyMatch(v -> v.mode() == org.fwlb.model.DispatchMode.STATIC_HASH)) {
            reinstallAll(plan);     // static-hash buckets move off (or back to) the member
        }
    }

    private class InternalDeviceListener implements DeviceListener {
        @Override
        public void event(DeviceEvent event) {
            DeviceId dev = event.subject().id();
            if (event.type() != DeviceEvent.Type.DEVICE_ADDED
                    && event.type() != DeviceEvent.Type.DEVICE_AVAILABILITY_CHANGED) {
                return;
            }
            events.execute(() -> {
                DispatchPlan p = plan;
                if (!devices(p).contains(dev)) {
                    return;
                }
                if (deviceService.isAvailable(dev)) {
                    baseRules.remove(dev);      // a reconnected switch: send them all again
                    installBase(p, dev);
                } else {
                    // a stage whose switch left: its connections are gone with it
                    for (DispatchPlan.Spot s : p.spotsOn(dev)) {
                        if (!s.df) {
                            lifecycle.clearMember(p.topology(), s.stage.id());
                        }
                    }
                }
            });
        }
    }

    private class InternalMastershipListener implements MastershipListener {
        @Override
        public void event(MastershipEvent event) {
            if (event.type() != MastershipEvent.Type.MASTER_CHANGED) {
                return;
            }
            DeviceId dev = event.subject();
            events.execute(() -> {
                DispatchPlan p = plan;
                if (!devices(p).contains(dev)) {
                    return;
                }
                if (mastershipService.isLocalMaster(dev)) {
                    installBase(p, dev);
                } else {
                    baseRules.remove(dev);
                }
            });
        }
    }

    private class InternalFlowListener implements FlowRuleListener {
        @Override
        public void event(FlowRuleEvent event) {
            FlowRule r = event.subject();
            if (event.type() == FlowRuleEvent.Type.RULE_REMOVED && r instanceof FlowEntry
                    && r.priority() == StageRules.PRIO_PINNED && r.appId() == appId.id()) {
                events.execute(() -> lifecycle.onRuleRemoved(plan.topology(), (FlowEntry) r));
            }
        }
    }
}
