package org.fwlb.runtime.openflow.channel;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.fwlb.runtime.openflow.OpenFlowOptions;
import org.fwlb.runtime.openflow.OpenFlowStats;
import org.onosproject.net.DeviceId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The OpenFlow TCP listener and the registry of active switch connections (one per datapath id;
 * a newer connection of the same datapath replaces the older one).
 */
public final class OpenFlowServer implements Switches {
    private static final Logger log = LoggerFactory.getLogger(OpenFlowServer.class);

    private final OpenFlowOptions options;
    private final OpenFlowStats stats;
    private final SwitchListener listener;
    private final Map<DeviceId, SwitchConnection> active = new ConcurrentHashMap<>();
    private EventLoopGroup boss;
    private EventLoopGroup workers;
    private Channel serverChannel;

    public OpenFlowServer(OpenFlowOptions options, OpenFlowStats stats, SwitchListener listener) {
        this.options = options;
        this.stats = stats;
        this.listener = listener;
    }

    /**
     * Binds the port.
     *
     * @throws InterruptedException if interrupted while binding
     */
    public void start() throws InterruptedException {
        boss = new NioEventLoopGroup(1, new DefaultThreadFactory("fwlb-of-accept", true));
        workers = new NioEventLoopGroup(0, new DefaultThreadFactory("fwlb-of-io", true));
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast("frames", new OfFrameDecoder());
                        ch.pipeline().addLast("encoder", new OfMessageEncoder());
                        ch.pipeline().addLast("switch", new SwitchChannelHandler(OpenFlowServer.this, options, stats));
                    }
                });
        try {
            serverChannel = b.bind(options.bindAddress(), options.port()).sync().channel();
        } catch (InterruptedException e) {
            stop();
            throw e;
        } catch (RuntimeException e) {
            stop();
            throw new IllegalStateException("cannot listen for OpenFlow on " + options.bindAddress() + ":"
                    + options.port() + ": " + e.getMessage(), e);
        }
        log.info("OpenFlow 1.3 controller listening on {}", serverChannel.localAddress());
    }

    /** @return the bound TCP port, or -1 before {@link #start()} */
    public int boundPort() {
        return serverChannel == null ? -1 : ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** Closes the listener and every switch connection. */
    public void stop() {
        if (serverChannel != null) {
            serverChannel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        for (SwitchConnection c : new ArrayList<>(active.values())) {
            c.close("controller shutting down");
        }
        if (boss != null) {
            boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        }
        if (workers != null) {
            workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        }
    }

    SwitchListener listener() {
        return listener;
    }

    void register(SwitchConnection conn) {
        SwitchConnection previous = active.put(conn.deviceId(), conn);
        if (previous != null && previous != conn) {
            log.warn("switch {} connected again from {}; closing its previous connection {}", conn.deviceId(),
                    conn.remoteAddress(), previous.remoteAddress());
            previous.close("replaced by a newer connection of the same datapath id");
        }
        listener.switchConnected(conn);
    }

    void unregister(SwitchConnection conn) {
        if (active.remove(conn.deviceId(), conn)) {
            listener.switchDisconnected(conn);
        }
    }

    @Override
    public SwitchConnection get(DeviceId deviceId) {
        SwitchConnection c = active.get(deviceId);
        return c != null && c.isActive() ? c : null;
    }

    @Override
    public Collection<SwitchConnection> all() {
        List<SwitchConnection> out = new ArrayList<>();
        for (SwitchConnection c : active.values()) {
            if (c.isActive()) {
                out.add(c);
            }
        }
        return out;
    }
}
