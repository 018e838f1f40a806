package org.fwlb.engine.impl;

import org.fwlb.api.FwlbTopologyEvent;
import org.fwlb.api.FwlbTopologyListener;
import org.fwlb.api.FwlbTopologyService;
import org.fwlb.connection.impl.DistributedConnectionStore;
import org.fwlb.connection.impl.TestConnectionStores;
import org.fwlb.model.FwlbTopology;
import org.fwlb.testing.MapMemberStates;
import org.fwlb.testing.RecordingFlowRules;
import org.fwlb.testing.RecordingPackets;
import org.fwlb.testing.SharedTestStorageService;
import org.fwlb.testing.SyncEventDeliveryService;
import org.onlab.packet.ChassisId;
import org.onosproject.cfg.ComponentConfigAdapter;
import org.onosproject.core.ApplicationId;
import org.onosproject.core.CoreServiceAdapter;
import org.onosproject.core.DefaultApplicationId;
import org.onosproject.mastership.MastershipEvent;
import org.onosproject.mastership.MastershipInfo;
import org.onosproject.mastership.MastershipListener;
import org.onosproject.mastership.MastershipServiceAdapter;
import org.onosproject.net.DefaultDevice;
import org.onosproject.net.Device;
import org.onosproject.net.DeviceId;
import org.onosproject.net.MastershipRole;
import org.onosproject.net.device.DeviceEvent;
import org.onosproject.net.device.DeviceListener;
import org.onosproject.net.device.DeviceServiceAdapter;
import org.onosproject.net.meter.DefaultMeter;
import org.onosproject.net.meter.Meter;
import org.onosproject.net.meter.MeterId;
import org.onosproject.net.meter.MeterRequest;
import org.onosproject.net.meter.MeterServiceAdapter;
import org.onosproject.net.provider.ProviderId;
import org.osgi.service.component.ComponentContext;

