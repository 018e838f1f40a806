package org.fwlb.runtime.openflow.device;

import org.fwlb.runtime.openflow.EventDispatcher;
import org.fwlb.runtime.openflow.channel.SwitchConnection;
import org.fwlb.runtime.openflow.translate.Ports;
import org.onlab.packet.ChassisId;
import org.onosproject.event.ListenerRegistry;
import org.onosproject.net.AnnotationKeys;
import org.onosproject.net.DefaultAnnotations;
import org.onosproject.net.DefaultDevice;
import org.onosproject.net.DefaultPort;
import org.onosproject.net.Device;
import org.onosproject.net.DeviceId;
import org.onosproject.net.MastershipRole;
import org.onosproject.net.Port;
import org.onosproject.net.PortNumber;
import org.onosproject.net.device.DefaultPortStatistics;
import org.onosproject.net.device.DeviceEvent;
import org.onosproject.net.device.DeviceListener;
import org.onosproject.net.device.DeviceService;
import org.onosproject.net.device.PortStatistics;
import org.onosproject.net.provider.ProviderId;
import org.projectfloodlight.openflow.protocol.OFDescStatsReply;
import org.projectfloodlight.openflow.protocol.OFPortConfig;
import org.projectfloodlight.openflow.protocol.OFPortDesc;
import org.projectfloodlight.openflow.protocol.OFPortState;
import org.projectfloodlight.openflow.protocol.OFPortStatsEntry;
import org.projectfloodlight.openflow.protocol.OFPortStatsReply;
import org.projectfloodlight.openflow.protocol.OFPortStatus;
import org.projectfloodlight.openflow.types.OFPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link DeviceService} of the OpenFlow switches that connected: a device per datapath id
 * ({@code of:<16 hex>}, type SWITCH, described by the DESC multipart), its ports from PORT_DESC and
 * PORT_STATUS (enabled = link up and not administratively down), availability following the
 * connection, and port statistics from periodic polls. Devices stay known (unavailable) after a
 * disconnect, as in ONOS.
 */
public final class DeviceManager implements DeviceService {
    private static final Logger log = LoggerFactory.getLogger(DeviceManager.class);
    /** Provider id of everything this southbound reports. */
    public static final ProviderId PROVIDER_ID = new ProviderId("of", "org.fwlb.runtime.openflow");

    private final EventDispatcher events;
    private final ListenerRegistry<DeviceEvent, DeviceListener> listeners = new ListenerRegistry<>();
    private final Map<DeviceId, Record> devices = new ConcurrentHashMap<>();

    /** State of one device; guarded by itself. */
    private static final class Record {
        Device device;
        boolean available;
        long lastUpdated;
        long connectedSince;
        SwitchConnection conn;
        final Map<Long, Port> ports = new TreeMap<>();
        Map<Long, PortStatistics> stats = new TreeMap<>();
        Map<Long, PortStatistics> deltas = new TreeMap<>();
        boolean statsInFlight;
    }

    public DeviceManager(EventDispatcher events) {
        this.events = events;
    }

    // ---------------------------------------------------------------- switch events

    /**
     * A switch finished its handshake: the device becomes available (DEVICE_ADDED for a new device,
     * else DEVICE_AVAILABILITY_CHANGED and DEVICE_UPDATED if its description changed), then its ports.
     * As in ONOS, the flow rule store is not reconciled yet: that is the first flow statistics poll's job.
     *
     * @param conn the connection
     */
    public void switchConnected(SwitchConnection conn) {
        DeviceId id = conn.deviceId();
        Record r = devices.computeIfAbsent(id, d -> new Record());
        List<DeviceEvent> out = new ArrayList<>();
        synchronized (r) {
            if (!conn.isActive()) {
                return;
            }
            Device device = buildDevice(conn);
            boolean isNew = r.device == null;
            boolean changed = !isNew && !sameDescription(r.device, device);
            r.device = device;
            r.conn = conn;
            r.connectedSince = System.currentTimeMillis();
            r.lastUpdated = r.connectedSince;
            boolean wasAvailable = r.available;
            r.available = true;
            if (isNew) {
                out.add(new DeviceEvent(DeviceEvent.Type.DEVICE_ADDED, device));
            } else {
                if (changed) {
                    out.add(new DeviceEvent(DeviceEvent.Type.DEVICE_UPDATED, device));
                }
                if (!wasAvailable) {
                    out.add(new DeviceEvent(DeviceEvent.Type.DEVICE_AVAILABILITY_CHANGED, device));
                }
            }
            Map<Long, Port> fresh = new TreeMap<>();
            for (OFPortDesc pd : conn.ports()) {
                Port p = buildPort(device, pd);
                fresh.put(p.number().toLong(), p);
            }
            for (Port p : fresh.values()) {
                Port old = r.ports.get(p.number().toLong());
                if (old == null) {
                    out.add(new DeviceEvent(DeviceEvent.Type.PORT_ADDED, device, p));
                } else if (!samePort(old, p)) {
                    out.add(new DeviceEvent(DeviceEvent.Type.PORT_UPDATED, device, p));
                }
            }
            for (Port old : r.ports.values()) {
                if (!fresh.containsKey(old.number().toLong())) {
                    out.add(new DeviceEvent(DeviceEvent.Type.PORT_REMOVED, device, old));
                }
            }
            r.ports.clear();
            r.ports.putAll(fresh);
        }
        out.forEach(e -> events.post(listeners, e));
    }

