package org.fwlb.engine.impl;

import org.fwlb.api.FwlbTopologyListener;
import org.fwlb.api.FwlbTopologyService;
import org.fwlb.api.MemberStateListener;
import org.fwlb.api.MemberStateService;
import org.fwlb.connection.ConnectionEvent;
import org.fwlb.connection.ConnectionListener;
import org.fwlb.connection.ConnectionStore;
import org.fwlb.connection.ConnectionStoreDelegate;
import org.fwlb.engine.ConnectionEngine;
import org.fwlb.engine.ConnectionInstaller;
import org.fwlb.engine.EngineContext;
import org.fwlb.engine.EngineCounters;
import org.fwlb.engine.EnginePacketProcessor;
import org.fwlb.engine.EnginePlan;
import org.fwlb.engine.EngineSettings;
import org.fwlb.engine.EngineTimers;
import org.fwlb.engine.FirewallRates;
import org.fwlb.engine.HashBuckets;
import org.fwlb.engine.Lifecycle;
import org.fwlb.engine.Members;
import org.fwlb.engine.OverloadDetector;
import org.fwlb.engine.Owner;
import org.fwlb.engine.PathPlanner;
import org.fwlb.engine.Segments;
import org.fwlb.model.ConnectionEntry;
import org.onlab.metrics.MetricsService;
import org.onosproject.cfg.ComponentConfigService;
import org.onosproject.core.ApplicationId;
import org.onosproject.core.CoreService;
import org.onosproject.event.AbstractListenerManager;
import org.onosproject.mastership.MastershipEvent;
import org.onosproject.mastership.MastershipListener;
import org.onosproject.mastership.MastershipService;
import org.onosproject.net.DeviceId;
import org.onosproject.net.device.DeviceEvent;
import org.onosproject.net.device.DeviceListener;
import org.onosproject.net.device.DeviceService;
import org.onosproject.net.flow.FlowEntry;
import org.onosproject.net.flow.FlowRule;
import org.onosproject.net.flow.FlowRuleEvent;
import org.onosproject.net.flow.FlowRuleListener;
import org.onosproject.net.flow.FlowRuleService;
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

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.fwlb.engine.impl.OsgiPropertyConstants.*;
import static org.onlab.util.Tools.groupedThreads;
import static org.slf4j.LoggerFactory.getLogger;

/**
 * The connection engine as an ONOS component (both applications attach to it): registers the packet processor
 * of the decision points, keeps every device's base rules in line with the topology, the members' state and the
 * attached owners, hands rule events to the life cycle, and acts only on devices this instance masters.
 */
@Component(immediate = true, service = ConnectionEngine.class,
        property = {
                PUNT_RATE_PPS + ":Integer=" + PUNT_RATE_PPS_DEFAULT,
                PUNT_BURST + ":Integer=" + PUNT_BURST_DEFAULT,
                ARP_RATE_PPS + ":Integer=" + ARP_RATE_PPS_DEFAULT,
                PER_STAGE_DECISIONS + ":Boolean=" + PER_STAGE_DECISIONS_DEFAULT,
                TCP_FLAGS_MATCH + ":Boolean=" + TCP_FLAGS_MATCH_DEFAULT,
                HOLD_SECONDS + ":Integer=" + HOLD_SECONDS_DEFAULT,
                MAX_HOLDS + ":Integer=" + MAX_HOLDS_DEFAULT,
                MAX_HALF_OPEN + ":Integer=" + MAX_HALF_OPEN_DEFAULT,
                HASH_BUCKETS + ":Integer=" + HASH_BUCKETS_DEFAULT,
                SWEEP_INTERVAL_MS + ":Integer=" + SWEEP_INTERVAL_MS_DEFAULT,
                OVERLOAD_PUNT_PPS + ":Integer=" + OVERLOAD_PUNT_PPS_DEFAULT,
                OVERLOAD_HOLD_SECONDS + ":Integer=" + OVERLOAD_HOLD_SECONDS_DEFAULT,
                OVERLOAD_GRACE_SECONDS + ":Integer=" + OVERLOAD_GRACE_SECONDS_DEFAULT,
        })
