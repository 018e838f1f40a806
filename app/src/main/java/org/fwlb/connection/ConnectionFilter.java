package org.fwlb.connection;

import org.fwlb.model.ConnectionEntry;
import org.fwlb.model.TcpState;

import java.util.function.Predicate;

/**
 * Criteria for listing connections; unset criteria match everything.
 */
public final class ConnectionFilter implements Predicate<ConnectionEntry> {
    private static final ConnectionFilter ALL = new ConnectionFilter(null, null, null, null, null);

    private final String memberId;
    private final Integer clientIp;
    private final String serverId;
    private final TcpState state;
    private final String appName;

    private ConnectionFilter(String memberId, Integer clientIp, String serverId, TcpState state, String appName) {
        this.memberId = memberId;
        this.clientIp = clientIp;
        this.serverId = serverId;
        this.state = state;
        this.appName = appName;
    }

    /**
     * Returns the filter matching every connection.
     *
     * @return filter
     */
    public static ConnectionFilter all() {
        return ALL;
    }

    /**
     * Returns a copy that matches connections through a member (firewall, dispatcher or server).
     *
     * @param id member id
     * @return filter
     */
    public ConnectionFilter member(String id) {
        return new ConnectionFilter(id, clientIp, serverId, state, appName);
    }

    /**
     * Returns a copy that matches connections from a client (the SYN's source).
     *
     * @param ip client IPv4 as int
     * @return filter
     */
    public ConnectionFilter clientIp(int ip) {
        return new ConnectionFilter(memberId, ip, serverId, state, appName);
    }

    /**
     * Returns a copy that matches connections pinned to a server.
     *
     * @param id server id
     * @return filter
     */
    public ConnectionFilter server(String id) {
        return new ConnectionFilter(memberId, clientIp, id, state, appName);
    }

    /**
     * Returns a copy that matches connections in a TCP state.
     *
     * @param s state
     * @return filter
     */
    public ConnectionFilter state(TcpState s) {
        return new ConnectionFilter(memberId, clientIp, serverId, s, appName);
    }

    /**
     * Returns a copy that matches connections owned by an app.
     *
     * @param name app name
     * @return filter
     */
    public ConnectionFilter app(String name) {
        return new ConnectionFilter(memberId, clientIp, serverId, state, name);
    }

    @Override
    public boolean test(ConnectionEntry e) {
        return (memberId == null || e.path().involves(memberId))
                && (clientIp == null || e.clientIp() == clientIp)
                && (serverId == null || serverId.equals(e.path().serverId().orElse(null)))
                && (state == null || e.state() == state)
                && (appName == null || appName.equals(e.appName()));
    }
}
