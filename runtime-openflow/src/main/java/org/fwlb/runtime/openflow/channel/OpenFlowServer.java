package org.fwlb.runtime.openflow.channel;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.fwlb.runtime.openflow.OpenFlowOptions;
import org.fwlb.runtime.openflow.OpenFlowStats;
import org.onosproject.net.DeviceId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The OpenFlow listener (plain TCP or TLS) and the registry of switch connections: one per datapath id.
 * A datapath id is claimed when its FEATURES_REPLY arrives; as in ONOS, a second connection presenting a
 * datapath id that is already claimed is refused and closed, and the first one keeps working (else anyone
 * reaching the port could take a switch over, receive its rules and inject packet-ins). A switch whose old
 * connection is not known dead yet is refused until the echo timeout closes it, and retries.
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
    private SSLContext sslContext;
    private KeyStore keyStore;

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
        if (options.tlsMode() != OpenFlowOptions.TlsMode.DISABLED) {
            initTls();
        }
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
                        if (sslContext != null) {
                            ch.pipeline().addLast("tls", new SslHandler(serverEngine()));
                        }
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
        log.info("OpenFlow 1.3 controller listening on {} ({})", serverChannel.localAddress(),
                 sslContext == null ? "plain TCP: every host that reaches it can pose as a switch"
                         : "TLS " + options.tlsMode().name().toLowerCase(Locale.ROOT));
    }

    private void initTls() {
        keyStore = load("key store", options.keyStore(), options.keyStorePassword());
        KeyStore trust = load("trust store", options.trustStore(), options.trustStorePassword());
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keyStore, options.keyStorePassword());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            sslContext = SSLContext.getInstance("TLS");
            sslContext.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("OpenFlow TLS: cannot use the key store " + options.keyStore() + ": " + e, e);
        }
    }

    private static KeyStore load(String what, Path file, char[] password) {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore ks = KeyStore.getInstance("JKS"); // as ONOS; Java reads PKCS12 through it as well
            ks.load(in, password);
            return ks;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("OpenFlow TLS " + what + " " + file + ": "
                    + (e.getCause() instanceof java.security.UnrecoverableKeyException ? "wrong password" : e.toString()), e);
        }
    }

    private SSLEngine serverEngine() {
        SSLEngine engine = sslContext.createSSLEngine();
        engine.setUseClientMode(false);
        engine.setNeedClientAuth(true); // as ONOS: a switch without a trusted certificate is refused
        engine.setEnabledProtocols(Arrays.stream(engine.getSupportedProtocols())
                .filter(p -> p.equals("TLSv1.2") || p.equals("TLSv1.3")).toArray(String[]::new));
        return engine;
    }

    /**
     * Whether a switch's certificate may speak for a datapath (ONOS: {@code Controller.isValidCertificate}).
     *
     * @param deviceId the datapath the switch claims
     * @param cert     its certificate (the TLS handshake already checked it against the trust store)
     * @return null if accepted, else why not
     */
    String certificateProblem(DeviceId deviceId, Certificate cert) {
        if (options.tlsMode() != OpenFlowOptions.TlsMode.STRICT) {
            return null;
        }
        Optional<String> alias = options.keyAliases().apply(deviceId);
        if (alias.isEmpty()) {
            return "tlsMode strict and the netcfg of " + deviceId + " names no openflow keyAlias";
        }
        try {
            Certificate expected = keyStore.getCertificate(alias.get());
            if (expected == null) {
                return "tlsMode strict: the key store has no certificate under alias " + alias.get();
            }
            return expected.equals(cert) ? null : "tlsMode strict: its certificate is not the one under alias "
                    + alias.get() + " for " + deviceId;
        } catch (KeyStoreException e) {
            return "tlsMode strict: " + e.getMessage();
        }
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

    /**
     * Claims a connection's datapath id (at its FEATURES_REPLY).
     *
     * @param conn the new connection
     * @return null if claimed, else the connection that already holds the datapath id
     */
    SwitchConnection claim(SwitchConnection conn) {
        SwitchConnection holder = active.putIfAbsent(conn.deviceId(), conn);
        return holder == null || holder == conn ? null : holder;
    }

    /** The connection finished its handshake: the services may use it. */
    void register(SwitchConnection conn) {
        listener.switchConnected(conn);
    }

    /**
     * A connection closed: frees its datapath id.
     *
     * @param conn      the connection
     * @param wasActive whether it had finished its handshake (the services knew it)
     */
    void unregister(SwitchConnection conn, boolean wasActive) {
        if (active.remove(conn.deviceId(), conn) && wasActive) {
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
