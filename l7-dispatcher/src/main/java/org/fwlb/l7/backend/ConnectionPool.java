package org.fwlb.l7.backend;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.util.concurrent.ScheduledFuture;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bounded pool of persistent keep-alive connections to one server ([0034]), shared by all client
 * connections. At most {@code maxConnections} are open; a request finding them all busy waits in a bounded
 * FIFO queue for one to come back. An idle connection on the caller's event loop is preferred, so most
 * requests never cross threads.
 */
public final class ConnectionPool {
    private final String name;
    private final InetSocketAddress address;
    private final Bootstrap bootstrap;
    private final int maxConnections;
    private final int maxQueue;
    private final long idleNanos;
    private final long queueMs;

    // guarded by this
    private final ArrayDeque<BackendConnection> idle = new ArrayDeque<>();
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    private int open;
    private boolean closed;

    private final AtomicLong openedTotal = new AtomicLong();
    private ScheduledFuture<?> reaper;

    private final class Waiter implements Runnable {
        final EventLoop loop;
        final LeaseCallback callback;
        ScheduledFuture<?> timeout;

        Waiter(EventLoop loop, LeaseCallback callback) {
            this.loop = loop;
            this.callback = callback;
        }

        @Override
        public void run() { // queue timeout
            boolean removed;
            synchronized (ConnectionPool.this) {
                removed = waiters.remove(this);
            }
            if (removed) {
                callback.leaseFailed(new PoolException("no connection to " + name + " within the queue timeout"),
                        true);
            }
        }
    }

    public ConnectionPool(String name, InetSocketAddress address, Bootstrap base, int maxConnections, int maxQueue,
                          long idleMs, long queueMs, int connectMs) {
        this.name = name;
        this.address = address;
        this.maxConnections = maxConnections;
        this.maxQueue = maxQueue;
        this.idleNanos = TimeUnit.MILLISECONDS.toNanos(idleMs);
        this.queueMs = queueMs;
        this.bootstrap = base.clone().option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectMs)
                .remoteAddress(address);
        long period = Math.max(100, idleMs / 4);
        this.reaper = base.config().group().next()
                .scheduleAtFixedRate(this::reapIdle, period, period, TimeUnit.MILLISECONDS);
    }

    public InetSocketAddress address() {
        return address;
    }

    /** Hands a connection to {@code callback}: an idle one, a new one, or one that comes back later. */
    public void lease(EventLoop preferred, LeaseCallback callback) {
        BackendConnection reuse = null;
        boolean connect = false;
        Waiter waiter;
        synchronized (this) {
            if (closed) {
                callback.leaseFailed(new PoolException("server " + name + " was removed"), false);
                return;
            }
            reuse = takeIdle(preferred);
            if (reuse == null) {
                if (open < maxConnections) {
                    open++;
                    connect = true;
                } else if (waiters.size() < maxQueue) {
                    waiter = new Waiter(preferred, callback);
                    // scheduled under the lock: a release may hand this waiter a connection right after
                    waiter.timeout = preferred.schedule(waiter, queueMs, TimeUnit.MILLISECONDS);
                    waiters.add(waiter);
                } else {
                    callback.leaseFailed(new PoolException("queue for " + name + " is full"), true);
                    return;
                }
            }
        }
        if (reuse != null) {
            callback.leased(reuse, false);
        } else if (connect) {
            connect(preferred, callback);
        }
    }

    private BackendConnection takeIdle(EventLoop preferred) {
        for (Iterator<BackendConnection> it = idle.descendingIterator(); it.hasNext(); ) {
            BackendConnection c = it.next();
            if (c.channel().eventLoop() == preferred) {
                it.remove();
                return c;
            }
        }
        return idle.pollLast(); // most recently used: the least likely to have been closed by the server
    }

    private void connect(EventLoop loop, LeaseCallback callback) {
        BackendConnection conn = new BackendConnection(this);
        Bootstrap b = bootstrap.clone(loop).handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                conn.bind(ch);
                ch.pipeline().addLast("codec", new HttpClientCodec(4096, 65536, 65536, false, true))
                        .addLast("conn", conn);
            }
        });
        ChannelFuture f = b.connect();
        f.addListener(done -> {
            if (done.isSuccess()) {
                openedTotal.incrementAndGet();
                callback.leased(conn, true);
            } else {
                synchronized (this) {
                    open--;
                }
                callback.leaseFailed(done.cause(), false);
                serveWaiterWithNewConnection();
            }
        });
    }

    /** The request using {@code conn} is done; keep it for the next one if it can be reused. */
    void release(BackendConnection conn, boolean reusable) {
        if (!reusable) {
            conn.channel().close(); // closed() accounts for it
            return;
        }
        Waiter w;
        synchronized (this) {
            if (closed) {
                w = null;
            } else {
                w = waiters.poll();
                if (w == null) {
                    conn.idleSince = System.nanoTime();
                    idle.addLast(conn);
                    return;
                }
            }
        }
        if (w == null) {
            conn.channel().close();
            return;
        }
        w.timeout.cancel(false);
        w.callback.leased(conn, false);
    }

    /** Returns a connection that was leased but not used (its request went away meanwhile). */
    public void giveBack(BackendConnection conn) {
        release(conn, conn.channel().isActive());
    }

    /** Called once per connection when its channel goes inactive. */
    void closed(BackendConnection conn) {
        synchronized (this) {
            idle.remove(conn);
            open--;
        }
        serveWaiterWithNewConnection();
    }

    private void serveWaiterWithNewConnection() {
        Waiter w;
        synchronized (this) {
            if (closed || open >= maxConnections || waiters.isEmpty()) {
                return;
            }
            w = waiters.poll();
            open++;
        }
        w.timeout.cancel(false);
        connect(w.loop, w.callback);
    }

    private void reapIdle() {
        long now = System.nanoTime();
        java.util.List<BackendConnection> expired = new java.util.ArrayList<>();
        synchronized (this) {
            for (Iterator<BackendConnection> it = idle.iterator(); it.hasNext(); ) {
                BackendConnection c = it.next();
                if (now - c.idleSince > idleNanos || !c.channel().isActive()) {
                    it.remove();
                    expired.add(c);
                }
            }
        }
        expired.forEach(c -> c.channel().close());
    }

    /** No new leases; idle connections close now, busy ones after their response. */
    public void close() {
        java.util.List<BackendConnection> toClose;
        java.util.List<Waiter> failed;
        synchronized (this) {
            closed = true;
            toClose = new java.util.ArrayList<>(idle);
            idle.clear();
            failed = new java.util.ArrayList<>(waiters);
            waiters.clear();
        }
        reaper.cancel(false);
        toClose.forEach(c -> c.channel().close());
        for (Waiter w : failed) {
            w.timeout.cancel(false);
            w.callback.leaseFailed(new PoolException("server " + name + " was removed"), false);
        }
    }

    public synchronized int open() {
        return open;
    }

    public synchronized int idle() {
        return idle.size();
    }

    public synchronized int queued() {
        return waiters.size();
    }

    public long openedTotal() {
        return openedTotal.get();
    }

    /** A lease that failed for a reason of the pool itself (removed server, full queue). */
    public static final class PoolException extends Exception {
        public PoolException(String message) {
            super(message, null, false, false);
        }
    }
}
