package org.fwlb.sandwich.impl;

import com.google.common.collect.ImmutableList;
import org.fwlb.api.FirewallSandwichService;
import org.fwlb.api.FirewallStatus;
import org.fwlb.api.FwlbTopologyEvent;
import org.fwlb.api.FwlbTopologyListener;
import org.fwlb.api.FwlbTopologyService;
import org.fwlb.api.MemberStateEvent;
import org.fwlb.api.MemberStateListener;
import org.fwlb.api.MemberStateService;
import org.fwlb.api.MemberStatus;
import org.fwlb.connection.ConnectionStore;
import org.fwlb.model.AdminState;
import org.fwlb.model.ConnectionEntry;
import org.fwlb.model.Eligibility;
import org.fwlb.model.Firewall;
import org.fwlb.model.FirewallDispatcher;
import org.fwlb.model.FirewallDispatcher.Role;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.HealthState;
import org.fwlb.model.Server;
import org.fwlb.model.TrafficClass;
import org.fwlb.policy.SimpleMember;
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
import org.onosproject.net.meter.Band;
import org.onosproject.net.meter.DefaultBand;
import org.onosproject.net.meter.DefaultMeterRequest;
import org.onosproject.net.meter.Meter;
import org.onosproject.net.meter.MeterId;
import org.onosproject.net.meter.MeterRequest;
import org.onosproject.net.meter.MeterService;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.fwlb.sandwich.impl.OsgiPropertyConstants.PROBE_ENABLED;
import static org.fwlb.sandwich.impl.OsgiPropertyConstants.PROBE_ENABLED_DEFAULT;
import static org.fwlb.sandwich.impl.OsgiPropertyConstants.PUNT_BURST;
import static org.fwlb.sandwich.impl.OsgiPropertyConstants.PUNT_BURST_DEFAULT;
import static org.fwlb.sandwich.impl.OsgiPropertyConstants.PUNT_RATE_PPS;
import static org.fwlb.sandwich.impl.OsgiPropertyConstants.PUNT_RATE_PPS_DEFAULT;
import static org.fwlb.sandwich.impl.OsgiPropertyConstants.SWEEP_INTERVAL_MS;
import static org.fwlb.sandwich.impl.OsgiPropertyConstants.SWEEP_INTERVAL_MS_DEFAULT;
import static org.onlab.util.Tools.groupedThreads;
import static org.slf4j.LoggerFactory.getLogger;

/**
 * The firewall sandwich (seed FIG 1, FIG 6): turns the two firewall-dispatcher switches of the netcfg into
 * firewall load balancers. It wires the workers (placer, life cycle, ARP responder, prober, rate monitor)
 * to ONOS, keeps each dispatcher's base rules in line with the topology and the firewalls' state, and
 * acts only on devices this instance is master of.
 */
@Component(immediate = true, service = FirewallSandwichService.class,
        property = {
                PUNT_RATE_PPS + ":Integer=" + PUNT_RATE_PPS_DEFAULT,
                PUNT_BURST + ":Integer=" + PUNT_BURST_DEFAULT,
                PROBE_ENABLED + ":Boolean=" + PROBE_ENABLED_DEFAULT,
                SWEEP_INTERVAL_MS + ":Integer=" + SWEEP_INTERVAL_MS_DEFAULT,
        })
public class FirewallSandwichManager implements FirewallSandwichService {

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
    protected MeterService meterService;

    @Reference(cardinality = ReferenceCardinality.MANDATORY)
    protected MastershipService mastershipService;

    @Reference(cardinality = ReferenceCardinality.MANDATORY)
    protected FwlbTopologyService topologyService;

    @Reference(cardinality = ReferenceCardinality.MANDATORY)
    protected MemberStateService memberStateService;

    @Reference(cardinality = ReferenceCardinality.MANDATORY)
    protected ConnectionStore connectionStore;

    /** Punted packets per second and switch (meter); 0 = no meter. */
    private int puntRatePps = PUNT_RATE_PPS_DEFAULT;
    /** Burst of the punt meter. */
    private int puntBurst = PUNT_BURST_DEFAULT;
    /** Whether firewalls are probed. */
    private boolean probeEnabled = PROBE_ENABLED_DEFAULT;
    /** Period of rate sampling, ms. */
    private int sweepIntervalMs = SWEEP_INTERVAL_MS_DEFAULT;

