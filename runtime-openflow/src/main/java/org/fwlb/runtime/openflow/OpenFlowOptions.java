package org.fwlb.runtime.openflow;

import org.onosproject.cluster.NodeId;
import org.onosproject.core.ApplicationId;
import org.onosproject.core.DefaultApplicationId;

import org.onosproject.net.DeviceId;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Settings of the OpenFlow southbound. Immutable; build with {@link #builder()}.
 * Every value is checked when set: a bad one throws {@link IllegalArgumentException} naming it.
 */
public final class OpenFlowOptions {

    /** IANA OpenFlow port. */
    public static final int DEFAULT_PORT = 6653;
    /**
     * The id ONOS's CoreManager gives {@code org.onosproject.core} (the first application it registers).
     * Punt rules from {@code requestPackets} carry it, as in ONOS. The runtime's CoreService must agree.
     */
    public static final ApplicationId DEFAULT_CORE_APP_ID = new DefaultApplicationId(1, "org.onosproject.core");
    /** Default {@link #maxMultipartParts()}. */
    public static final int DEFAULT_MAX_MULTIPART_PARTS = 65_536;
    /** Default {@link #maxMultipartBytes()}: 128 MiB, about 700,000 flow entries of Open vSwitch. */
    public static final long DEFAULT_MAX_MULTIPART_BYTES = 128L << 20;

    /**
     * TLS on the OpenFlow channel, with the values and meaning of ONOS's {@code tlsMode} property of
     * {@code org.onosproject.openflow.controller.impl.OpenFlowControllerImpl}.
     */
    public enum TlsMode {
        /** Plain TCP. */
        DISABLED,
        /** TLS; the switch must present a certificate the trust store vouches for. */
        ENABLED,
        /**
         * As ENABLED, and the certificate must be the one the key store holds under the alias that the
         * device's netcfg names ({@code devices/<id>/openflow/keyAlias}); a switch without one is refused.
         */
        STRICT;

        /**
         * @param text disabled, enabled or strict (any case)
         * @return the mode
         * @throws IllegalArgumentException for anything else
         */
        public static TlsMode parse(String text) {
            try {
                return valueOf(text.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("OpenFlow TLS mode '" + text + "' is not disabled, enabled or strict");
            }
        }
    }

    private final int port;
    private final String bindAddress;
    private final Duration echoInterval;
    private final int echoMissLimit;
    private final Duration statsInterval;
    private final Duration adoptionGrace;
    private final Duration handshakeTimeout;
    private final boolean removeAllOnClose;
    private final ApplicationId coreAppId;
    private final NodeId nodeId;
    private final int packetQueueCapacity;
    private final int maxMultipartParts;
    private final long maxMultipartBytes;
    private final TlsMode tlsMode;
    private final Path keyStore;
    private final char[] keyStorePassword;
    private final Path trustStore;
    private final char[] trustStorePassword;
    private final Function<DeviceId, Optional<String>> keyAliases;

    private OpenFlowOptions(Builder b) {
        this.port = b.port;
        this.bindAddress = b.bindAddress;
        this.echoInterval = b.echoInterval;
        this.echoMissLimit = b.echoMissLimit;
        this.statsInterval = b.statsInterval;
        this.adoptionGrace = b.adoptionGrace;
        this.handshakeTimeout = b.handshakeTimeout;
        this.removeAllOnClose = b.removeAllOnClose;
        this.coreAppId = b.coreAppId;
        this.nodeId = b.nodeId;
        this.packetQueueCapacity = b.packetQueueCapacity;
        this.maxMultipartParts = b.maxMultipartParts;
        this.maxMultipartBytes = b.maxMultipartBytes;
        this.tlsMode = b.tlsMode;
        this.keyStore = b.keyStore;
        this.keyStorePassword = b.keyStorePassword;
        this.trustStore = b.trustStore;
        this.trustStorePassword = b.trustStorePassword;
        this.keyAliases = b.keyAliases;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Defaults: port 6653 on all addresses, echo 5 s x 3, stats 2 s, adoption grace 15 s. */
    public static OpenFlowOptions defaults() {
        return builder().build();
    }

    /** TCP port to listen on; 0 picks a free one (see {@link OpenFlowRuntime#boundPort()}). */
    public int port() {
        return port;
    }

    public String bindAddress() {
        return bindAddress;
    }

    /** How often the controller sends its own ECHO_REQUEST to each switch. */
    public Duration echoInterval() {
        return echoInterval;
    }

    /** Unanswered echo requests in a row after which the switch connection is closed. */
    public int echoMissLimit() {
        return echoMissLimit;
    }

    /** Period of FLOW / PORT / METER statistics polling. */
    public Duration statsInterval() {
        return statsInterval;
    }

    /**
     * After a switch connects, how long rules found on it that no application owns are kept (and
     * reported by getFlowEntries) so a restarted application can adopt them; afterwards such rules
     * with a non-zero cookie are deleted as stale.
     */
    public Duration adoptionGrace() {
        return adoptionGrace;
    }

    /** Time allowed from TCP accept to a finished handshake. */
    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    /** Whether {@link OpenFlowRuntime#close()} first deletes every rule the applications installed. */
    public boolean removeAllOnClose() {
        return removeAllOnClose;
    }

    public ApplicationId coreAppId() {
        return coreAppId;
    }

    /** Node id reported in {@code PacketRequest}s (the one node of the standalone runtime). */
    public NodeId nodeId() {
        return nodeId;
    }

    /** Packet-ins waiting for the processors beyond this many are dropped (and counted). */
    public int packetQueueCapacity() {
        return packetQueueCapacity;
    }

    /**
     * A multipart reply (statistics, port or meter descriptions) with more parts than this fails its request;
     * the connection stays up.
     */
    public int maxMultipartParts() {
        return maxMultipartParts;
    }

    /** A multipart reply whose parts add up to more bytes than this fails its request (memory bound). */
    public long maxMultipartBytes() {
        return maxMultipartBytes;
    }

    /** TLS on the OpenFlow channel (ONOS's {@code tlsMode}). */
    public TlsMode tlsMode() {
        return tlsMode;
    }

    /** The controller's key store (ONOS's {@code keyStore}); in STRICT mode also the switches' certificates. */
    public Path keyStore() {
        return keyStore;
    }

    /** ONOS's {@code keyStorePassword}. */
    public char[] keyStorePassword() {
        return keyStorePassword;
    }

    /** Certificates (or their CAs) that switches may present (ONOS's {@code trustStore}). */
    public Path trustStore() {
        return trustStore;
    }

    /** ONOS's {@code trustStorePassword}. */
    public char[] trustStorePassword() {
        return trustStorePassword;
    }

    /** For STRICT mode: the key store alias of a device's certificate (ONOS: netcfg {@code openflow.keyAlias}). */
    public Function<DeviceId, Optional<String>> keyAliases() {
        return keyAliases;
    }

    @Override
    public String toString() {
        return "OpenFlowOptions{port=" + port + ", bind=" + bindAddress + ", echo=" + echoInterval
                + "x" + echoMissLimit + ", stats=" + statsInterval + ", grace=" + adoptionGrace
                + ", removeAllOnClose=" + removeAllOnClose + ", tlsMode=" + tlsMode.name().toLowerCase(Locale.ROOT)
                + ", maxMultipart=" + maxMultipartParts + " parts/" + maxMultipartBytes + " bytes}";
    }

    /** Builder of {@link OpenFlowOptions}. */
    public static final class Builder {
        private int port = DEFAULT_PORT;
        private String bindAddress = "0.0.0.0";
        private Duration echoInterval = Duration.ofSeconds(5);
        private int echoMissLimit = 3;
        private Duration statsInterval = Duration.ofSeconds(2);
        private Duration adoptionGrace = Duration.ofSeconds(15);
        private Duration handshakeTimeout = Duration.ofSeconds(10);
        private boolean removeAllOnClose = false;
        private ApplicationId coreAppId = DEFAULT_CORE_APP_ID;
        private NodeId nodeId = NodeId.nodeId("fwlb-runtime");
        private int packetQueueCapacity = 10_000;
        private int maxMultipartParts = DEFAULT_MAX_MULTIPART_PARTS;
        private long maxMultipartBytes = DEFAULT_MAX_MULTIPART_BYTES;
        private TlsMode tlsMode = TlsMode.DISABLED;
        private Path keyStore;
        private char[] keyStorePassword;
        private Path trustStore;
        private char[] trustStorePassword;
        private Function<DeviceId, Optional<String>> keyAliases = d -> Optional.empty();

        private Builder() {
        }

        public Builder maxMultipartParts(int parts) {
            if (parts < 1) {
                throw new IllegalArgumentException("largest multipart reply: " + parts + " parts is less than 1");
            }
            this.maxMultipartParts = parts;
            return this;
        }

        public Builder maxMultipartBytes(long bytes) {
            if (bytes < 65_535) {
                throw new IllegalArgumentException("largest multipart reply: " + bytes
                        + " bytes is less than one OpenFlow message (65535)");
            }
            this.maxMultipartBytes = bytes;
            return this;
        }

        /**
         * TLS as ONOS configures it: ENABLED and STRICT need all four values (ONOS falls back to plain TCP
         * when one is missing; here that is an error).
         *
         * @param mode               disabled, enabled or strict
         * @param keyStore           controller key store (null with DISABLED)
         * @param keyStorePassword   its password
         * @param trustStore         trust store
         * @param trustStorePassword its password
         * @return this
         */
        public Builder tls(TlsMode mode, Path keyStore, char[] keyStorePassword, Path trustStore,
                           char[] trustStorePassword) {
            Objects.requireNonNull(mode, "TLS mode");
            if (mode != TlsMode.DISABLED) {
                if (keyStore == null || keyStorePassword == null || trustStore == null || trustStorePassword == null) {
                    throw new IllegalArgumentException("OpenFlow TLS mode " + mode.name().toLowerCase(Locale.ROOT)
                            + " needs a key store, a trust store and both passwords");
                }
            }
            this.tlsMode = mode;
            this.keyStore = keyStore;
            this.keyStorePassword = keyStorePassword;
            this.trustStore = trustStore;
            this.trustStorePassword = trustStorePassword;
            return this;
        }

        /**
         * @param aliases the key store alias of each device's certificate, for STRICT mode
         * @return this
         */
        public Builder keyAliases(Function<DeviceId, Optional<String>> aliases) {
            this.keyAliases = Objects.requireNonNull(aliases, "key aliases");
            return this;
        }

        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("OpenFlow port: " + port + " is not in 0..65535");
            }
            this.port = port;
            return this;
        }

        public Builder bindAddress(String address) {
            if (address == null || address.isBlank()) {
                throw new IllegalArgumentException("OpenFlow bind address: must not be empty");
            }
            this.bindAddress = address;
            return this;
        }

        public Builder echoInterval(Duration interval) {
            this.echoInterval = positive("echo interval", interval);
            return this;
        }

        public Builder echoMissLimit(int limit) {
            if (limit < 1) {
                throw new IllegalArgumentException("echo miss limit: " + limit + " is less than 1");
            }
            this.echoMissLimit = limit;
            return this;
        }

        public Builder statsInterval(Duration interval) {
            this.statsInterval = positive("stats interval", interval);
            return this;
        }

        public Builder adoptionGrace(Duration grace) {
            Objects.requireNonNull(grace, "adoption grace");
            if (grace.isNegative()) {
                throw new IllegalArgumentException("adoption grace: " + grace + " is negative");
            }
            this.adoptionGrace = grace;
            return this;
        }

        public Builder handshakeTimeout(Duration timeout) {
            this.handshakeTimeout = positive("handshake timeout", timeout);
            return this;
        }

        public Builder removeAllOnClose(boolean remove) {
            this.removeAllOnClose = remove;
            return this;
        }

        public Builder coreAppId(ApplicationId appId) {
            this.coreAppId = Objects.requireNonNull(appId, "core application id");
            return this;
        }

        public Builder nodeId(NodeId nodeId) {
            this.nodeId = Objects.requireNonNull(nodeId, "node id");
            return this;
        }

        public Builder packetQueueCapacity(int capacity) {
            if (capacity < 1) {
                throw new IllegalArgumentException("packet queue capacity: " + capacity + " is less than 1");
            }
            this.packetQueueCapacity = capacity;
            return this;
        }

        public OpenFlowOptions build() {
            return new OpenFlowOptions(this);
        }

        private static Duration positive(String what, Duration d) {
            Objects.requireNonNull(d, what);
            if (d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException(what + ": " + d + " is not positive");
            }
            return d;
        }
    }
}
