package org.fwlb.runtime.openflow;

import org.fwlb.runtime.openflow.channel.OpenFlowServer;
import org.fwlb.runtime.openflow.channel.SwitchConnection;
import org.fwlb.runtime.openflow.channel.SwitchListener;
import org.fwlb.runtime.openflow.device.DeviceManager;
import org.fwlb.runtime.openflow.flow.FlowRuleManager;
import org.fwlb.runtime.openflow.meter.MeterManager;
import org.fwlb.runtime.openflow.packet.PacketManager;
import org.onosproject.net.DeviceId;
import org.onosproject.net.device.DeviceService;
import org.onosproject.net.flow.FlowRuleService;
import org.onosproject.net.meter.MeterService;
import org.onosproject.net.packet.PacketService;
import org.projectfloodlight.openflow.protocol.OFErrorMsg;
import org.projectfloodlight.openflow.protocol.OFFlowRemoved;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPacketIn;
import org.projectfloodlight.openflow.protocol.OFPortStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The OpenFlow 1.3 southbound of the standalone runtime: a controller listening for switches and
 * the ONOS network services (devices, packets, flow rules, meters) built on it.
 *
 * <p>Typical use: {@code new OpenFlowRuntime(options)}, hand the services to the components,
 * {@link #start()}, and {@link #close()} at the end (after {@link #removeAllInstalledRules()} for a
 * clean shutdown; leave the rules in place for a restart that must not drop connections).
 */
