package org.fwlb.l7.relay;

import org.fwlb.l7.backend.ConnectionPool;

import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/** Persistent relay connections to peer dispatchers: one bounded pool per peer relay address. */
public final class PeerPools {
    private final ConcurrentHashMap<InetSocketAddress, ConnectionPool> pools = new ConcurrentHashMap<>();
    private final Function<InetSocketAddress, ConnectionPool> factory;

    public PeerPools(Function<InetSocketAddress, ConnectionPool> factory) {
        this.factory = factory;
    }

    public ConnectionPool pool(PeerRef peer) {
        return pools.computeIfAbsent(peer.relay(), factory);
    }

    public Collection<ConnectionPool> all() {
        return pools.values();
    }

    public void closeAll() {
        pools.values().forEach(ConnectionPool::close);
    }
}
