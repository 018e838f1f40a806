package org.fwlb.runtime.openflow;

import org.fwlb.runtime.openflow.channel.OpenFlowServer;
import org.fwlb.runtime.openflow.channel.SwitchConnection;
import org.fwlb.runtime.openflow.channel.SwitchListener;
import org.fwlb.runtime.openflow.device.DeviceManager;
import org.fwlb.runtime.openflow.flow.FlowRuleManager;
import org.fwlb.runtime.openflow.meter.MeterManager;
import org.fwlb.runtime.openflow.packet.PacketManager;
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

import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
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
    private final OpenFlowServer server;
    private final DeviceManager devices;
    private final FlowRuleManager flows;
    private final MeterManager meters;
    private final PacketManager packets;
    private ScheduledExecutorService poller;
    private boolean closed;

    public OpenFlowRuntime(OpenFlowOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        this.server = new OpenFlowServer(options, stats, new Dispatcher());
        this.devices = new DeviceManager(events);
        this.flows = new FlowRuleManager(server, events, options);
        this.meters = new MeterManager(server, events, options);
        this.packets = new PacketManager(server, devices, flows, options);
    }

    /**
     * Binds the TCP port and starts statistics polling.
     *
     * @throws InterruptedException if interrupted while binding
     * @throws IllegalStateException if the port cannot be bound (the message says which)
     */
    public synchronized void start() throws InterruptedException {
        if (poller != null) {
            throw new IllegalStateException("OpenFlowRuntime already started");
        }
        server.start();
        poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fwlb-of-stats");
            t.setDaemon(true);
            return t;
        });
        long period = options.statsInterval().toMillis();
        poller.scheduleAtFixedRate(this::poll, period, period, TimeUnit.MILLISECONDS);
    }

    private void poll() {
        for (SwitchConnection conn : server.all()) {
            try {
                if (!devices.isAvailable(conn.deviceId())) {
                    continue; // still synchronising after connect
                }
                flows.poll(conn);
                devices.pollPortStats(conn);
                meters.poll(conn);
            } catch (RuntimeException e) {
                log.warn("{}: statistics poll failed", conn.deviceId(), e);
            }
        }
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
        if (poller != null) {
            poller.shutdownNow();
        }
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
     * Deletes every flow rule the applications installed (punt rules included) and then every meter
     * they submitted from the connected switches, waiting (bounded) for the barriers.
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

    /** Routes channel callbacks to the services. */
    private final class Dispatcher implements SwitchListener {
        @Override
        public void switchConnected(SwitchConnection sw) {
            // meters first: re-installed flow rules may refer to them
            meters.sync(sw)
                    .thenCompose(v -> flows.sync(sw))
                    .whenComplete((v, e) -> {
                        if (e != null) {
                            log.warn("{}: resynchronisation failed: {}", sw.deviceId(), e.getMessage());
                        }
                        devices.switchReady(sw);
                    });
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
            devices.switchDisconnected(sw);
            flows.switchDisconnected(sw);
        }
    }
}
