package org.fwlb.l7;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.fwlb.l7.backend.ConnectionPool;
import org.fwlb.l7.backend.ServerRegistry;
import org.fwlb.l7.config.DispatcherConfig;
import org.fwlb.l7.control.ControlServer;
import org.fwlb.l7.control.ControllerLink;
import org.fwlb.l7.control.Views;
import org.fwlb.l7.cookie.CookieSigner;
import org.fwlb.l7.http.DispatchContext;
import org.fwlb.l7.http.FrontHandler;
import org.fwlb.l7.http.RequestValidator;
import org.fwlb.l7.http.Router;
import org.fwlb.l7.http.StrictRequestDecoder;
import org.fwlb.l7.relay.BroadcastDirectory;
import org.fwlb.l7.relay.ControlClient;
import org.fwlb.l7.relay.ControllerDirectory;
import org.fwlb.l7.relay.Directory;
import org.fwlb.l7.relay.MatchingTable;
import org.fwlb.l7.relay.PeerPools;
import org.fwlb.l7.relay.PeerRef;
import org.fwlb.l7.relay.RelaySigner;

import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One L7/3 dispatcher: client listener (the VIP), relay listener (peers), control REST, server pools,
 * health checks and the controller link, wired from one {@link DispatcherConfig}.
 */
public final class Dispatcher {
    private final DispatcherConfig cfg;
    private final EventLoopGroup group;
    private final Bootstrap clientBase;
    private final Stats stats = new Stats();
    private final MatchingTable table = new MatchingTable(256);
    private final ServerRegistry registry;
    private final PeerPools peers;
    private final Directory directory;
    private final HttpClient http;
    private final ScheduledExecutorService scheduler;
    private final DispatchContext dc;
    private final RelaySigner relaySigner;
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private volatile boolean draining;
    private Channel listenChannel;
    private Channel relayChannel;
    private ControlServer control;
    private ControllerLink link;
    private HealthChecker health;

