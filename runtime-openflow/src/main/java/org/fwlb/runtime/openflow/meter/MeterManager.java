package org.fwlb.runtime.openflow.meter;

import org.fwlb.runtime.openflow.EventDispatcher;
import org.fwlb.runtime.openflow.OpenFlowOptions;
import org.fwlb.runtime.openflow.channel.Messages;
import org.fwlb.runtime.openflow.channel.SwitchConnection;
import org.fwlb.runtime.openflow.channel.Switches;
import org.onosproject.core.ApplicationId;
import org.onosproject.event.ListenerRegistry;
import org.onosproject.net.DeviceId;
import org.onosproject.net.meter.Band;
import org.onosproject.net.meter.DefaultBand;
import org.onosproject.net.meter.DefaultMeter;
import org.onosproject.net.meter.Meter;
import org.onosproject.net.meter.MeterCellId;
import org.onosproject.net.meter.MeterEvent;
import org.onosproject.net.meter.MeterFailReason;
import org.onosproject.net.meter.MeterId;
import org.onosproject.net.meter.MeterListener;
import org.onosproject.net.meter.MeterRequest;
import org.onosproject.net.meter.MeterScope;
import org.onosproject.net.meter.MeterService;
import org.onosproject.net.meter.MeterState;
import org.projectfloodlight.openflow.protocol.OFErrorMsg;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFMeterBandStats;
import org.projectfloodlight.openflow.protocol.OFMeterConfig;
import org.projectfloodlight.openflow.protocol.OFMeterConfigStatsReply;
import org.projectfloodlight.openflow.protocol.OFMeterFlags;
import org.projectfloodlight.openflow.protocol.OFMeterMod;
import org.projectfloodlight.openflow.protocol.OFMeterModCommand;
import org.projectfloodlight.openflow.protocol.OFMeterStats;
import org.projectfloodlight.openflow.protocol.OFMeterStatsReply;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.errormsg.OFMeterModFailedErrorMsg;
import org.projectfloodlight.openflow.protocol.meterband.OFMeterBand;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link MeterService} over OpenFlow 1.3 METER_MOD: meter ids allocated per device from 1,
 * pkts/s or kb/s units, optional burst, DROP (and DSCP REMARK) bands. A meter submitted for a switch
 * that is not connected is installed when it connects; the {@link org.onosproject.net.meter.MeterContext}
 * callback fires once the switch confirmed it (barrier) or rejected it. Meters found on a switch that
 * nobody submitted are kept during the adoption grace period, then deleted.
 */
public final class MeterManager implements MeterService {
    private static final Logger log = LoggerFactory.getLogger(MeterManager.class);
    private static final long ALL = 0xffffffffL;

    private final Switches switches;
    private final EventDispatcher events;
    private final OpenFlowOptions options;
    private final OFFactory factory = OFFactories.getFactory(OFVersion.OF_13);
    private final ListenerRegistry<MeterEvent, MeterListener> listeners = new ListenerRegistry<>();
    private final Map<DeviceId, DeviceMeters> devices = new ConcurrentHashMap<>();

    public MeterManager(Switches switches, EventDispatcher events, OpenFlowOptions options) {
        this.switches = switches;
        this.events = events;
        this.options = options;
    }

    private static final class DeviceMeters {
        final Map<Long, Rec> meters = new TreeMap<>();
        final Set<Long> reserved = new HashSet<>();
        final Map<Long, OFMeterConfig> orphans = new TreeMap<>();
        long orphansSince;
        boolean statsInFlight;
    }

    private final class Rec {
        final DeviceId deviceId;
        final MeterRequest request;
        final long id;
        MeterState state = MeterState.PENDING_ADD;
        boolean confirmed;
        long life;
        long packets;
        long bytes;
        long refCount;
        List<OFMeterBandStats> bandStats = List.of();
        Meter view;

