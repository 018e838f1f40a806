package org.fwlb.model;

import com.google.common.base.MoreObjects;
import com.google.common.collect.ImmutableList;
import org.onlab.packet.IpAddress;
import org.onlab.packet.MacAddress;
import org.onosproject.net.ConnectPoint;
import org.onosproject.net.DeviceId;
import org.onosproject.net.PortNumber;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

/**
 * A dispatcher of a dispatch stage (seed FIG 2-8). Realized by an OpenFlow switch when it has a
 * device id, otherwise by a host (e.g. an L7/3 process) attached at its location. It reaches an ordered
 * list of back-end servers and next-stage dispatchers (by id).
 */
public final class Dispatcher {
    private final String id;
    private final DispatcherKind kind;
    private final DeviceId deviceId;
    private final MacAddress mac;
    private final IpAddress ip;
    private final ConnectPoint location;
    private final ConnectPoint attachment;
    private final PortNumber uplink;
    private final ImmutableList<String> reaches;
    private final String policy;
    private final int weight;
    private final int maxConnections;
    private final AdminState adminState;

    private Dispatcher(Builder b) {
        this.id = checkNotNull(b.id, "id");
        this.kind = checkNotNull(b.kind, "kind");
        this.deviceId = b.deviceId;
        this.mac = checkNotNull(b.mac, "mac");
        this.ip = checkNotNull(b.ip, "ip");
        this.location = b.location;
        this.attachment = b.attachment;
        this.uplink = b.uplink;
        checkArgument(attachment == null || deviceId == null, "only a host-realized dispatcher has an attachment");
        checkArgument(deviceId != null || location != null, "a host-realized dispatcher needs a location");
        this.reaches = ImmutableList.copyOf(b.reaches);
        this.policy = checkNotNull(b.policy, "policy");
        checkArgument(b.weight >= 0, "weight must be >= 0");
        checkArgument(b.maxConnections >= 0, "maxConnections must be >= 0");
        this.weight = b.weight;
        this.maxConnections = b.maxConnections;
        this.adminState = checkNotNull(b.adminState, "adminState");
    }

