package org.fwlb.bench;

import org.fwlb.api.FwlbTopologyListener;
import org.fwlb.api.FwlbTopologyService;
import org.fwlb.api.MemberStateService;
import org.fwlb.connection.impl.DistributedConnectionStore;
import org.fwlb.core.impl.MemberStateManager;
import org.fwlb.model.FwlbTopology;
import org.onosproject.event.Event;
import org.onosproject.event.EventDeliveryService;
import org.onosproject.event.EventSink;
import org.onosproject.store.service.StorageService;

import java.util.Collections;
import java.util.Set;

/**
 * The core's real components the decision reads and writes, wired outside ONOS: the connection table
 * (DistributedConnectionStore) and the member states (MemberStateManager), both on one storage service.
 */
final class CoreServices {

    final InMemoryStorageService storage;
    final DistributedConnectionStore connections;
    final MemberStateService states;

    CoreServices(StoreKind kind, FwlbTopology topology) {
        storage = kind.newStorage();
        connections = new Connections(storage);
        connections.setMaxConnections(topology.maxConnections());
        states = new States(storage, () -> topology);
    }

    /** The connection table, activated on a given storage. */
    private static final class Connections extends DistributedConnectionStore {
        Connections(StorageService s) {
            storageService = s;
            activate();
        }
    }

    /** The member states, activated on a given storage; events go nowhere (nobody listens here). */
    private static final class States extends MemberStateManager {
        States(StorageService s, TopologyOnly topology) {
            storageService = s;
            topologyService = topology;
            eventDispatcher = new NoEvents();
            activate();
        }
    }

    /** A topology service that only answers topology(). */
    @FunctionalInterface
    private interface TopologyOnly extends FwlbTopologyService {
        @Override
        default void addListener(FwlbTopologyListener listener) {
        }

        @Override
        default void removeListener(FwlbTopologyListener listener) {
        }
    }

    /** An event delivery service that drops events. */
    private static final class NoEvents implements EventDeliveryService {
        @Override
        public void setDispatchTimeLimit(long millis) {
        }

        @Override
        public long getDispatchTimeLimit() {
            return 0;
        }

        @Override
        public void post(Event event) {
        }

        @Override
        public <E extends Event> void addSink(Class<E> eventClass, EventSink<E> sink) {
        }

        @Override
        public <E extends Event> void removeSink(Class<E> eventClass) {
        }

        @Override
        public <E extends Event> EventSink<E> getSink(Class<E> eventClass) {
            return null;
        }

        @Override
        public Set<Class<? extends Event>> getSinks() {
            return Collections.emptySet();
        }
    }
}
