package org.fwlb.model;

import com.google.common.base.MoreObjects;
import org.onlab.packet.IpAddress;

import java.util.Objects;
import java.util.Optional;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

/**
 * A virtual service: (VIP, protocol, port) of one service type, served by the dispatch tree that starts
 * at its first-stage dispatcher.
 */
public final class VirtualService {
    private final String id;
    private final IpAddress vip;
    private final Protocol protocol;
    private final int port;
    private final String serviceType;
    private final String firstStage;
    private final DispatchMode mode;
    private final UnknownNonSynAction unknownNonSyn;
    private final String policy;
    private final int dataPortMin;
    private final int dataPortMax;

    private VirtualService(Builder b) {
        this.id = checkNotNull(b.id, "id");
        this.vip = checkNotNull(b.vip, "vip");
        this.protocol = checkNotNull(b.protocol, "protocol");
        checkArgument(b.port >= 1 && b.port <= 65535, "port out of range");
        this.port = b.port;
        this.serviceType = checkNotNull(b.serviceType, "serviceType");
        this.firstStage = checkNotNull(b.firstStage, "firstStage");
        this.mode = checkNotNull(b.mode, "mode");
        this.unknownNonSyn = checkNotNull(b.unknownNonSyn, "unknownNonSyn");
        this.policy = b.policy;
        checkArgument(b.dataPortMin == 0 && b.dataPortMax == 0
                || b.dataPortMin >= 1 && b.dataPortMin <= b.dataPortMax && b.dataPortMax <= 65535,
                      "data port range out of order or range");
        this.dataPortMin = b.dataPortMin;
        this.dataPortMax = b.dataPortMax;
    }

    /**
     * Returns a new builder (tcp, pinned, drop).
     *
     * @return builder
     */
    public static Builder builder() {
        return new Builder();
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
     * Returns the virtual IP.
     *
     * @return VIP
     */
    public IpAddress vip() {
        return vip;
    }

    /**
     * Returns the protocol.
     *
     * @return protocol
     */
    public Protocol protocol() {
        return protocol;
    }

    /**
     * Returns the service port.
     *
     * @return 1..65535
     */
    public int port() {
        return port;
    }

    /**
     * Returns the service type; only servers offering it are chosen.
     *
     * @return service type, e.g. "http"
     */
    public String serviceType() {
        return serviceType;
    }

    /**
     * Returns the id of the first-stage dispatcher.
     *
     * @return dispatcher id
     */
    public String firstStage() {
        return firstStage;
    }

    /**
     * Returns the dispatch mode.
     *
     * @return pinned or static hash
     */
    public DispatchMode mode() {
        return mode;
    }

    /**
     * Returns the action for non-SYN packets of unknown connections.
     *
     * @return action
     */
    public UnknownNonSynAction unknownNonSyn() {
        return unknownNonSyn;
    }

    /**
     * Returns the policy that overrides each stage's own policy for this service, if any.
     *
     * @return policy name, or empty when each dispatcher's own policy applies
     */
    public Optional<String> policy() {
        return Optional.ofNullable(policy);
    }

    /**
     * Tells whether the service has related data connections (FTP passive mode): connections from a client to
     * the VIP on these ports follow the client's control connection to the same server.
     *
     * @return true when a data port range is configured
     */
    public boolean hasDataPorts() {
        return dataPortMin > 0;
    }

    /**
     * Tells whether a port is one of the service's data ports.
     *
     * @param p TCP port
     * @return true if within the data port range
     */
    public boolean isDataPort(int p) {
        return dataPortMin > 0 && p >= dataPortMin && p <= dataPortMax;
    }

    /**
     * Returns the first data port.
     *
     * @return port, 0 when none
     */
    public int dataPortMin() {
        return dataPortMin;
    }

    /**
     * Returns the last data port.
     *
     * @return port, 0 when none
     */
    public int dataPortMax() {
        return dataPortMax;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof VirtualService)) {
            return false;
        }
        VirtualService v = (VirtualService) o;
        return port == v.port && id.equals(v.id) && vip.equals(v.vip) && protocol == v.protocol
                && serviceType.equals(v.serviceType) && firstStage.equals(v.firstStage) && mode == v.mode
                && unknownNonSyn == v.unknownNonSyn && Objects.equals(policy, v.policy)
                && dataPortMin == v.dataPortMin && dataPortMax == v.dataPortMax;
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, vip, protocol, port, serviceType, firstStage, mode, unknownNonSyn, policy, dataPortMin,
                            dataPortMax);
    }

    @Override
    public String toString() {
        return MoreObjects.toStringHelper("VirtualService").omitNullValues().add("id", id).add("vip", vip)
                .add("protocol", protocol.jsonName()).add("port", port).add("serviceType", serviceType)
                .add("firstStage", firstStage).add("mode", mode.jsonName())
                .add("unknownNonSyn", unknownNonSyn.jsonName()).add("policy", policy)
                .add("dataPorts", dataPortMin > 0 ? dataPortMin + "-" + dataPortMax : null).toString();
    }

    /**
     * Builder of {@link VirtualService}.
     */
    public static final class Builder {
        private String id;
        private IpAddress vip;
        private Protocol protocol = Protocol.TCP;
        private int port;
        private String serviceType;
        private String firstStage;
        private DispatchMode mode = DispatchMode.PINNED;
        private UnknownNonSynAction unknownNonSyn = UnknownNonSynAction.DROP;
        private String policy;
        private int dataPortMin;
        private int dataPortMax;

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
         * Sets the VIP.
         *
         * @param vip VIP
         * @return this
         */
        public Builder vip(IpAddress vip) {
            this.vip = vip;
            return this;
        }

        /**
         * Sets the protocol.
         *
         * @param protocol protocol
         * @return this
         */
        public Builder protocol(Protocol protocol) {
            this.protocol = protocol;
            return this;
        }

        /**
         * Sets the port.
         *
         * @param port port
         * @return this
         */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /**
         * Sets the service type.
         *
         * @param serviceType service type
         * @return this
         */
        public Builder serviceType(String serviceType) {
            this.serviceType = serviceType;
            return this;
        }

        /**
         * Sets the first-stage dispatcher id.
         *
         * @param firstStage dispatcher id
         * @return this
         */
        public Builder firstStage(String firstStage) {
            this.firstStage = firstStage;
            return this;
        }

        /**
         * Sets the mode.
         *
         * @param mode mode
         * @return this
         */
        public Builder mode(DispatchMode mode) {
            this.mode = mode;
            return this;
        }

        /**
         * Sets the unknown non-SYN action.
         *
         * @param unknownNonSyn action
         * @return this
         */
        public Builder unknownNonSyn(UnknownNonSynAction unknownNonSyn) {
            this.unknownNonSyn = unknownNonSyn;
            return this;
        }

        /**
         * Sets the overriding policy (null for none).
         *
         * @param policy policy name or null
         * @return this
         */
        public Builder policy(String policy) {
            this.policy = policy;
            return this;
        }

        /**
         * Sets the data port range (both 0 for none).
         *
         * @param min first port
         * @param max last port
         * @return this
         */
        public Builder dataPorts(int min, int max) {
            this.dataPortMin = min;
            this.dataPortMax = max;
            return this;
        }

        /**
         * Builds the service.
         *
         * @return service
         */
        public VirtualService build() {
            return new VirtualService(this);
        }
    }
}