    private final SandwichCounters counters = new SandwichCounters();
    private final FwlbTopologyListener topologyListener = new InternalTopologyListener();
    private final MemberStateListener memberListener = new InternalMemberListener();
    private final DeviceListener deviceListener = new InternalDeviceListener();
    private final FlowRuleListener flowListener = new InternalFlowListener();
    private final MastershipListener mastershipListener = new InternalMastershipListener();
    /** Base rules installed per device, by flow id. */
    private final Map<DeviceId, Map<FlowId, FlowRule>> baseRules = new HashMap<>();
    private final Map<DeviceId, MeterId> meters = new java.util.concurrent.ConcurrentHashMap<>();
    /** The (rate, burst) each device's meter was built with. */
    private final Map<DeviceId, List<Integer>> meterSettings = new java.util.concurrent.ConcurrentHashMap<>();

    private ApplicationId appId;
    private SandwichContext ctx;
    private FirewallView firewalls;
    private ConnectionPlacer placer;
    private ConnectionLifecycle lifecycle;
    private FirewallProber prober;
    private PacketRateMonitor rates;
    private PacketProcessor processor;
    private ExecutorService events;
    private ScheduledExecutorService timers;
    private ScheduledFuture<?> probeTask;
    private ScheduledFuture<?> rateTask;
    private volatile FwlbTopology applied = FwlbTopology.empty();

    @Activate
    protected void activate(ComponentContext context) {
        // the hook runs on every instance when the application is deactivated, not when one instance stops
        appId = coreService.registerApplication(SandwichContext.APP_NAME, this::withdrawAll);
        cfgService.registerProperties(getClass());
        readProperties(context);
        ctx = new SandwichContext(appId, topologyService::topology, connectionStore, flowRuleService,
                                  packetService, counters);
        rates = new PacketRateMonitor(ctx);
        firewalls = new FirewallView(memberStateService, connectionStore, rates::rate);
        placer = new ConnectionPlacer(ctx, firewalls, this::serverMembers);
        lifecycle = new ConnectionLifecycle(ctx);
        Predicate<DeviceId> master = mastershipService::isLocalMaster;
        prober = new FirewallProber(ctx, memberStateService,
                                    d -> deviceService.isAvailable(d) && mastershipService.isLocalMaster(d));
        GatewayArp arp = new GatewayArp(ctx, (role, ip) -> prober.onReply(topologyService.topology(), role, ip));
        processor = new SandwichPacketProcessor(ctx, master, arp, placer, lifecycle);
        events = Executors.newSingleThreadExecutor(groupedThreads("fwlb/sandwich", "events", log));
        timers = Executors.newSingleThreadScheduledExecutor(groupedThreads("fwlb/sandwich", "timers", log));

        packetService.addProcessor(processor, PacketProcessor.director(1));
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
        // stop the inputs first, then let queued work finish, then undo everything
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
        // Pins, rules and meters stay: an instance stopping is not the application stopping. In a cluster
        // the other instances take its devices over; a restarted single instance adopts them again.
        // withdrawAll(), the pre-deactivation hook, removes them when the application is deactivated.
        meters.clear();
        log.info("Stopped");
    }

