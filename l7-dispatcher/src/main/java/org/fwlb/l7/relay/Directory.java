package org.fwlb.l7.relay;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.concurrent.CompletableFuture;

/**
 * Finds the peer dispatcher that reaches a server this one does not ([0036]): the controller's central
 * directory, or a "who reaches this server?" broadcast to the peers.
 */
public interface Directory {
    /** The peer to relay to, or null if none is known. Never fails; may complete on another thread. */
    CompletableFuture<PeerRef> locate(String serverId);

    /** Forget what is known about {@code serverId} (its peer just refused or failed). */
    default void invalidate(String serverId) {
    }

    /** The controller's latest directory/dispatchers (report answer); either may be null. */
    void update(JsonNode directory, JsonNode dispatchers);
}
