package org.fwlb.bench;

import org.fwlb.connection.PinResult;
import org.fwlb.model.ConnectionEntry;
import org.fwlb.model.ConnectionPath;
import org.fwlb.model.FlowKey;

import java.util.function.LongFunction;

/**
 * Fills the connection table to its steady size before measuring, with connections spread over the
 * members as the decisions spread them, by pinning entries directly (a full decision per entry would make
 * the set-up of the serializing variants take minutes).
 */
final class Prefill {

    private Prefill() {
    }

    /**
     * Pins connections 0 .. live-1 and records them in the ring, oldest first.
     *
     * @param core   the table
     * @param ring   the live connections
     * @param live   how many
     * @param flowOf the flow of connection n
     * @param pathOf the path of connection n
     */
    static void fill(CoreServices core, LiveConnections ring, int live, LongFunction<FlowKey> flowOf,
                     LongFunction<ConnectionPath> pathOf) {
        long now = System.currentTimeMillis();
        for (long n = 0; n < live; n++) {
            PinResult r = core.connections.pin(ConnectionEntry.pinned(flowOf.apply(n), pathOf.apply(n), now,
                                                                      "org.fwlb.bench"));
            if (!r.isPinned()) {
                throw new IllegalStateException("prefill: " + r.message());
            }
            if (ring.admit(r.entry().key()) != null) {
                throw new IllegalStateException("prefill overran the ring");
            }
        }
    }
}