        Rec(DeviceId deviceId, MeterRequest request, long id) {
            this.deviceId = deviceId;
            this.request = request;
            this.id = id;
            refresh();
        }

        void refresh() {
            List<Band> bands = new ArrayList<>();
            int i = 0;
            for (Band b : request.bands()) {
                Band.Builder bb = DefaultBand.builder().ofType(b.type()).withRate(b.rate());
                if (b.burst() != null) {
                    bb.burstSize(b.burst());
                }
                if (b.dropPrecedence() != null) {
                    bb.dropPrecedence(b.dropPrecedence());
                }
                DefaultBand band = (DefaultBand) bb.build();
                if (i < bandStats.size()) {
                    band.setPackets(bandStats.get(i).getPacketBandCount().getValue());
                    band.setBytes(bandStats.get(i).getByteBandCount().getValue());
                }
                bands.add(band);
                i++;
            }
            Meter.Builder mb = DefaultMeter.builder().forDevice(deviceId).withId(MeterId.meterId(id))
                    .fromApp(request.appId()).withUnit(request.unit()).withBands(bands);
            if (request.isBurst()) {
                mb.burst();
            }
            DefaultMeter m = (DefaultMeter) mb.build();
            m.setState(state);
            m.setLife(life);
            m.setProcessedPackets(packets);
            m.setProcessedBytes(bytes);
            m.setReferenceCount(refCount);
            view = m;
        }
    }

    private DeviceMeters dm(DeviceId id) {
        return devices.computeIfAbsent(id, d -> new DeviceMeters());
    }

    // ---------------------------------------------------------------- listeners