    /**
     * Pre-deactivation hook: ONOS runs it on every instance when the application is deactivated (not when
     * an instance stops). Ends every pinned connection, removes the sandwich's rules, and withdraws the
     * punt meters of the devices mastered here.
     */
    private void withdrawAll() {
        ExecutorService ex = events;
        if (ex == null || ex.isShutdown()) {
            return;
        }
        // stop the inputs, then let queued work finish and undo everything
        packetService.removeProcessor(processor);
        ctx.deactivate();
        try {
            ex.submit(() -> {
                lifecycle.clearAll(applied);
                flowRuleService.removeFlowRulesById(appId);
                meters.forEach((dev, id) -> {
                    if (mastershipService.isLocalMaster(dev)) {
                        withdrawMeter(dev, id);
                    }
                });
                meters.clear();
                baseRules.clear();
            }).get(WITHDRAW_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            log.warn("withdrawing the sandwich's connections, rules and meters failed", e);
        }
    }

    @Modified
    protected void modified(ComponentContext context) {
        readProperties(context);
        if (timers != null) {
            schedule();
            events.execute(() -> reinstallAll(applied));
        }
    }

    private void readProperties(ComponentContext context) {
        Dictionary<?, ?> p = context == null ? null : context.getProperties();
        if (p == null) {
            return;
        }
        puntRatePps = intProperty(p, PUNT_RATE_PPS, puntRatePps, 0);
        puntBurst = intProperty(p, PUNT_BURST, puntBurst, 0);
        sweepIntervalMs = intProperty(p, SWEEP_INTERVAL_MS, sweepIntervalMs, 100);
        String probe = Tools.get(p, PROBE_ENABLED);
        if (probe != null) {
            probeEnabled = Boolean.parseBoolean(probe.trim());
        }
    }

    private int intProperty(Dictionary<?, ?> p, String name, int current, int min) {
        String s = Tools.get(p, name);
        if (s == null) {
            return current;
        }
        try {
            int v = Integer.parseInt(s.trim());
            if (v >= min) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        log.warn("ignoring {}={}: expected an integer >= {}", name, s, min);
        return current;
    }

    private synchronized void schedule() {
        if (probeTask != null) {
            probeTask.cancel(false);
        }
        if (rateTask != null) {
            rateTask.cancel(false);
        }
        int probeMs = Math.max(50, topologyService.topology().probe().intervalMs());
        probeTask = timers.scheduleAtFixedRate(this::probeTick, probeMs, probeMs, TimeUnit.MILLISECONDS);
        rateTask = timers.scheduleAtFixedRate(this::rateTick, sweepIntervalMs, sweepIntervalMs,
                                              TimeUnit.MILLISECONDS);
    }

    private void probeTick() {
        try {
            FwlbTopology t = applied;
            if (probeEnabled && t.hasSandwich()) {
                prober.tick(t);
            } else if (t.hasSandwich()) {
                prober.forgetAll(t);
            }
        } catch (RuntimeException e) {
            log.warn("probe round failed", e);
        }
    }

    private void rateTick() {
        try {
            FwlbTopology t = applied;
            if (t.hasSandwich()) {
                rates.sample(t, System.currentTimeMillis());
            }
        } catch (RuntimeException e) {
            log.warn("rate sample failed", e);
        }
    }

    // ---- topology and rules ---------------------------------------------------------------

    /** Brings the switches in line with a (new) topology. Runs on the event thread. */
    private void apply(FwlbTopology t) {
        FwlbTopology previous = applied;
        applied = t;
        placer.reset();
        if (!t.probe().equals(previous.probe())) {
            prober.reset();
            schedule();
        }
        // connections whose firewall left the configuration end now
        for (Firewall fw : previous.firewalls()) {
            if (t.firewallPosition(fw.id()) < 0) {
                lifecycle.clearMember(previous, fw.id());
            }
        }
        if (!t.hasSandwich()) {
            lifecycle.clearAll(previous);
        }
        reinstallAll(t);
        if (t.hasSandwich()) {
            adopt(t);
        }
    }

    private void reinstallAll(FwlbTopology t) {
        List<DeviceId> wanted = new ArrayList<>();
        if (t.hasSandwich()) {
            for (Role r : Role.values()) {
                DeviceId dev = SandwichRules.side(t, r).deviceId();
                wanted.add(dev);
                installBase(t, r, dev);
            }
        }
        for (DeviceId dev : new ArrayList<>(baseRules.keySet())) {
            if (!wanted.contains(dev)) {
                Map<FlowId, FlowRule> old = baseRules.remove(dev);
                flowRuleService.removeFlowRules(old.values().toArray(new FlowRule[0]));
                Optional.ofNullable(meters.remove(dev)).ifPresent(id -> withdrawMeter(dev, id));
            }
        }
    }

    /** Installs the base rules of one dispatcher: only the difference to what is there. */
    private void installBase(FwlbTopology t, Role role, DeviceId dev) {
        if (!deviceService.isAvailable(dev) || !mastershipService.isLocalMaster(dev)) {
            return;
        }
        StaticHashAssignment assignment = StaticHashAssignment.of(t.firewalls(), firewalls.hashMembers(t),
                                                                  StaticHashAssignment.DEFAULT_BUCKETS);
        List<FlowRule> rules = ctx.rules.baseRules(t, role, meter(dev), assignment);
        Map<FlowId, FlowRule> next = new LinkedHashMap<>();
        rules.forEach(r -> next.put(r.id(), r));
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
        log.debug("{} base rules on {}: {} added, {} removed", role, dev, add.size(), remove.size());
    }

    private Optional<MeterId> meter(DeviceId dev) {
        if (puntRatePps <= 0) {
            Optional.ofNullable(meters.remove(dev)).ifPresent(id -> withdrawMeter(dev, id));
            return Optional.empty();
        }
        MeterId id = meters.get(dev);
        List<Integer> wanted = java.util.Arrays.asList(puntRatePps, puntBurst);
        if (id != null && !wanted.equals(meterSettings.get(dev))) {
            // new settings: a new meter; the base rules that use it are re-applied by the caller's diff,
            // then the old one goes
            MeterId old = id;
            id = null;
            meters.remove(dev);
            timers.schedule(() -> withdrawMeter(dev, old), 2, TimeUnit.SECONDS);
        }
        if (id == null) {
            id = existingMeter(dev);
            if (id != null) {
                meters.put(dev, id);
                meterSettings.put(dev, wanted);
            }
        }
        if (id == null) {
            try {
                Band band = DefaultBand.builder().ofType(Band.Type.DROP).withRate(puntRatePps)
                        .burstSize(puntBurst).build();
                MeterRequest req = DefaultMeterRequest.builder().forDevice(dev).fromApp(appId)
                        .withUnit(Meter.Unit.PKTS_PER_SEC).burst().withBands(ImmutableList.of(band)).add();
                Meter m = meterService.submit(req);
                id = m.id();
                meters.put(dev, id);
                meterSettings.put(dev, wanted);
            } catch (RuntimeException e) {
                log.warn("no punt meter on {} ({}); punts are not rate-limited", dev, e.getMessage());
                return Optional.empty();
            }
        }
        return Optional.of(id);
    }

    /** A punt meter this app already has on the device (e.g. set up by the previous master). */
    private MeterId existingMeter(DeviceId dev) {
        try {
            for (Meter m : meterService.getMeters(dev)) {
                if (m.appId() != null && m.appId().equals(appId) && m.unit() == Meter.Unit.PKTS_PER_SEC
                        && m.bands().size() == 1) {
                    Band b = m.bands().iterator().next();
                    if (b.rate() == puntRatePps && b.burst() != null && b.burst() == puntBurst) {
                        return m.id();
                    }
                }
            }
        } catch (RuntimeException e) {
            log.debug("meters of {} not readable: {}", dev, e.getMessage());
        }
        return null;
    }

    private void withdrawMeter(DeviceId dev, MeterId id) {
        try {
            MeterRequest req = DefaultMeterRequest.builder().forDevice(dev).fromApp(appId)
                    .withUnit(Meter.Unit.PKTS_PER_SEC).withBands(ImmutableList.of(
                            DefaultBand.builder().ofType(Band.Type.DROP).withRate(Math.max(1, puntRatePps))
                                    .build())).remove();
            meterService.withdraw(req, id);
        } catch (RuntimeException e) {
            log.debug("meter {} on {} not withdrawn: {}", id, dev, e.getMessage());
        }
    }

    /** Rebuilds pinned connections from the rules found on the dispatchers (controller restart). */
    private void adopt(FwlbTopology t) {
        List<FlowEntry> found = new ArrayList<>();
        for (Role r : Role.values()) {
            DeviceId dev = SandwichRules.side(t, r).deviceId();
            if (!deviceService.isAvailable(dev) || !mastershipService.isLocalMaster(dev)) {
                log.debug("adoption waits for {} ({})", dev, r);
                return;     // a connection's rules span both dispatchers: wait until both are here
            }
            flowRuleService.getFlowEntries(dev).forEach(found::add);
        }
        List<FlowEntry> ours = new ArrayList<>();
        for (FlowEntry fe : found) {
            if (fe.appId() == appId.id() && SandwichRules.isPinned(fe.priority())) {
                ours.add(fe);
            }
        }
        if (!ours.isEmpty()) {
            int n = lifecycle.adopt(t, ours);
            log.info("{} pinned rule(s) found on the dispatchers, {} connection(s) adopted", ours.size(), n);
        }
    }

    private List<SimpleMember> serverMembers(String dispatcherId) {
        FwlbTopology t = topologyService.topology();
        return ConnectionPlacer.serversOf(t, dispatcherId, this::serverMember);
    }

    private SimpleMember serverMember(Server s) {
        MemberStatus st = memberStateService.status(s.id());
        AdminState admin = st.adminOverride() != null ? st.adminOverride() : s.adminState();
        int weight = st.weightOverride() != MemberStatus.NO_WEIGHT ? st.weightOverride() : s.weight();
        long active = connectionStore.connectionCount(s.id());
        return SimpleMember.of(s.id(), weight, Eligibility.of(admin, st.health(), active, s.maxConnections()),
                               active, 0.0);
    }

    // ---- service ------------------------------------------------------------------------

    @Override
    public List<FirewallStatus> firewalls() {
        return firewalls.statuses(topologyService.topology());
    }

    @Override
    public void setFirewallState(String firewallId, AdminState state) {
        FwlbTopology t = topologyService.topology();
        if (firewallId == null || t.firewallPosition(firewallId) < 0) {
            throw new IllegalArgumentException("unknown firewall: " + firewallId + " (known: "
                    + t.firewalls().stream().map(Firewall::id).reduce((a, b) -> a + ", " + b).orElse("none") + ")");
        }
        if (state == null) {
            throw new IllegalArgumentException("state must be one of up, draining, down");
        }
        memberStateService.setAdminState(firewallId, state);
    }

    @Override
    public List<ConnectionEntry> connections(Predicate<ConnectionEntry> filter) {
        return connectionStore.connections(
                e -> SandwichContext.APP_NAME.equals(e.appName()) && (filter == null || filter.test(e)));
    }

    @Override
    public Map<String, Long> counters() {
        Map<String, Long> c = new LinkedHashMap<>(counters.snapshot());
        c.put("connectionsPinned", (long) connections(null).size());
        return c;
    }

    @Override
    public Map<String, String> policies() {
        Map<String, String> out = new LinkedHashMap<>();
        for (TrafficClass tc : topologyService.topology().trafficClasses()) {
            out.put(tc.id(), String.format("protocol=%s ports=%s mode=%s policy=%s unknownNonSyn=%s",
                                           tc.protocol().jsonName(), tc.ports().isEmpty() ? "any" : tc.ports(),
                                           tc.mode().jsonName(), tc.policy(), tc.unknownNonSyn().jsonName()));
        }
        return out;
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
            events.execute(() -> memberChanged(event));
        }
    }

    /** A firewall that can no longer carry traffic loses its connections; static-hash buckets move. */
    private void memberChanged(MemberStateEvent event) {
        FwlbTopology t = applied;
        String id = event.subject();
        Firewall fw = t.firewall(id.contains(":") ? id.substring(0, id.indexOf(':')) : id);
        if (fw == null || t.firewallPosition(fw.id()) < 0) {
            return;
        }
        AdminState admin = memberStateService.adminState(fw.id(), fw.adminState());
        boolean down = admin == AdminState.DOWN || firewalls.health(fw) == HealthState.DOWN;
        if (down) {
            log.info("firewall {} is down (admin {}, health {}): its connections are cleared", fw.id(), admin,
                     firewalls.health(fw));
            lifecycle.clearMember(t, fw.id());
        }
        reinstallAll(t);
    }

    private class InternalDeviceListener implements DeviceListener {
        @Override
        public void event(DeviceEvent event) {
            DeviceId dev = event.subject().id();
            if (SandwichContext.roleOf(applied, dev) == null) {
                return;
            }
            switch (event.type()) {
                case DEVICE_ADDED:
                case DEVICE_AVAILABILITY_CHANGED:
                    if (deviceService.isAvailable(dev)) {
                        events.execute(() -> {
                            FwlbTopology t = applied;
                            Role role = SandwichContext.roleOf(t, dev);
                            if (role != null) {
                                baseRules.remove(dev);      // a reconnected switch: re-send them all
                                installBase(t, role, dev);
                                adopt(t);
                            }
                        });
                    }
                    break;
                case PORT_UPDATED:
                case PORT_REMOVED:
                    if (event.port() != null) {
                        boolean up = event.type() == DeviceEvent.Type.PORT_UPDATED && event.port().isEnabled();
                        events.execute(() -> prober.onPortStatus(applied, dev, event.port().number(), up));
                    }
                    break;
                default:
                    break;
            }
        }
    }

    /** Mastership moved: the new master takes over the dispatcher's base rules and pinned connections. */
    private class InternalMastershipListener implements MastershipListener {
        @Override
        public void event(MastershipEvent event) {
            DeviceId dev = event.subject();
            if (event.type() != MastershipEvent.Type.MASTER_CHANGED) {
                return;
            }
            events.execute(() -> {
                FwlbTopology t = applied;
                Role role = SandwichContext.roleOf(t, dev);
                if (role == null) {
                    return;
                }
                if (mastershipService.isLocalMaster(dev)) {
                    installBase(t, role, dev);
                    adopt(t);
                } else {
                    baseRules.remove(dev);
                }
            });
        }
    }

    private class InternalFlowListener implements FlowRuleListener {
        @Override
        public void event(FlowRuleEvent event) {
            if (event.type() == FlowRuleEvent.Type.RULE_REMOVED && event.subject().appId() == appId.id()
                    && SandwichRules.isPinned(event.subject().priority())) {
                FlowRule r = event.subject();
                if (r instanceof FlowEntry) {
                    events.execute(() -> lifecycle.onRuleRemoved(applied, (FlowEntry) r));
                }
            }
        }
    }

    /**
     * Returns the dispatcher of a role in the topology in force (for tests).
     *
     * @param role role
     * @return dispatcher, if configured
     */
    Optional<FirewallDispatcher> dispatcher(Role role) {
        FwlbTopology t = applied;
        return role == Role.EXTERNAL ? t.external() : t.internal();
    }
}
