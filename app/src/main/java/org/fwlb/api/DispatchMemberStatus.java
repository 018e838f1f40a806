package org.fwlb.api;

import com.google.common.base.MoreObjects;
import com.google.common.collect.ImmutableList;
import org.fwlb.model.AdminState;
import org.fwlb.model.Eligibility;
import org.fwlb.model.HealthState;

import java.util.List;

import static com.google.common.base.Preconditions.checkNotNull;

/**
 * What an operator sees of one member of a dispatch tree (a dispatcher of some stage, or a back-end
 * server): its effective state, weight and load.
 */
public final class DispatchMemberStatus {

    /** Whether the member is a dispatcher or a server. */
    public enum Role {
        /** A dispatcher of some stage (L4/2, L4/3 or L7/3). */
        DISPATCHER,
        /** A back-end server. */
        SERVER
    }

    private final String id;
    private final Role role;
    private final String kind;
    private final int stage;
    private final String device;
    private final AdminState adminState;
    private final HealthState health;
    private final Eligibility eligibility;
    private final int weight;
    private final int maxConnections;
    private final int connections;
    private final long placed;
    private final ImmutableList<String> parents;

    private DispatchMemberStatus(Builder b) {
        this.id = checkNotNull(b.id, "id");
        this.role = checkNotNull(b.role, "role");
        this.kind = checkNotNull(b.kind, "kind");
        this.stage = b.stage;
        this.device = b.device;
        this.adminState = checkNotNull(b.adminState, "adminState");
        this.health = checkNotNull(b.health, "health");
        this.eligibility = checkNotNull(b.eligibility, "eligibility");
        this.weight = b.weight;
        this.maxConnections = b.maxConnections;
        this.connections = b.connections;
        this.placed = b.placed;
        this.parents = ImmutableList.copyOf(b.parents);
    }

    /**
     * Returns a new builder.
     *
     * @return builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** @return member id */
    public String id() {
        return id;
    }

    /** @return dispatcher or server */
    public Role role() {
        return role;
    }

    /** @return "L4/2", "L4/3", "L7/3" for dispatchers, "server" for servers */
    public String kind() {
        return kind;
    }

    /** @return stage depth (1 = first stage); for a server, the depth of its deepest dispatcher + 1 */
    public int stage() {
        return stage;
    }

    /** @return device id of a switch-realized dispatcher, or null */
    public String device() {
        return device;
    }

    /** @return effective admin state (operator override, else configured) */
    public AdminState adminState() {
        return adminState;
    }

    /** @return probed health */
    public HealthState health() {
        return health;
    }

    /** @return whether it takes new connections, and if not why */
    public Eligibility eligibility() {
        return eligibility;
    }

    /** @return effective weight */
    public int weight() {
        return weight;
    }

    /** @return configured connection cap, 0 = none */
    public int maxConnections() {
        return maxConnections;
    }

    /** @return live connections through it now */
    public int connections() {
        return connections;
    }

    /** @return connections placed on it by this instance since it started */
    public long placed() {
        return placed;
    }

    /** @return ids of the dispatchers that reach it */
    public List<String> parents() {
        return parents;
    }

    @Override
    public String toString() {
        return MoreObjects.toStringHelper("DispatchMember").omitNullValues().add("id", id).add("kind", kind)
                .add("stage", stage).add("device", device).add("adminState", adminState).add("health", health)
                .add("eligibility", eligibility).add("weight", weight).add("connections", connections)
                .add("placed", placed).toString();
    }

    /**
     * Builder of {@link DispatchMemberStatus}.
     */
    public static final class Builder {
        private String id;
        private Role role;
        private String kind;
        private int stage;
        private String device;
        private AdminState adminState = AdminState.UP;
        private HealthState health = HealthState.UP;
        private Eligibility eligibility = Eligibility.ELIGIBLE;
        private int weight = 1;
        private int maxConnections;
        private int connections;
        private long placed;
        private List<String> parents = ImmutableList.of();

        private Builder() {
        }

        /** @param v id @return this */
        public Builder id(String v) {
            id = v;
            return this;
        }

        /** @param v role @return this */
        public Builder role(Role v) {
            role = v;
            return this;
        }

        /** @param v kind @return this */
        public Builder kind(String v) {
            kind = v;
            return this;
        }

        /** @param v stage depth @return this */
        public Builder stage(int v) {
            stage = v;
            return this;
        }

        /** @param v device id or null @return this */
        public Builder device(String v) {
            device = v;
            return this;
        }

        /** @param v effective admin state @return this */
        public Builder adminState(AdminState v) {
            adminState = v;
            return this;
        }

        /** @param v health @return this */
        public Builder health(HealthState v) {
            health = v;
            return this;
        }

        /** @param v eligibility @return this */
        public Builder eligibility(Eligibility v) {
            eligibility = v;
            return this;
        }

        /** @param v effective weight @return this */
        public Builder weight(int v) {
            weight = v;
            return this;
        }

        /** @param v cap @return this */
        public Builder maxConnections(int v) {
            maxConnections = v;
            return this;
        }

        /** @param v live connections @return this */
        public Builder connections(int v) {
            connections = v;
            return this;
        }

        /** @param v placed since start @return this */
        public Builder placed(long v) {
            placed = v;
            return this;
        }

        /** @param v parents @return this */
        public Builder parents(List<String> v) {
            parents = checkNotNull(v, "parents");
            return this;
        }

        /** @return the status */
        public DispatchMemberStatus build() {
            return new DispatchMemberStatus(this);
        }
    }
}