    @Override
    public void addListener(MeterListener listener) {
        listeners.addListener(Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public void removeListener(MeterListener listener) {
        listeners.removeListener(Objects.requireNonNull(listener, "listener"));
    }

    private void post(MeterEvent.Type type, Meter m) {
        events.post(listeners, new MeterEvent(type, m));
    }

    // ---------------------------------------------------------------- requests

    @Override
    public Meter submit(MeterRequest request) {
        validate(request);
        DeviceId dev = request.deviceId();
        DeviceMeters d = dm(dev);
        Rec rec;
        synchronized (d) {
            long id;
            if (request.index().isPresent()) {
                id = request.index().get();
                if (id < 1 || id > MeterId.MAX) {
                    throw new IllegalArgumentException("meter index " + id + " is not in 1.." + MeterId.MAX);
                }
                if (d.meters.containsKey(id)) {
                    throw new IllegalArgumentException("meter " + id + " on " + dev + " is already in use");
                }
                d.reserved.remove(id);
            } else {
                id = allocate(d, dev);
            }
            rec = new Rec(dev, request, id);
            d.meters.put(id, rec);
            d.orphans.remove(id);
            post(MeterEvent.Type.METER_ADD_REQ, rec.view);
            SwitchConnection conn = switches.get(dev);
            if (conn != null) {
                send(conn, rec, OFMeterModCommand.ADD);
                confirmOnBarrier(conn, d, List.of(rec));
            } else {
                log.info("meter {} on {} stored; it is installed when the switch connects", id, dev);
            }
        }
        return rec.view;
    }

    private static void validate(MeterRequest r) {
        Objects.requireNonNull(r, "meter request");
        Objects.requireNonNull(r.deviceId(), "meter request without a device");
        Objects.requireNonNull(r.appId(), "meter request without an application id");
        if (r.unit() != Meter.Unit.PKTS_PER_SEC && r.unit() != Meter.Unit.KB_PER_SEC) {
            throw new IllegalArgumentException("meter unit " + r.unit() + " is not supported by OpenFlow 1.3 "
                    + "(use PKTS_PER_SEC or KB_PER_SEC)");
        }
        if (r.bands() == null || r.bands().isEmpty()) {
            throw new IllegalArgumentException("meter request for " + r.deviceId() + " has no bands");
        }
        for (Band b : r.bands()) {
            if (b.type() != Band.Type.DROP && b.type() != Band.Type.REMARK) {
                throw new IllegalArgumentException("meter band type " + b.type() + " is not supported (DROP, REMARK)");
            }
            if (b.rate() <= 0 || b.rate() > 0xffffffffL) {
                throw new IllegalArgumentException("meter band rate " + b.rate() + " is not in 1..2^32-1");
            }
            if (b.type() == Band.Type.REMARK && b.dropPrecedence() == null) {
                throw new IllegalArgumentException("REMARK meter band without a drop precedence");
            }
        }
        if (r.scope() != null && !r.scope().isGlobal()) {
            throw new IllegalArgumentException("meter scope " + r.scope() + " is not supported (only the global scope)");
        }
    }

    private long allocate(DeviceMeters d, DeviceId dev) {
        for (long id = 1; id <= MeterId.MAX; id++) {
            if (!d.meters.containsKey(id) && !d.reserved.contains(id) && !d.orphans.containsKey(id)) {
                return id;
            }
        }
        throw new IllegalStateException("no free meter id on " + dev);
    }

    @Override
    public void withdraw(MeterRequest request, MeterId meterId) {
        Objects.requireNonNull(request, "meter request");
        Objects.requireNonNull(meterId, "meter id");
        DeviceId dev = Objects.requireNonNull(request.deviceId(), "meter request without a device");
        DeviceMeters d = dm(dev);
        synchronized (d) {
            Rec rec = d.meters.get(meterId.id());
            if (rec == null) {
                throw new IllegalArgumentException("no meter " + meterId.id() + " on " + dev);
            }
            rec.state = MeterState.PENDING_REMOVE;
            rec.refresh();
            post(MeterEvent.Type.METER_REM_REQ, rec.view);
            SwitchConnection conn = switches.get(dev);
            if (conn == null) {
                removed(d, rec, request);
                return;
            }
            send(conn, rec, OFMeterModCommand.DELETE);
            conn.barrier().whenComplete((v, err) -> {
                synchronized (d) {
                    if (d.meters.get(rec.id) == rec) {
                        removed(d, rec, request);
                    }
                }
            });
        }
    }

    private void removed(DeviceMeters d, Rec rec, MeterRequest request) {
        d.meters.remove(rec.id);
        post(MeterEvent.Type.METER_REMOVED, rec.view);
        request.context().ifPresent(c -> events.run("MeterContext.onSuccess", () -> c.onSuccess(request)));
    }

    @Override
    public void withdraw(MeterRequest request, MeterCellId meterCellId) {
        if (!(meterCellId instanceof MeterId)) {
            throw new IllegalArgumentException("meter cell " + meterCellId + " is not an OpenFlow meter id");
        }
        withdraw(request, (MeterId) meterCellId);
    }

    // ---------------------------------------------------------------- queries

    @Override
    public Meter getMeter(DeviceId deviceId, MeterId id) {
        DeviceMeters d = devices.get(deviceId);
        if (d == null) {
            return null;
        }
        synchronized (d) {
            Rec r = d.meters.get(id.id());
            return r == null ? null : r.view;
        }
    }

    @Override
    public Meter getMeter(DeviceId deviceId, MeterCellId meterCellId) {
        return meterCellId instanceof MeterId ? getMeter(deviceId, (MeterId) meterCellId) : null;
    }

    @Override
    public Collection<Meter> getAllMeters() {
        List<Meter> out = new ArrayList<>();
        devices.keySet().forEach(dev -> out.addAll(getMeters(dev)));
        return out;
    }

    @Override
    public Collection<Meter> getMeters(DeviceId deviceId) {
        DeviceMeters d = devices.get(deviceId);
        if (d == null) {
            return List.of();
        }
        List<Meter> out = new ArrayList<>();
        synchronized (d) {
            d.meters.values().forEach(r -> out.add(r.view));
        }
        return out;
    }

    @Override
    public Collection<Meter> getMeters(DeviceId deviceId, MeterScope scope) {
        return scope != null && scope.isGlobal() ? getMeters(deviceId) : List.of();
    }

    @Override
    public MeterId allocateMeterId(DeviceId deviceId) {
        DeviceMeters d = dm(deviceId);
        synchronized (d) {
            long id = allocate(d, deviceId);
            d.reserved.add(id);
            return MeterId.meterId(id);
        }
    }

    @Override
    public void freeMeterId(DeviceId deviceId, MeterId meterId) {
        DeviceMeters d = dm(deviceId);
        synchronized (d) {
            d.reserved.remove(meterId.id());
        }
    }

    @Override
    public void purgeMeters(DeviceId deviceId) {
        DeviceMeters d = devices.get(deviceId);
        if (d != null) {
            synchronized (d) {
                d.meters.clear();
            }
        }
    }

    @Override
    public void purgeMeters(DeviceId deviceId, ApplicationId appId) {
        DeviceMeters d = devices.get(deviceId);
        if (d != null) {
            synchronized (d) {
                d.meters.values().removeIf(r -> r.request.appId().equals(appId));
            }
        }
    }

    // ---------------------------------------------------------------- wire

    private void send(SwitchConnection conn, Rec rec, OFMeterModCommand command) {
        conn.send(meterMod(conn.nextXid(), rec, command));
    }

    private OFMeterMod meterMod(long xid, Rec rec, OFMeterModCommand command) {
        OFMeterMod.Builder b = factory.buildMeterMod().setXid(xid).setCommand(command).setMeterId(rec.id);
        if (command == OFMeterModCommand.DELETE) {
            return b.setFlags(EnumSet.noneOf(OFMeterFlags.class)).setMeters(List.of()).build();
        }
        return b.setFlags(flags(rec.request)).setMeters(bands(rec.request)).build();
    }

    private static Set<OFMeterFlags> flags(MeterRequest r) {
        Set<OFMeterFlags> f = EnumSet.of(OFMeterFlags.STATS);
        f.add(r.unit() == Meter.Unit.PKTS_PER_SEC ? OFMeterFlags.PKTPS : OFMeterFlags.KBPS);
        if (r.isBurst()) {
            f.add(OFMeterFlags.BURST);
        }
        return f;
    }

    private List<OFMeterBand> bands(MeterRequest r) {
        List<OFMeterBand> out = new ArrayList<>();
        for (Band b : r.bands()) {
            long burst = b.burst() == null ? 0 : b.burst();
            if (b.type() == Band.Type.DROP) {
                out.add(factory.meterBands().drop(b.rate(), burst));
            } else {
                out.add(factory.meterBands().buildDscpRemark().setRate(b.rate()).setBurstSize(burst)
                        .setPrecLevel(b.dropPrecedence()).build());
            }
        }
        return out;
    }

    /** After the barrier, every meter of the list still pending is confirmed. */
    private void confirmOnBarrier(SwitchConnection conn, DeviceMeters d, List<Rec> recs) {
        conn.barrier().whenComplete((v, err) -> {
            if (err != null) {
                return; // disconnected: installed again at the next connect
            }
            synchronized (d) {
                for (Rec rec : recs) {
                    if (d.meters.get(rec.id) == rec && rec.state == MeterState.PENDING_ADD) {
                        installed(rec);
                    }
                }
            }
        });
    }

    private void installed(Rec rec) {
        rec.state = MeterState.ADDED;
        rec.refresh();
        post(MeterEvent.Type.METER_ADDED, rec.view);
        if (!rec.confirmed) {
            rec.confirmed = true;
            rec.request.context().ifPresent(c -> events.run("MeterContext.onSuccess", () -> c.onSuccess(rec.request)));
        }
    }

    /**
     * A switch rejected a METER_MOD: the meter is dropped and its requester told why.
     *
     * @param conn    switch
     * @param error   error
     * @param request rejected message
     */
    public void switchError(SwitchConnection conn, OFErrorMsg error, OFMessage request) {
        if (!(request instanceof OFMeterMod)) {
            return;
        }
        OFMeterMod mod = (OFMeterMod) request;
        DeviceMeters d = devices.get(conn.deviceId());
        if (d == null) {
            return;
        }
        synchronized (d) {
            Rec rec = d.meters.get(mod.getMeterId());
            if (rec == null) {
                return;
            }
            if (mod.getCommand() == OFMeterModCommand.DELETE) {
                removed(d, rec, rec.request);
                return;
            }
            d.meters.remove(rec.id);
            MeterFailReason reason = reason(error);
            log.warn("meter {} on {} failed: {}", rec.id, conn.deviceId(), Messages.describeError(error));
            post(MeterEvent.Type.METER_REMOVED, rec.view);
            rec.request.context().ifPresent(c -> events.run("MeterContext.onError", () -> c.onError(rec.request, reason)));
        }
    }

    private static MeterFailReason reason(OFErrorMsg error) {
        if (!(error instanceof OFMeterModFailedErrorMsg)) {
            return MeterFailReason.UNKNOWN;
        }
        switch (((OFMeterModFailedErrorMsg) error).getCode()) {
            case METER_EXISTS:
                return MeterFailReason.EXISTING_METER;
            case INVALID_METER:
                return MeterFailReason.INVALID_METER;
            case UNKNOWN_METER:
                return MeterFailReason.INVALID_METER;
            case BAD_COMMAND:
                return MeterFailReason.UNKNOWN_COMMAND;
            case BAD_FLAGS:
                return MeterFailReason.UNKNOWN_FLAGS;
            case BAD_RATE:
                return MeterFailReason.BAD_RATE;
            case BAD_BURST:
                return MeterFailReason.BAD_BURST;
            case BAD_BAND:
                return MeterFailReason.BAD_BAND;
            case BAD_BAND_VALUE:
                return MeterFailReason.BAD_BAND_VALUE;
            case OUT_OF_METERS:
                return MeterFailReason.OUT_OF_METERS;
            case OUT_OF_BANDS:
                return MeterFailReason.OUT_OF_BANDS;
            default:
                return MeterFailReason.UNKNOWN;
        }
    }

    /**
     * Deletes every meter submitted through this service from the connected switches (clean shutdown).
     *
     * @param timeoutMillis how long to wait for the switches to confirm
     * @return number of meters deleted
     */
    public int removeAll(long timeoutMillis) {
        List<CompletableFuture<Void>> barriers = new ArrayList<>();
        int n = 0;
        for (Map.Entry<DeviceId, DeviceMeters> e : devices.entrySet()) {
            DeviceMeters d = e.getValue();
            SwitchConnection conn = switches.get(e.getKey());
            synchronized (d) {
                for (Rec rec : d.meters.values()) {
                    if (conn != null) {
                        send(conn, rec, OFMeterModCommand.DELETE);
                    }
                    post(MeterEvent.Type.METER_REMOVED, rec.view);
                    n++;
                }
                d.meters.clear();
                if (conn != null) {
                    barriers.add(conn.barrier());
                }
            }
        }
        try {
            CompletableFuture.allOf(barriers.toArray(new CompletableFuture<?>[0]))
                    .get(timeoutMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        } catch (Exception ex) {
            log.warn("not every switch confirmed the removal of the meters: {}", ex.getMessage());
        }
        return n;
    }

    // ---------------------------------------------------------------- resync and statistics

    /**
     * Reads a (re)connected switch's meters and makes them match the store: missing ones added,
     * different ones modified, withdrawn ones deleted, unknown ones kept for the grace period.
     *
     * @param conn switch
     * @return completes when the METER_MODs are queued (before any flow rule that uses them)
     */
    public CompletableFuture<Void> sync(SwitchConnection conn) {
        DeviceMeters d = dm(conn.deviceId());
        return conn.stats(factory.buildMeterConfigStatsRequest().setXid(conn.nextXid()).setMeterId(ALL).build())
                .handle((replies, err) -> {
                    Map<Long, OFMeterConfig> onSwitch = new TreeMap<>();
                    if (err != null) {
                        log.warn("{}: could not read meters at connect ({}); installing the stored ones",
                                conn.deviceId(), err.getMessage());
                    } else {
                        for (OFMeterConfigStatsReply r : replies) {
                            r.getEntries().forEach(c -> onSwitch.put(c.getMeterId(), c));
                        }
                    }
                    reconcile(conn, d, onSwitch);
                    return null;
                });
    }

    private void reconcile(SwitchConnection conn, DeviceMeters d, Map<Long, OFMeterConfig> onSwitch) {
        List<Rec> pending = new ArrayList<>();
        synchronized (d) {
            for (Rec rec : new ArrayList<>(d.meters.values())) {
                OFMeterConfig c = onSwitch.remove(rec.id);
                if (rec.state == MeterState.PENDING_REMOVE) {
                    if (c != null) {
                        send(conn, rec, OFMeterModCommand.DELETE);
                    }
                    removed(d, rec, rec.request);
                } else if (c == null) {
                    send(conn, rec, OFMeterModCommand.ADD);
                    rec.state = MeterState.PENDING_ADD;
                    pending.add(rec);
                } else if (!c.getFlags().equals(flags(rec.request)) || !c.getEntries().equals(bands(rec.request))) {
                    send(conn, rec, OFMeterModCommand.MODIFY);
                    rec.state = MeterState.PENDING_ADD;
                    pending.add(rec);
                } else if (rec.state != MeterState.ADDED) {
                    installed(rec);
                }
            }
            d.orphans.clear();
            d.orphans.putAll(onSwitch);
            d.orphansSince = conn.connectedAtMillis();
        }
        if (!pending.isEmpty()) {
            confirmOnBarrier(conn, d, pending);
        }
    }

    /**
     * Meter statistics of one switch; also deletes unowned meters once the grace period is over.
     *
     * @param conn switch
     */
    public void poll(SwitchConnection conn) {
        DeviceMeters d = devices.get(conn.deviceId());
        if (d == null) {
            return;
        }
        synchronized (d) {
            if (!d.orphans.isEmpty()
                    && System.currentTimeMillis() - d.orphansSince >= options.adoptionGrace().toMillis()) {
                for (OFMeterConfig c : d.orphans.values()) {
                    log.info("{}: deleting stale meter {} (nobody submitted it within {} s)", conn.deviceId(),
                            c.getMeterId(), options.adoptionGrace().toSeconds());
                    conn.send(factory.buildMeterMod().setXid(conn.nextXid()).setCommand(OFMeterModCommand.DELETE)
                            .setMeterId(c.getMeterId()).setFlags(EnumSet.noneOf(OFMeterFlags.class))
                            .setMeters(List.of()).build());
                }
                d.orphans.clear();
            }
            if (d.meters.isEmpty() || d.statsInFlight) {
                return;
            }
            d.statsInFlight = true;
        }
        conn.stats(factory.buildMeterStatsRequest().setXid(conn.nextXid()).setMeterId(ALL).build())
                .whenComplete((replies, err) -> {
                    synchronized (d) {
                        d.statsInFlight = false;
                        if (err != null) {
                            return;
                        }
                        for (OFMeterStatsReply r : replies) {
                            for (OFMeterStats s : r.getEntries()) {
                                Rec rec = d.meters.get(s.getMeterId());
                                if (rec != null) {
                                    rec.packets = s.getPacketInCount().getValue();
                                    rec.bytes = s.getByteInCount().getValue();
                                    rec.life = s.getDurationSec();
                                    rec.refCount = s.getFlowCount();
                                    rec.bandStats = List.copyOf(s.getBandStats());
                                    rec.refresh();
                                }
                            }
                        }
                    }
                });
    }
}
