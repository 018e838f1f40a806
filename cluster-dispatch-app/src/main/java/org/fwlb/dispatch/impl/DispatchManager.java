package org.fwlb.dispatch.impl;

import org.fwlb.api.DispatchMemberStatus;
import org.fwlb.api.DispatchService;
import org.fwlb.api.FwlbTopologyService;
import org.fwlb.api.L7Report;
import org.fwlb.api.L7Status;
import org.fwlb.api.MemberStateService;
import org.fwlb.connection.ConnectionStore;
import org.fwlb.engine.ConnectionEngine;
import org.fwlb.engine.EngineCounters;
import org.fwlb.engine.EnginePlan;
import org.fwlb.engine.Owner;
import org.fwlb.model.AdminState;
import org.fwlb.model.ConnectionEntry;
import org.fwlb.model.FwlbTopology;
import org.onlab.util.Tools;
import org.onosproject.cfg.ComponentConfigService;
import org.onosproject.core.ApplicationId;
import org.onosproject.core.CoreService;
import org.onosproject.net.DeviceId;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * Hierarchical dispatch (seed FIG 2-8) as an ONOS application: attaches its decision points (L4/2 and L4/3
 * stages, the DF of L7/3 hosts) to the connection engine, which owns the packet path; answers ARP for the VIPs,
 * probes the servers behind L4/3 stage switches, keeps the L7/3 processes' directory; serves the operators' view.
 */
@Component(immediate = true, service = DispatchService.class,
        property = {
                SERVER_PROBE_ENABLED + ":Boolean=" + SERVER_PROBE_ENABLED_DEFAULT,
                SERVER_PROBE_INTERVAL_MS + ":Integer=" + SERVER_PROBE_INTERVAL_MS_DEFAULT,
        })
public class DispatchManager implements DispatchService {

    /** Application name. */
    static final String APP_NAME = Owner.DISPATCH.appName();

    private final Logger log = getLogger(getClass());

    @Reference(cardinality = ReferenceCardinality.MANDATORY)
    protected CoreService coreService;

    @Reference(cardinality = ReferenceCardinality.MANDATORY)
    protected ComponentConfigService cfgService;


    @Reference(cardinality = ReferenceCardinality.MANDATORY)
    protected PacketService packetService;


    @Reference(cardinality = ReferenceCardinality.MANDATORY)
    protected FwlbTopologyService topologyService;

    @Reference(cardinality = ReferenceCardinality.MANDATORY)
    protected MemberStateService memberStateService;

    @Reference(cardinality = ReferenceCardinality.MANDATORY)
    protected ConnectionStore connectionStore;

    @Reference(cardinality = ReferenceCardinality.MANDATORY)
    protected ConnectionEngine engine;

    /** Whether servers are probed. */
    private volatile boolean serverProbeEnabled = SERVER_PROBE_ENABLED_DEFAULT;
    /** Probe period, ms; 0 = the topology's. */
    private volatile int serverProbeIntervalMs = SERVER_PROBE_INTERVAL_MS_DEFAULT;

    private ServerProber prober;
    private L7Registry l7;
    private MemberStatuses statuses;
    private PacketProcessor processor;
    private ScheduledExecutorService timers;
    private ScheduledFuture<?> probeTask;
    private int probeMs;

    @Activate
    protected void activate(ComponentContext context) {
        // the hook runs on every instance when the application is deactivated, not when one instance stops
        ApplicationId appId = coreService.registerApplication(APP_NAME, () -> engine.detach(Owner.DISPATCH, true));
        cfgService.registerProperties(getClass());
        readProperties(context);
        Predicate<DeviceId> usable = engine::drives;
        EngineCounters counters = engine.counters(Owner.DISPATCH);
        prober = new ServerProber(packetService, () -> counters.inc("probesSent"), memberStateService, usable);
        l7 = new L7Registry(memberStateService, id -> ServerProber.probes(engine.plan(), id));
        statuses = new MemberStatuses(engine.members(), connectionStore, counters);
        processor = new DispatchPackets(engine::plan, packetService, usable, prober,
                                        () -> counters.inc("arpAnswered"));
        timers = Executors.newSingleThreadScheduledExecutor(groupedThreads("fwlb/dispatch", "probes", log));
        // before the sandwich's processor (director 1): ARP for a VIP at the internal firewall dispatcher
        packetService.addProcessor(processor, PacketProcessor.director(0));
        engine.attach(Owner.DISPATCH, appId);
        schedule();
        log.info("Started");
    }

    @Deactivate
    protected void deactivate() {
        // an instance stopping is not the application stopping: pins and rules stay (the hook withdraws them)
        engine.detach(Owner.DISPATCH, false);
        packetService.removeProcessor(processor);
        cfgService.unregisterProperties(getClass(), false);
        timers.shutdownNow();
        log.info("Stopped");
    }

    @Modified
    protected void modified(ComponentContext context) {
        readProperties(context);
    }

    private void readProperties(ComponentContext context) {
        if (context == null || context.getProperties() == null) {
            return;
        }
        String probe = Tools.get(context.getProperties(), SERVER_PROBE_ENABLED);
        if (probe != null) {
            serverProbeEnabled = Boolean.parseBoolean(probe.trim());
        }
        String ms = Tools.get(context.getProperties(), SERVER_PROBE_INTERVAL_MS);
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
        int ms = serverProbeIntervalMs > 0 ? serverProbeIntervalMs
                : Math.max(50, topologyService.topology().probe().intervalMs());
        if (probeTask != null && ms == probeMs) {
            return;
        }
        if (probeTask != null) {
            probeTask.cancel(false);
        }
        probeMs = ms;
        probeTask = timers.scheduleAtFixedRate(this::probeTick, ms, ms, TimeUnit.MILLISECONDS);
    }

    private void probeTick() {
        try {
            schedule();         // the probe interval follows the configuration and the property
            EnginePlan plan = engine.plan();
            FwlbTopology t = plan.topology();
            // an L7 dispatcher silent for three probe intervals (at least 1.5 s) is dead
            l7.sweep(t, System.currentTimeMillis(), Math.max(1500, 3L * t.probe().intervalMs()));
            prober.retain(plan);
            if (serverProbeEnabled) {
                prober.tick(plan, t.probe());
            }
        } catch (RuntimeException e) {
            log.warn("server probe round failed", e);
        }
    }

    // ---- service ------------------------------------------------------------------------

    @Override
    public List<DispatchMemberStatus> dispatchers() {
        return statuses.dispatchers(topologyService.topology());
    }

    @Override
    public List<DispatchMemberStatus> servers() {
        return statuses.servers(topologyService.topology());
    }

    @Override
    public Optional<DispatchMemberStatus> member(String memberId) {
        FwlbTopology t = topologyService.topology();
        if (memberId == null || !t.isServer(memberId) && !t.isDispatcher(memberId)) {
            return Optional.empty();
        }
        return Optional.of(statuses.status(t, memberId));
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
        return engine.connections(e -> !e.path().dispatcherIds().isEmpty() && (filter == null || filter.test(e)));
    }

    @Override
    public Map<String, Long> counters() {
        Map<String, Long> c = new LinkedHashMap<>(engine.counters(Owner.DISPATCH).snapshot());
        c.put("connectionsThroughStages", (long) connections(null).size());
        return c;
    }

    @Override
    public Map<String, Long> placements() {
        return engine.counters(Owner.DISPATCH).placements();
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
}