    /**
     * The switch connection closed: the device stays known but unavailable.
     *
     * @param conn the closed connection
     */
    public void switchDisconnected(SwitchConnection conn) {
        Record r = devices.get(conn.deviceId());
        if (r == null) {
            return;
        }
        DeviceEvent e = null;
        synchronized (r) {
            if (r.conn != conn) {
                return;
            }
            r.conn = null;
            r.statsInFlight = false;
            if (r.available) {
                r.available = false;
                r.lastUpdated = System.currentTimeMillis();
                e = new DeviceEvent(DeviceEvent.Type.DEVICE_AVAILABILITY_CHANGED, r.device);
            }
        }
        if (e != null) {
            events.post(listeners, e);
        }
    }

    /**
     * PORT_STATUS from a switch.
     *
     * @param conn switch
     * @param msg  message
     */
    public void portStatus(SwitchConnection conn, OFPortStatus msg) {
        Record r = devices.get(conn.deviceId());
        if (r == null) {
            return;
        }
        DeviceEvent e = null;
        synchronized (r) {
            if (r.device == null) {
                return;
            }
            Port p = buildPort(r.device, msg.getDesc());
            long no = p.number().toLong();
            Port old = r.ports.get(no);
            switch (msg.getReason()) {
                case ADD:
                case MODIFY:
                    r.ports.put(no, p);
                    if (old == null) {
                        e = new DeviceEvent(DeviceEvent.Type.PORT_ADDED, r.device, p);
                    } else if (!samePort(old, p)) {
                        e = new DeviceEvent(DeviceEvent.Type.PORT_UPDATED, r.device, p);
                    }
                    break;
                case DELETE:
                    if (old != null) {
                        r.ports.remove(no);
                        r.stats.remove(no);
                        r.deltas.remove(no);
                        e = new DeviceEvent(DeviceEvent.Type.PORT_REMOVED, r.device, old);
                    }
                    break;
                default:
                    return;
            }
        }
        if (e != null) {
            log.info("{}: port {} {} ({})", conn.deviceId(), e.port().number(), e.type(),
                    e.port().isEnabled() ? "enabled" : "disabled");
            events.post(listeners, e);
        }
    }

    /**
     * Requests port statistics of a switch; the reply updates the store and posts PORT_STATS_UPDATED.
     *
     * @param conn switch
     */
    public void pollPortStats(SwitchConnection conn) {
        Record r = devices.get(conn.deviceId());
        if (r == null) {
            return;
        }
        synchronized (r) {
            if (r.statsInFlight || r.conn != conn) {
                return;
            }
            r.statsInFlight = true;
        }
        conn.stats(conn.factory().buildPortStatsRequest().setXid(conn.nextXid()).setPortNo(OFPort.ANY).build())
                .whenComplete((replies, err) -> {
                    synchronized (r) {
                        r.statsInFlight = false;
                    }
                    if (err != null) {
                        log.debug("{}: port statistics failed: {}", conn.deviceId(), err.getMessage());
                        return;
                    }
                    portStats(conn, r, replies);
                });
    }

