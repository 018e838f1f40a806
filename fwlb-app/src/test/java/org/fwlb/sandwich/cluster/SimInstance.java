package org.fwlb.sandwich.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.fwlb.config.FwlbConfig;
import org.fwlb.connection.impl.DistributedConnectionStore;
import org.fwlb.connection.impl.TestConnectionStores;
import org.fwlb.core.impl.FwlbTopologyManager;
import org.fwlb.core.impl.MemberStateManager;
import org.fwlb.dispatch.impl.DispatchManager;
import org.fwlb.engine.impl.ConnectionEngineManager;
import org.fwlb.engine.impl.EngineHarness;
import org.fwlb.sandwich.impl.FirewallSandwichManager;
import org.fwlb.testing.SyncEventDeliveryService;
import org.onlab.packet.DeserializationException;
import org.onlab.packet.Ethernet;
import org.onosproject.cfg.ComponentConfigAdapter;
import org.onosproject.cluster.ClusterServiceAdapter;
import org.onosproject.cluster.ControllerNode;
import org.onosproject.cluster.DefaultControllerNode;
import org.onosproject.cluster.NodeId;
import org.onosproject.core.ApplicationId;
import org.onosproject.core.CoreServiceAdapter;
import org.onosproject.mastership.MastershipEvent;
import org.onosproject.mastership.MastershipListener;
import org.onosproject.mastership.MastershipServiceAdapter;
import org.onosproject.net.ConnectPoint;
import org.onosproject.net.DeviceId;
import org.onosproject.net.MastershipRole;
import org.onosproject.net.PortNumber;
import org.onosproject.net.config.Config;
import org.onosproject.net.config.NetworkConfigRegistryAdapter;
import org.onosproject.net.device.DeviceEvent;
import org.onosproject.net.device.DeviceListener;
import org.onosproject.net.device.DeviceServiceAdapter;
import org.onosproject.net.flow.FlowEntry;
import org.onosproject.net.flow.FlowRule;
import org.onosproject.net.flow.FlowRuleEvent;
import org.onosproject.net.flow.FlowRuleListener;
import org.onosproject.net.flow.FlowRuleOperation;
import org.onosproject.net.flow.FlowRuleOperations;
import org.onosproject.net.flow.FlowRuleServiceAdapter;
import org.onosproject.net.meter.Meter;
import org.onosproject.net.meter.MeterId;
import org.onosproject.net.meter.MeterRequest;
import org.onosproject.net.meter.MeterServiceAdapter;
import org.onosproject.net.packet.DefaultInboundPacket;
import org.onosproject.net.packet.DefaultPacketContext;
import org.onosproject.net.packet.OutboundPacket;
import org.onosproject.net.packet.PacketProcessor;
import org.onosproject.net.packet.PacketServiceAdapter;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * One simulated ONOS instance: its own FwlbTopologyManager, MemberStateManager, DistributedConnectionStore,
 * ConnectionEngineManager, FirewallSandwichManager and DispatchManager (the real DS components), wired to
 * per-instance service adapters that act on the shared {@link SimNetwork}: flow rules and packet-outs reach the
 * shared switches whoever sends them (ONOS forwards them to the device's master), packet-ins arrive only where
 * the switch sends them, the distributed maps are the cluster's.
 */
final class SimInstance {

    /** Life of an instance. */
    enum State { NEW, UP, STOPPED, CRASHED }

    /** The components' executors (class, field). */
    private static final Object[][] EXECUTORS = {
            {ConnectionEngineManager.class, "events"}, {ConnectionEngineManager.class, "timers"},
            {FirewallSandwichManager.class, "timers"}, {DispatchManager.class, "timers"}};

    final NodeId id;
    final SimNetwork net;
    final Flows flows = new Flows();
    final Packets packets = new Packets();
    final Mastership mastership = new Mastership();
    final Devices devices = new Devices();
    final Meters meters = new Meters();
    final Core core = new Core();
    final Cluster cluster = new Cluster();
    final Netcfg netcfg;
    final Topology topology;
    final Members members;
    /** The components exist from {@link #start()} on. */
    DistributedConnectionStore store;
    Engine engine;
    Sandwich sandwich;
    Dispatch dispatch;
    /** Component properties of the engine, the sandwich and the dispatch application. */
    final Map<String, Object> engineProps;
    final Map<String, Object> appProps;
    private volatile State state = State.NEW;

    SimInstance(String name, SimNetwork net, JsonNode fwlbConfig) {
        this(name, net, fwlbConfig, Map.of(), Map.of());
    }

    SimInstance(String name, SimNetwork net, JsonNode fwlbConfig, Map<String, Object> engineProps,
                Map<String, Object> appProps) {
        this.id = NodeId.nodeId(name);
        this.net = net;
        this.netcfg = new Netcfg(fwlbConfig);
        this.engineProps = engineProps;
        this.appProps = appProps;
        this.topology = inject(new Topology(), core, netcfg, new SyncEventDeliveryService());
        this.members = inject(new Members(), net.storage, topology, new SyncEventDeliveryService());
    }

    State state() {
        return state;
    }

    /** Joins the cluster and activates the components in dependency order, as SCR would. */
    void start() {
        net.join(this);
        topology.start();
        members.start();
        store = TestConnectionStores.on(net.storage);
        engine = inject(new Engine(), core, new ComponentConfigAdapter(), devices, packets, flows, meters,
                        mastership, cluster, topology, members, store, new SyncEventDeliveryService(),
                        new org.onlab.metrics.MetricsManager());
        engine.start(EngineHarness.context(engineProps));
        sandwich = inject(new Sandwich(), core, new ComponentConfigAdapter(), devices, packets, flows, meters,
                          mastership, cluster, topology, members, store, engine);
        sandwich.start(EngineHarness.context(appProps));
        dispatch = inject(new Dispatch(), core, new ComponentConfigAdapter(), devices, packets, flows, meters,
                          mastership, cluster, topology, members, store, engine);
        dispatch.start(EngineHarness.context(appProps));
        state = State.UP;
    }

    /** Graceful stop (ONOS shutting down on this node): components deactivate, then it leaves. */
    void stop() {
        stopComponents();
        net.leave(id);
    }

    /**
     * The components deactivate while the node stays in the cluster (the application is deactivated, or
     * its bundles stop).
     */
    void stopComponents() {
        drain();
        dispatch.stop();
        sandwich.stop();
        engine.stop();
        awaitThreads(); // a probe round already running finishes first
        store.deactivate();
        members.stop();
        topology.stop();
        state = State.STOPPED;
    }

    /**
     * Crash: the process is gone. Its threads stop, it hears nothing more from the cluster or the
     * switches, and it cleans nothing up.
     */
    void crash() {
        for (Object[] e : EXECUTORS) {
            executor(e).shutdownNow();
        }
        awaitThreads();
        net.leave(id);
        // its listeners on the cluster's maps die with it
        store.deactivate();
        members.stop();
        state = State.CRASHED;
    }

    private void awaitThreads() {
        for (Object[] e : EXECUTORS) {
            try {
                if (!executor(e).awaitTermination(10, TimeUnit.SECONDS)) {
                    throw new AssertionError(id + ": " + e[0] + "." + e[1] + " thread did not stop");
                }
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new AssertionError(ie);
            }
        }
    }

    /** Runs the engine's pending event work (mastership, device, flow, member events) to completion. */
    void drain() {
        if (state != State.UP) {
            return;
        }
        try {
            executor(EXECUTORS[0]).submit(() -> { }).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(id + ": event thread did not drain", e);
        }
    }

    /**
     * The components' executors are private; the simulation reaches them to wait for the engine's event
     * thread (instead of sleeping) and to stop every thread on a crash.
     */
    private ExecutorService executor(Object[] which) {
        Class<?> c = (Class<?>) which[0];
        Object owner = c == ConnectionEngineManager.class ? engine : c == FirewallSandwichManager.class ? sandwich
                : dispatch;
        try {
            Field f = c.getDeclaredField((String) which[1]);
            f.setAccessible(true);
            return (ExecutorService) f.get(owner);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(c.getSimpleName() + "." + which[1] + " not found; update SimInstance", e);
        }
    }

    /** Runs the pre-deactivation hooks this instance's components registered (application deactivated). */
    void runDeactivateHooks() {
        List<Runnable> hooks = new ArrayList<>(core.hooks);
        core.hooks.clear();
        hooks.forEach(Runnable::run);
    }

    @Override
    public String toString() {
        return id.toString();
    }

    // ---- the components under test -----------------------------------------------------------

    /** FwlbTopologyManager with this instance's services. */
    static final class Topology extends FwlbTopologyManager {
        void start() {
            activate();
        }

        void stop() {
            deactivate();
        }
    }

    /** MemberStateManager on the cluster's storage. */
    static final class Members extends MemberStateManager {
        void start() {
            activate();
        }

        void stop() {
            deactivate();
        }
    }

    /** The connection engine with this instance's services. */
    static final class Engine extends ConnectionEngineManager {
        void start(org.osgi.service.component.ComponentContext c) {
            activate(c);
        }

        void stop() {
            deactivate();
        }
    }

    /** FirewallSandwichManager with this instance's services. */
    static final class Sandwich extends FirewallSandwichManager {
        void start(org.osgi.service.component.ComponentContext c) {
            activate(c);
        }

        void stop() {
            deactivate();
        }
    }

    /** DispatchManager with this instance's services. */
    static final class Dispatch extends DispatchManager {
        void start(org.osgi.service.component.ComponentContext c) {
            activate(c);
        }

        void stop() {
            deactivate();
        }
    }

    /**
     * Sets a component's service references as SCR would: every protected, non-final field whose type is
     * an ONOS or fwlb interface gets the one service that implements it, so the simulation follows the
     * components' references without naming them; a reference no simulated service satisfies fails.
     */
    private static <T> T inject(T component, Object... services) {
        for (Class<?> c = component.getClass(); c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                int m = f.getModifiers();
                Class<?> type = f.getType();
                if (!Modifier.isProtected(m) || Modifier.isFinal(m) || Modifier.isStatic(m) || !type.isInterface()
                        || !(type.getName().startsWith("org.onosproject.") || type.getName().startsWith("org.fwlb.")
                            || type.getName().startsWith("org.onlab."))) {
                    continue;
                }
                List<Object> matches = new ArrayList<>();
                for (Object s : services) {
                    if (type.isInstance(s)) {
                        matches.add(s);
                    }
                }
                if (matches.size() != 1) {
                    throw new AssertionError(component.getClass().getSuperclass().getSimpleName() + "." + f.getName()
                            + ": " + matches.size() + " simulated services implement " + type.getName());
                }
                try {
                    f.setAccessible(true);
                    f.set(component, matches.get(0));
                } catch (IllegalAccessException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return component;
    }

    // ---- per-instance services ----------------------------------------------------------------

    /** Application ids are the cluster's; pre-deactivation hooks are this instance's. */
    final class Core extends CoreServiceAdapter {
        final List<Runnable> hooks = new CopyOnWriteArrayList<>();

        @Override
        public ApplicationId registerApplication(String name) {
            return net.appId(name);
        }

        @Override
        public ApplicationId registerApplication(String name, Runnable preDeactivate) {
            hooks.add(preDeactivate);
            return net.appId(name);
        }

        @Override
        public ApplicationId getAppId(String name) {
            return net.appId(name);
        }
    }

    /** The netcfg store: every instance sees the same fwlb config (pushed once, replicated). */
    static final class Netcfg extends NetworkConfigRegistryAdapter {
        private final JsonNode node;

        Netcfg(JsonNode node) {
            this.node = node;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <S, C extends Config<S>> C getConfig(S subject, Class<C> configClass) {
            if (configClass != FwlbConfig.class) {
                return null;
            }
            FwlbConfig cfg = new FwlbConfig();
            cfg.init((ApplicationId) subject, FwlbConfig.CONFIG_KEY, node, new ObjectMapper(), c -> { });
            return (C) cfg;
        }
    }

    /** Flow rules go to the shared switches; FLOW_REMOVED comes from the network to every instance. */
    final class Flows extends FlowRuleServiceAdapter {
        private final List<FlowRuleListener> listeners = new CopyOnWriteArrayList<>();

        @Override
        public void apply(FlowRuleOperations ops) {
            for (java.util.Set<FlowRuleOperation> stage : ops.stages()) {
                for (FlowRuleOperation op : stage) {
                    if (op.type() == FlowRuleOperation.Type.REMOVE) {
                        net.remove(id, op.rule());
                    } else {
                        net.install(id, op.rule());
                    }
                }
            }
            if (ops.callback() != null) {
                ops.callback().onSuccess(ops);
            }
        }

        @Override
        public void applyFlowRules(FlowRule... rules) {
            for (FlowRule r : rules) {
                net.install(id, r);
            }
        }

        @Override
        public void removeFlowRules(FlowRule... rules) {
            for (FlowRule r : rules) {
                net.remove(id, r);
            }
        }

        @Override
        public void removeFlowRulesById(ApplicationId appId) {
            net.removeAllOf(id, appId);
        }

        @Override
        public Iterable<FlowEntry> getFlowEntries(DeviceId deviceId) {
            return net.entries(deviceId);
        }

        @Override
        public FlowEntry getFlowEntry(FlowRule rule) {
            return net.stored(rule);
        }

        @Override
        public void addListener(FlowRuleListener listener) {
            listeners.add(listener);
        }

        @Override
        public void removeListener(FlowRuleListener listener) {
            listeners.remove(listener);
        }

        void post(FlowRuleEvent event) {
            listeners.forEach(l -> l.event(event));
        }
    }

    /** Packet-outs go to the shared switches; packet-ins come from the switches this instance masters. */
    final class Packets extends PacketServiceAdapter {
        private final List<Map.Entry<Integer, PacketProcessor>> processors = new CopyOnWriteArrayList<>();

        @Override
        public void addProcessor(PacketProcessor processor, int priority) {
            processors.add(Map.entry(priority, processor));
            processors.sort(Comparator.comparingInt(Map.Entry::getKey));
        }

        @Override
        public void removeProcessor(PacketProcessor processor) {
            processors.removeIf(e -> e.getValue() == processor);
        }

        @Override
        public void emit(OutboundPacket packet) {
            net.packetOut(id, packet);
        }

        void deliver(DeviceId device, PortNumber port, byte[] frame) {
            Ethernet eth;
            try {
                eth = Ethernet.deserializer().deserialize(frame, 0, frame.length);
            } catch (DeserializationException e) {
                throw new IllegalArgumentException(e);
            }
            DefaultPacketContext pc = new DefaultPacketContext(System.currentTimeMillis(),
                    new DefaultInboundPacket(new ConnectPoint(device, port), eth, ByteBuffer.wrap(frame)),
                    null, false) {
                @Override
                public void send() {
                    // the processors under test emit their own packet-outs
                }
            };
            for (Map.Entry<Integer, PacketProcessor> e : processors) {
                e.getValue().process(pc);
            }
        }
    }

    /** This instance's view of the cluster's mastership store. */
    final class Mastership extends MastershipServiceAdapter {
        private final List<MastershipListener> listeners = new CopyOnWriteArrayList<>();

        @Override
        public MastershipRole getLocalRole(DeviceId deviceId) {
            NodeId m = net.masterOf(deviceId);
            return m == null ? MastershipRole.NONE : m.equals(id) ? MastershipRole.MASTER : MastershipRole.STANDBY;
        }

        @Override
        public NodeId getMasterFor(DeviceId deviceId) {
            return net.masterOf(deviceId);
        }

        @Override
        public void addListener(MastershipListener listener) {
            listeners.add(listener);
        }

        @Override
        public void removeListener(MastershipListener listener) {
            listeners.remove(listener);
        }

        void post(MastershipEvent event) {
            listeners.forEach(l -> l.event(event));
        }
    }

    /** The cluster's members as this instance sees them: active while they are in the cluster. */
    final class Cluster extends ClusterServiceAdapter {
        @Override
        public ControllerNode getLocalNode() {
            return node(id);
        }

        @Override
        public Set<ControllerNode> getNodes() {
            return net.members().stream().map(SimInstance::node).collect(Collectors.toSet());
        }

        @Override
        public ControllerNode getNode(NodeId nodeId) {
            return net.members().contains(nodeId) ? node(nodeId) : null;
        }

        @Override
        public ControllerNode.State getState(NodeId nodeId) {
            return net.isLive(nodeId) ? ControllerNode.State.READY : ControllerNode.State.INACTIVE;
        }
    }

    private static ControllerNode node(NodeId nodeId) {
        return new DefaultControllerNode(nodeId, "127.0.0.1");
    }

    /** Every switch of the network is connected. */
    final class Devices extends DeviceServiceAdapter {
        private final List<DeviceListener> listeners = new CopyOnWriteArrayList<>();

        @Override
        public boolean isAvailable(DeviceId deviceId) {
            return net.devices().contains(deviceId);
        }

        @Override
        public void addListener(DeviceListener listener) {
            listeners.add(listener);
        }

        @Override
        public void removeListener(DeviceListener listener) {
            listeners.remove(listener);
        }

        void post(DeviceEvent event) {
            listeners.forEach(l -> l.event(event));
        }
    }

    /** Meters live on the shared switches (ONOS's meter store is the cluster's). */
    final class Meters extends MeterServiceAdapter {
        @Override
        public Meter submit(MeterRequest meter) {
            return net.addMeter(id, meter);
        }

        @Override
        public void withdraw(MeterRequest meter, MeterId meterId) {
            net.removeMeter(id, meter.deviceId(), meterId);
        }

        @Override
        public Collection<Meter> getMeters(DeviceId deviceId) {
            return net.meters(deviceId);
        }
    }
}