public final class OpenFlowRuntime implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OpenFlowRuntime.class);
    private static final long REMOVE_TIMEOUT_MS = 5000;

    private final OpenFlowOptions options;
    private final OpenFlowStats stats = new OpenFlowStats();
    private final EventDispatcher events = new EventDispatcher();
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fwlb-of-stats");
        t.setDaemon(true);
        return t;
    });
    private final Map<DeviceId, ScheduledFuture<?>> portCollectors = new ConcurrentHashMap<>();
    private final OpenFlowServer server;
    private final DeviceManager devices;
    private final FlowRuleManager flows;
    private final MeterManager meters;
    private final PacketManager packets;
    private boolean started;
    private boolean closed;

    public OpenFlowRuntime(OpenFlowOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        this.server = new OpenFlowServer(options, stats, new Dispatcher());
        this.devices = new DeviceManager(events);
        this.flows = new FlowRuleManager(server, events, options, poller, options.clock(), options.automaticPolling());
        this.meters = new MeterManager(server, events, poller, options.meterStatsPollInterval(),
                options.automaticPolling());
        this.packets = new PacketManager(server, devices, flows, options);
    }

    /**
     * Binds the TCP port; statistics collectors start per switch as switches connect.
     *
     * @throws InterruptedException if interrupted while binding
     * @throws IllegalStateException if the port cannot be bound (the message says which)
     */
    public synchronized void start() throws InterruptedException {
        if (started) {
            throw new IllegalStateException("OpenFlowRuntime already started");
        }
        started = true;
        server.start();
        log.info("OpenFlow southbound: {}", options);
    }

    /** Closes the listener and all switch connections (rules stay on the switches unless removeAllOnClose). */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (options.removeAllOnClose()) {
            removeAllInstalledRules();
        }
        poller.shutdownNow();
        server.stop();
        packets.shutdown();
        events.close();
        log.info("OpenFlow controller stopped");
    }

    public DeviceService deviceService() {
        return devices;
    }

    public PacketService packetService() {
        return packets;
    }

    public FlowRuleService flowRuleService() {
        return flows;
    }

    public MeterService meterService() {
        return meters;
    }

    /** @return the TCP port the controller listens on (useful with port 0), -1 before {@link #start()} */
    public int boundPort() {
        return server.boundPort();
    }

    /**
     * Deletes every flow rule of the store (punt rules included) and then every meter from the
     * connected switches, waiting (bounded) for the barriers. The runtime's clean shutdown; ONOS has
     * no such step.
     */
    public void removeAllInstalledRules() {
        int n = flows.removeAllInstalledRules(REMOVE_TIMEOUT_MS);
        int m = meters.removeAll(REMOVE_TIMEOUT_MS);
        log.info("removed {} flow rules and {} meters from the switches", n, m);
    }

    /** @return message counters per switch */
    public OpenFlowStats stats() {
        return stats;
    }

    // ---------------------------------------------------------------- ONOS component properties

    /** {@code org.onosproject.net.flow.impl.FlowRuleManager} allowExtraneousRules. */
    public void setAllowExtraneousRules(boolean allow) {
        flows.setAllowExtraneousRules(allow);
    }

    /** {@code org.onosproject.net.flow.impl.FlowRuleManager} importExtraneousRules. */
    public void setImportExtraneousRules(boolean importRules) {
        flows.setImportExtraneousRules(importRules);
    }

    /** {@code org.onosproject.net.flow.impl.FlowRuleManager} purgeOnDisconnection. */
    public void setPurgeOnDisconnection(boolean purge) {
        flows.setPurgeOnDisconnection(purge);
    }

    /** {@code org.onosproject.provider.of.flow.impl.OpenFlowRuleProvider} flowPollFrequency. */
    public void setFlowPollFrequency(Duration period) {
        flows.setFlowPollFrequency(period);
    }

    /** @return the flow rule manager (its current settings) */
    public FlowRuleManager flowRuleManager() {
        return flows;
    }

    // ---------------------------------------------------------------- synchronisation (tests, tools)

    /**
     * Waits until every event and callback queued so far reached the applications (for tests and
     * orderly shutdown).
     *
     * @param timeoutMillis upper bound
     * @return whether it drained in time
     * @throws InterruptedException if interrupted
     */
    public boolean drainEvents(long timeoutMillis) throws InterruptedException {
        return events.drain(timeoutMillis);
    }

    /**
     * A BARRIER round trip with a switch: when it completes, the switch has processed every message
     * the runtime sent it before.
     *
     * @param deviceId device
     * @return completes with the barrier reply (fails if not connected)
     */
    public CompletableFuture<Void> barrier(DeviceId deviceId) {
        SwitchConnection c = server.get(deviceId);
        return c == null ? CompletableFuture.failedFuture(new IllegalStateException(deviceId + " is not connected"))
                : c.barrier();
    }

    /** Polls a switch's flow statistics now; completes once reconciled (events queued). */
    CompletableFuture<Void> pollFlows(DeviceId deviceId) {
        return flows.pollNow(deviceId);
    }

    /** One timer tick of a switch's flow statistics collector. */
    void flowPollTick(DeviceId deviceId) {
        flows.tick(deviceId);
    }

    /** Polls a switch's meter statistics now; completes once processed (events queued). */
    CompletableFuture<Void> pollMeters(DeviceId deviceId) {
        return meters.pollNow(deviceId);
    }

    /** Routes channel callbacks to the services. */
    private final class Dispatcher implements SwitchListener {
        @Override
        public void switchConnected(SwitchConnection sw) {
            Duration first = OpenFlowOptions.FIRST_POLL_DELAY;
            flows.switchConnected(sw, first);
            devices.switchConnected(sw);
            meters.switchConnected(sw, first);
            if (options.automaticPolling() && !poller.isShutdown()) {
                long period = options.portStatsPollFrequency().toMillis();
                ScheduledFuture<?> f = poller.scheduleAtFixedRate(() -> devices.pollPortStats(sw),
                        first.toMillis(), period, TimeUnit.MILLISECONDS);
                ScheduledFuture<?> old = portCollectors.put(sw.deviceId(), f);
                if (old != null) {
                    old.cancel(false);
                }
            }
        }

        @Override
        public void switchMessage(SwitchConnection sw, OFMessage msg) {
            switch (msg.getType()) {
                case PACKET_IN:
                    packets.packetIn(sw, (OFPacketIn) msg);
                    break;
                case FLOW_REMOVED:
                    flows.flowRemoved(sw, (OFFlowRemoved) msg);
                    break;
                case PORT_STATUS:
                    devices.portStatus(sw, (OFPortStatus) msg);
                    break;
                default:
                    break;
            }
        }

        @Override
        public void switchError(SwitchConnection sw, OFErrorMsg error, OFMessage request) {
            flows.switchError(sw, error, request);
            meters.switchError(sw, error, request);
        }

        @Override
        public void switchDisconnected(SwitchConnection sw) {
            ScheduledFuture<?> f = portCollectors.remove(sw.deviceId());
            if (f != null) {
                f.cancel(false);
            }
            meters.switchDisconnected(sw);
            flows.switchDisconnected(sw);
            devices.switchDisconnected(sw);
        }
    }
}