    /**
     * Returns a new builder (policy round-robin, weight 1, unlimited, admin UP).
     *
     * @return builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns a builder initialised from this dispatcher.
     *
     * @return builder
     */
    public Builder toBuilder() {
        return new Builder().id(id).kind(kind).deviceId(deviceId).mac(mac).ip(ip).location(location)
                .attachment(attachment).uplink(uplink).reaches(reaches).policy(policy).weight(weight).maxConnections(maxConnections)
                .adminState(adminState);
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
     * Returns the kind.
     *
     * @return L4/2, L4/3 or L7/3
     */
    public DispatcherKind kind() {
        return kind;
    }

    /**
     * Returns the switch realizing this dispatcher, if switch-realized.
     *
     * @return device id, or empty for a host-realized dispatcher
     */
    public Optional<DeviceId> deviceId() {
        return Optional.ofNullable(deviceId);
    }

    /**
     * Returns true when an OpenFlow switch realizes this dispatcher.
     *
     * @return true when switch-realized
     */
    public boolean isSwitchRealized() {
        return deviceId != null;
    }

    /**
     * Returns the MAC that the previous stage rewrites to.
     *
     * @return MAC address
     */
    public MacAddress mac() {
        return mac;
    }

    /**
     * Returns the dispatcher's IP (often the VIP it owns).
     *
     * @return IP address
     */
    public IpAddress ip() {
        return ip;
    }

    /**
     * Returns the switch port through which the previous stage reaches this dispatcher (required for a
     * host-realized dispatcher).
     *
     * @return connect point, or empty
     */
    public Optional<ConnectPoint> location() {
        return Optional.ofNullable(location);
    }

    /**
     * Returns, for a host-realized dispatcher, the switch port the host itself is plugged into. When that
     * switch is controlled it acts as the host's firewall-dispatching module (seed FIG 8, DF): it strips
     * the path tag from the SYN and steers the host's replies to the connection's firewall.
     *
     * @return connect point, or empty
     */
    public Optional<ConnectPoint> attachment() {
        return Optional.ofNullable(attachment);
    }

    /**
     * Returns the uplink: the port through which the stage's replies leave toward the stage before it (on
     * its own switch; for a host-realized dispatcher, on the switch of its attachment). The L4/3 and DF
     * reply rules need it when the controller decides a whole path at the first punt; without it that
     * stage decides when its own SYN arrives (the SYN's in-port is the uplink).
     *
     * @return uplink port, or empty when not configured
     */
    public Optional<PortNumber> uplink() {
        return Optional.ofNullable(uplink);
    }

    /**
     * Returns the ids of the servers and next-stage dispatchers this dispatcher reaches, in order.
     *
     * @return ids
     */
    public List<String> reaches() {
        return reaches;
    }

    /**
     * Returns the selection policy name.
     *
     * @return policy name, e.g. "round-robin"
     */
    public String policy() {
        return policy;
    }

    /**
     * Returns the weight (as a member of the previous stage).
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
        if (!(o instanceof Dispatcher)) {
            return false;
        }
        Dispatcher d = (Dispatcher) o;
        return weight == d.weight && maxConnections == d.maxConnections && id.equals(d.id) && kind == d.kind
                && Objects.equals(deviceId, d.deviceId) && mac.equals(d.mac) && ip.equals(d.ip)
                && Objects.equals(location, d.location) && Objects.equals(attachment, d.attachment) && Objects.equals(uplink, d.uplink) && reaches.equals(d.reaches) && policy.equals(d.policy)
                && adminState == d.adminState;
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, kind, deviceId, mac, ip, location, attachment, uplink, reaches, policy, weight, maxConnections,
                            adminState);
    }

    @Override
    public String toString() {
        return MoreObjects.toStringHelper("Dispatcher").omitNullValues().add("id", id)
                .add("kind", kind.jsonName()).add("deviceId", deviceId).add("mac", mac).add("ip", ip)
                .add("location", location).add("attachment", attachment).add("uplink", uplink).add("reaches", reaches).add("policy", policy).add("weight", weight)
                .add("maxConnections", maxConnections).add("adminState", adminState).toString();
    }

    /**
     * Builder of {@link Dispatcher}.
     */
    public static final class Builder {
        private String id;
        private DispatcherKind kind;
        private DeviceId deviceId;
        private MacAddress mac;
        private IpAddress ip;
        private ConnectPoint location;
        private ConnectPoint attachment;
        private PortNumber uplink;
        private List<String> reaches = ImmutableList.of();
        private String policy = "round-robin";
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
         * Sets the kind.
         *
         * @param kind kind
         * @return this
         */
        public Builder kind(DispatcherKind kind) {
            this.kind = kind;
            return this;
        }

        /**
         * Sets the realizing switch (null for host-realized).
         *
         * @param deviceId device id or null
         * @return this
         */
        public Builder deviceId(DeviceId deviceId) {
            this.deviceId = deviceId;
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
         * Sets the location (null when none).
         *
         * @param location connect point or null
         * @return this
         */
        public Builder location(ConnectPoint location) {
            this.location = location;
            return this;
        }

        /**
         * Sets the host's own attachment point (host-realized dispatchers only; null when none).
         *
         * @param attachment connect point or null
         * @return this
         */
        public Builder attachment(ConnectPoint attachment) {
            this.attachment = attachment;
            return this;
        }

        /**
         * Sets the uplink port (see {@link Dispatcher#uplink()}); null when none.
         *
         * @param uplink port or null
         * @return this builder
         */
        public Builder uplink(PortNumber uplink) {
            this.uplink = uplink;
            return this;
        }

        /**
         * Sets the reached server and dispatcher ids.
         *
         * @param reaches ids in order
         * @return this
         */
        public Builder reaches(List<String> reaches) {
            this.reaches = checkNotNull(reaches, "reaches");
            return this;
        }

        /**
         * Sets the reached server and dispatcher ids.
         *
         * @param reaches ids in order
         * @return this
         */
        public Builder reaches(String... reaches) {
            return reaches(ImmutableList.copyOf(reaches));
        }

        /**
         * Sets the policy name.
         *
         * @param policy policy name
         * @return this
         */
        public Builder policy(String policy) {
            this.policy = policy;
            return this;
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
         * Builds the dispatcher.
         *
         * @return dispatcher
         */
        public Dispatcher build() {
            return new Dispatcher(this);
        }
    }
}