    private void portStats(SwitchConnection conn, Record r, List<OFPortStatsReply> replies) {
        Map<Long, PortStatistics> now = new TreeMap<>();
        for (OFPortStatsReply reply : replies) {
            for (OFPortStatsEntry s : reply.getEntries()) {
                long no = Ports.onos(s.getPortNo()).toLong();
                now.put(no, DefaultPortStatistics.builder()
                        .setDeviceId(conn.deviceId())
                        .setPort(PortNumber.portNumber(no))
                        .setPacketsReceived(s.getRxPackets().getValue())
                        .setPacketsSent(s.getTxPackets().getValue())
                        .setBytesReceived(s.getRxBytes().getValue())
                        .setBytesSent(s.getTxBytes().getValue())
                        .setPacketsRxDropped(s.getRxDropped().getValue())
                        .setPacketsTxDropped(s.getTxDropped().getValue())
                        .setPacketsRxErrors(s.getRxErrors().getValue())
                        .setPacketsTxErrors(s.getTxErrors().getValue())
                        .setDurationSec(s.getDurationSec())
                        .setDurationNano(s.getDurationNsec())
                        .build());
            }
        }
        Device device;
        synchronized (r) {
            Map<Long, PortStatistics> deltas = new TreeMap<>();
            now.forEach((no, cur) -> {
                PortStatistics prev = r.stats.get(no);
                deltas.put(no, prev == null ? cur : delta(conn.deviceId(), prev, cur));
            });
            r.stats = now;
            r.deltas = deltas;
            device = r.device;
        }
        events.post(listeners, new DeviceEvent(DeviceEvent.Type.PORT_STATS_UPDATED, device));
    }

    private static PortStatistics delta(DeviceId id, PortStatistics prev, PortStatistics cur) {
        long prevNanos = prev.durationSec() * 1_000_000_000L + prev.durationNano();
        long curNanos = cur.durationSec() * 1_000_000_000L + cur.durationNano();
        Duration d = Duration.ofNanos(Math.max(0, curNanos - prevNanos));
        return DefaultPortStatistics.builder()
                .setDeviceId(id)
                .setPort(cur.portNumber())
                .setPacketsReceived(cur.packetsReceived() - prev.packetsReceived())
                .setPacketsSent(cur.packetsSent() - prev.packetsSent())
                .setBytesReceived(cur.bytesReceived() - prev.bytesReceived())
                .setBytesSent(cur.bytesSent() - prev.bytesSent())
                .setPacketsRxDropped(cur.packetsRxDropped() - prev.packetsRxDropped())
                .setPacketsTxDropped(cur.packetsTxDropped() - prev.packetsTxDropped())
                .setPacketsRxErrors(cur.packetsRxErrors() - prev.packetsRxErrors())
                .setPacketsTxErrors(cur.packetsTxErrors() - prev.packetsTxErrors())
                .setDurationSec(d.getSeconds())
                .setDurationNano(d.getNano())
                .build();
    }

    // ---------------------------------------------------------------- model

    private static Device buildDevice(SwitchConnection conn) {
        OFDescStatsReply d = conn.desc();
        DefaultAnnotations annotations = DefaultAnnotations.builder()
                .set(AnnotationKeys.PROTOCOL, "OF_13")
                .set(AnnotationKeys.CHANNEL_ID, String.valueOf(conn.remoteAddress()))
                .set(AnnotationKeys.MANAGEMENT_ADDRESS, conn.remoteIp())
                .set("datapathDescription", d.getDpDesc())
                .build();
        return new DefaultDevice(PROVIDER_ID, conn.deviceId(), Device.Type.SWITCH, d.getMfrDesc(), d.getHwDesc(),
                d.getSwDesc(), d.getSerialNum(), new ChassisId(conn.dpid()), annotations);
    }

    private static Port buildPort(Device device, OFPortDesc pd) {
        PortNumber number = Ports.onos(pd.getPortNo(), pd.getName());
        boolean adminUp = !pd.getConfig().contains(OFPortConfig.PORT_DOWN);
        boolean linkUp = !pd.getState().contains(OFPortState.LINK_DOWN);
        DefaultAnnotations annotations = DefaultAnnotations.builder()
                .set(AnnotationKeys.PORT_NAME, pd.getName())
                .set(AnnotationKeys.PORT_MAC, pd.getHwAddr().toString())
                .set(AnnotationKeys.ADMIN_STATE, adminUp ? "enabled" : "disabled")
                .set("linkState", linkUp ? "up" : "down")
                .build();
        long speedMbps = pd.getCurrSpeed() / 1000;
        return new DefaultPort(device, number, adminUp && linkUp, Port.Type.COPPER,
                speedMbps, annotations);
    }

    private static boolean sameDescription(Device a, Device b) {
        return Objects.equals(a.manufacturer(), b.manufacturer()) && Objects.equals(a.hwVersion(), b.hwVersion())
                && Objects.equals(a.swVersion(), b.swVersion()) && Objects.equals(a.serialNumber(), b.serialNumber());
    }

    private static boolean samePort(Port a, Port b) {
        return a.isEnabled() == b.isEnabled() && a.portSpeed() == b.portSpeed()
                && Objects.equals(a.annotations().value(AnnotationKeys.PORT_NAME), b.annotations().value(AnnotationKeys.PORT_NAME))
                && Objects.equals(a.annotations().value(AnnotationKeys.PORT_MAC), b.annotations().value(AnnotationKeys.PORT_MAC))
                && Objects.equals(a.annotations().value(AnnotationKeys.ADMIN_STATE), b.annotations().value(AnnotationKeys.ADMIN_STATE));
    }

