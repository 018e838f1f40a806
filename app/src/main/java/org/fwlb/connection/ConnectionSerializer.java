package org.fwlb.connection;

import org.fwlb.model.ConnectionEntry;
import org.fwlb.model.ConnectionKey;
import org.fwlb.model.ConnectionPath;
import org.fwlb.model.FlowKey;
import org.fwlb.model.PathTag;
import org.fwlb.model.TcpState;
import org.onlab.util.KryoNamespace;
import org.onosproject.store.serializers.KryoNamespaces;
import org.onosproject.store.service.Serializer;

/**
 * Kryo registrations of every type the connection table stores, on top of ONOS's API namespace.
 */
public final class ConnectionSerializer {
    /** The namespace: KryoNamespaces.API plus the fwlb connection types. */
    public static final KryoNamespace NAMESPACE = KryoNamespace.newBuilder()
            .register(KryoNamespaces.API)
            .nextId(KryoNamespaces.BEGIN_USER_CUSTOM_ID)
            .register(ConnectionKey.class, FlowKey.class, ConnectionPath.class, PathTag.class, TcpState.class,
                      ConnectionEntry.class)
            .build("fwlb-connections");

    /** Serializer for ConsistentMap builders. */
    public static final Serializer SERIALIZER = Serializer.using(NAMESPACE);

    private ConnectionSerializer() {
    }
}
