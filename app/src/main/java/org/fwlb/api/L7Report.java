package org.fwlb.api;

import com.google.common.collect.ImmutableMap;
import org.fwlb.model.HealthState;

import java.util.Map;

import static com.google.common.base.Preconditions.checkNotNull;

/**
 * What an L7/3 dispatcher process reports to the controller each interval (seed [0036]): its request
 * counters, its relay port, and the health and load of the servers it reaches.
 */
public final class L7Report {

    /** One server as the dispatcher sees it. */
    public static final class ServerReport {
        private final HealthState health;
        private final long requests;
        private final int open;
        private final int pooled;

        /**
         * Creates a server report.
         *
         * @param health   health by the dispatcher's checks
         * @param requests requests forwarded to it since the dispatcher started
         * @param open     connections to it now
         * @param pooled   idle pooled connections to it now
         */
        public ServerReport(HealthState health, long requests, int open, int pooled) {
            this.health = checkNotNull(health, "health");
            this.requests = requests;
            this.open = open;
            this.pooled = pooled;
        }

        /** @return health */
        public HealthState health() {
            return health;
        }

        /** @return requests forwarded */
        public long requests() {
            return requests;
        }

        /** @return open connections */
        public int open() {
            return open;
        }

        /** @return pooled idle connections */
        public int pooled() {
            return pooled;
        }
    }

    private final ImmutableMap<String, ServerReport> servers;
    private final long requests;
    private final long relayedOut;
    private final long relayedIn;
    private final long badRequests;
    private final int relayPort;

    /**
     * Creates a report.
     *
     * @param servers     per server id
     * @param requests    client requests since start
     * @param relayedOut  requests relayed to a peer dispatcher
     * @param relayedIn   requests relayed here by peers
     * @param badRequests requests refused as malformed
     * @param relayPort   the dispatcher's relay port (peers relay to its address on it)
     */
    public L7Report(Map<String, ServerReport> servers, long requests, long relayedOut, long relayedIn,
                    long badRequests, int relayPort) {
        this.servers = ImmutableMap.copyOf(servers);
        this.requests = requests;
        this.relayedOut = relayedOut;
        this.relayedIn = relayedIn;
        this.badRequests = badRequests;
        this.relayPort = relayPort;
    }

    /** @return per server id */
    public Map<String, ServerReport> servers() {
        return servers;
    }

    /** @return client requests */
    public long requests() {
        return requests;
    }

    /** @return relayed to peers */
    public long relayedOut() {
        return relayedOut;
    }

    /** @return relayed from peers */
    public long relayedIn() {
        return relayedIn;
    }

    /** @return malformed requests */
    public long badRequests() {
        return badRequests;
    }

    /** @return relay port */
    public int relayPort() {
        return relayPort;
    }
}