public class ConnectionEngineManager extends AbstractListenerManager<ConnectionEvent, ConnectionListener>
        implements ConnectionEngine {

    /** The engine's own application (owner of the punt meters). */
    static final String APP_NAME = "org.fwlb.core";

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

    @Reference(cardinality = ReferenceCardinality.MANDATORY)
    protected MetricsService metricsService;

    // The properties (read into EngineSettings, see EngineProperties); named fields for ONOS's cfgdef catalogue.
    /** Punted TCP packets per second and device (meter); 0 = no meter. */
    private int puntRatePps = PUNT_RATE_PPS_DEFAULT;
    /** Burst of the TCP punt meter, packets. */
    private int puntBurst = PUNT_BURST_DEFAULT;
    /** Punted ARP requests and probe answers per second and device; 0 = no meter. */
    private int arpRatePps = ARP_RATE_PPS_DEFAULT;
    /** Every stage decides when its own SYN reaches it (FIG 7/8 path tags). */
    private boolean perStageDecisions = PER_STAGE_DECISIONS_DEFAULT;
    /** Rules match TCP flags (needs an ONOS build that translates TCP_FLAGS; ONOS 2.7's does not). */
    private boolean tcpFlagsMatch = TCP_FLAGS_MATCH_DEFAULT;
    /** Seconds a held 5-tuple (an unknown non-SYN segment's drop) stays without traffic. */
    private int holdSeconds = HOLD_SECONDS_DEFAULT;
    /** Most held 5-tuples per instance. */
    private int maxHolds = MAX_HOLDS_DEFAULT;
    /** Most half-open connections per instance. */
    private int maxHalfOpen = MAX_HALF_OPEN_DEFAULT;
    /** Static-hash buckets of the client port (a power of two, 2..1024). */
    private int hashBuckets = HASH_BUCKETS_DEFAULT;
    /** Period of the sweep (adoption, bookkeeping, packet rates), ms. */
    private int sweepIntervalMs = SWEEP_INTERVAL_MS_DEFAULT;
    /** Punts per second meaning overload (new connections go by static-hash rules); 0 = never. */
    private int overloadPuntPps = OVERLOAD_PUNT_PPS_DEFAULT;
    /** Least seconds in overload before pinning is tried again. */
    private int overloadHoldSeconds = OVERLOAD_HOLD_SECONDS_DEFAULT;
    /** Seconds after an overload during which hash-carried connections are adopted. */
    private int overloadGraceSeconds = OVERLOAD_GRACE_SECONDS_DEFAULT;

    /** How often the overload detector samples the punt counters, ms (short: a flood costs while undetected). */
    static final int OVERLOAD_SAMPLE_MS = 100;

    private final FwlbTopologyListener topologyListener = e -> submit(() -> this.reactions.apply(e.subject()));
    private final MemberStateListener memberListener = e -> {
        this.metrics.transition(e.subject());
        submit(() -> this.reactions.memberChanged(e.subject()));
    };
    private final DeviceListener deviceListener = this::deviceEvent;
    private final MastershipListener mastershipListener = this::mastershipEvent;
    private final FlowRuleListener flowListener = this::flowEvent;
    private final ConnectionStoreDelegate delegate = this::post;

    private EngineContext ctx;
    private PathPlanner planner;
    private Lifecycle lifecycle;
    private FirewallRates rates;
    private EngineMetrics metrics;
    private BaseRuleSync base;
    private Reactions reactions;
    private PacketProcessor processor;
    private ExecutorService events;
    private ScheduledExecutorService timers;
    private ScheduledFuture<?> sweepTask;
    private ScheduledFuture<?> overloadTask;
    private volatile OverloadDetector detector;

    @Activate
    protected void activate(ComponentContext context) {
        ApplicationId core = coreService.registerApplication(APP_NAME);
        cfgService.registerProperties(getClass());
        Predicate<DeviceId> master = this::drives;
        FirewallRates[] rateRef = new FirewallRates[1];
        Members members = new Members(memberStateService, connectionStore, deviceService::isAvailable,
                                      id -> rateRef[0] == null ? 0.0 : rateRef[0].rate(id));
        ctx = new EngineContext(connectionStore, flowRuleService, packetService, members, master);
        ctx.settings(EngineProperties.read(context, ctx.settings(), log));
        metrics = new EngineMetrics(metricsService, ctx, connectionStore::size, meterService, core);
        rates = new FirewallRates(ctx);
        rateRef[0] = rates;
        planner = new PathPlanner(ctx);
        ConnectionInstaller installer = new ConnectionInstaller(ctx, planner);
        lifecycle = new Lifecycle(ctx);
        processor = new EnginePacketProcessor(ctx, installer, new Segments(ctx, planner, installer));
        base = new BaseRuleSync(ctx, flowRuleService, new PuntMeters(meterService, core));
        reactions = new Reactions(ctx, planner, lifecycle, base);
        events = Executors.newSingleThreadExecutor(groupedThreads("fwlb/engine", "events", log));
        timers = Executors.newSingleThreadScheduledExecutor(groupedThreads("fwlb/engine", "timers", log));
        eventDispatcher.addSink(ConnectionEvent.class, listenerRegistry);
        connectionStore.setDelegate(delegate);
        packetService.addProcessor(processor, PacketProcessor.director(2));
        flowRuleService.addListener(flowListener);
        deviceService.addListener(deviceListener);
        mastershipService.addListener(mastershipListener);
        memberStateService.addListener(memberListener);
        topologyService.addListener(topologyListener);
        submit(() -> reactions.apply(topologyService.topology()));
        schedule();
        log.info("Started");
    }

    @Deactivate
    protected void deactivate() {
        packetService.removeProcessor(processor);
        ctx.deactivate();
        topologyService.removeListener(topologyListener);
        memberStateService.removeListener(memberListener);
        mastershipService.removeListener(mastershipListener);
        deviceService.removeListener(deviceListener);
        flowRuleService.removeListener(flowListener);
        connectionStore.unsetDelegate(delegate);
        eventDispatcher.removeSink(ConnectionEvent.class);
        cfgService.unregisterProperties(getClass(), false);
        timers.shutdownNow();
        metrics.remove();
        events.shutdown();
        try {
            events.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // pins, rules and meters stay: an instance stopping is not the applications stopping (see detach)
        log.info("Stopped");
    }

    @Modified
    protected void modified(ComponentContext context) {
        EngineSettings before = ctx.settings();
        ctx.settings(EngineProperties.read(context, before, log));
        schedule();
        submit(() -> {
            reactions.recomputeBuckets();
            base.reinstallAll();
        });
    }

    @Override
    public OverloadDetector.State overloadState() {
        return ctx.overload();
    }

    private synchronized void schedule() {
        if (sweepTask != null) {
            sweepTask.cancel(false);
        }
        int ms = ctx.settings().sweepIntervalMs;
        sweepTask = timers.scheduleAtFixedRate(this::sweep, ms, ms, TimeUnit.MILLISECONDS);
        if (overloadTask != null) {
            overloadTask.cancel(false);
        }
        EngineSettings s = ctx.settings();
        detector = new OverloadDetector(s.overloadPuntPps, s.overloadHoldSeconds * 1000L,
                                        s.overloadGraceSeconds * 1000L);
        if (ctx.overload() != OverloadDetector.State.NORMAL) {
            overloadChanged(OverloadDetector.State.NORMAL);     // new settings start from pinning
        }
        sampleOverload();       // the first sample only records: take it now, so the first period counts
        overloadTask = timers.scheduleAtFixedRate(this::sampleOverload, OVERLOAD_SAMPLE_MS, OVERLOAD_SAMPLE_MS,
                                                  TimeUnit.MILLISECONDS);
    }

    private void sampleOverload() {
        try {
            EngineCounters c = ctx.counters(Owner.SANDWICH);
            OverloadDetector.State next = detector.observe(System.currentTimeMillis(),
                    c.get(EngineCounters.SYN_PUNTS), c.get(EngineCounters.UNKNOWN_PUNTS),
                    c.get(EngineCounters.HALF_OPEN_FULL) + c.get(EngineCounters.TABLE_FULL));
            if (next != null) {
                overloadChanged(next);
            }
        } catch (RuntimeException e) {
            log.warn("overload sample failed", e);
        }
    }

    private void overloadChanged(OverloadDetector.State next) {
        OverloadDetector.State before = ctx.overload();
        ctx.overload(next);
        if (next == OverloadDetector.State.OVERLOAD) {
            ctx.counters(Owner.SANDWICH).inc(EngineCounters.OVERLOADS);
            log.warn("punt path overloaded: new connections go by static hash for at least {} s",
                     detector.holdMs() / 1000);
        } else {
            log.info("overload state {} -> {}", before, next);
        }
        if (before == OverloadDetector.State.OVERLOAD || next == OverloadDetector.State.OVERLOAD) {
            submit(base::reinstallAll);
        }
    }

    private void sweep() {
        try {
            long now = System.currentTimeMillis();
            rates.sample(ctx.plan().topology(), now);
            publishMetrics();
            submit(() -> lifecycle.sweep(ctx.plan(), now));
        } catch (RuntimeException e) {
            log.warn("engine sweep failed", e);
        }
    }

    /** Registers the metrics of counters that appeared since the last sweep. */
    void publishMetrics() {
        metrics.sweep(ctx);
    }

    private void submit(Runnable r) {
        events.execute(() -> {
            try {
                r.run();
            } catch (RuntimeException e) {
                log.warn("engine event failed", e);
            }
        });
    }

    private void deviceEvent(DeviceEvent event) {
        if (event.type() == DeviceEvent.Type.DEVICE_ADDED
                || event.type() == DeviceEvent.Type.DEVICE_AVAILABILITY_CHANGED) {
            DeviceId dev = event.subject().id();
            submit(() -> reactions.deviceChanged(dev, deviceService.isAvailable(dev)));
        }
    }

    private void mastershipEvent(MastershipEvent event) {
        if (event.type() == MastershipEvent.Type.MASTER_CHANGED) {
            submit(() -> base.reinstall(event.subject(), true));
        }
    }

    private void flowEvent(FlowRuleEvent event) {
        FlowRule r = event.subject();
        switch (event.type()) {
            case RULE_REMOVED:
                submit(() -> lifecycle.onRuleRemoved(ctx.plan(), r, event.time()));
                break;
            case RULE_ADDED:
            case RULE_UPDATED:
                if (r instanceof FlowEntry) {
                    lifecycle.onRuleStats((FlowEntry) r);
                }
                break;
            default:
                break;
        }
    }

    // ---- service --------------------------------------------------------------------------

    @Override
    public void attach(Owner owner, ApplicationId appId) {
        submit(() -> reactions.attach(owner, appId));
    }

    @Override
    public void detach(Owner owner, boolean withdraw) {
        try {
            events.submit(() -> reactions.detach(owner, withdraw)).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            log.warn("detaching {} failed", owner, e);
        }
    }

    @Override
    public List<ConnectionEntry> connections(Predicate<ConnectionEntry> filter) {
        return connectionStore.connections(filter == null ? e -> true : filter);
    }

    @Override
    public EngineCounters counters(Owner owner) {
        return ctx.counters(owner);
    }

    @Override
    public Members members() {
        return ctx.members();
    }

    @Override
    public EnginePlan plan() {
        return ctx.plan();
    }

    @Override
    public HashBuckets firewallBuckets() {
        return ctx.firewallBuckets();
    }

    @Override
    public EngineTimers timers() {
        return ctx.timers();
    }

    @Override
    public java.util.Map<DeviceId, Long> puntMeterDrops() {
        return metrics.puntMeterDrops();
    }

    @Override
    public java.util.Map<String, Long> healthTransitions() {
        return metrics.transitions();
    }

    @Override
    public java.util.Map<String, String> readiness() {
        return base.readiness();
    }

    @Override
    public boolean drives(DeviceId device) {
        return device != null && deviceService.isAvailable(device) && mastershipService.isLocalMaster(device);
    }
}
