package org.fwlb.api;

import org.fwlb.connection.ConnectionFilter;
import org.fwlb.model.AdminState;
import org.fwlb.model.ConnectionEntry;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.Ip4;
import org.fwlb.model.TcpState;
import org.fwlb.model.VirtualService;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Operator input of hierarchical dispatch, checked the same way by the REST API and the CLI: member and
 * service ids (an unknown id is a {@link NoSuchElementException} whose message lists the known ids), admin
 * states, connection filters and limits (a malformed value is an {@link IllegalArgumentException}).
 */
public final class DispatchQueries {

    /** Connections listed when no limit is given. */
    public static final int DEFAULT_LIMIT = 1000;

    /** Highest limit accepted. */
    public static final int MAX_LIMIT = 1_000_000;

    private DispatchQueries() {
    }

    /**
     * Returns a member's status.
     *
     * @param svc  dispatch service
     * @param id   member id
     * @param role the role it must have, or null for a dispatcher or a server
     * @return status
     * @throws NoSuchElementException naming the id and the known ids of that role
     */
    public static DispatchMemberStatus requireMember(DispatchService svc, String id, DispatchMemberStatus.Role role) {
        Optional<DispatchMemberStatus> s = id == null ? Optional.empty() : svc.member(id);
        if (s.isPresent() && (role == null || s.get().role() == role)) {
            return s.get();
        }
        throw new NoSuchElementException(unknownMember(svc, id, role));
    }

    /**
     * Returns the message for an unknown member id, listing the ids that exist.
     *
     * @param svc  dispatch service
     * @param id   the id given
     * @param role the role asked for, or null for any
     * @return message
     */
    public static String unknownMember(DispatchService svc, String id, DispatchMemberStatus.Role role) {
        String dispatchers = ids(svc.dispatchers());
        String servers = ids(svc.servers());
        if (role == DispatchMemberStatus.Role.DISPATCHER) {
            return "unknown dispatcher '" + id + "'; dispatchers: " + dispatchers;
        }
        if (role == DispatchMemberStatus.Role.SERVER) {
            return "unknown server '" + id + "'; servers: " + servers;
        }
        return "unknown member '" + id + "'; dispatchers: " + dispatchers + "; servers: " + servers;
    }

    /**
     * Returns a virtual service.
     *
     * @param topology topology in force
     * @param id       service id
     * @return service
     * @throws NoSuchElementException naming the id and the known services
     */
    public static VirtualService requireService(FwlbTopology topology, String id) {
        VirtualService v = id == null ? null : topology.service(id);
        if (v == null) {
            List<String> known = new ArrayList<>();
            topology.services().forEach(s -> known.add(s.id()));
            throw new NoSuchElementException("unknown service '" + id + "'; services: "
                                                     + (known.isEmpty() ? "(none)" : String.join(", ", known)));
        }
        return v;
    }

    /**
     * Parses an admin state.
     *
     * @param value "up", "draining" or "down" (case-insensitive)
     * @return state
     * @throws IllegalArgumentException for anything else
     */
    public static AdminState adminState(String value) {
        AdminState s = value == null ? null : AdminState.fromJson(value.toLowerCase(Locale.ROOT));
        if (s == null) {
            throw new IllegalArgumentException("state " + (value == null ? "null" : "'" + value + "'")
                                                       + " is not one of up, draining, down");
        }
        return s;
    }

    /**
     * Parses a connection state filter.
     *
     * @param value a {@link TcpState} name, any case (syn_seen, established, closing, ...)
     * @return state
     * @throws IllegalArgumentException for an unknown state
     */
    public static TcpState tcpState(String value) {
        for (TcpState s : TcpState.values()) {
            if (s.name().equalsIgnoreCase(value)) {
                return s;
            }
        }
        List<String> names = new ArrayList<>();
        for (TcpState s : TcpState.values()) {
            names.add(s.name().toLowerCase(Locale.ROOT));
        }
        throw new IllegalArgumentException("state '" + value + "' is not one of " + String.join(", ", names));
    }

    /**
     * Parses a connection listing limit.
     *
     * @param value decimal 1..{@link #MAX_LIMIT}, or null for {@link #DEFAULT_LIMIT}
     * @return limit
     * @throws IllegalArgumentException for anything else
     */
    public static int limit(String value) {
        if (value == null) {
            return DEFAULT_LIMIT;
        }
        int n;
        try {
            n = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < 1 || n > MAX_LIMIT) {
            throw new IllegalArgumentException("limit '" + value + "' is not an integer in 1.." + MAX_LIMIT);
        }
        return n;
    }

    /**
     * Builds the filter of a connection listing; every given criterion must hold.
     *
     * @param svc      dispatch service (to check the member id)
     * @param topology topology in force (to find the service)
     * @param member   connections through this dispatcher or server, or null
     * @param service  connections to this virtual service (its VIP, protocol and port), or null
     * @param state    connections in this state, or null
     * @return filter
     * @throws NoSuchElementException   for an unknown member or service
     * @throws IllegalArgumentException for an unknown state
     */
    public static Predicate<ConnectionEntry> connectionFilter(DispatchService svc, FwlbTopology topology,
                                                              String member, String service, String state) {
        ConnectionFilter f = ConnectionFilter.all();
        if (member != null) {
            f = f.member(requireMember(svc, member, null).id());
        }
        if (state != null) {
            f = f.state(tcpState(state));
        }
        if (service == null) {
            return f;
        }
        VirtualService v = requireService(topology, service);
        int vip = Ip4.toInt(v.vip().getIp4Address());
        int proto = v.protocol().number();
        int port = v.port();
        return f.and(e -> e.flow().dstIp() == vip && e.flow().dstPort() == port && e.flow().protocol() == proto);
    }

    private static String ids(List<DispatchMemberStatus> list) {
        if (list.isEmpty()) {
            return "(none)";
        }
        List<String> ids = new ArrayList<>();
        list.forEach(s -> ids.add(s.id()));
        return String.join(", ", ids);
    }
}