    // ---------------------------------------------------------------- DeviceService

    @Override
    public void addListener(DeviceListener listener) {
        listeners.addListener(Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public void removeListener(DeviceListener listener) {
        listeners.removeListener(Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public int getDeviceCount() {
        return (int) devices.values().stream().filter(r -> device(r) != null).count();
    }

    @Override
    public int getAvailableDeviceCount() {
        return (int) devices.values().stream().filter(this::available).count();
    }

    @Override
    public Iterable<Device> getDevices() {
        List<Device> out = new ArrayList<>();
        devices.values().forEach(r -> addIfPresent(out, device(r)));
        return out;
    }

    @Override
    public Iterable<Device> getDevices(Device.Type type) {
        List<Device> out = new ArrayList<>();
        for (Device d : getDevices()) {
            if (d.type() == type) {
                out.add(d);
            }
        }
        return out;
    }

    @Override
    public Iterable<Device> getAvailableDevices() {
        List<Device> out = new ArrayList<>();
        devices.values().stream().filter(this::available).forEach(r -> addIfPresent(out, device(r)));
        return out;
    }

    @Override
    public Iterable<Device> getAvailableDevices(Device.Type type) {
        List<Device> out = new ArrayList<>();
        for (Device d : getAvailableDevices()) {
            if (d.type() == type) {
                out.add(d);
            }
        }
        return out;
    }

    @Override
    public Device getDevice(DeviceId deviceId) {
        Record r = devices.get(deviceId);
        return r == null ? null : device(r);
    }

    /** The one standalone node is master of every device it knows, as in a one-node ONOS cluster. */
    @Override
    public MastershipRole getRole(DeviceId deviceId) {
        return getDevice(deviceId) == null ? MastershipRole.NONE : MastershipRole.MASTER;
    }

    @Override
    public List<Port> getPorts(DeviceId deviceId) {
        Record r = devices.get(deviceId);
        if (r == null) {
            return List.of();
        }
        synchronized (r) {
            return List.copyOf(r.ports.values());
        }
    }

    @Override
    public Port getPort(DeviceId deviceId, PortNumber portNumber) {
        Record r = devices.get(deviceId);
        if (r == null || portNumber == null) {
            return null;
        }
        synchronized (r) {
            return r.ports.get(portNumber.toLong());
        }
    }

    @Override
    public List<PortStatistics> getPortStatistics(DeviceId deviceId) {
        Record r = devices.get(deviceId);
        if (r == null) {
            return List.of();
        }
        synchronized (r) {
            return List.copyOf(r.stats.values());
        }
    }

    @Override
    public List<PortStatistics> getPortDeltaStatistics(DeviceId deviceId) {
        Record r = devices.get(deviceId);
        if (r == null) {
            return List.of();
        }
        synchronized (r) {
            return List.copyOf(r.deltas.values());
        }
    }

    @Override
    public PortStatistics getStatisticsForPort(DeviceId deviceId, PortNumber portNumber) {
        Record r = devices.get(deviceId);
        if (r == null) {
            return null;
        }
        synchronized (r) {
            return r.stats.get(portNumber.toLong());
        }
    }

    @Override
    public PortStatistics getDeltaStatisticsForPort(DeviceId deviceId, PortNumber portNumber) {
        Record r = devices.get(deviceId);
        if (r == null) {
            return null;
        }
        synchronized (r) {
            return r.deltas.get(portNumber.toLong());
        }
    }

    @Override
    public boolean isAvailable(DeviceId deviceId) {
        Record r = devices.get(deviceId);
        return r != null && available(r);
    }

    @Override
    public String localStatus(DeviceId deviceId) {
        Record r = devices.get(deviceId);
        if (r == null) {
            return null;
        }
        synchronized (r) {
            if (r.device == null) {
                return null;
            }
            long ago = (System.currentTimeMillis() - r.lastUpdated) / 1000;
            return (r.available ? "connected " : "disconnected ") + ago + "s ago";
        }
    }

    @Override
    public long getLastUpdatedInstant(DeviceId deviceId) {
        Record r = devices.get(deviceId);
        if (r == null) {
            return 0;
        }
        synchronized (r) {
            return r.lastUpdated;
        }
    }

    private static Device device(Record r) {
        synchronized (r) {
            return r.device;
        }
    }

    private boolean available(Record r) {
        synchronized (r) {
            return r.device != null && r.available;
        }
    }

    private static void addIfPresent(List<Device> out, Device d) {
        if (d != null) {
            out.add(d);
        }
    }
}
