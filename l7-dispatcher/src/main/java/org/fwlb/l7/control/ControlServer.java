package org.fwlb.l7.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.concurrent.ScheduledFuture;
import org.fwlb.l7.Log;
import org.fwlb.l7.Transport;
import org.fwlb.l7.backend.ServerRegistry;
import org.fwlb.l7.config.AdminState;
import org.fwlb.l7.config.ConfigException;
import org.fwlb.l7.config.DispatcherConfig;
import org.fwlb.l7.config.ServerConfig;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Local control REST on the control port (operators and monitoring): GET /stats, /table, /health, /metrics,
 * GET /servers/{id} (role read), PUT|POST /servers/{id} {"weight":n,"adminState":"drain"} (role admin).
 * Every request needs a configured credential (HTTP BASIC user/password or a bearer token). Non-blocking on
 * the dispatcher's event loops: a client gets {@code requestTimeoutMs} for each whole request (head and body)
 * and at most {@code maxConnections} connections are open, so a slow or greedy client delays nobody else.
 */
public final class ControlServer {
    private static final int MAX_BODY = 64 * 1024;
    private final ObjectMapper json = new ObjectMapper();
    private final ServerRegistry registry;
    private final List<Cred> creds;
    private final int maxConnections;
    private final int requestTimeoutMs;
    private final AtomicInteger open = new AtomicInteger();
    private final ServerBootstrap bootstrap;
    private final InetSocketAddress bind;
    private final Supplier<JsonNode> stats;
    private final Supplier<JsonNode> table;
    private final Supplier<JsonNode> health;
    private final Supplier<String> metrics;
    private Channel channel;

    /** Secrets are kept as SHA-256 digests: compared in constant time whatever their length. */
    private record Cred(String user, byte[] digest, boolean admin) { }

