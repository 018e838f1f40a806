package org.fwlb.runtime.openflow.meter;

import org.fwlb.runtime.openflow.EventDispatcher;
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
import org.projectfloodlight.openflow.protocol.OFErrorType;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFMeterBandStats;
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

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@link MeterService} over OpenFlow 1.3 METER_MOD with the semantics of ONOS 2.7's MeterManager
 * ({@code core/net/.../meter/impl/MeterManager.java}), DistributedMeterStore
 * ({@code core/store/dist/.../meter/impl/DistributedMeterStore.java}) and OpenFlowMeterProvider
 * ({@code providers/openflow/meter/.../impl/OpenFlowMeterProvider.java}):
 * <ul>
 *   <li>{@code submit} returns the meter at once (PENDING_ADD) and sends METER_MOD ADD; METER_ADDED and
 *       the context's {@code onSuccess} come from the first meter statistics poll that shows it
 *       (polls 1 s after a switch connects, then every {@code meterStatsPollInterval}, 10 s);</li>
 *   <li>ids: a freed id first, else the next of a per-device counter from 1; an index in the request is
 *       refused (userDefinedIndex is off); a device that is not connected has no meter features: no id;</li>
 *   <li>{@code withdraw} marks the meter PENDING_REMOVE, sends METER_MOD DELETE and asks for meter
 *       statistics at once (forceStatsAfterMeterRemoval); the poll purges it: METER_REMOVED, context
 *       {@code onSuccess}, id reusable; withdrawing an unknown meter succeeds at once;</li>
 *   <li>each poll re-sends meters missing on the switch, deletes meters the store does not know, and
 *       posts METER_REFERENCE_COUNT_ZERO for installed meters no flow uses;</li>
 *   <li>a METER_MOD_FAILED answer to an ADD calls the context's {@code onError}; the meter stays
 *       (PENDING_ADD) and is re-sent by the next poll;</li>
 *   <li>METER_ADD_REQ / METER_REM_REQ are store-internal in ONOS: applications never see them.</li>
 * </ul>
 */
public final class MeterManager implements MeterService {
    private static final Logger log = LoggerFactory.getLogger(MeterManager.class);
    private static final long ALL = 0xffffffffL;

    private final Switches switches;
    private final EventDispatcher events;
    private final ScheduledExecutorService scheduler;
    private final Duration pollInterval;
    private final boolean automaticPolling;
    private final OFFactory factory = OFFactories.getFactory(OFVersion.OF_13);
    private final ListenerRegistry<MeterEvent, MeterListener> listeners = new ListenerRegistry<>();
    private final Map<DeviceId, DeviceMeters> devices = new ConcurrentHashMap<>();
    private final Map<DeviceId, ScheduledFuture<?>> collectors = new ConcurrentHashMap<>();

    /**
     * @param switches         connected switches
     * @param events           event and callback delivery
     * @param scheduler        timer of the statistics polls
     * @param pollInterval     meterStatsPollInterval
     * @param automaticPolling false: polls only through {@link #pollNow} (tests)
     */
    public MeterManager(Switches switches, EventDispatcher events, ScheduledExecutorService scheduler,
                        Duration pollInterval, boolean automaticPolling) {
        this.switches = switches;
        this.events = events;
        this.scheduler = scheduler;
        this.pollInterval = pollInterval;
        this.automaticPolling = automaticPolling;
    }

    /** The meters of one device and its id allocation. Guarded by itself. */
    private static final class DeviceMeters {
        final Map<Long, Rec> meters = new TreeMap<>();
        final TreeSet<Long> reusable = new TreeSet<>();
        long nextId = 1;
        /** METER_MOD ADD xids awaiting a possible error (OpenFlowMeterProvider's pendingOperations). */
        final Map<Long, Rec> pendingAdds = new ConcurrentHashMap<>();
    }

