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
import java.util.function.LongSupplier;

/**
 * Settings of the OpenFlow southbound. Immutable; build with {@link #builder()}.
 * Every value is checked when set: a bad one throws {@link IllegalArgumentException} naming it.
 *
 * <p>The settings that ONOS 2.7 exposes as component properties carry ONOS's names and defaults:
 * {@code flowPollFrequency} (OpenFlowRuleProvider, 5 s), {@code allowExtraneousRules},
 * {@code importExtraneousRules}, {@code purgeOnDisconnection} (FlowRuleManager, all false),
 * {@code portStatsPollFrequency} (OpenFlowDeviceProvider, 5 s), {@code meterStatsPollInterval}
 * (OpenFlowMeterProvider, 10 s). {@code tcpFlagsMatch} is the runtime's own switch (ONOS 2.7 cannot
 * put TCP_FLAGS on the wire; see {@link Builder#tcpFlagsMatch(boolean)}).
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
    /** ONOS's FlowStatsCollector and collectors of ports and meters poll first 1 s after a switch connects. */
    static final Duration FIRST_POLL_DELAY = Duration.ofSeconds(1);

    private final int port;
    private final String bindAddress;
    private final Duration echoInterval;
    private final int echoMissLimit;
    private final Duration flowPollFrequency;
    private final Duration portStatsPollFrequency;
    private final Duration meterStatsPollInterval;
    private final boolean allowExtraneousRules;
    private final boolean importExtraneousRules;
    private final boolean purgeOnDisconnection;
    private final boolean tcpFlagsMatch;
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
    private final boolean automaticPolling;
    private final LongSupplier clock;

    private OpenFlowOptions(Builder b) {
        this.port = b.port;
        this.bindAddress = b.bindAddress;
        this.echoInterval = b.echoInterval;
        this.echoMissLimit = b.echoMissLimit;
        this.flowPollFrequency = b.flowPollFrequency;
        this.portStatsPollFrequency = b.portStatsPollFrequency;
        this.meterStatsPollInterval = b.meterStatsPollInterval;
        this.allowExtraneousRules = b.allowExtraneousRules;
        this.importExtraneousRules = b.importExtraneousRules;
        this.purgeOnDisconnection = b.purgeOnDisconnection;
        this.tcpFlagsMatch = b.tcpFlagsMatch;
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
        this.automaticPolling = b.automaticPolling;
        this.clock = b.clock;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Defaults: port 6653 on all addresses, echo 5 s x 3, ONOS 2.7's defaults for everything ONOS has. */
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

    /**
     * ONOS's {@code OpenFlowRuleProvider.flowPollFrequency}: period of the FLOW statistics poll that
     * confirms rules (RULE_ADDED), reports counters (RULE_UPDATED), expires temporary rules and
     * reconciles the store with the switch. First poll 1 s after the switch connects.
     */
    public Duration flowPollFrequency() {
        return flowPollFrequency;
    }

    /** ONOS's {@code OpenFlowDeviceProvider.portStatsPollFrequency}: port statistics period (first poll after 1 s). */
    public Duration portStatsPollFrequency() {
        return portStatsPollFrequency;
    }

    /** ONOS's {@code OpenFlowMeterProvider.meterStatsPollInterval}: meter statistics period (first poll after 1 s). */
    public Duration meterStatsPollInterval() {
        return meterStatsPollInterval;
    }

    /** ONOS's {@code FlowRuleManager.allowExtraneousRules}: leave rules the store does not know on the switches. */
    public boolean allowExtraneousRules() {
        return allowExtraneousRules;
    }

    /** ONOS's {@code FlowRuleManager.importExtraneousRules}: with allowExtraneousRules, adopt them into the store. */
    public boolean importExtraneousRules() {
        return importExtraneousRules;
    }

    /** ONOS's {@code FlowRuleManager.purgeOnDisconnection}: forget a device's rules when it disconnects. */
    public boolean purgeOnDisconnection() {
        return purgeOnDisconnection;
    }

    /**
     * Whether a TCP_FLAGS criterion is put on the wire (as the OVS/ONF experimenter OXM) and read back.
     * Off (default), the runtime does what ONOS 2.7's FlowModBuilder does: the field is left out.
     */
    public boolean tcpFlagsMatch() {
        return tcpFlagsMatch;
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

    /** Tests only: whether the statistics collectors poll on their own (false: only when a test asks). */
    boolean automaticPolling() {
        return automaticPolling;
    }

    /** Wall clock (ms) of rule liveness; tests replace it. */
    LongSupplier clock() {
        return clock;
    }

    @Override
    public String toString() {
        return "OpenFlowOptions{port=" + port + ", bind=" + bindAddress + ", echo=" + echoInterval
                + "x" + echoMissLimit + ", flowPollFrequency=" + flowPollFrequency
                + ", portStatsPollFrequency=" + portStatsPollFrequency
                + ", meterStatsPollInterval=" + meterStatsPollInterval
                + ", allowExtraneousRules=" + allowExtraneousRules + ", importExtraneousRules=" + importExtraneousRules
                + ", purgeOnDisconnection=" + purgeOnDisconnection + ", tcpFlagsMatch=" + tcpFlagsMatch
                + ", removeAllOnClose=" + removeAllOnClose + ", tlsMode=" + tlsMode.name().toLowerCase(Locale.ROOT)
                + ", maxMultipart=" + maxMultipartParts + " parts/" + maxMultipartBytes + " bytes}";
    }

    /** Builder of {@link OpenFlowOptions}. */
    public static final class Builder {
        private int port = DEFAULT_PORT;
        private String bindAddress = "0.0.0.0";
        private Duration echoInterval = Duration.ofSeconds(5);
        private int echoMissLimit = 3;
        private Duration flowPollFrequency = Duration.ofSeconds(5);
        private Duration portStatsPollFrequency = Duration.ofSeconds(5);
        private Duration meterStatsPollInterval = Duration.ofSeconds(10);
        private boolean allowExtraneousRules;
        private boolean importExtraneousRules;
        private boolean purgeOnDisconnection;
        private boolean tcpFlagsMatch;
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
        private boolean automaticPolling = true;
        private LongSupplier clock = System::currentTimeMillis;

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

        /** @see OpenFlowOptions#flowPollFrequency() */
        public Builder flowPollFrequency(Duration period) {
            this.flowPollFrequency = positive("flowPollFrequency", period);
            return this;
        }

        /** @see OpenFlowOptions#portStatsPollFrequency() */
        public Builder portStatsPollFrequency(Duration period) {
            this.portStatsPollFrequency = positive("portStatsPollFrequency", period);
            return this;
        }

        /** @see OpenFlowOptions#meterStatsPollInterval() */
        public Builder meterStatsPollInterval(Duration period) {
            this.meterStatsPollInterval = positive("meterStatsPollInterval", period);
            return this;
        }

        /** @see OpenFlowOptions#allowExtraneousRules() */
        public Builder allowExtraneousRules(boolean allow) {
            this.allowExtraneousRules = allow;
            return this;
        }

        /** @see OpenFlowOptions#importExtraneousRules() */
        public Builder importExtraneousRules(boolean importRules) {
            this.importExtraneousRules = importRules;
            return this;
        }

        /** @see OpenFlowOptions#purgeOnDisconnection() */
        public Builder purgeOnDisconnection(boolean purge) {
            this.purgeOnDisconnection = purge;
            return this;
        }

        /**
         * For users whose ONOS build translates TCP_FLAGS: put the criterion on the wire as the ONF
         * experimenter OXM Open vSwitch accepts over OpenFlow 1.3 and read it back, so such rules behave
         * like any other. Off by default, as in ONOS 2.7 (the field is silently left out).
         */
        public Builder tcpFlagsMatch(boolean translate) {
            this.tcpFlagsMatch = translate;
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

        /** Tests only: no polling on a timer; tests poll with OpenFlowRuntime's package-private hooks. */
        Builder automaticPolling(boolean automatic) {
            this.automaticPolling = automatic;
            return this;
        }

        /** Tests only: the clock rule liveness is measured with (ms). */
        Builder clock(LongSupplier millis) {
            this.clock = Objects.requireNonNull(millis, "clock");
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
