package org.fwlb.l7.backend;

import org.fwlb.l7.config.AdminState;
import org.fwlb.l7.config.ServerConfig;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * A server this dispatcher reaches directly: its configuration (replaceable live), health, counters and
 * connection pool. Weight and admin state change in place so in-flight requests are not disturbed.
 */
public final class Backend {
    private final String id;
    private final InetSocketAddress address;
    private final ConnectionPool pool;
    private volatile ServerConfig config;
    private volatile boolean healthy = true;
    private int consecutiveOk;
    private int consecutiveFail;

    private final LongAdder requests = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final AtomicInteger active = new AtomicInteger();

    public Backend(ServerConfig config, ConnectionPool pool) {
        this.id = config.id();
        this.address = pool.address();
        this.pool = pool;
        this.config = config;
    }

    public String id() {
        return id;
    }

    public InetSocketAddress address() {
        return address;
    }

    public ConnectionPool pool() {
        return pool;
    }

    public ServerConfig config() {
        return config;
    }

    void config(ServerConfig c) {
        this.config = c;
    }

    public int weight() {
        return config.weight();
    }

    public AdminState adminState() {
        return config.adminState();
    }

    public boolean healthy() {
        return healthy;
    }

    /** May the policy pick it for a new session? */
    public boolean eligible() {
        ServerConfig c = config;
        return healthy && c.adminState() == AdminState.UP && c.weight() > 0;
    }

    /** May a cookie keep sending a session to it? Draining servers finish their sessions. */
    public boolean stickyOk() {
        return healthy && config.adminState() != AdminState.DOWN;
    }

    /**
     * One health probe result with hysteresis; returns the new state if it changed, else null.
     * Called from the health checker's single thread only.
     */
    public synchronized Boolean probed(boolean ok, int downAfter, int upAfter) {
        if (ok) {
            consecutiveFail = 0;
            consecutiveOk++;
            if (!healthy && consecutiveOk >= upAfter) {
                healthy = true;
                return Boolean.TRUE;
            }
        } else {
            consecutiveOk = 0;
            consecutiveFail++;
            if (healthy && consecutiveFail >= downAfter) {
                healthy = false;
                return Boolean.FALSE;
            }
        }
        return null;
    }

    public void requestStarted() {
        requests.increment();
        active.incrementAndGet();
    }

    public void requestEnded(boolean failed) {
        active.decrementAndGet();
        if (failed) {
            failures.increment();
        }
    }

    public int active() {
        return active.get();
    }

    public long requests() {
        return requests.sum();
    }

    public long failures() {
        return failures.sum();
    }
}
