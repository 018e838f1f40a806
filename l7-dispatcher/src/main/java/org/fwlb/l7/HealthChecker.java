package org.fwlb.l7;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import org.fwlb.l7.backend.Backend;
import org.fwlb.l7.backend.BackendConnection;
import org.fwlb.l7.backend.ConnectionPool;
import org.fwlb.l7.backend.LeaseCallback;
import org.fwlb.l7.backend.ResponseListener;
import org.fwlb.l7.backend.ServerRegistry;
import org.fwlb.l7.config.DispatcherConfig;

import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Active health checks of this dispatcher's servers, every interval, with hysteresis (down after
 * {@code downAfter} failures in a row, up after {@code upAfter} successes). Kind {@code tcp}: a connect.
 * Kind {@code http}: {@code GET path} (2xx/3xx = up) over one persistent connection per server, so a
 * server counting its TCP connections sees the request pools, not one connection per probe. A server is
 * never probed again while its previous probe is pending. Results are applied on the scheduler thread.
 */
public final class HealthChecker {
    private final ServerRegistry registry;
    private final DispatcherConfig.Health cfg;
    private final Bootstrap base;
    private final Bootstrap tcp;
    private final ScheduledExecutorService scheduler;
    private final Map<Backend, ConnectionPool> httpPools = new IdentityHashMap<>(); // scheduler thread only
    private final Set<Backend> pending = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));

    public HealthChecker(ServerRegistry registry, DispatcherConfig.Health cfg, Bootstrap base,
                         ScheduledExecutorService scheduler) {
        this.registry = registry;
        this.cfg = cfg;
        this.base = base;
        this.tcp = base.clone().option(ChannelOption.CONNECT_TIMEOUT_MILLIS, cfg.timeoutMs())
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        // a probe only connects and closes
                    }
                });
        this.scheduler = scheduler;
    }

    public void start() {
        scheduler.scheduleWithFixedDelay(this::probeAll, cfg.intervalMs(), cfg.intervalMs(), TimeUnit.MILLISECONDS);
    }

    private void probeAll() {
        Set<Backend> live = new HashSet<>(registry.all());
        httpPools.entrySet().removeIf(e -> {
            if (!live.contains(e.getKey())) {
                e.getValue().close();
                return true;
            }
            return false;
        });
        for (Backend b : live) {
            if (!pending.add(b)) {
                continue;
            }
            if ("http".equals(cfg.kind())) {
                probeHttp(b);
            } else {
                probeTcp(b);
            }
        }
    }

    private void probeTcp(Backend b) {
        tcp.connect(b.address()).addListener((ChannelFutureListener) f -> {
            boolean ok = f.isSuccess();
            if (ok) {
                f.channel().close();
            }
            done(b, ok, ok ? null : String.valueOf(f.cause()));
        });
    }

    private void probeHttp(Backend b) {
        ConnectionPool pool = httpPools.computeIfAbsent(b, k -> new ConnectionPool("health " + k.id(), k.address(),
                base, 1, 1, Math.max(30_000, 4L * cfg.intervalMs()), cfg.timeoutMs(), cfg.timeoutMs()));
        EventLoop loop = base.config().group().next();
        pool.lease(loop, new HttpProbe(b));
    }

    /** One GET over the server's health connection; exactly one {@link #done} per probe. */
    private final class HttpProbe implements LeaseCallback, ResponseListener {
        private final Backend backend;
        private final AtomicBoolean finished = new AtomicBoolean();
        private volatile int status;
        private volatile BackendConnection conn;

        HttpProbe(Backend backend) {
            this.backend = backend;
        }

        private void finish(boolean ok, String why) {
            if (finished.compareAndSet(false, true)) {
                done(backend, ok, why);
            }
        }

        @Override
        public void leased(BackendConnection c, boolean fresh) {
            conn = c;
            c.attach(this);
            DefaultFullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, cfg.path());
            req.headers().set(HttpHeaderNames.HOST, backend.address().getHostString())
                    .set(HttpHeaderNames.USER_AGENT, "fwlb-l7-health");
            c.channel().writeAndFlush(req).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
            c.channel().eventLoop().schedule(() -> {
                if (!finished.get()) {
                    c.abort();
                    finish(false, "no answer within " + cfg.timeoutMs() + " ms");
                }
            }, cfg.timeoutMs(), TimeUnit.MILLISECONDS);
        }

        @Override
        public void leaseFailed(Throwable cause, boolean saturated) {
            finish(false, String.valueOf(cause));
        }

        @Override
        public void onResponseHead(HttpResponse head) {
            status = head.status().code();
        }

        @Override
        public void onResponseContent(HttpContent content, boolean last, boolean reusable) {
            content.release();
            if (last) {
                finish(status >= 200 && status < 400, "status " + status);
            }
        }

        @Override
        public void onReadComplete() {
        }

        @Override
        public void onBackendFailed(Throwable cause, boolean responseStarted) {
            finish(false, String.valueOf(cause));
        }
    }

    private void done(Backend b, boolean ok, String why) {
        if (scheduler.isShutdown()) {
            return; // stopping: results no longer matter
        }
        scheduler.execute(() -> {
            pending.remove(b);
            Boolean changed = b.probed(ok, cfg.downAfter(), cfg.upAfter());
            if (changed != null) {
                if (changed) {
                    Log.info("server_up", "server", b.id(), "address", b.address());
                } else {
                    Log.warn("server_down", "server", b.id(), "address", b.address(), "reason", why);
                }
            }
        });
    }

    /** Closes the health connections. */
    public void stop() {
        scheduler.execute(() -> {
            httpPools.values().forEach(ConnectionPool::close);
            httpPools.clear();
        });
    }
}
