package org.fwlb.connection;

import org.fwlb.model.ConnectionEntry;
import org.fwlb.model.ConnectionKey;
import org.fwlb.model.ConnectionPath;
import org.onosproject.store.Store;

import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * The connection table: pinned connections by canonical key, shared by the cluster. Member counts and
 * size are derived from the map's events, so every instance agrees and reads are O(1).
 */
public interface ConnectionStore extends Store<ConnectionEvent, ConnectionStoreDelegate> {

    /**
     * Pins a connection unless its key is already pinned (first writer wins, also across the cluster)
     * or the table is full.
     *
     * @param entry the new entry (usually {@link ConnectionEntry#pinned})
     * @return PINNED, DUPLICATE with the existing entry, or TABLE_FULL
     */
    PinResult pin(ConnectionEntry entry);

    /**
     * Returns the entry of a connection.
     *
     * @param key canonical key
     * @return entry, or null
     */
    ConnectionEntry get(ConnectionKey key);

    /**
     * Moves a connection from SYN_SEEN to OPENING: its rules are confirmed and its SYN released (no change in
     * other states).
     *
     * @param key canonical key
     * @return the entry after the call, or null when unknown
     */
    ConnectionEntry markOpening(ConnectionKey key);

    /**
     * Moves a connection from SYN_SEEN or OPENING to ESTABLISHED (no change in other states).
     *
     * @param key canonical key
     * @return the entry after the call, or null when unknown
     */
    ConnectionEntry markEstablished(ConnectionKey key);

    /**
     * Moves a connection to CLOSING (a FIN or RST was seen).
     *
     * @param key canonical key
     * @return the entry after the call, or null when unknown
     */
    ConnectionEntry markClosing(ConnectionKey key);

    /**
     * Records a FIN atomically: the first FIN half-closes the connection (FIN_FROM_CLIENT or
     * FIN_FROM_SERVER), a FIN from the other side moves it to CLOSING. Works whichever controller instance
     * sees which FIN.
     *
     * @param key        connection
     * @param fromClient whether the FIN came from the client (the side that sent the SYN)
     * @return the entry after the change, or null if there is none
     */
    ConnectionEntry markFin(ConnectionKey key, boolean fromClient);

    /**
     * Records activity on a connection.
     *
     * @param key       canonical key
     * @param nowMillis time of the activity
     * @return the entry after the call, or null when unknown
     */
    ConnectionEntry touch(ConnectionKey key, long nowMillis);

    /**
     * Records packet and byte counters of a connection (e.g. from flow statistics); counts as activity.
     *
     * @param key       canonical key
     * @param packets   packets
     * @param bytes     bytes
     * @param nowMillis time of the report
     * @return the entry after the call, or null when unknown
     */
    ConnectionEntry updateCounters(ConnectionKey key, long packets, long bytes, long nowMillis);

    /**
     * Changes the path of a pinned connection atomically (e.g. a later stage appends its choice).
     *
     * @param key    canonical key
     * @param change function of the current path
     * @return the entry after the call, or null when unknown
     */
    ConnectionEntry updatePath(ConnectionKey key, UnaryOperator<ConnectionPath> change);

    /**
     * Removes a connection.
     *
     * @param key canonical key
     * @return the removed entry, or null when unknown
     */
    ConnectionEntry remove(ConnectionKey key);

    /**
     * Removes every connection matching a predicate (re-checked against the current entry).
     *
     * @param predicate which entries to remove
     * @return the removed entries
     */
    List<ConnectionEntry> removeIf(Predicate<ConnectionEntry> predicate);

    /**
     * Removes every connection through a member (firewall, dispatcher or server).
     *
     * @param memberId member id
     * @return the removed entries
     */
    List<ConnectionEntry> removeByMember(String memberId);

    /**
     * Removes connections idle for at least {@code idleMillis} (e.g. whose rules never materialised).
     *
     * @param nowMillis  current time
     * @param idleMillis idle threshold
     * @return the removed entries
     */
    List<ConnectionEntry> expireIdle(long nowMillis, long idleMillis);

    /**
     * Returns the live connection count of a member; O(1).
     *
     * @param memberId firewall, dispatcher or server id
     * @return count (0 when unknown)
     */
    int connectionCount(String memberId);

    /**
     * Returns the live connection count of every member with connections.
     *
     * @return member id to count
     */
    Map<String, Integer> connectionCounts();

    /**
     * Returns the number of pinned connections; O(1).
     *
     * @return size
     */
    int size();

    /**
     * Returns the hard cap.
     *
     * @return max connections
     */
    int maxConnections();

    /**
     * Sets the hard cap (from netcfg {@code connectionTable.maxConnections}).
     *
     * @param max max connections, at least 1
     */
    void setMaxConnections(int max);

    /**
     * Lists connections matching a filter.
     *
     * @param filter filter, e.g. {@code ConnectionFilter.all().member("fw1")}
     * @return matching entries
     */
    List<ConnectionEntry> connections(Predicate<ConnectionEntry> filter);
}
