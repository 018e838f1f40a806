package org.fwlb.sandwich.impl;

import org.fwlb.api.FirewallSandwichService;
import org.fwlb.api.FirewallStatus;
import org.fwlb.api.FwlbTopologyService;
import org.fwlb.api.MemberStateService;
import org.fwlb.api.MemberStatus;
import org.fwlb.engine.ConnectionEngine;
import org.fwlb.engine.EngineCounters;
import org.fwlb.engine.Members;
import org.fwlb.engine.Owner;
import org.fwlb.model.AdminState;
import org.fwlb.model.ConnectionEntry;
import org.fwlb.model.Firewall;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.TrafficClass;
import org.fwlb.policy.SimpleMember;
import org.onlab.util.Tools;
import org.onosproject.cfg.ComponentConfigService;
import org.onosproject.core.ApplicationId;
import org.onosproject.core.CoreService;
import org.onosproject.net.DeviceId;
import org.onosproject.net.device.DeviceEvent;
import org.onosproject.net.device.DeviceListener;
import org.onosproject.net.device.DeviceService;
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
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.fwlb.sandwich.impl.OsgiPropertyConstants.PROBE_ENABLED;
import static org.fwlb.sandwich.impl.OsgiPropertyConstants.PROBE_ENABLED_DEFAULT;
import static org.onlab.util.Tools.groupedThreads;
import static org.slf4j.LoggerFactory.getLogger;

/**
 * The firewall sandwich (seed FIG 1, FIG 6) as an ONOS application: attaches its decision points (the firewall
 * choice at both firewall dispatchers, and the L4/3 stage of a FIG 6 internal dispatcher) to the connection
 * engine, which owns the packet path; answers ARP for the virtual gateways and probes the firewalls; serves the
 * operators' view.
 */
@Component(immediate = true, service = FirewallSandwichService.class,
        property = {
                PROBE_ENABLED + ":Boolean=" + PROBE_ENABLED_DEFAULT,
        })
public class FirewallSandwichManager implements FirewallSandwichService {

    /** Application name. */
    static final String APP_NAME = Owner.SANDWICH.appName();

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
    protected FwlbTopologyService topologyService;

    @Reference(cardinality = ReferenceCardinality.MANDATORY)
    protected MemberStateService memberStateService;

    @Reference(cardinality = ReferenceCardinality.MANDATORY)
    protected ConnectionEngine engine;

    /** Whether firewalls are probed. */
    private volatile boolean probeEnabled = PROBE_ENABLED_DEFAULT;

    private final DeviceListener deviceListener = this::portEvent;
    private FirewallProber prober;
    private PacketProcessor arp;
    private ScheduledExecutorService timers;
    private ScheduledFuture<?> probeTask;
    private int probeMs;

    @Activate
    protected void activate(ComponentContext context) {
        // the hook runs on every instance when the application is deactivated, not when one instance stops
        ApplicationId appId = coreService.registerApplication(APP_NAME, () -> engine.detach(Owner.SANDWICH, true));
        cfgService.registerProperties(getClass());
        readProperties(context);
        Predicate<DeviceId> master = engine::drives;
        EngineCounters counters = engine.counters(Owner.SANDWICH);
        prober = new FirewallProber(packetService, () -> counters.inc("probesSent"), memberStateService, master);
        arp = new SandwichArp(engine::plan, packetService, master,
                              (role, ip) -> prober.onReply(topologyService.topology(), role, ip),
                              () -> counters.inc("arpAnswered"));
        timers = Executors.newSingleThreadScheduledExecutor(groupedThreads("fwlb/sandwich", "probes", log));
        packetService.addProcessor(arp, PacketProcessor.director(1));
        deviceService.addListener(deviceListener);
        engine.attach(Owner.SANDWICH, appId);
        schedule();
        log.info("Started");
    }

    @Deactivate
    protected void deactivate() {
        // an instance stopping is not the application stopping: pins and rules stay (the hook withdraws them)
        engine.detach(Owner.SANDWICH, false);
        packetService.removeProcessor(arp);
        deviceService.removeListener(deviceListener);
        cfgService.unregisterProperties(getClass(), false);
        timers.shutdownNow();
        log.info("Stopped");
    }

    @Modified
    protected void modified(ComponentContext context) {
        readProperties(context);
    }

    private void readProperties(ComponentContext context) {
        String v = context == null || context.getProperties() == null ? null
                : Tools.get(context.getProperties(), PROBE_ENABLED);
        if (v != null) {
            probeEnabled = Boolean.parseBoolean(v.trim());
        }
    }

    private synchronized void schedule() {
        int ms = Math.max(50, topologyService.topology().probe().intervalMs());
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
            FwlbTopology t = topologyService.topology();
            schedule();         // the probe interval is part of the configuration
            if (!t.hasSandwich()) {
                return;
            }
            if (probeEnabled) {
                prober.tick(t);
            } else {
                prober.forgetAll(t);
            }
        } catch (RuntimeException e) {
            log.warn("probe round failed", e);
        }
    }

    /** A firewall interface whose port goes down is down at once. */
    private void portEvent(DeviceEvent event) {
        if ((event.type() == DeviceEvent.Type.PORT_UPDATED || event.type() == DeviceEvent.Type.PORT_REMOVED)
                && event.port() != null) {
            boolean up = event.type() == DeviceEvent.Type.PORT_UPDATED && event.port().isEnabled();
            prober.onPortStatus(topologyService.topology(), event.subject().id(), event.port().number(), up);
        }
    }

    // ---- service ------------------------------------------------------------------------

    @Override
    public List<FirewallStatus> firewalls() {
        Members members = engine.members();
        List<FirewallStatus> out = new ArrayList<>();
        for (Firewall fw : topologyService.topology().firewalls()) {
            MemberStatus s = memberStateService.status(fw.id());
            SimpleMember m = members.firewall(fw);
            AdminState admin = s.adminOverride() != null ? s.adminOverride() : fw.adminState();
            out.add(new FirewallStatus(fw.id(), admin, members.health(fw), m.eligibility(), m.weight(),
                                       fw.maxConnections(), (int) m.activeConnections(), m.packetRate()));
        }
        return out;
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
    public List<ConnectionEntry> connections(java.util.function.Predicate<ConnectionEntry> filter) {
        return engine.connections(e -> e.path().firewallId().isPresent() && (filter == null || filter.test(e)));
    }

    @Override
    public Map<String, Long> counters() {
        Map<String, Long> c = new LinkedHashMap<>(engine.counters(Owner.SANDWICH).snapshot());
        c.put("connectionsPinned", (long) connections(null).size());
        // 0 NORMAL, 1 OVERLOAD (new connections by static-hash rules), 2 GRACE (adopting them)
        c.put("overloadState", (long) engine.overloadState().ordinal());
        return c;
    }

    @Override
    public Map<String, Long> placements() {
        return engine.counters(Owner.SANDWICH).placements();
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
}
