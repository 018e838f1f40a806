package org.fwlb.connection.impl;

import com.google.common.collect.ImmutableList;
import org.fwlb.connection.ConnectionEvent;
import org.fwlb.connection.ConnectionSerializer;
import org.fwlb.connection.ConnectionStore;
import org.fwlb.connection.ConnectionStoreDelegate;
import org.fwlb.connection.PinResult;
import org.fwlb.model.ConnectionEntry;
import org.fwlb.model.ConnectionKey;
import org.fwlb.model.ConnectionPath;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.TcpState;
import org.onosproject.store.AbstractStore;
import org.onosproject.store.service.ConsistentMap;
import org.onosproject.store.service.MapEvent;
import org.onosproject.store.service.MapEventListener;
import org.onosproject.store.service.StorageService;
import org.onosproject.store.service.Versioned;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.slf4j.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static org.slf4j.LoggerFactory.getLogger;

/**
 * Connection table on an ONOS {@link ConsistentMap}, shared by every instance of a cluster. Pins use
 * putIfAbsent (first writer wins); state changes use conditional compute; counts and size are derived
 * from map events (so every instance converges on the same numbers); events go to the delegate.
 * The cap is checked against the derived size: in a cluster, concurrent pins on several instances can
 * overshoot it by the number of events in flight.
 */