    public Dispatcher(DispatcherConfig cfg) {
        this.cfg = cfg;
        int workers = cfg.workers() > 0 ? cfg.workers() : Runtime.getRuntime().availableProcessors();
        this.group = Transport.group(workers);
        this.clientBase = new Bootstrap().group(group).channel(Transport.clientChannel())
                .option(ChannelOption.TCP_NODELAY, true).option(ChannelOption.SO_KEEPALIVE, true);
        DispatcherConfig.Pool p = cfg.pool();
        DispatcherConfig.Timeouts t = cfg.timeouts();
        this.registry = new ServerRegistry(cfg.policy(), s -> new ConnectionPool(s.id(),
                new InetSocketAddress(s.ip(), s.port()), clientBase, p.maxPerServer(), p.maxQueue(), p.idleMs(),
                t.queueMs(), t.connectMs()));
        this.peers = new PeerPools(a -> new ConnectionPool("relay " + a, a, clientBase, p.maxPerServer(),
                p.maxQueue(), p.idleMs(), t.queueMs(), t.connectMs()));
        DispatcherConfig.Directory dir = cfg.directory();
        this.http = ControlClient.create(t.connectMs(),
                dir.controllerCaFile() == null ? null : ControlClient.trusting(dir.controllerCaFile()));
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread th = new Thread(r, "l7-scheduler");
            th.setDaemon(true);
            return th;
        });
        this.relaySigner = new RelaySigner(cfg.relayAuth().key(), cfg.relayAuth().maxSkewMs());
        DispatcherConfig.Directory d = cfg.directory();
        if (d.broadcast()) {
            List<PeerRef> staticPeers = d.peers().stream().map(x -> new PeerRef(x.id(), x.relay())).toList();
            directory = new BroadcastDirectory(cfg.id(), staticPeers, http, t.connectMs(), d.cacheMs(), relaySigner);
        } else if (d.controllerUrl() != null) {
            directory = new ControllerDirectory(cfg.id(), d.controllerUrl(), http, Math.max(1000, t.connectMs()));
        } else {
            directory = new Directory() { // alone on a static config: nobody to relay to
                @Override
                public CompletableFuture<PeerRef> locate(String serverId) {
                    return CompletableFuture.completedFuture(null);
                }

                @Override
                public void update(com.fasterxml.jackson.databind.JsonNode a, com.fasterxml.jackson.databind.JsonNode b) {
                }
            };
        }
        registry.apply(cfg.servers());
        this.dc = new DispatchContext(cfg, registry, new CookieSigner(cfg.cookie().name(), cfg.cookie().key(), cfg.cookie().maxIdleS(),
                cfg.cookie().maxLifeS()),
                directory, peers, stats, table, new Router(cfg.routes(), cfg.defaultServiceType()),
                new RequestValidator(cfg.limits().maxBodyBytes()), () -> draining, relaySigner);
    }

    public void start() throws Exception {
        try {
            listenChannel = bind(cfg.listen(), false);
            relayChannel = bind(cfg.relay(), true);
            if (cfg.controlAuth().credentials().isEmpty()) {
                // secure by default: no credentials configured, no control REST at all
                Log.warn("control_disabled", "reason", "no control.users or control.tokens configured");
            } else {
                control = new ControlServer(cfg.control(), cfg.controlAuth(), group, registry, this::statsView,
                        () -> Views.table(table), this::healthView,
                        () -> org.fwlb.l7.control.Metrics.text(cfg.id(), stats, registry));
                control.start();
            }
        } catch (Exception e) {
            stopNow();
            throw e;
        }
        health = new HealthChecker(registry, cfg.health(), clientBase, scheduler);
        health.start();
        if (cfg.directory().controllerUrl() != null) {
            link = new ControllerLink(cfg, http, stats, registry, directory, scheduler);
            link.start();
        }
        Log.info("started", "id", cfg.id(), "listen", listenAddress(), "relay", relayAddress(),
                "control", control == null ? "off" : controlAddress(), "transport", Transport.epoll() ? "epoll" : "nio",
                "policy", cfg.policy(), "servers", registry.all().size(), "directory", cfg.directory().mode(),
                "controller", org.fwlb.l7.config.Redact.url(cfg.directory().controllerUrl()));
        if (cfg.directory().controllerUrl() != null && "http".equals(cfg.directory().controllerUrl().getScheme())) {
            Log.warn("controller_insecure", "url", org.fwlb.l7.config.Redact.url(cfg.directory().controllerUrl()),
                    "note", "plain http: anyone on the path can read the credentials and set the server list");
        }
    }

    private Channel bind(InetSocketAddress addr, boolean relay) throws InterruptedException {
        DispatcherConfig.Limits l = cfg.limits();
        java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger(); // this port
        ServerBootstrap b = new ServerBootstrap().group(group).channel(Transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024).option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        // accept-and-close beyond the cap: not accepting would stall everybody in the backlog
                        // behind one burst, while a closed connection tells a client to go elsewhere now
                        if (open.incrementAndGet() > l.maxClientConnections()) {
                            open.decrementAndGet();
                            if (!relay) {
                                stats.clientConnectionsRefused.increment();
                            }
                            ch.config().setOption(ChannelOption.SO_LINGER, 0);
                            ch.close();
                            return;
                        }
                        ch.closeFuture().addListener(f -> open.decrementAndGet());
                        channels.add(ch);
                        FrontHandler front = new FrontHandler(dc, relay);
                        ch.pipeline().addLast("mark", front.readMarker())
                                .addLast("decoder", new StrictRequestDecoder(l.maxRequestLineBytes(), l.maxHeaderBytes()))
                                .addLast("encoder", new HttpResponseEncoder())
                                .addLast("front", front);
                    }
                });
        return b.bind(addr).sync().channel();
    }

    private ObjectNode statsView() {
        return Views.stats(cfg.id(), cfg.policy(), stats, registry, peers, table);
    }

    private ObjectNode healthView() {
        ObjectNode n = JsonNodeFactory.instance.objectNode().put("id", cfg.id())
                .put("status", draining ? "draining" : "up").put("transport", Transport.epoll() ? "epoll" : "nio");
        if (link != null) {
            n.put("controller", link.connected() ? "connected" : "unreachable");
        }
        return n;
    }

    public InetSocketAddress listenAddress() {
        return (InetSocketAddress) listenChannel.localAddress();
    }

    public InetSocketAddress relayAddress() {
        return (InetSocketAddress) relayChannel.localAddress();
    }

    public InetSocketAddress controlAddress() {
        return control.address();
    }

    int controlOpenConnections() {
        return control.openConnections();
    }

    /** Null when the control REST is off (no credentials configured). */
    public InetSocketAddress controlAddressOrNull() {
        return control == null ? null : control.address();
    }

    public String id() {
        return cfg.id();
    }

    public ServerRegistry registry() {
        return registry;
    }

    public Stats stats() {
        return stats;
    }

    public MatchingTable table() {
        return table;
    }

    ControllerLink link() {
        return link;
    }

    DispatchContext context() {
        return dc;
    }

    /**
     * Graceful stop: no new connections, idle keep-alive connections close, in-flight requests get up to
     * {@code graceMs} to finish (their connections close after the response), then everything stops.
     */
    public void shutdown(long graceMs) {
        if (draining) {
            return;
        }
        draining = true;
        Log.info("shutdown_started", "id", cfg.id(), "graceMs", graceMs, "clientConnections",
                stats.clientConnections.get());
        if (listenChannel != null) {
            listenChannel.close().syncUninterruptibly();
        }
        if (relayChannel != null) {
            relayChannel.close().syncUninterruptibly();
        }
        for (Channel ch : channels) {
            ch.eventLoop().execute(() -> {
                FrontHandler f = ch.pipeline().get(FrontHandler.class);
                if (f != null) {
                    f.drain();
                }
            });
        }
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(graceMs);
        while (!channels.isEmpty() && System.nanoTime() < until) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        int left = channels.size();
        stopNow();
        Log.info("shutdown_done", "id", cfg.id(), "forcedConnections", left, "requests", stats.requests.sum());
    }

    private void stopNow() {
        draining = true;
        channels.close().awaitUninterruptibly(1000);
        if (health != null) {
            health.stop();
        }
        scheduler.shutdown();
        if (control != null) {
            control.stop();
        }
        registry.closeAll();
        peers.closeAll();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
