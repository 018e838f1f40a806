package org.fwlb.model;

import com.google.common.base.MoreObjects;
import com.google.common.collect.ImmutableSet;
import org.onlab.packet.IpAddress;
import org.onlab.packet.MacAddress;
import org.onosproject.net.ConnectPoint;

import java.util.Collection;
import java.util.Objects;
import java.util.Set;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

/**
 * A back-end server: where it attaches, which service types it offers (e.g. http, ftp, https; seed
 * [0031]), its weight, connection limit and admin state.
 */
public final class Server {
    private final String id;
    private final IpAddress ip;
    private final MacAddress mac;
    private final ConnectPoint location;
    private final ImmutableSet<String> services;
    private final int weight;
    private final int maxConnections;
    private final AdminState adminState;

    private Server(Builder b) {
        this.id = checkNotNull(b.id, "id");
        this.ip = checkNotNull(b.ip, "ip");
        this.mac = checkNotNull(b.mac, "mac");
        this.location = checkNotNull(b.location, "location");
        this.services = ImmutableSet.copyOf(b.services);
        checkArgument(b.weight >= 0, "weight must be >= 0");
        checkArgument(b.maxConnections >= 0, "maxConnections must be >= 0");
        this.weight = b.weight;
        this.maxConnections = b.maxConnections;
        this.adminState = checkNotNull(b.adminState, "adminState");
    }

    /**
     * Returns a new builder (weight 1, unlimited connections, admin UP, no services).
     *
     * @return builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns a builder initialised from this server.
     *
     * @return builder
     */
    public Builder toBuilder() {
        return new Builder().id(id).ip(ip).mac(mac).location(location).services(services).weight(weight)
                .maxConnections(maxConnections).adminState(adminState);
    }

    /**
     * Returns the id.
     *
     * @return id
     */
    public String id() {
        return id;
    }

    /**
     * Returns the server's IP.
     *
     * @return IP address
     */
    public IpAddress ip() {
        return ip;
    }

    /**
     * Returns the server's MAC.
     *
     * @return MAC address
     */
    public MacAddress mac() {
        return mac;
    }

    /**
     * Returns the switch port the server hangs off.
     *
     * @return connect point
     */
    public ConnectPoint location() {
        return location;
    }

    /**
     * Returns the service types offered.
     *
     * @return service types, e.g. "http"
     */
    public Set<String> services() {
        return services;
    }

    /**
     * Returns true when the server offers the service type.
     *
     * @param serviceType service type
     * @return true when offered
     */
    public boolean offers(String serviceType) {
        return services.contains(serviceType);
    }

    /**
     * Returns the weight.
     *
     * @return weight
     */
    public int weight() {
        return weight;
    }

    /**
     * Returns the connection limit.
     *
     * @return max connections, 0 = unlimited
     */
    public int maxConnections() {
        return maxConnections;
    }

    /**
     * Returns the admin state.
     *
     * @return admin state
     */
    public AdminState adminState() {
        return adminState;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Server)) {
            return false;
        }
        Server s = (Server) o;
        return weight == s.weight && maxConnections == s.maxConnections && id.equals(s.id) && ip.equals(s.ip)
                && mac.equals(s.mac) && location.equals(s.location) && services.equals(s.services)
                && adminState == s.adminState;
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, ip, mac, location, services, weight, maxConnections, adminState);
    }

    @Override
    public String toString() {
        return MoreObjects.toStringHelper("Server").add("id", id).add("ip", ip).add("mac", mac)
                .add("location", location).add("services", services).add("weight", weight)
                .add("maxConnections", maxConnections).add("adminState", adminState).toString();
    }

    /**
     * Builder of {@link Server}.
     */
    public static final class Builder {
        private String id;
        private IpAddress ip;
        private MacAddress mac;
        private ConnectPoint location;
        private Collection<String> services = ImmutableSet.of();
        private int weight = 1;
        private int maxConnections;
        private AdminState adminState = AdminState.UP;

        private Builder() {
        }

        /**
         * Sets the id.
         *
         * @param id id
         * @return this
         */
        public Builder id(String id) {
            this.id = id;
            return this;
        }

        /**
         * Sets the IP.
         *
         * @param ip IP
         * @return this
         */
        public Builder ip(IpAddress ip) {
            this.ip = ip;
            return this;
        }

        /**
         * Sets the MAC.
         *
         * @param mac MAC
         * @return this
         */
        public Builder mac(MacAddress mac) {
            this.mac = mac;
            return this;
        }

        /**
         * Sets the location.
         *
         * @param location switch port
         * @return this
         */
        public Builder location(ConnectPoint location) {
            this.location = location;
            return this;
        }

        /**
         * Sets the service types.
         *
         * @param services service types
         * @return this
         */
        public Builder services(Collection<String> services) {
            this.services = checkNotNull(services, "services");
            return this;
        }

        /**
         * Sets the service types.
         *
         * @param services service types
         * @return this
         */
        public Builder services(String... services) {
            return services(ImmutableSet.copyOf(services));
        }

        /**
         * Sets the weight.
         *
         * @param weight weight
         * @return this
         */
        public Builder weight(int weight) {
            this.weight = weight;
            return this;
        }

        /**
         * Sets the connection limit.
         *
         * @param maxConnections limit, 0 = unlimited
         * @return this
         */
        public Builder maxConnections(int maxConnections) {
            this.maxConnections = maxConnections;
            return this;
        }

        /**
         * Sets the admin state.
         *
         * @param adminState admin state
         * @return this
         */
        public Builder adminState(AdminState adminState) {
            this.adminState = adminState;
            return this;
        }

        /**
         * Builds the server.
         *
         * @return server
         */
        public Server build() {
            return new Server(this);
        }
    }
}