@Component(immediate = true, service = ConnectionStore.class)
public class DistributedConnectionStore extends AbstractStore<ConnectionEvent, ConnectionStoreDelegate>
        implements ConnectionStore {
    /** Name of the distributed map. */
    public static final String MAP_NAME = "fwlb-connections";

    private static final int REMOVE_ATTEMPTS = 3;

    private final Logger log = getLogger(getClass());

    /** Storage service providing the distributed map. */
    @Reference(cardinality = ReferenceCardinality.MANDATORY)
    protected StorageService storageService;

    /** Clock for state-change timestamps; replaceable in tests. */
    protected LongSupplier clock = System::currentTimeMillis;

    private final MemberCounts counts = new MemberCounts();
    private final MapEventListener<ConnectionKey, ConnectionEntry> listener = this::onMapEvent;
    private ConsistentMap<ConnectionKey, ConnectionEntry> connections;
    private volatile int maxConnections = FwlbTopology.DEFAULT_MAX_CONNECTIONS;

    /**
     * Opens the distributed map and derives the counts from what it already holds.
     */
    @Activate
    public void activate() {
        connections = storageService.<ConnectionKey, ConnectionEntry>consistentMapBuilder()
                .withName(MAP_NAME)
                .withSerializer(ConnectionSerializer.SERIALIZER)
                .build();
        // listener first, then the scan: MemberCounts is idempotent, so nothing is lost or counted twice
        connections.addListener(listener);
        for (Map.Entry<ConnectionKey, Versioned<ConnectionEntry>> e : connections.entrySet()) {
            counts.present(e.getKey(), e.getValue().value().path());
        }
        log.info("Started; {} connections pinned", counts.total());
    }

    /**
     * Stops listening; the distributed map and its content stay for the other instances.
     */
    @Deactivate
    public void deactivate() {
        if (connections != null) {
            connections.removeListener(listener);
        }
        counts.clear();
        log.info("Stopped");
    }

    private void onMapEvent(MapEvent<ConnectionKey, ConnectionEntry> event) {
        ConnectionEntry now = Versioned.valueOrNull(event.newValue());
        ConnectionEntry before = Versioned.valueOrNull(event.oldValue());
        switch (event.type()) {
            case INSERT:
                counts.present(event.key(), now.path());
                notifyDelegate(new ConnectionEvent(ConnectionEvent.Type.PINNED, now, null));
                break;
            case UPDATE:
                counts.present(event.key(), now.path());
                if (before != null && before.state() != now.state()) {
                    notifyDelegate(new ConnectionEvent(ConnectionEvent.Type.STATE_CHANGED, now, before));
                }
                if (before != null && !before.path().equals(now.path())) {
                    notifyDelegate(new ConnectionEvent(ConnectionEvent.Type.PATH_CHANGED, now, before));
                }
                break;
            case REMOVE:
                counts.absent(event.key());
                if (before != null) {
                    notifyDelegate(new ConnectionEvent(ConnectionEvent.Type.REMOVED, before, null));
                }
                break;
            default:
                break;
        }
    }

    @Override
    public PinResult pin(ConnectionEntry entry) {
        checkNotNull(entry, "entry");
        if (counts.total() >= maxConnections) {
            ConnectionEntry existing = get(entry.key());
            return existing != null ? PinResult.duplicate(existing) : PinResult.tableFull(maxConnections);
        }
        Versioned<ConnectionEntry> prev = connections.putIfAbsent(entry.key(), entry);
        return prev == null ? PinResult.pinned(entry) : PinResult.duplicate(prev.value());
    }

    @Override
    public ConnectionEntry get(ConnectionKey key) {
        return Versioned.valueOrNull(connections.get(key));
    }

    @Override
    public ConnectionEntry markOpening(ConnectionKey key) {
        long now = clock.getAsLong();
        return Versioned.valueOrNull(connections.computeIf(key, e -> e != null && e.state() == TcpState.SYN_SEEN,
                                                          (k, e) -> e.withState(TcpState.OPENING, now)));
    }

    @Override
    public ConnectionEntry markEstablished(ConnectionKey key) {
        long now = clock.getAsLong();
        return Versioned.valueOrNull(connections.computeIf(
                key, e -> e != null && (e.state() == TcpState.SYN_SEEN || e.state() == TcpState.OPENING),
                (k, e) -> e.withState(TcpState.ESTABLISHED, now)));
    }

    @Override
    public ConnectionEntry markClosing(ConnectionKey key) {
        long now = clock.getAsLong();
        return Versioned.valueOrNull(connections.computeIf(key, e -> e != null && e.state() != TcpState.CLOSING,
                                                          (k, e) -> e.withState(TcpState.CLOSING, now)));
    }

    @Override
    public ConnectionEntry markFin(ConnectionKey key, boolean fromClient) {
        long now = clock.getAsLong();
        TcpState own = fromClient ? TcpState.FIN_FROM_CLIENT : TcpState.FIN_FROM_SERVER;
        TcpState peer = fromClient ? TcpState.FIN_FROM_SERVER : TcpState.FIN_FROM_CLIENT;
        Versioned<ConnectionEntry> v = connections.computeIf(
                key, e -> e != null && e.state() != TcpState.CLOSING && e.state() != own,
                (k, e) -> e.withState(e.state() == peer ? TcpState.CLOSING : own, now));
        if (v != null) {
            return v.value();
        }
        Versioned<ConnectionEntry> cur = connections.get(key);
        return cur == null ? null : cur.value();
    }

    @Override
    public ConnectionEntry touch(ConnectionKey key, long nowMillis) {
        return Versioned.valueOrNull(connections.computeIf(key, e -> e != null && e.lastSeenMillis() < nowMillis,
                                                          (k, e) -> e.withLastSeen(nowMillis)));
    }

    @Override
    public ConnectionEntry updateCounters(ConnectionKey key, long packets, long bytes, long nowMillis) {
        return Versioned.valueOrNull(connections.computeIf(
                key, e -> e != null && (e.packets() != packets || e.bytes() != bytes || e.lastSeenMillis() < nowMillis),
                (k, e) -> e.withCounters(packets, bytes, nowMillis)));
    }

    @Override
    public ConnectionEntry updatePath(ConnectionKey key, UnaryOperator<ConnectionPath> change) {
        checkNotNull(change, "change");
        return Versioned.valueOrNull(connections.computeIf(key, e -> e != null,
                (k, e) -> e.withPath(checkNotNull(change.apply(e.path()), "new path"))));
    }

    @Override
    public ConnectionEntry remove(ConnectionKey key) {
        return Versioned.valueOrNull(connections.remove(key));
    }

    @Override
    public List<ConnectionEntry> removeIf(Predicate<ConnectionEntry> predicate) {
        checkNotNull(predicate, "predicate");
        List<ConnectionEntry> removed = new ArrayList<>();
        // iterate a snapshot: removal must not disturb the iteration
        for (Map.Entry<ConnectionKey, Versioned<ConnectionEntry>> e : new ArrayList<>(connections.entrySet())) {
            Versioned<ConnectionEntry> v = e.getValue();
            for (int attempt = 0; v != null && attempt < REMOVE_ATTEMPTS && predicate.test(v.value()); attempt++) {
                // versioned remove: an entry that changed meanwhile is re-checked, not removed blindly
                if (connections.remove(e.getKey(), v.version())) {
                    removed.add(v.value());
                    break;
                }
                v = connections.get(e.getKey());
            }
        }
        return removed;
    }

    @Override
    public List<ConnectionEntry> removeByMember(String memberId) {
        checkNotNull(memberId, "memberId");
        return removeIf(e -> e.path().involves(memberId));
    }

    @Override
    public List<ConnectionEntry> expireIdle(long nowMillis, long idleMillis) {
        checkArgument(idleMillis >= 0, "idleMillis must be >= 0");
        return removeIf(e -> nowMillis - e.lastSeenMillis() >= idleMillis);
    }

    @Override
    public int connectionCount(String memberId) {
        return counts.count(memberId);
    }

    @Override
    public Map<String, Integer> connectionCounts() {
        return counts.snapshot();
    }

    @Override
    public int size() {
        return counts.total();
    }

    @Override
    public int maxConnections() {
        return maxConnections;
    }

    @Override
    public void setMaxConnections(int max) {
        checkArgument(max >= 1, "maxConnections must be >= 1, got %s", max);
        maxConnections = max;
    }

    @Override
    public List<ConnectionEntry> connections(Predicate<ConnectionEntry> filter) {
        checkNotNull(filter, "filter");
        ImmutableList.Builder<ConnectionEntry> b = ImmutableList.builder();
        for (Versioned<ConnectionEntry> v : connections.values()) {
            if (filter.test(v.value())) {
                b.add(v.value());
            }
        }
        return b.build();
    }
}
