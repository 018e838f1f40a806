package org.fwlb.runtime.openflow.packet;

import org.fwlb.runtime.openflow.OpenFlowStats;
import org.fwlb.runtime.openflow.OpenFlowOptions;
import org.fwlb.runtime.openflow.Unsupported;
import org.fwlb.runtime.openflow.channel.SwitchConnection;
import org.fwlb.runtime.openflow.channel.Switches;
import org.fwlb.runtime.openflow.translate.MatchTranslator;
import org.fwlb.runtime.openflow.translate.Ports;
import org.fwlb.runtime.openflow.translate.TreatmentTranslator;
import org.onlab.packet.DeserializationException;
import org.onlab.packet.Ethernet;
import org.onlab.packet.IPv4;
import org.onosproject.core.ApplicationId;
import org.onosproject.net.ConnectPoint;
import org.onosproject.net.Device;
import org.onosproject.net.DeviceId;
import org.onosproject.net.PortNumber;
import org.onosproject.net.device.DeviceEvent;
import org.onosproject.net.device.DeviceListener;
import org.onosproject.net.device.DeviceService;
import org.onosproject.net.flow.DefaultFlowRule;
import org.onosproject.net.flow.DefaultTrafficTreatment;
import org.onosproject.net.flow.FlowRule;
import org.onosproject.net.flow.FlowRuleOperations;
import org.onosproject.net.flow.FlowRuleOperationsContext;
import org.onosproject.net.flowobjective.ObjectiveError;
import org.onosproject.net.flow.FlowRuleService;
import org.onosproject.net.flow.TrafficSelector;
import org.onosproject.net.flow.TrafficTreatment;
import org.onosproject.net.packet.DefaultInboundPacket;
import org.onosproject.net.packet.DefaultOutboundPacket;
import org.onosproject.net.packet.DefaultPacketRequest;
import org.onosproject.net.packet.InboundPacket;
import org.onosproject.net.packet.OutboundPacket;
import org.onosproject.net.packet.PacketContext;
import org.onosproject.net.packet.PacketInFilter;
import org.onosproject.net.packet.PacketPriority;
import org.onosproject.net.packet.PacketProcessor;
import org.onosproject.net.packet.PacketProcessorEntry;
import org.onosproject.net.packet.PacketRequest;
import org.onosproject.net.packet.PacketService;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFPacketIn;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link PacketService} with the semantics of ONOS 2.7's PacketManager
 * ({@code core/net/.../packet/impl/PacketManager.java}) and DistributedPacketStore: processors run in
 * ascending priority value (equal values in registration order) on one packet thread, every processor
 * sees every packet whatever {@link PacketContext#isHandled()} says (each checks it itself; one that
 * throws is logged and the next still runs), {@code send()} blocks the context (marks it handled) and
 * emits one PACKET_OUT unless it was blocked before; {@code requestPackets} pushes the punt rule ONOS
 * would install (see {@link #requestPackets(TrafficSelector, PacketPriority, ApplicationId, Optional)})
 * on request and on every DEVICE_ADDED / DEVICE_AVAILABILITY_CHANGED of an available switch.
 */
public final class PacketManager implements PacketService {
    private static final Logger log = LoggerFactory.getLogger(PacketManager.class);
    private static final long DROP_LOG_INTERVAL_MS = 10_000;

    private final Switches switches;
    private final DeviceService deviceService;
    private final FlowRuleService flowRules;
    private final OpenFlowOptions options;
    private final OFFactory factory = OFFactories.getFactory(OFVersion.OF_13);
    private final List<ProcessorEntry> processors = new CopyOnWriteArrayList<>();
    private final ThreadPoolExecutor packetThread;
    private final Map<RequestKey, Set<PacketRequest>> requests = new LinkedHashMap<>();
    private final AtomicLong lastDropLog = new AtomicLong();
    private final DeviceListener deviceListener = this::deviceEvent;

    public PacketManager(Switches switches, DeviceService deviceService, FlowRuleService flowRules,
                         OpenFlowOptions options) {
        this.switches = switches;
        this.deviceService = deviceService;
        this.flowRules = flowRules;
        this.options = options;
        this.packetThread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(options.packetQueueCapacity()), r -> {
                    Thread t = new Thread(r, "fwlb-of-packet");
                    t.setDaemon(true);
                    return t;
                });
        deviceService.addListener(deviceListener);
    }

    /** Stops the packet thread (queued packets are dropped). */
    public void shutdown() {
        deviceService.removeListener(deviceListener);
        packetThread.shutdownNow();
    }

    // ---------------------------------------------------------------- processors

    @Override
    public void addProcessor(PacketProcessor processor, int priority) {
        Objects.requireNonNull(processor, "Processor cannot be null");
        ProcessorEntry entry = new ProcessorEntry(processor, priority);
        synchronized (processors) {
            int i = 0;
            while (i < processors.size() && priority >= processors.get(i).priority()) {
                i++;
            }
            processors.add(i, entry);
        }
    }

    @Override
    public void removeProcessor(PacketProcessor processor) {
        Objects.requireNonNull(processor, "Processor cannot be null");
        synchronized (processors) {
            for (ProcessorEntry e : processors) {
                if (e.processor() == processor) {
                    processors.remove(e);
                    break;
                }
            }
        }
    }

    @Override
    public List<PacketProcessorEntry> getProcessors() {
        return List.copyOf(processors);
    }

    @Override
    public void addFilter(PacketInFilter filter) {
        throw Unsupported.method("PacketService.addFilter");
    }

    @Override
    public void removeFilter(PacketInFilter filter) {
        throw Unsupported.method("PacketService.removeFilter");
    }

    /** No filters can be added, so there are none. */
    @Override
    public List<PacketInFilter> getFilters() {
        return List.of();
    }

    /** No filters can be added, so there is nothing to clear. */
    @Override
    public void clearFilters() {
    }

    // ---------------------------------------------------------------- packet-in

    /**
     * A PACKET_IN from a switch: parsed, wrapped in a context and queued for the processors.
     *
     * @param conn switch
     * @param pi   message
     */
    public void packetIn(SwitchConnection conn, OFPacketIn pi) {
        conn.counters().packetIn();
        byte[] data = pi.getData();
        OFPort in = pi.getMatch().get(MatchField.IN_PORT);
        if (in == null) {
            conn.counters().packetInDropped();
            log.debug("{}: PACKET_IN without in_port dropped", conn.deviceId());
            return;
        }
        Ethernet eth;
        try {
            eth = Ethernet.deserializer().deserialize(data, 0, data.length);
        } catch (DeserializationException | RuntimeException e) {
            conn.counters().packetInDropped();
            log.debug("{}: PACKET_IN with an unparsable frame dropped: {}", conn.deviceId(), e.getMessage());
            return;
        }
        conn.counters().packetIn(kind(eth));
        DeviceId dev = conn.deviceId();
        PortNumber inPort = Ports.onos(in);
        InboundPacket inbound = new DefaultInboundPacket(new ConnectPoint(dev, inPort), eth, ByteBuffer.wrap(data),
                Optional.of(pi.getCookie().getValue()));
        OutboundPacket outbound = new DefaultOutboundPacket(dev, null, ByteBuffer.wrap(data));
        OfPacketContext ctx = new OfPacketContext(System.currentTimeMillis(), inbound, outbound, this, in, data);
        try {
            packetThread.execute(() -> dispatch(ctx));
        } catch (RejectedExecutionException e) {
            conn.counters().packetInDropped();
            long now = System.currentTimeMillis();
            long last = lastDropLog.get();
            if (now - last > DROP_LOG_INTERVAL_MS && lastDropLog.compareAndSet(last, now)) {
                log.warn("packet processing queue full ({} packets): dropping packet-ins (see packetInsDropped counters)",
                        options.packetQueueCapacity());
            }
        }
    }

    private static OpenFlowStats.PacketInKind kind(Ethernet eth) {
        if (eth.getEtherType() == Ethernet.TYPE_ARP) {
            return OpenFlowStats.PacketInKind.ARP;
        }
        if (eth.getPayload() instanceof IPv4 && ((IPv4) eth.getPayload()).getProtocol() == IPv4.PROTOCOL_TCP) {
            return OpenFlowStats.PacketInKind.TCP;
        }
        return OpenFlowStats.PacketInKind.OTHER;
    }

    private void dispatch(PacketContext ctx) {
        for (ProcessorEntry e : processors) {
            try {
                long start = System.nanoTime();
                e.processor().process(ctx);
                e.addNanos(System.nanoTime() - start);
            } catch (Exception ex) {
                log.warn("Packet processor {} threw an exception", e.processor(), ex);
            }
        }
    }

    /**
     * The PACKET_OUT of {@link PacketContext#send()}: the original packet, from its ingress port,
     * with the context's treatment.
     */
    void send(DeviceId dev, OFPort inPort, TrafficTreatment treatment, byte[] data) {
        List<OFAction> actions = TreatmentTranslator.toActions(factory, treatment.allInstructions());
        packetOut(dev, inPort, actions, data);
    }

    // ---------------------------------------------------------------- packet-out

    @Override
    public void emit(OutboundPacket packet) {
        Objects.requireNonNull(packet, "Packet cannot be null");
        Objects.requireNonNull(packet.sendThrough(), "outbound packet without a device");
        Objects.requireNonNull(packet.treatment(), "outbound packet without a treatment");
        Objects.requireNonNull(packet.data(), "outbound packet without data");
        List<OFAction> actions = TreatmentTranslator.toActions(factory, packet.treatment().allInstructions());
        OFPort in = packet.inPort() == null ? OFPort.CONTROLLER : Ports.of(packet.inPort());
        ByteBuffer buf = packet.data().duplicate();
        byte[] data = new byte[buf.remaining()];
        buf.get(data);
        packetOut(packet.sendThrough(), in, actions, data);
    }

    private void packetOut(DeviceId dev, OFPort inPort, List<OFAction> actions, byte[] data) {
        SwitchConnection conn = switches.get(dev);
        if (conn == null) {
            log.debug("not sending a packet through {}: it is not connected", dev);
            return;
        }
        conn.send(factory.buildPacketOut()
                .setXid(conn.nextXid())
                .setBufferId(OFBufferId.NO_BUFFER)
                .setInPort(inPort)
                .setActions(actions)
                .setData(data)
                .build());
    }

    // ---------------------------------------------------------------- packet requests

    /** DistributedPacketStore's RequestKey: selector and priority (not the requester, not the device). */
    private static final class RequestKey {
        final TrafficSelector selector;
        final PacketPriority priority;

        RequestKey(TrafficSelector selector, PacketPriority priority) {
            this.selector = selector;
            this.priority = priority;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof RequestKey && ((RequestKey) o).selector.equals(selector)
                    && ((RequestKey) o).priority == priority;
        }

        @Override
        public int hashCode() {
            return Objects.hash(selector, priority);
        }
    }

    @Override
    public void requestPackets(TrafficSelector selector, PacketPriority priority, ApplicationId appId) {
        requestPackets(selector, priority, appId, Optional.empty());
    }

    /**
     * PacketManager.requestPackets + DistributedPacketStore: a request new to the store (another
     * requester or device counts as new) pushes the punt rule — to its device, or to every available
     * switch — even when an identical rule is already installed (ONOS re-applies it).
     */
    @Override
    public void requestPackets(TrafficSelector selector, PacketPriority priority, ApplicationId appId,
                               Optional<DeviceId> deviceId) {
        PacketRequest request = request(selector, priority, appId, deviceId);
        MatchTranslator.toMatch(factory, selector); // refuse an inexpressible selector before anything changes
        boolean added;
        synchronized (requests) {
            added = requests.computeIfAbsent(new RequestKey(selector, priority), k -> new LinkedHashSet<>())
                    .add(request);
        }
        if (added) {
            if (deviceId.isPresent()) {
                Device device = deviceService.getDevice(deviceId.get());
                if (device != null) {
                    pushRule(device, request);
                }
            } else {
                for (Device device : deviceService.getDevices()) {
                    pushRule(device, request);
                }
            }
        }
    }

    @Override
    public void cancelPackets(TrafficSelector selector, PacketPriority priority, ApplicationId appId) {
        cancelPackets(selector, priority, appId, Optional.empty());
    }

    /**
     * PacketManager.cancelPackets + DistributedPacketStore: the punt rule is withdrawn only when no
     * request for its (selector, priority) is left — from the request's device, or from every
     * available switch.
     */
    @Override
    public void cancelPackets(TrafficSelector selector, PacketPriority priority, ApplicationId appId,
                              Optional<DeviceId> deviceId) {
        PacketRequest request = request(selector, priority, appId, deviceId);
        RequestKey key = new RequestKey(selector, priority);
        boolean removedLast;
        synchronized (requests) {
            Set<PacketRequest> left = requests.get(key);
            if (left != null) {
                left.remove(request);
                if (left.isEmpty()) {
                    requests.remove(key);
                }
            }
            removedLast = left == null || left.isEmpty();
        }
        if (removedLast) {
            if (deviceId.isPresent()) {
                Device device = deviceService.getDevice(deviceId.get());
                if (device != null) {
                    removeRule(device, request);
                }
            } else {
                for (Device device : deviceService.getAvailableDevices()) {
                    removeRule(device, request);
                }
            }
        }
    }

    private PacketRequest request(TrafficSelector selector, PacketPriority priority, ApplicationId appId,
                                  Optional<DeviceId> deviceId) {
        Objects.requireNonNull(selector, "Selector cannot be null");
        Objects.requireNonNull(priority, "Priority cannot be null");
        Objects.requireNonNull(appId, "Application ID cannot be null");
        Objects.requireNonNull(deviceId, "Device ID cannot be null");
        return new DefaultPacketRequest(selector, priority, appId, options.nodeId(), deviceId);
    }

    /** DistributedPacketStore.existingRequests: every request, by ascending priority value. */
    @Override
    public List<PacketRequest> getRequests() {
        List<PacketRequest> out = new ArrayList<>();
        synchronized (requests) {
            requests.values().forEach(out::addAll);
        }
        out.sort(Comparator.comparingInt((PacketRequest r) -> r.priority().priorityValue()));
        return out;
    }

    /**
     * PacketManager.pushRule: on an available switch, the rule the ForwardingObjective becomes through
     * the default single-table pipeline: table 0, the request's selector, priority =
     * {@code PacketPriority.priorityValue()}, treatment punt + wipeDeferred (no meter), permanent, owned
     * by {@code org.onosproject.core}; applied even if identical (RULE_ADD_REQUESTED, FLOW_MOD ADD).
     */
    private void pushRule(Device device, PacketRequest request) {
        if (device.type() != Device.Type.SWITCH || !deviceService.isAvailable(device.id())) {
            return;
        }
        FlowRule rule = puntRule(device.id(), request);
        flowRules.apply(FlowRuleOperations.builder().add(rule).build(new FlowRuleOperationsContext() {
            @Override
            public void onError(FlowRuleOperations ops) {
                log.warn("Failed to install packet request {} to {}: {}", request, device.id(),
                        ObjectiveError.FLOWINSTALLATIONFAILED);
            }
        }));
    }

    private void removeRule(Device device, PacketRequest request) {
        if (device.type() != Device.Type.SWITCH) {
            return;
        }
        FlowRule rule = puntRule(device.id(), request);
        flowRules.apply(FlowRuleOperations.builder().remove(rule).build(new FlowRuleOperationsContext() {
            @Override
            public void onError(FlowRuleOperations ops) {
                log.warn("Failed to withdraw packet request {} from {}: {}", request, device.id(),
                        ObjectiveError.FLOWINSTALLATIONFAILED);
            }
        }));
    }

    private FlowRule puntRule(DeviceId d, PacketRequest request) {
        return DefaultFlowRule.builder()
                .forDevice(d)
                .withSelector(request.selector())
                .fromApp(options.coreAppId())
                .withPriority(request.priority().priorityValue())
                .withTreatment(DefaultTrafficTreatment.builder().punt().wipeDeferred().build())
                .makePermanent()
                .build();
    }

    /** PacketManager's device listener: on DEVICE_ADDED / DEVICE_AVAILABILITY_CHANGED of an available switch, every request is pushed to it. */
    private void deviceEvent(DeviceEvent event) {
        if (event.type() != DeviceEvent.Type.DEVICE_ADDED && event.type() != DeviceEvent.Type.DEVICE_AVAILABILITY_CHANGED) {
            return;
        }
        Device device = event.subject();
        if (!deviceService.isAvailable(device.id())) {
            return;
        }
        for (PacketRequest request : getRequests()) {
            if (request.deviceId().isEmpty() || request.deviceId().get().equals(device.id())) {
                pushRule(device, request);
            }
        }
    }

    /** Priority-ordered processor with its invocation statistics. */
    private static final class ProcessorEntry implements PacketProcessorEntry {
        private final PacketProcessor processor;
        private final int priority;
        private final AtomicLong invocations = new AtomicLong();
        private final AtomicLong nanos = new AtomicLong();

        ProcessorEntry(PacketProcessor processor, int priority) {
            this.processor = processor;
            this.priority = priority;
        }

        @Override
        public PacketProcessor processor() {
            return processor;
        }

        @Override
        public int priority() {
            return priority;
        }

        @Override
        public long invocations() {
            return invocations.get();
        }

        @Override
        public long totalNanos() {
            return nanos.get();
        }

        @Override
        public long averageNanos() {
            long n = invocations.get();
            return n == 0 ? 0 : nanos.get() / n;
        }

        void addNanos(long n) {
            nanos.addAndGet(n);
            invocations.incrementAndGet();
        }
    }
}
