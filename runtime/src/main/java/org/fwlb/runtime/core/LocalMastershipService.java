package org.fwlb.runtime.core;

import com.google.common.collect.ImmutableMap;
import org.onosproject.cluster.ClusterService;
import org.onosproject.cluster.NodeId;
import org.onosproject.cluster.RoleInfo;
import org.onosproject.event.ListenerRegistry;
import org.onosproject.mastership.MastershipEvent;
import org.onosproject.mastership.MastershipInfo;
import org.onosproject.mastership.MastershipListener;
import org.onosproject.mastership.MastershipService;
import org.onosproject.net.DeviceId;
import org.onosproject.net.MastershipRole;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * MastershipService of a one-node cluster: the local node is MASTER of every device. When a device is
 * first seen ({@link #deviceConnected(DeviceId)}, wired to DeviceService events) a MASTER_CHANGED event is
 * posted, as ONOS elects a master when a device connects. Relinquishing mastership is not supported:
 * there is no other node to take it.
 */
public final class LocalMastershipService implements MastershipService {

    private final ClusterService cluster;
    private final EventDispatcher dispatcher;
    private final ListenerRegistry<MastershipEvent, MastershipListener> listeners = new ListenerRegistry<>();
    private final Set<DeviceId> known = new LinkedHashSet<>();

    /**
     * @param cluster    the (one-node) cluster
     * @param dispatcher where events are delivered
     */
    public LocalMastershipService(ClusterService cluster, EventDispatcher dispatcher) {
        this.cluster = cluster;
        this.dispatcher = dispatcher;
    }

    private NodeId local() {
        return cluster.getLocalNode().id();
    }

    /**
     * A device connected: the local node becomes its master (MASTER_CHANGED the first time).
     *
     * @param deviceId the device
     */
    public void deviceConnected(DeviceId deviceId) {
        boolean added;
        synchronized (known) {
            added = known.add(deviceId);
        }
        if (added) {
            dispatcher.post(listeners, new MastershipEvent(MastershipEvent.Type.MASTER_CHANGED, deviceId,
                                                           getMastershipFor(deviceId)));
        }
    }

    @Override
    public MastershipRole getLocalRole(DeviceId deviceId) {
        return MastershipRole.MASTER;
    }

    @Override
    public CompletableFuture<MastershipRole> requestRoleFor(DeviceId deviceId) {
        deviceConnected(deviceId);
        return CompletableFuture.completedFuture(MastershipRole.MASTER);
    }

    @Override
    public CompletableFuture<Void> relinquishMastership(DeviceId deviceId) {
        throw new UnsupportedOperationException("MastershipService.relinquishMastership is not supported by the"
                + " fwlb runtime: a one-node cluster has no other node to take mastership of " + deviceId);
    }

    @Override
    public NodeId getMasterFor(DeviceId deviceId) {
        return local();
    }

    @Override
    public RoleInfo getNodesFor(DeviceId deviceId) {
        return new RoleInfo(local(), List.of());
    }

    @Override
    public MastershipInfo getMastershipFor(DeviceId deviceId) {
        return new MastershipInfo(1, Optional.of(local()), ImmutableMap.of(local(), MastershipRole.MASTER));
    }

    @Override
    public Set<DeviceId> getDevicesOf(NodeId nodeId) {
        if (!local().equals(nodeId)) {
            return Set.of();
        }
        synchronized (known) {
            return Set.copyOf(known);
        }
    }

    @Override
    public void addListener(MastershipListener listener) {
        listeners.addListener(listener);
    }

    @Override
    public void removeListener(MastershipListener listener) {
        listeners.removeListener(listener);
    }
}
