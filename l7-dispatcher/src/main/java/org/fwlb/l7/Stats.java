package org.fwlb.l7;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** Dispatcher-wide counters (per-server ones live on each Backend). LongAdder: written on every request. */
public final class Stats {
    public final long startedAt = System.currentTimeMillis();
    public final LongAdder requests = new LongAdder();
    public final LongAdder responses = new LongAdder();
    public final LongAdder badRequests = new LongAdder();
    public final LongAdder relayedOut = new LongAdder();
    public final LongAdder relayedIn = new LongAdder();
    public final LongAdder relayRefused = new LongAdder();
    public final LongAdder relayForbidden = new LongAdder();
    public final LongAdder cookieInserted = new LongAdder();
    public final LongAdder cookieInvalid = new LongAdder();
    public final LongAdder cookieRefreshed = new LongAdder();
    public final LongAdder retries = new LongAdder();
    public final LongAdder status502 = new LongAdder();
    public final LongAdder status503 = new LongAdder();
    public final LongAdder status504 = new LongAdder();
    public final LongAdder clientTimeouts = new LongAdder();
    public final LongAdder controllerFailures = new LongAdder();
    public final LongAdder clientConnectionsTotal = new LongAdder();
    public final LongAdder clientConnectionsRefused = new LongAdder();
    public final AtomicInteger clientConnections = new AtomicInteger();

    public long uptimeMs() {
        return System.currentTimeMillis() - startedAt;
    }
}