import java.lang.reflect.Field;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * The real {@link ConnectionEngineManager} activated on ONOS test adapters (one instance): recording flow rule
 * and packet services, a real connection store on the test storage, member states in a map, a topology service
 * the test sets, devices and mastership the test controls, meters that exist. The engine works on its own event
 * thread; {@link #drain()} waits until it is idle.
 */
public final class EngineHarness {

    /** The engine, with its DS life cycle reachable from tests. */
    public static final class Engine extends ConnectionEngineManager {
        public void start(ComponentContext c) {
            activate(c);
        }

        public void stop() {
            deactivate();
        }

        public void change(ComponentContext c) {
            modified(c);
        }
    }

    public final SharedTestStorageService storage;
    public final DistributedConnectionStore store;
    public final MapMemberStates states;
    public final RecordingFlowRules flows = new RecordingFlowRules();
    public final RecordingPackets packets = new RecordingPackets();
    public final Core core = new Core();
    public final Devices devices = new Devices();
    public final Mastership mastership = new Mastership();
    public final Meters meters = new Meters();
    /** ONOS's own MetricsService implementation (onlab-misc), as ONOS's core runs it. */
    public final org.onlab.metrics.MetricsManager metrics = new org.onlab.metrics.MetricsManager();
    public final Topology topology;
    public final Engine engine = new Engine();

    public EngineHarness(FwlbTopology t) {
        this(t, new SharedTestStorageService(), new MapMemberStates());
    }

    public EngineHarness(FwlbTopology t, SharedTestStorageService storage, MapMemberStates states) {
        this.storage = storage;
        this.states = states;
        this.store = TestConnectionStores.on(storage);
        this.topology = new Topology(t);
        engine.coreService = core;
        engine.cfgService = new ComponentConfigAdapter();
        engine.deviceService = devices;
        engine.packetService = packets;
        engine.flowRuleService = flows;
        engine.meterService = meters;
        engine.mastershipService = mastership;
        engine.topologyService = topology;
        engine.memberStateService = states;
        engine.metricsService = metrics;
        engine.connectionStore = store;
        setEventDispatcher(engine);
    }

    /** AbstractListenerManager's event delivery, synchronous. */
    static void setEventDispatcher(Object manager) {
        try {
            Field f = org.onosproject.event.AbstractListenerManager.class.getDeclaredField("eventDispatcher");
            f.setAccessible(true);
            f.set(manager, new SyncEventDeliveryService());
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Activates the engine with component properties.
     *
     * @param props properties, e.g. perStageDecisions=true
     * @return this
     */
    public EngineHarness start(Map<String, Object> props) {
        engine.start(context(props));
        drain();
        return this;
    }

    public EngineHarness start() {
        return start(Map.of());
    }

    /** Waits until the engine's event thread has nothing left to do. */
    public void drain() {
        try {
            Field f = ConnectionEngineManager.class.getDeclaredField("events");
            f.setAccessible(true);
            ((ExecutorService) f.get(engine)).submit(() -> { }).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("the engine's event thread did not drain", e);
        }
    }

    /**
     * A component context with properties (as ONOS's ComponentConfigService hands them to @Activate/@Modified).
     *
     * @param props properties
     * @return context
     */
    public static ComponentContext context(Map<String, Object> props) {
        Hashtable<String, Object> d = new Hashtable<>(props);
        return (ComponentContext) Proxy.newProxyInstance(EngineHarness.class.getClassLoader(),
                new Class<?>[]{ComponentContext.class}, (p, m, a) -> {
                    switch (m.getName()) {
                        case "getProperties":
                            return d;
                        case "hashCode":
                            return System.identityHashCode(p);
                        case "equals":
                            return p == a[0];
                        case "toString":
                            return "test context " + d;
                        default:
                            throw new UnsupportedOperationException("ComponentContext." + m.getName());
                    }
                });
    }

    /** Application ids by name (registered in order); pre-deactivation hooks kept. */
    public static final class Core extends CoreServiceAdapter {
        private final Map<String, ApplicationId> ids = new ConcurrentHashMap<>();
        public final List<Runnable> hooks = new CopyOnWriteArrayList<>();

        @Override
        public synchronized ApplicationId registerApplication(String name) {
            return ids.computeIfAbsent(name, n -> new DefaultApplicationId(ids.size() + 1, n));
        }

        @Override
        public ApplicationId registerApplication(String name, Runnable preDeactivate) {
            hooks.add(preDeactivate);
            return registerApplication(name);
        }

        @Override
        public ApplicationId getAppId(String name) {
            return ids.get(name);
        }

        /** Runs the hooks (the application is deactivated). */
        public void runHooks() {
            List<Runnable> now = new ArrayList<>(hooks);
            hooks.clear();
            now.forEach(Runnable::run);
        }
    }

    /** Every device is connected unless listed in {@link #down}. */
    public static final class Devices extends DeviceServiceAdapter {
        public final Set<DeviceId> down = ConcurrentHashMap.newKeySet();
        private final List<DeviceListener> listeners = new CopyOnWriteArrayList<>();

        @Override
        public boolean isAvailable(DeviceId deviceId) {
            return !down.contains(deviceId);
        }

        @Override
        public void addListener(DeviceListener listener) {
            listeners.add(listener);
        }

        @Override
        public void removeListener(DeviceListener listener) {
            listeners.remove(listener);
        }

        public void post(DeviceEvent event) {
            listeners.forEach(l -> l.event(event));
        }

        /** A switch connects again (or goes), as the device subsystem reports it. */
        public void availability(DeviceId id, boolean up) {
            if (up) {
                down.remove(id);
            } else {
                down.add(id);
            }
            Device d = new DefaultDevice(new ProviderId("of", "test"), id, Device.Type.SWITCH, "test", "1", "1", "1",
                                         new ChassisId());
            post(new DeviceEvent(DeviceEvent.Type.DEVICE_AVAILABILITY_CHANGED, d));
        }
    }

    /** This instance masters every device unless listed in {@link #elsewhere}. */
    public static final class Mastership extends MastershipServiceAdapter {
        public final Set<DeviceId> elsewhere = ConcurrentHashMap.newKeySet();
        private final List<MastershipListener> listeners = new CopyOnWriteArrayList<>();

        @Override
        public MastershipRole getLocalRole(DeviceId deviceId) {
            return elsewhere.contains(deviceId) ? MastershipRole.STANDBY : MastershipRole.MASTER;
        }

        @Override
        public void addListener(MastershipListener listener) {
            listeners.add(listener);
        }

        @Override
        public void removeListener(MastershipListener listener) {
            listeners.remove(listener);
        }

        /** Mastership of a device moves here (true) or away. */
        public void move(DeviceId id, boolean here) {
            if (here) {
                elsewhere.remove(id);
            } else {
                elsewhere.add(id);
            }
            MastershipEvent e = new MastershipEvent(MastershipEvent.Type.MASTER_CHANGED, id,
                    new MastershipInfo(1, Optional.empty(), com.google.common.collect.ImmutableMap.of()));
            listeners.forEach(l -> l.event(e));
        }
    }

    /** Meters that exist once submitted. */
    public static final class Meters extends MeterServiceAdapter {
        private final AtomicLong ids = new AtomicLong();
        public final Map<DeviceId, Map<MeterId, Meter>> byDevice = new ConcurrentHashMap<>();

        @Override
        public Meter submit(MeterRequest req) {
            MeterId id = MeterId.meterId(ids.incrementAndGet());
            Meter.Builder b = DefaultMeter.builder().forDevice(req.deviceId()).withId(id).fromApp(req.appId())
                    .withUnit(req.unit()).withBands(req.bands());
            if (req.isBurst()) {
                b.burst();
            }
            Meter m = b.build();
            byDevice.computeIfAbsent(req.deviceId(), k -> new ConcurrentHashMap<>()).put(id, m);
            return m;
        }

        @Override
        public void withdraw(MeterRequest req, MeterId id) {
            Map<MeterId, Meter> m = byDevice.get(req.deviceId());
            if (m != null) {
                m.remove(id);
            }
        }

        @Override
        public Collection<Meter> getMeters(DeviceId deviceId) {
            return new ArrayList<>(byDevice.getOrDefault(deviceId, Map.of()).values());
        }
    }

    /** The topology in force; {@link #set} replaces it as a netcfg change would. */
    public static final class Topology implements FwlbTopologyService {
        private volatile FwlbTopology t;
        private final List<FwlbTopologyListener> listeners = new CopyOnWriteArrayList<>();

        Topology(FwlbTopology t) {
            this.t = t;
        }

        @Override
        public FwlbTopology topology() {
            return t;
        }

        public void set(FwlbTopology next) {
            FwlbTopology before = t;
            t = next;
            FwlbTopologyEvent e = new FwlbTopologyEvent(next, before);
            listeners.forEach(l -> l.event(e));
        }

        @Override
        public void addListener(FwlbTopologyListener listener) {
            listeners.add(listener);
        }

        @Override
        public void removeListener(FwlbTopologyListener listener) {
            listeners.remove(listener);
        }
    }

    /** @return rules in the flow table of a device owned by an application */
    public List<org.onosproject.net.flow.FlowEntry> rulesOf(DeviceId dev, ApplicationId app) {
        return flows.table(dev, r -> r.appId() == app.id());
    }

    /** @return the ids of every device with rules in the flow table */
    public Set<DeviceId> devicesWithRules() {
        return flows.table().stream().map(r -> r.deviceId()).collect(Collectors.toSet());
    }
}
