package org.fwlb.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.fwlb.runtime.cfg.RuntimeComponentConfigManager;
import org.fwlb.runtime.cli.CliService;
import org.fwlb.runtime.cli.CommandCatalog;
import org.fwlb.runtime.cli.commands.RuntimeCommands;
import org.fwlb.runtime.core.ApplicationIdTable;
import org.fwlb.runtime.core.EventDispatcher;
import org.fwlb.runtime.core.LocalMastershipService;
import org.fwlb.runtime.core.RuntimeAuditService;
import org.fwlb.runtime.core.RuntimeCoreService;
import org.fwlb.runtime.core.SingleNodeClusterService;
import org.fwlb.runtime.netcfg.NetcfgDocument;
import org.fwlb.runtime.netcfg.OpenFlowDeviceConfig;
import org.fwlb.runtime.netcfg.RuntimeNetworkConfigManager;
import org.fwlb.runtime.metrics.OpenFlowCounters;
import org.fwlb.runtime.metrics.RuntimeMetricsService;
import org.onlab.metrics.MetricsService;
import org.fwlb.runtime.registry.RuntimeDirectories;
import org.fwlb.runtime.registry.ServiceRegistry;
import org.fwlb.runtime.rest.RestSecurity;
import org.fwlb.runtime.rest.RestServer;
import org.fwlb.runtime.scr.BundleClassPath;
import org.fwlb.runtime.scr.BundleInfo;
import org.fwlb.runtime.scr.ComponentRuntime;
import org.fwlb.runtime.scr.ComponentState;
import org.fwlb.runtime.scr.ComponentStatus;
import org.fwlb.runtime.store.InMemoryStorageService;
import org.fwlb.runtime.store.RuntimeLogicalClockService;
import org.fwlb.runtime.store.StoreBackend;
import org.onlab.osgi.ServiceDirectory;
import org.onosproject.cfg.ComponentConfigService;
import org.onosproject.cluster.ClusterService;
import org.onosproject.core.CoreService;
import org.onosproject.event.EventDeliveryService;
import org.onosproject.mastership.MastershipService;
import org.onosproject.net.config.NetworkConfigRegistry;
import org.onosproject.net.config.NetworkConfigService;
import org.onosproject.net.device.DeviceEvent;
import org.onosproject.net.device.DeviceListener;
import org.onosproject.net.device.DeviceService;
import org.onosproject.net.flow.FlowRuleService;
import org.onosproject.net.meter.MeterService;
import org.onosproject.net.packet.PacketService;
import org.onosproject.security.AuditService;
import org.onosproject.store.service.LogicalClockService;
import org.onosproject.store.service.StorageService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * One runtime instance: a service registry with the built-in ONOS services, the southbound
 * ({@link NetworkServices}, optional), the component runtime hosting the bundles' DS components, and REST
 * (optional). Every collaborator that a simulated cluster needs to share or replace (store backend,
 * application id table, cluster and mastership services) can be supplied through the {@link Builder}.
 * Several instances can run in one JVM.
 */