    public ControlServer(InetSocketAddress bind, DispatcherConfig.Control cfg, EventLoopGroup group,
                         ServerRegistry registry, Supplier<JsonNode> stats, Supplier<JsonNode> table,
                         Supplier<JsonNode> health, Supplier<String> metrics) {
        this.bind = bind;
        this.registry = registry;
        this.stats = stats;
        this.table = table;
        this.health = health;
        this.metrics = metrics;
        this.creds = cfg.credentials().stream().map(c -> new Cred(c.user(), sha256(c.secret()), c.admin())).toList();
        this.maxConnections = cfg.maxConnections();
        this.requestTimeoutMs = cfg.requestTimeoutMs();
        this.bootstrap = new ServerBootstrap().group(group).channel(Transport.serverChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (open.incrementAndGet() > maxConnections) {
                            open.decrementAndGet();
                            Log.debug("control_connection_refused", "reason", "maxConnections");
                            ch.close();
                            return;
                        }
                        ch.closeFuture().addListener(f -> open.decrementAndGet());
                        ch.pipeline().addLast(new HttpServerCodec(4096, 8192, 8192))
                                .addLast(new HttpObjectAggregator(MAX_BODY))
                                .addLast(new Handler());
                    }
                });
    }

    public void start() throws InterruptedException {
        channel = bootstrap.bind(bind).sync().channel();
    }

    public void stop() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
    }

    public int openConnections() {
        return open.get();
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The credential an Authorization header proves, or null. Every configured one is compared. */
    private Cred authenticate(String authorization) {
        if (authorization == null) {
            return null;
        }
        String user = null;
        String secret;
        if (authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return null;
            }
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                return null;
            }
            user = decoded.substring(0, colon);
            secret = decoded.substring(colon + 1);
        } else if (authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            secret = authorization.substring(7).trim();
        } else {
            return null;
        }
        byte[] d = sha256(secret);
        Cred found = null;
        for (Cred c : creds) {
            boolean match = MessageDigest.isEqual(c.digest, d) & (user == null ? c.user == null : user.equals(c.user));
            if (match && found == null) {
                found = c;
            }
        }
        return found;
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private ScheduledFuture<?> deadline;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            arm(ctx);
            ctx.fireChannelActive();
        }

        // a whole request must arrive within requestTimeoutMs of the connection or of the previous answer
        private void arm(ChannelHandlerContext ctx) {
            if (deadline != null) {
                deadline.cancel(false);
            }
            deadline = ctx.executor().schedule(() -> {
                Log.debug("control_timeout", "client", String.valueOf(ctx.channel().remoteAddress()));
                ctx.close();
            }, requestTimeoutMs, TimeUnit.MILLISECONDS);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (deadline != null) {
                deadline.cancel(false);
            }
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            if (deadline != null) {
                deadline.cancel(false);
            }
            boolean keepAlive = HttpUtil.isKeepAlive(req) && req.decoderResult().isSuccess();
            FullHttpResponse r;
            try {
                r = handle(req);
            } catch (RuntimeException e) {
                Log.warn("control_error", "error", String.valueOf(e));
                r = error(500, "internal error");
            }
            if (!keepAlive) {
                r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.writeAndFlush(r);
                arm(ctx);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    private FullHttpResponse handle(FullHttpRequest req) {
        if (req.decoderResult().isFailure()) {
            return error(400, "bad request");
        }
        Cred who = authenticate(req.headers().get(HttpHeaderNames.AUTHORIZATION));
        if (who == null) {
            FullHttpResponse r = error(401, "credentials required");
            r.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Basic realm=\"fwlb-l7\", charset=\"UTF-8\"");
            return r;
        }
        String path = new QueryStringDecoder(req.uri()).path();
        String method = req.method().name();
        switch (path) {
            case "/stats":
                return get(method, stats);
            case "/table":
                return get(method, table);
            case "/health":
                return get(method, health);
            case "/metrics":
                if (!method.equals("GET")) {
                    return error(405, "use GET");
                }
                FullHttpResponse m = text(200, metrics.get());
                m.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
                return m;
            default:
                if (path.startsWith("/servers/")) {
                    return servers(req, path.substring("/servers/".length()), method, who);
                }
                return error(404, "no such resource: " + path);
        }
    }

    private FullHttpResponse get(String method, Supplier<JsonNode> view) {
        if (!method.equals("GET")) {
            return error(405, "use GET");
        }
        JsonNode n = view.get();
        int status = n.has("status") && !"up".equals(n.get("status").asText()) ? 503 : 200;
        return respond(status, n);
    }

    private FullHttpResponse servers(FullHttpRequest req, String id, String method, Cred who) {
        var b = registry.get(id);
        if (b == null) {
            return error(404, "unknown server '" + id + "'");
        }
        switch (method) {
            case "GET":
                return respond(200, Views.server(b));
            case "PUT":
            case "POST":
                if (!who.admin) {
                    return error(403, "role admin required");
                }
                try {
                    JsonNode body = json.readTree(req.content().toString(StandardCharsets.UTF_8));
                    if (body == null || !body.isObject()) {
                        throw new ConfigException("body: must be a JSON object");
                    }
                    Integer weight = null;
                    AdminState admin = null;
                    for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
                        String f = it.next();
                        if (!f.equals("weight") && !f.equals("adminState")) {
                            throw new ConfigException(f + ": unknown field (weight, adminState)");
                        }
                    }
                    if (body.has("weight")) {
                        JsonNode w = body.get("weight");
                        if (!w.isIntegralNumber() || w.asInt() < 0 || w.asInt() > 10000) {
                            throw new ConfigException("weight: must be an integer in [0, 10000]");
                        }
                        weight = w.asInt();
                    }
                    if (body.has("adminState")) {
                        admin = AdminState.parse(body.get("adminState").asText(), "adminState");
                    }
                    ServerConfig c = registry.override(id, weight, admin);
                    Log.info("control_change", "user", who.user == null ? "token" : who.user, "server", id);
                    return respond(200, Views.server(registry.get(c.id())));
                } catch (ConfigException e) {
                    return error(400, e.getMessage());
                } catch (IOException e) {
                    return error(400, "body: not valid JSON");
                }
            default:
                return error(405, "use GET, PUT or POST");
        }
    }

    /** An error in ONOS's shape, as every fwlb REST API answers: {"code": status, "message": "..."}. */
    private FullHttpResponse error(int status, String message) {
        return respond(status, JsonNodeFactory.instance.objectNode().put("code", status).put("message", message));
    }

    private FullHttpResponse respond(int status, JsonNode body) {
        byte[] b;
        try {
            b = json.writerWithDefaultPrettyPrinter().writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                Unpooled.wrappedBuffer(b));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, b.length)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        return r;
    }

    private static FullHttpResponse text(int status, String body) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                Unpooled.wrappedBuffer(b));
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, b.length)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        return r;
    }
}
