package org.fwlb.model;

import com.google.common.base.MoreObjects;

import java.util.Objects;

import static com.google.common.base.Preconditions.checkNotNull;

/**
 * A pinned connection as kept in the connection table: its key, its original direction (the SYN's),
 * its path, TCP state, timestamps, the app that owns it and optional packet/byte counters.
 */
public final class ConnectionEntry {
    private final ConnectionKey key;
    private final FlowKey flow;
    private final ConnectionPath path;
    private final TcpState state;
    private final long createdMillis;
    private final long lastSeenMillis;
    private final String appName;
    private final long packets;
    private final long bytes;

    private ConnectionEntry(FlowKey flow, ConnectionPath path, TcpState state, long createdMillis,
                            long lastSeenMillis, String appName, long packets, long bytes) {
        this.flow = checkNotNull(flow, "flow");
        this.key = flow.canonical();
        this.path = checkNotNull(path, "path");
        this.state = checkNotNull(state, "state");
        this.createdMillis = createdMillis;
        this.lastSeenMillis = lastSeenMillis;
        this.appName = checkNotNull(appName, "appName");
        this.packets = packets;
        this.bytes = bytes;
    }

    /**
     * Creates a new entry in state SYN_SEEN.
     *
     * @param flow        original direction (of the SYN)
     * @param path        pinned path
     * @param nowMillis   creation time
     * @param appName     owning application name, e.g. "org.fwlb.sandwich"
     * @return the entry
     */
    public static ConnectionEntry pinned(FlowKey flow, ConnectionPath path, long nowMillis, String appName) {
        return new ConnectionEntry(flow, path, TcpState.SYN_SEEN, nowMillis, nowMillis, appName, 0, 0);
    }

    /**
     * Creates an entry with every field given.
     *
     * @param flow           original direction
     * @param path           pinned path
     * @param state          TCP state
     * @param createdMillis  creation time
     * @param lastSeenMillis last activity time
     * @param appName        owning application name
     * @param packets        packet counter
     * @param bytes          byte counter
     * @return the entry
     */
    public static ConnectionEntry of(FlowKey flow, ConnectionPath path, TcpState state, long createdMillis,
                                     long lastSeenMillis, String appName, long packets, long bytes) {
        return new ConnectionEntry(flow, path, state, createdMillis, lastSeenMillis, appName, packets, bytes);
    }

    /**
     * Returns the canonical key.
     *
     * @return key
     */
    public ConnectionKey key() {
        return key;
    }

    /**
     * Returns the original direction (client to server).
     *
     * @return flow key
     */
    public FlowKey flow() {
        return flow;
    }

    /**
     * Returns the pinned path.
     *
     * @return path
     */
    public ConnectionPath path() {
        return path;
    }

    /**
     * Returns the TCP state.
     *
     * @return state
     */
    public TcpState state() {
        return state;
    }

    /**
     * Returns the creation time.
     *
     * @return epoch millis
     */
    public long createdMillis() {
        return createdMillis;
    }

    /**
     * Returns the time of the last observed activity.
     *
     * @return epoch millis
     */
    public long lastSeenMillis() {
        return lastSeenMillis;
    }

    /**
     * Returns the owning application's name.
     *
     * @return app name
     */
    public String appName() {
        return appName;
    }

    /**
     * Returns the packet counter (as last reported by flow statistics).
     *
     * @return packets
     */
    public long packets() {
        return packets;
    }

    /**
     * Returns the byte counter.
     *
     * @return bytes
     */
    public long bytes() {
        return bytes;
    }

    /**
     * Returns the client IPv4 (source of the SYN).
     *
     * @return address as int
     */
    public int clientIp() {
        return flow.srcIp();
    }

    /**
     * Returns a copy in another state, seen at the given time.
     *
     * @param newState  state
     * @param nowMillis time of the change
     * @return new entry
     */
    public ConnectionEntry withState(TcpState newState, long nowMillis) {
        return new ConnectionEntry(flow, path, newState, createdMillis, Math.max(lastSeenMillis, nowMillis),
                                   appName, packets, bytes);
    }

    /**
     * Returns a copy seen at the given time.
     *
     * @param nowMillis time of activity
     * @return new entry
     */
    public ConnectionEntry withLastSeen(long nowMillis) {
        return new ConnectionEntry(flow, path, state, createdMillis, Math.max(lastSeenMillis, nowMillis), appName,
                                   packets, bytes);
    }

    /**
     * Returns a copy with new counters, seen at the given time.
     *
     * @param newPackets packets
     * @param newBytes   bytes
     * @param nowMillis  time of the report
     * @return new entry
     */
    public ConnectionEntry withCounters(long newPackets, long newBytes, long nowMillis) {
        return new ConnectionEntry(flow, path, state, createdMillis, Math.max(lastSeenMillis, nowMillis), appName,
                                   newPackets, newBytes);
    }

    /**
     * Returns a copy with another path (e.g. the server chosen by a later stage).
     *
     * @param newPath path
     * @return new entry
     */
    public ConnectionEntry withPath(ConnectionPath newPath) {
        return new ConnectionEntry(flow, newPath, state, createdMillis, lastSeenMillis, appName, packets, bytes);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ConnectionEntry)) {
            return false;
        }
        ConnectionEntry e = (ConnectionEntry) o;
        return createdMillis == e.createdMillis && lastSeenMillis == e.lastSeenMillis && packets == e.packets
                && bytes == e.bytes && flow.equals(e.flow) && path.equals(e.path) && state == e.state
                && appName.equals(e.appName);
    }

    @Override
    public int hashCode() {
        return Objects.hash(flow, path, state, createdMillis, lastSeenMillis, appName, packets, bytes);
    }

    @Override
    public String toString() {
        return MoreObjects.toStringHelper("ConnectionEntry").add("flow", flow).add("path", path)
                .add("state", state).add("created", createdMillis).add("lastSeen", lastSeenMillis)
                .add("app", appName).add("packets", packets).add("bytes", bytes).toString();
    }
}