public final class FwlbRuntime implements RuntimeInfo, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FwlbRuntime.class);

    private final Builder config;
    private final ServiceRegistry registry = new ServiceRegistry();
    private final EventDispatcher dispatcher;
    private final RuntimeCoreService coreService;
    private final ClusterService clusterService;
    private final MastershipService mastershipService;
    private final InMemoryStorageService storageService;
    private final RuntimeNetworkConfigManager netcfg;
    private final ComponentRuntime scr;
    private final RuntimeComponentConfigManager componentConfig;
    private final CliService cli;
    private final List<BundleInfo> bundles;
    private final NetworkServices network;
    private DeviceListener deviceListener;
    private RestServer rest;
    private final RuntimeMetricsService metricsService;
    private volatile boolean started;
    private volatile boolean stopped;

    private FwlbRuntime(Builder b) {
        this.config = b;
        this.dispatcher = new EventDispatcher("fwlb-events-" + b.name);
        this.coreService = new RuntimeCoreService(b.applicationIds != null ? b.applicationIds : new ApplicationIdTable());
        this.clusterService = b.clusterService != null ? b.clusterService : new SingleNodeClusterService();
        this.mastershipService = b.mastershipService != null
                ? b.mastershipService.apply(clusterService, dispatcher)
                : new LocalMastershipService(clusterService, dispatcher);
        this.storageService = new InMemoryStorageService(b.storeBackend != null ? b.storeBackend : new StoreBackend(true));
        this.netcfg = new RuntimeNetworkConfigManager(coreService, dispatcher);
        // as ONOS's OpenFlow controller: devices/<id>/openflow (keyAlias for strict TLS)
        netcfg.registerConfigFactory(OpenFlowDeviceConfig.FACTORY);
        this.scr = new ComponentRuntime(registry);
        this.componentConfig = new RuntimeComponentConfigManager(scr);
        scr.setConfigurationSource(componentConfig);
        this.bundles = BundleClassPath.apply(b.bundles != null ? List.copyOf(b.bundles) : BundleInfo.scan(b.classLoader),
                                             b.classLoader);
        this.network = b.network;
        this.metricsService = new RuntimeMetricsService();
        this.cli = new CliService(registry, () -> CommandCatalog.scan(bundles, x -> true, RuntimeCommands.all()));
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Registers the built-in services, activates the components (dependency order), then starts the
     * southbound and REST.
     *
     * @throws Exception if the southbound or REST cannot start (the runtime is stopped again)
     */
    public synchronized void start() throws Exception {
        if (started) {
            throw new IllegalStateException("already started");
        }
        started = true;
        registerBuiltIns();
        if (config.processDefault) {
            RuntimeDirectories.setProcessDefault(registry);
            checkStaticLookups();
        }
        scr.addBundles(bundles);
        int active = scr.activateAll();
        log.info("{} of {} components active", active, scr.status().size());
        try {
            if (network != null) {
                network.start();
            }
            if (config.restPort >= 0) {
                if (config.restSecurity == null) {
                    throw new IllegalStateException("REST needs its users: Builder.restSecurity(...)");
                }
                rest = new RestServer(registry, netcfg, componentConfig, cli, this::status, bundles, config.restSecurity);
                rest.start(config.restAddress, config.restPort);
            }
        } catch (Exception e) {
            stop(false);
            throw e;
        }
        // scan the command classes now, not on the first command a user types
        Thread warm = new Thread(cli::catalog, "fwlb-cli-catalog");
        warm.setDaemon(true);
        warm.start();
    }

    // ONOS's AbstractShellCommand.get and BaseResource.get reach the registry only through OSGi core R8's
    // FrameworkUtil; an older org.osgi.framework earlier on the class path silently breaks them
    private void checkStaticLookups() {
        try {
            if (org.onlab.osgi.DefaultServiceDirectory.getService(RuntimeInfo.class) != this) {
                log.error("static ONOS service lookups reach another runtime");
            }
        } catch (RuntimeException | LinkageError e) {
            log.error("static ONOS service lookups (AbstractShellCommand.get, BaseResource.get) do not reach the"
                      + " runtime: is osgi.core 8 (org.osgi.framework.FrameworkUtil with FrameworkUtilHelper)"
                      + " first on the class path? {}", e.toString());
        }
    }

    private void registerBuiltIns() {
        registry.registerBuiltIn(CoreService.class, coreService);
        registry.registerBuiltIn(ClusterService.class, clusterService);
        registry.registerBuiltIn(MastershipService.class, mastershipService);
        registry.registerBuiltIn(StorageService.class, storageService);
        registry.registerBuiltIn(LogicalClockService.class,
                                 new RuntimeLogicalClockService(storageService.backend()));
        registry.registerBuiltIn(AuditService.class, new RuntimeAuditService());
        registry.registerBuiltIn(MetricsService.class, metricsService);
        if (network != null && network.openflowStats() != null) {
            OpenFlowCounters.register(metricsService, network.openflowStats());
        }
        registry.registerBuiltIn(EventDeliveryService.class, dispatcher);
        registry.register(List.of(NetworkConfigRegistry.class.getName(), NetworkConfigService.class.getName()),
                          netcfg, Map.of(), ServiceRegistry.RUNTIME);
        registry.registerBuiltIn(ComponentConfigService.class, componentConfig);
        registry.registerBuiltIn(ServiceDirectory.class, registry);
        registry.registerBuiltIn(RuntimeInfo.class, this);
        if (network != null) {
            registry.registerBuiltIn(DeviceService.class, network.deviceService());
            registry.registerBuiltIn(PacketService.class, network.packetService());
            registry.registerBuiltIn(FlowRuleService.class, network.flowRuleService());
            registry.registerBuiltIn(MeterService.class, network.meterService());
            network.additionalServices().forEach(this::registerUnchecked);
            network.configurableComponents().forEach(c -> componentConfig.registerBuiltIn(c.name(), c.properties(),
                                                                                          c.apply()));
            if (mastershipService instanceof LocalMastershipService) {
                LocalMastershipService local = (LocalMastershipService) mastershipService;
                deviceListener = event -> {
                    if (event.type() == DeviceEvent.Type.DEVICE_ADDED
                            || event.type() == DeviceEvent.Type.DEVICE_AVAILABILITY_CHANGED) {
                        local.deviceConnected(event.subject().id());
                    }
                };
                network.deviceService().addListener(deviceListener);
                network.deviceService().getDevices().forEach(d -> local.deviceConnected(d.id()));
            }
        }
        config.extraServices.forEach(this::registerUnchecked);
    }

    private void registerUnchecked(Class<?> type, Object service) {
        registry.register(List.of(type.getName()), service, Map.of(), ServiceRegistry.RUNTIME);
    }

    /**
     * Applies a netcfg document (all or nothing).
     *
     * @param root the document
     * @return applied and queued configs
     * @throws org.fwlb.runtime.netcfg.NetcfgException listing every problem
     */
    public NetcfgDocument.Result applyNetcfg(JsonNode root) {
        return NetcfgDocument.apply(netcfg, root);
    }

    /**
     * Stops the runtime: REST, then the applications' pre-deactivate hooks and the components (reverse
     * order), then (unless {@code keepFlows}) removes every rule the runtime installed, then the southbound.
     *
     * @param keepFlows leave the installed rules on the switches
     */
    public synchronized void stop(boolean keepFlows) {
        if (stopped) {
            return;
        }
        stopped = true;
        if (rest != null) {
            rest.close();
        }
        if (!keepFlows) {
            // the apps go away with the runtime: their pre-deactivation hooks withdraw their state;
            // with keepFlows the runtime stops like one ONOS instance, leaving pins for the next start
            coreService.runPreDeactivateHooks();
        }
        scr.deactivateAll();
        dispatcher.flush(Duration.ofSeconds(2));
        if (network != null) {
            if (deviceListener != null) {
                network.deviceService().removeListener(deviceListener);
            }
            if (!keepFlows) {
                try {
                    network.removeAllInstalledRules();
                } catch (RuntimeException e) {
                    log.error("removing installed rules failed", e);
                }
            }
            network.close();
        }
        dispatcher.close();
        RuntimeDirectories.clearProcessDefault(registry);
        log.info("runtime {} stopped", config.name);
    }

    @Override
    public void close() {
        stop(config.keepFlowsOnExit);
    }

    /**
     * Waits until every event posted so far (netcfg, mastership) has been delivered.
     *
     * @param timeout how long to wait
     * @return true if drained
     */
    public boolean awaitEvents(Duration timeout) {
        return dispatcher.flush(timeout);
    }

    // ---- accessors

    /** @return the service registry */
    public ServiceRegistry registry() {
        return registry;
    }

    /** @return the component runtime */
    public ComponentRuntime components() {
        return scr;
    }

    /** @return the network configuration registry */
    public RuntimeNetworkConfigManager netcfg() {
        return netcfg;
    }

    /** @return the component configuration service */
    public RuntimeComponentConfigManager componentConfig() {
        return componentConfig;
    }

    /** @return the storage service */
    public InMemoryStorageService storage() {
        return storageService;
    }

    /** @return the core service */
    public RuntimeCoreService coreService() {
        return coreService;
    }

    /** @return the mastership service in use */
    public MastershipService mastership() {
        return mastershipService;
    }

    /** @return the CLI */
    public CliService cli() {
        return cli;
    }

    /** @return the bundles the runtime read */
    public List<BundleInfo> bundles() {
        return bundles;
    }

    /** @return REST port, or -1 without REST */
    public int restPort() {
        return rest == null ? -1 : rest.boundPort();
    }

    /** @return the REST server, or null */
    public RestServer rest() {
        return rest;
    }

    @Override
    public List<ComponentStatus> componentStatus() {
        return scr.status();
    }

    @Override
    public String southbound() {
        return network == null ? "none" : network.describe();
    }

    /** @return the line printed when the runtime is ready */
    public String readyLine() {
        List<ComponentStatus> st = scr.status();
        long active = st.stream().filter(s -> s.state() == ComponentState.ACTIVE).count();
        long notActive = st.size() - active;
        return "fwlb runtime ready: " + (network == null ? "no southbound" : network.describe())
                + ", rest " + (rest == null ? "off" : ":" + rest.boundPort())
                + ", " + active + " components active"
                + (notActive > 0 ? ", " + notActive + " NOT active (see log or runtime:components)" : "");
    }

    @Override
    public ObjectNode openflow() {
        return network == null || network.openflowStats() == null ? new ObjectMapper().createObjectNode()
                : OpenFlowCounters.json(network.openflowStats());
    }

    @Override
    public ObjectNode status() {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        root.put("name", config.name);
        root.put("southbound", southbound());
        root.put("restPort", restPort());
        ArrayNode comps = root.putArray("components");
        for (ComponentStatus s : scr.status()) {
            ObjectNode c = comps.addObject();
            c.put("name", s.name());
            c.put("bundle", s.bundle());
            c.put("state", s.state().name());
            if (s.reason() != null) {
                c.put("reason", s.reason());
            }
        }
        scr.bundleErrors().forEach(root.putArray("bundleErrors")::add);
        ObjectNode nc = root.putObject("netcfg");
        netcfg.queuedConfigs().forEach(nc.putArray("queued")::add);
        ArrayNode rej = nc.putArray("rejected");
        netcfg.rejections().forEach(r -> rej.addObject().put("path", r.path()).put("reason", r.reason()));
        if (rest != null) {
            ObjectNode web = root.putObject("web");
            rest.webContexts().forEach(web::put);
            rest.webErrors().forEach(root.putArray("webErrors")::add);
        }
        return root;
    }

    /**
     * How to build a runtime. Defaults: bundles found on the class path, a serializing in-memory store,
     * one node (127.0.0.1) master of every device, no southbound, no REST.
     */
    public static final class Builder {
        private String name = "fwlb";
        private NetworkServices network;
        private List<BundleInfo> bundles;
        private ClassLoader classLoader = FwlbRuntime.class.getClassLoader();
        private StoreBackend storeBackend;
        private ApplicationIdTable applicationIds;
        private ClusterService clusterService;
        private BiFunction<ClusterService, EventDispatcher, MastershipService> mastershipService;
        private final Map<Class<?>, Object> extraServices = new LinkedHashMap<>();
        private String restAddress = "127.0.0.1";
        private int restPort = -1;
        private RestSecurity restSecurity;
        private boolean keepFlowsOnExit;
        private boolean processDefault = true;

        private Builder() {
        }

        /**
         * @param name instance name (thread names, logs)
         * @return this
         */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /**
         * @param network the southbound (null: none; components needing its services stay unsatisfied)
         * @return this
         */
        public Builder networkServices(NetworkServices network) {
            this.network = network;
            return this;
        }

        /**
         * @param bundles bundles to host (default: every bundle on the class path)
         * @return this
         */
        public Builder bundles(List<BundleInfo> bundles) {
            this.bundles = new ArrayList<>(bundles);
            return this;
        }

        /**
         * @param classLoader class loader to scan for bundles when none are given
         * @return this
         */
        public Builder classLoader(ClassLoader classLoader) {
            this.classLoader = classLoader;
            return this;
        }

        /**
         * @param backend store backend (share one between instances of a simulated cluster)
         * @return this
         */
        public Builder storeBackend(StoreBackend backend) {
            this.storeBackend = backend;
            return this;
        }

        /**
         * @param table application id table (share one between instances of a simulated cluster)
         * @return this
         */
        public Builder applicationIds(ApplicationIdTable table) {
            this.applicationIds = table;
            return this;
        }

        /**
         * @param cluster cluster service (default: one node)
         * @return this
         */
        public Builder clusterService(ClusterService cluster) {
            this.clusterService = cluster;
            return this;
        }

        /**
         * @param factory makes the mastership service from the cluster service and the event dispatcher
         *                (default: the local node masters every device)
         * @return this
         */
        public Builder mastershipService(BiFunction<ClusterService, EventDispatcher, MastershipService> factory) {
            this.mastershipService = factory;
            return this;
        }

        /**
         * @param type    service interface
         * @param service implementation registered as a built-in
         * @param <T>     service type
         * @return this
         */
        public <T> Builder service(Class<T> type, T service) {
            this.extraServices.put(type, service);
            return this;
        }

        /**
         * @param address REST bind address
         * @param port    REST port (0: any free port; -1: no REST)
         * @return this
         */
        public Builder rest(String address, int port) {
            this.restAddress = address;
            this.restPort = port;
            return this;
        }

        /**
         * @param security who may use REST (BASIC auth, roles), HTTPS, largest body; required with REST
         * @return this
         */
        public Builder restSecurity(RestSecurity security) {
            this.restSecurity = security;
            return this;
        }

        /**
         * @param keep leave installed rules on the switches when the runtime closes
         * @return this
         */
        public Builder keepFlowsOnExit(boolean keep) {
            this.keepFlowsOnExit = keep;
            return this;
        }

        /**
         * @param processDefault make this runtime answer static service lookups from threads not bound to
         *                       a runtime (default true; turn off for extra instances in one JVM)
         * @return this
         */
        public Builder processDefaultDirectory(boolean processDefault) {
            this.processDefault = processDefault;
            return this;
        }

        /** @return the runtime (not started) */
        public FwlbRuntime build() {
            return new FwlbRuntime(this);
        }
    }
}
