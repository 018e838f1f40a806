package org.fwlb.runtime.core;

import org.onosproject.cluster.ClusterEvent;
import org.onosproject.cluster.ClusterEventListener;
import org.onosproject.cluster.ClusterService;
import org.onosproject.cluster.ControllerNode;
import org.onosproject.cluster.DefaultControllerNode;
import org.onosproject.cluster.Node;
import org.onosproject.cluster.NodeId;
import org.onosproject.core.Version;
import org.onosproject.event.ListenerRegistry;
import org.onlab.packet.IpAddress;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * ClusterService of a one-node cluster: the local node is the only node, always READY. Cluster events
 * never happen; listeners are kept as ONOS does.
 */
public final class SingleNodeClusterService implements ClusterService {

    /** Default node id (a single-node ONOS without cluster.json uses its address). */
    public static final NodeId DEFAULT_NODE = NodeId.nodeId("127.0.0.1");

    private final ControllerNode local;
    private final Instant since = Instant.now();
    private final ListenerRegistry<ClusterEvent, ClusterEventListener> listeners = new ListenerRegistry<>();

    /**
     * @param id node id
     * @param ip node address
     */
    public SingleNodeClusterService(NodeId id, IpAddress ip) {
        this.local = new DefaultControllerNode(id, ip);
    }

    /** The default node: id and address 127.0.0.1. */
    public SingleNodeClusterService() {
        this(DEFAULT_NODE, IpAddress.valueOf("127.0.0.1"));
    }

    @Override
    public ControllerNode getLocalNode() {
        return local;
    }

    @Override
    public Set<ControllerNode> getNodes() {
        return Set.of(local);
    }

    @Override
    public Set<Node> getConsensusNodes() {
        return Set.of(local);
    }

    @Override
    public ControllerNode getNode(NodeId nodeId) {
        return Objects.equals(nodeId, local.id()) ? local : null;
    }

    @Override
    public ControllerNode.State getState(NodeId nodeId) {
        return Objects.equals(nodeId, local.id()) ? ControllerNode.State.READY : null;
    }

    @Override
    public Version getVersion(NodeId nodeId) {
        return Objects.equals(nodeId, local.id()) ? RuntimeCoreService.VERSION : null;
    }

    @Override
    public Instant getLastUpdatedInstant(NodeId nodeId) {
        return Objects.equals(nodeId, local.id()) ? since : null;
    }

    @Override
    public void addListener(ClusterEventListener listener) {
        listeners.addListener(listener);
    }

    @Override
    public void removeListener(ClusterEventListener listener) {
        listeners.removeListener(listener);
    }
}
