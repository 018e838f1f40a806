package org.fwlb.core.impl;

import org.fwlb.api.FwlbTopologyService;
import org.fwlb.api.MemberStateEvent;
import org.fwlb.api.MemberStateListener;
import org.fwlb.api.MemberStateService;
import org.fwlb.api.MemberStatus;
import org.fwlb.model.AdminState;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.HealthState;
import org.onlab.util.KryoNamespace;
import org.onosproject.event.AbstractListenerManager;
import org.onosproject.store.serializers.KryoNamespaces;
import org.onosproject.store.service.ConsistentMap;
import org.onosproject.store.service.MapEvent;
import org.onosproject.store.service.MapEventListener;
import org.onosproject.store.service.Serializer;
import org.onosproject.store.service.StorageService;
import org.onosproject.store.service.Versioned;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.slf4j.Logger;

import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

import static com.google.common.base.Preconditions.checkArgument;
import static org.slf4j.LoggerFactory.getLogger;

/**
 * Keeps the members' run-time status in a distributed map: every controller instance sees the same
 * drains, weights and health, and each change is announced to local listeners by the map's events.
 */
@Component(immediate = true, service = MemberStateService.class)
public class MemberStateManager extends AbstractListenerManager<MemberStateEvent, MemberStateListener>
        implements MemberStateService {

    /** Largest weight an operator may set. */
    public static final int MAX_WEIGHT = 10_000;

    private static final Serializer SERIALIZER = Serializer.using(KryoNamespace.newBuilder()
            .register(KryoNamespaces.API)
            .register(MemberStatus.class, AdminState.class, HealthState.class)
            .build("fwlb-member-state"));

    private final Logger log = getLogger(getClass());

    @Reference(cardinality = ReferenceCardinality.MANDATORY)
    protected StorageService storageService;

    @Reference(cardinality = ReferenceCardinality.MANDATORY)
    protected FwlbTopologyService topologyService;

    private ConsistentMap<String, MemberStatus> statuses;
    /** Local copy of the map, kept by its events: reads on the packet path never leave this instance. */
    private final Map<String, MemberStatus> cache = new java.util.concurrent.ConcurrentHashMap<>();
    private final MapEventListener<String, MemberStatus> mapListener = this::mapEvent;

    @Activate
    protected void activate() {
        eventDispatcher.addSink(MemberStateEvent.class, listenerRegistry);
        statuses = storageService.<String, MemberStatus>consistentMapBuilder()
                .withName("fwlb-member-status")
                .withSerializer(SERIALIZER)
                .build();
        statuses.addListener(mapListener);
        statuses.entrySet().forEach(e -> cache.put(e.getKey(), e.getValue().value()));
        log.info("Started");
    }

    @Deactivate
    protected void deactivate() {
        statuses.removeListener(mapListener);
        eventDispatcher.removeSink(MemberStateEvent.class);
        log.info("Stopped");
    }

    @Override
    public MemberStatus status(String memberId) {
        MemberStatus s = memberId == null ? null : cache.get(memberId);
        return s == null ? MemberStatus.initial() : s;
    }

    @Override
    public Map<String, MemberStatus> statuses() {
        return new HashMap<>(cache);
    }

    @Override
    public AdminState adminState(String memberId, AdminState configured) {
        AdminState o = status(memberId).adminOverride();
        return o == null ? configured : o;
    }

    @Override
    public int weight(String memberId, int configured) {
        int w = status(memberId).weightOverride();
        return w == MemberStatus.NO_WEIGHT ? configured : w;
    }

    @Override
    public void setAdminState(String memberId, AdminState state) {
        checkArgument(state != null, "admin state must be one of up, draining, down");
        checkKnown(memberId);
        update(memberId, s -> s.withAdminOverride(state));
    }

    @Override
    public void setWeight(String memberId, int weight) {
        checkKnown(memberId);
        checkArgument(weight >= 0 && weight <= MAX_WEIGHT,
                      "weight %s of %s is out of range 0..%s (0: no share of new connections)", weight, memberId,
                      MAX_WEIGHT);
        update(memberId, s -> s.withWeightOverride(weight));
    }

    @Override
    public void clearOverrides(String memberId) {
        checkKnown(memberId);
        update(memberId, s -> s.withAdminOverride(null).withWeightOverride(MemberStatus.NO_WEIGHT));
    }

    @Override
    public void reportHealth(String memberId, HealthState health) {
        Versioned<MemberStatus> v = statuses.get(memberId);
        HealthState stored = v == null ? HealthState.UP : v.value().health();
        if (stored != health) {
            update(memberId, s -> s.withHealth(health));
        }
    }

    private void update(String memberId, UnaryOperator<MemberStatus> change) {
        statuses.compute(memberId, (id, old) -> {
            MemberStatus next = change.apply(old == null ? MemberStatus.initial() : old);
            return next.equals(MemberStatus.initial()) ? null : next;
        });
    }

    private void checkKnown(String memberId) {
        FwlbTopology t = topologyService.topology();
        boolean known = memberId != null && (t.firewallPosition(memberId) >= 0 || t.isServer(memberId)
                || t.isDispatcher(memberId));
        checkArgument(known, "unknown member id: %s (not a firewall, dispatcher or server of the config in force)",
                      memberId);
    }

    private void mapEvent(MapEvent<String, MemberStatus> e) {
        MemberStatus before = e.oldValue() == null ? MemberStatus.initial() : e.oldValue().value();
        MemberStatus after = e.newValue() == null ? MemberStatus.initial() : e.newValue().value();
        if (e.newValue() == null) {
            cache.remove(e.key());
        } else {
            cache.put(e.key(), after);
        }
        if (!before.equals(after)) {
            post(new MemberStateEvent(e.key(), before, after));
        }
    }
}
