package org.fwlb.model;

import com.google.common.collect.ImmutableList;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import static com.google.common.base.Preconditions.checkNotNull;

/**
 * The path pinned for a connection: the firewall it crosses (if any), the dispatcher chosen at each
 * stage in order, the back-end server (if any) and the path tag carried in the SYN (if any).
 */
public final class ConnectionPath {
    private static final ConnectionPath EMPTY = new ConnectionPath(null, ImmutableList.of(), null, null);

    private final String firewallId;
    private final ImmutableList<String> dispatcherIds;
    private final String serverId;
    private final PathTag pathTag;

    private ConnectionPath(String firewallId, List<String> dispatcherIds, String serverId, PathTag pathTag) {
        this.firewallId = firewallId;
        this.dispatcherIds = ImmutableList.copyOf(checkNotNull(dispatcherIds, "dispatcherIds"));
        this.serverId = serverId;
        this.pathTag = pathTag;
    }

    /**
     * Creates a path.
     *
     * @param firewallId    firewall id, or null when no firewall is involved
     * @param dispatcherIds dispatcher ids per stage, first stage first
     * @param serverId      server id, or null when not (yet) chosen
     * @param pathTag       path tag, or null when none
     * @return the path
     */
    public static ConnectionPath of(String firewallId, List<String> dispatcherIds, String serverId,
                                    PathTag pathTag) {
        return new ConnectionPath(firewallId, dispatcherIds, serverId, pathTag);
    }

    /**
     * Returns a path through a firewall only (firewall sandwich).
     *
     * @param firewallId firewall id
     * @return the path
     */
    public static ConnectionPath viaFirewall(String firewallId) {
        return new ConnectionPath(checkNotNull(firewallId, "firewallId"), ImmutableList.of(), null, null);
    }

    /**
     * Returns the empty path.
     *
     * @return path with no member
     */
    public static ConnectionPath empty() {
        return EMPTY;
    }

    /**
     * Returns the firewall id.
     *
     * @return firewall id, or empty
     */
    public Optional<String> firewallId() {
        return Optional.ofNullable(firewallId);
    }

    /**
     * Returns the dispatcher ids, first stage first.
     *
     * @return dispatcher ids
     */
    public List<String> dispatcherIds() {
        return dispatcherIds;
    }

    /**
     * Returns the server id.
     *
     * @return server id, or empty
     */
    public Optional<String> serverId() {
        return Optional.ofNullable(serverId);
    }

    /**
     * Returns the path tag.
     *
     * @return path tag, or empty
     */
    public Optional<PathTag> pathTag() {
        return Optional.ofNullable(pathTag);
    }

    /**
     * Returns a copy with the given firewall.
     *
     * @param id firewall id or null
     * @return new path
     */
    public ConnectionPath withFirewall(String id) {
        return new ConnectionPath(id, dispatcherIds, serverId, pathTag);
    }

    /**
     * Returns a copy with one more dispatcher appended (the next stage).
     *
     * @param id dispatcher id
     * @return new path
     */
    public ConnectionPath withNextDispatcher(String id) {
        return new ConnectionPath(firewallId, ImmutableList.<String>builder().addAll(dispatcherIds)
                .add(checkNotNull(id, "id")).build(), serverId, pathTag);
    }

    /**
     * Returns a copy with the given server.
     *
     * @param id server id or null
     * @return new path
     */
    public ConnectionPath withServer(String id) {
        return new ConnectionPath(firewallId, dispatcherIds, id, pathTag);
    }

    /**
     * Returns a copy with the given path tag.
     *
     * @param tag path tag or null
     * @return new path
     */
    public ConnectionPath withPathTag(PathTag tag) {
        return new ConnectionPath(firewallId, dispatcherIds, serverId, tag);
    }

    /**
     * Returns true when the member (firewall, dispatcher or server id) is on this path.
     *
     * @param memberId member id
     * @return true when on the path
     */
    public boolean involves(String memberId) {
        return memberId.equals(firewallId) || memberId.equals(serverId) || dispatcherIds.contains(memberId);
    }

    /**
     * Returns every member id on the path: firewall, dispatchers, server.
     *
     * @return member ids
     */
    public List<String> members() {
        ImmutableList.Builder<String> b = ImmutableList.builder();
        if (firewallId != null) {
            b.add(firewallId);
        }
        b.addAll(dispatcherIds);
        if (serverId != null) {
            b.add(serverId);
        }
        return b.build();
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ConnectionPath)) {
            return false;
        }
        ConnectionPath p = (ConnectionPath) o;
        return Objects.equals(firewallId, p.firewallId) && dispatcherIds.equals(p.dispatcherIds)
                && Objects.equals(serverId, p.serverId) && Objects.equals(pathTag, p.pathTag);
    }

    @Override
    public int hashCode() {
        return Objects.hash(firewallId, dispatcherIds, serverId, pathTag);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("[");
        if (firewallId != null) {
            sb.append("fw=").append(firewallId);
        }
        for (String d : dispatcherIds) {
            sb.append(sb.length() > 1 ? " > " : "").append(d);
        }
        if (serverId != null) {
            sb.append(sb.length() > 1 ? " > " : "").append("srv=").append(serverId);
        }
        if (pathTag != null) {
            sb.append(" ").append(pathTag);
        }
        return sb.append(']').toString();
    }
}