    private static final class Rec {
        final DeviceId deviceId;
        final MeterRequest request;
        final long id;
        MeterState state = MeterState.PENDING_ADD;
        /** The request whose context is told the outcome (DistributedMeterStore's futures, by meter key). */
        MeterRequest waiting;
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
            this.waiting = request;
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
            if (request.annotations() != null && !request.annotations().keys().isEmpty()) {
                mb.withAnnotations(request.annotations());
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

    private void succeeded(MeterRequest request) {
        if (request != null) {
            request.context().ifPresent(c -> events.operation("MeterContext.onSuccess", () -> c.onSuccess(request)));
        }
    }

    private void failed(MeterRequest request, MeterFailReason reason) {
        if (request != null) {
            request.context().ifPresent(c -> events.operation("MeterContext.onError", () -> c.onError(request, reason)));
        }
    }

    // ---------------------------------------------------------------- requests

    @Override
    public Meter submit(MeterRequest request) {
        validate(request);
        if (request.index().isPresent()) {
            throw new IllegalArgumentException("Index cannot be provided when userDefinedIndex mode is disabled");
        }
        DeviceId dev = request.deviceId();
        DeviceMeters d = dm(dev);
        Rec rec;
        synchronized (d) {
            long id = allocate(d, dev);
            rec = new Rec(dev, request, id);
            d.meters.put(id, rec);
            SwitchConnection conn = switches.get(dev);
            if (conn != null) {
                sendAdd(conn, d, rec);
            }
        }
        return rec.view;
    }

    private static void validate(MeterRequest r) {
        Objects.requireNonNull(r, "request cannot be null.");
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

    /** DistributedMeterStore.allocateMeterId: a freed id first, else the device's counter. */
    private long allocate(DeviceMeters d, DeviceId dev) {
        Long reuse = d.reusable.pollFirst();
        if (reuse != null) {
            return reuse;
        }
        if (switches.get(dev) == null) {
            // no meter features (they come with the switch's handshake and go at its disconnection) and
            // no MeterQuery behaviour in the ovs/default drivers: ONOS has no id, DefaultMeter.build throws
            throw new IllegalArgumentException("Must specify a cell id. (no meter id for " + dev
                    + ": the device is not connected, its meter features are unknown)");
        }
        if (d.nextId > MeterId.MAX) {
            throw new IllegalArgumentException("Must specify a cell id. (no free meter id on " + dev + ")");
        }
        return d.nextId++;
    }

    @Override
    public void withdraw(MeterRequest request, MeterId meterId) {
        withdraw(request, (MeterCellId) meterId);
    }

    @Override
    public void withdraw(MeterRequest request, MeterCellId meterCellId) {
        Objects.requireNonNull(request, "request cannot be null.");
        Objects.requireNonNull(meterCellId, "meter id");
        if (!(meterCellId instanceof MeterId)) {
            throw new IllegalArgumentException("meter cell " + meterCellId + " is not an OpenFlow meter id");
        }
        DeviceId dev = Objects.requireNonNull(request.deviceId(), "meter request without a device");
        DeviceMeters d = dm(dev);
        synchronized (d) {
            Rec rec = d.meters.get(((MeterId) meterCellId).id());
            if (rec == null) {
                succeeded(request); // DistributedMeterStore.deleteMeter: not in the system, completes at once
                return;
            }
            rec.waiting = request;
            if (rec.state == MeterState.PENDING_REMOVE) {
                return;
            }
            rec.state = MeterState.PENDING_REMOVE;
            rec.refresh();
            SwitchConnection conn = switches.get(dev);
            if (conn != null) {
                sendDelete(conn, rec.id);
                // forceStatsAfterMeterRemoval (default true): a statistics request right after the DELETE
                pollNow(dev);
            }
        }
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
            try {
                return MeterId.meterId(allocate(d, deviceId));
            } catch (IllegalArgumentException e) {
                return null; // DistributedMeterStore.allocateMeterId answers null
            }
        }
    }

    @Override
    public void freeMeterId(DeviceId deviceId, MeterId meterId) {
        DeviceMeters d = dm(deviceId);
        synchronized (d) {
            free(d, meterId.id());
        }
    }

    /** DistributedMeterStore.freeMeterId: only ids the counter handed out become reusable. */
    private static void free(DeviceMeters d, long id) {
        if (id < d.nextId) {
            d.reusable.add(id);
        }
    }

    /** DistributedMeterStore.purgeMeters: each meter leaves the store (METER_REMOVED), its id is freed. */
    @Override
    public void purgeMeters(DeviceId deviceId) {
        purge(deviceId, r -> true);
    }

    @Override
    public void purgeMeters(DeviceId deviceId, ApplicationId appId) {
        purge(deviceId, r -> r.request.appId().equals(appId));
    }

    private void purge(DeviceId deviceId, java.util.function.Predicate<Rec> which) {
        DeviceMeters d = devices.get(deviceId);
        if (d != null) {
            synchronized (d) {
                for (Rec r : new ArrayList<>(d.meters.values())) {
                    if (which.test(r)) {
                        purgeMeter(d, r);
                    }
                }
            }
        }
    }

    private void purgeMeter(DeviceMeters d, Rec rec) {
        if (d.meters.remove(rec.id, rec)) {
            free(d, rec.id);
            succeeded(rec.waiting);
            rec.waiting = null;
            post(MeterEvent.Type.METER_REMOVED, rec.view);
        }
    }

    // ---------------------------------------------------------------- wire

    private void sendAdd(SwitchConnection conn, DeviceMeters d, Rec rec) {
        long xid = conn.nextXid();
        d.pendingAdds.put(xid, rec);
        conn.send(factory.buildMeterMod().setXid(xid).setCommand(OFMeterModCommand.ADD).setMeterId(rec.id)
                .setFlags(flags(rec.request)).setMeters(bands(rec.request)).build());
    }

    private void sendDelete(SwitchConnection conn, long id) {
        conn.send(factory.buildMeterMod().setXid(conn.nextXid()).setCommand(OFMeterModCommand.DELETE).setMeterId(id)
                .setFlags(EnumSet.noneOf(OFMeterFlags.class)).setMeters(List.of()).build());
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

    /**
     * A switch rejected a message: a METER_MOD_FAILED answering an ADD fails its request (the meter
     * stays in the store, PENDING_ADD, and is re-sent by the next poll).
     *
     * @param conn    switch
     * @param error   error
     * @param request rejected message
     */
    public void switchError(SwitchConnection conn, OFErrorMsg error, OFMessage request) {
        if (error.getErrType() != OFErrorType.METER_MOD_FAILED) {
            return;
        }
        DeviceMeters d = devices.get(conn.deviceId());
        if (d == null) {
            return;
        }
        Rec rec = d.pendingAdds.remove(error.getXid());
        if (rec == null) {
            log.warn("Unknown Meter operation failed {}", Messages.describeError(error));
            return;
        }
        synchronized (d) {
            MeterFailReason reason = reason(error);
            log.warn("meter {} on {} failed: {}", rec.id, conn.deviceId(), Messages.describeError(error));
            if (d.meters.get(rec.id) == rec && rec.state == MeterState.PENDING_ADD) {
                failed(rec.waiting, reason);
                rec.waiting = null;
            }
        }
    }

    private static MeterFailReason reason(OFErrorMsg error) {
        switch (((OFMeterModFailedErrorMsg) error).getCode()) {
            case UNKNOWN:
                return MeterFailReason.UNKNOWN_DEVICE;
            case METER_EXISTS:
                return MeterFailReason.EXISTING_METER;
            case INVALID_METER:
                return MeterFailReason.INVALID_METER;
            case UNKNOWN_METER:
                return MeterFailReason.UNKNOWN;
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
     * Deletes every meter of the store from the connected switches (clean shutdown of the runtime; no
     * events).
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
                if (conn != null && !d.meters.isEmpty()) {
                    d.meters.keySet().forEach(id -> sendDelete(conn, id));
                    barriers.add(conn.barrier());
                }
                n += d.meters.size();
                d.meters.clear();
            }
        }
        try {
            CompletableFuture.allOf(barriers.toArray(new CompletableFuture<?>[0]))
                    .get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        } catch (Exception ex) {
            log.warn("not every switch confirmed the removal of the meters: {}", ex.getMessage());
        }
        return n;
    }

    // ---------------------------------------------------------------- statistics

    /**
     * A switch connected: the meter statistics collector starts (first poll after 1 s).
     *
     * @param conn      switch
     * @param firstPoll delay of the first poll
     */
    public void switchConnected(SwitchConnection conn, Duration firstPoll) {
        dm(conn.deviceId());
        if (automaticPolling) {
            ScheduledFuture<?> f = scheduler.scheduleAtFixedRate(() -> pollNow(conn.deviceId()),
                    firstPoll.toMillis(), pollInterval.toMillis(), TimeUnit.MILLISECONDS);
            ScheduledFuture<?> old = collectors.put(conn.deviceId(), f);
            if (old != null) {
                old.cancel(false);
            }
        }
    }

    /**
     * A switch went away: its collector stops (the meters stay in the store).
     *
     * @param conn the closed connection
     */
    public void switchDisconnected(SwitchConnection conn) {
        ScheduledFuture<?> f = collectors.remove(conn.deviceId());
        if (f != null) {
            f.cancel(false);
        }
    }

    /**
     * Requests the meter statistics of a switch now.
     *
     * @param deviceId device
     * @return completes once the reply was processed (fails if not connected)
     */
    public CompletableFuture<Void> pollNow(DeviceId deviceId) {
        SwitchConnection conn = switches.get(deviceId);
        if (conn == null) {
            return CompletableFuture.failedFuture(new IllegalStateException(deviceId + " is not connected"));
        }
        return conn.stats(factory.buildMeterStatsRequest().setXid(conn.nextXid()).setMeterId(ALL).build())
                .thenAccept(replies -> {
                    List<OFMeterStats> stats = new ArrayList<>();
                    for (OFMeterStatsReply r : replies) {
                        stats.addAll(r.getEntries());
                    }
                    pushMeterMetrics(conn, stats);
                }).whenComplete((v, e) -> {
                    if (e != null) {
                        log.debug("{}: meter statistics failed: {}", deviceId, e.getMessage());
                    }
                });
    }

    /** MeterManager.pushMeterMetrics and DistributedMeterStore's reaction to it. */
    private void pushMeterMetrics(SwitchConnection conn, List<OFMeterStats> stats) {
        DeviceMeters d = dm(conn.deviceId());
        synchronized (d) {
            if (switches.get(conn.deviceId()) != conn) {
                return;
            }
            Map<Long, OFMeterStats> onSwitch = new TreeMap<>();
            stats.forEach(s -> onSwitch.put(s.getMeterId(), s));
            List<Rec> all = new ArrayList<>(d.meters.values());
            // meters defined in ONOS and missing in the device: reinstall
            for (Rec rec : all) {
                if ((rec.state == MeterState.PENDING_ADD || rec.state == MeterState.ADDED) && !onSwitch.containsKey(rec.id)) {
                    log.debug("{}: adding meter {} missing in the device", conn.deviceId(), rec.id);
                    sendAdd(conn, d, rec);
                }
            }
            // meters in the device and not in ONOS: remove
            for (Long id : onSwitch.keySet()) {
                if (!d.meters.containsKey(id)) {
                    log.debug("{}: removing meter {} that is in the device but not in ONOS", conn.deviceId(), id);
                    sendDelete(conn, id);
                }
            }
            // stats update (PENDING_ADD -> ADDED the first time)
            List<Rec> added = new ArrayList<>();
            for (OFMeterStats s : onSwitch.values()) {
                Rec rec = d.meters.get(s.getMeterId());
                if (rec == null) {
                    continue;
                }
                MeterState before = rec.state;
                if (rec.state == MeterState.PENDING_ADD) {
                    rec.state = MeterState.ADDED;
                }
                rec.packets = s.getPacketInCount().getValue();
                rec.bytes = s.getByteInCount().getValue();
                rec.life = s.getDurationSec();
                rec.refCount = s.getFlowCount();
                rec.bandStats = List.copyOf(s.getBandStats());
                rec.refresh();
                d.pendingAdds.values().removeIf(r -> r == rec);
                switch (rec.state) {
                    case ADDED:
                        added.add(rec);
                        if (before == MeterState.PENDING_ADD) {
                            succeeded(rec.waiting);
                            rec.waiting = null;
                            post(MeterEvent.Type.METER_ADDED, rec.view);
                        } else if (rec.refCount == 0) {
                            post(MeterEvent.Type.METER_REFERENCE_COUNT_ZERO, rec.view);
                        }
                        break;
                    case PENDING_REMOVE:
                        sendDelete(conn, rec.id); // the store's update re-requests the removal
                        break;
                    default:
                        break;
                }
            }
            // the meters being removed go, whether or not the device still shows them
            for (Rec rec : all) {
                if (!added.contains(rec) && rec.state == MeterState.PENDING_REMOVE) {
                    log.debug("{}: delete meter {} now in store", conn.deviceId(), rec.id);
                    purgeMeter(d, rec);
                }
            }
        }
    }
}
