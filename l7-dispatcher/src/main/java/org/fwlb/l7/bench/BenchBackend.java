package org.fwlb.l7.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
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
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import org.fwlb.l7.Transport;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * A fast HTTP/1.1 back-end server for benchmarks and tests, counting the TCP connections it accepts (the
 * proof that server connections are pooled). {@code /} answers "&lt;id&gt;\n" (or {@code --body-bytes} bytes);
 * test paths: /echo (request details), /chunked, /close, /nolength, /status/NNN, /slow/MS, /hang, /drop;
 * {@code /_stats}: JSON with connectionsAccepted, connectionsOpen, requests (for end-to-end checks).
 * <pre>java -cp fwlb-l7-dispatcher.jar org.fwlb.l7.bench.BenchBackend --id s1 --port 9001 [--ip 127.0.0.1]</pre>
 */
public final class BenchBackend {
    private final String id;
    private final EventLoopGroup group;
    private final Channel channel;
    private final ByteBuf fixedBody;
    public final AtomicInteger connectionsAccepted = new AtomicInteger();
    public final AtomicInteger connectionsOpen = new AtomicInteger();
    public final LongAdder requests = new LongAdder();

    private BenchBackend(String id, InetSocketAddress bind, int threads, int bodyBytes) throws InterruptedException {
        this.id = id;
        byte[] body;
        if (bodyBytes > 0) {
            body = new byte[bodyBytes];
            java.util.Arrays.fill(body, (byte) 'x');
        } else {
            body = (id + "\n").getBytes(StandardCharsets.US_ASCII);
        }
        this.fixedBody = Unpooled.unreleasableBuffer(Unpooled.directBuffer(body.length).writeBytes(body));
        this.group = Transport.group(threads);
        this.channel = new ServerBootstrap().group(group).channel(Transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024).option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connectionsAccepted.incrementAndGet();
                        connectionsOpen.incrementAndGet();
                        ch.closeFuture().addListener(f -> connectionsOpen.decrementAndGet());
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(16 << 20), new Handler());
                    }
                }).bind(bind).sync().channel();
    }

    public static BenchBackend start(String id, String ip, int port, int threads) throws InterruptedException {
        return new BenchBackend(id, new InetSocketAddress(ip, port), threads, 0);
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    public String id() {
        return id;
    }

    public synchronized void stop() {
        if (group.isShuttingDown()) {
            return;
        }
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            requests.increment();
            String uri = req.uri();
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            if (uri.equals("/") || uri.startsWith("/?")) {
                FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                        fixedBody.duplicate());
                r.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
                        .setInt(HttpHeaderNames.CONTENT_LENGTH, fixedBody.readableBytes()).set("X-Server", id);
                send(ctx, r, keepAlive);
            } else if (uri.equals("/_stats")) {
                // for end-to-end checks: how many TCP connections this server has accepted
                send(ctx, text(HttpResponseStatus.OK, "{\"id\":\"" + id + "\",\"connectionsAccepted\":"
                        + connectionsAccepted.get() + ",\"connectionsOpen\":" + connectionsOpen.get()
                        + ",\"requests\":" + requests.sum() + "}\n"), keepAlive);
            } else if (uri.startsWith("/echo")) {
                StringBuilder b = new StringBuilder();
                b.append("server=").append(id).append('\n').append("method=").append(req.method()).append('\n')
                        .append("uri=").append(uri).append('\n')
                        .append("cookie=").append(req.headers().getAll(HttpHeaderNames.COOKIE)).append('\n')
                        .append("xff=").append(req.headers().get("X-Forwarded-For")).append('\n')
                        .append("relay=").append(req.headers().get("X-Fwlb-Relay")).append('\n')
                        .append("forwarded=").append(req.headers().get("Forwarded")).append('\n')
                        .append("fwlb=").append(req.headers().names().stream()
                                .filter(n -> n.regionMatches(true, 0, "x-fwlb-", 0, 7)).sorted().toList()).append('\n')
                        .append("host=").append(req.headers().get(HttpHeaderNames.HOST)).append('\n')
                        .append("body=").append(req.content().toString(StandardCharsets.UTF_8)).append('\n');
                send(ctx, text(HttpResponseStatus.OK, b.toString()), keepAlive);
            } else if (uri.startsWith("/digest")) {
                // large request bodies in tests: their length and SHA-256 instead of an echo
                String hex;
                try {
                    java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
                    md.update(req.content().nioBuffer());
                    hex = java.util.HexFormat.of().formatHex(md.digest());
                } catch (java.security.NoSuchAlgorithmException e) {
                    throw new IllegalStateException(e);
                }
                send(ctx, text(HttpResponseStatus.OK, "len=" + req.content().readableBytes() + " sha256=" + hex
                        + " te=" + req.headers().get(HttpHeaderNames.TRANSFER_ENCODING) + "\n"), keepAlive);
            } else if (uri.startsWith("/chunked")) {
                HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                HttpUtil.setTransferEncodingChunked(head, true);
                head.headers().set("X-Server", id);
                ctx.write(head);
                ctx.write(new DefaultHttpContent(Unpooled.copiedBuffer("part1-", StandardCharsets.US_ASCII)));
                ctx.write(new DefaultHttpContent(Unpooled.copiedBuffer("part2-", StandardCharsets.US_ASCII)));
                ctx.writeAndFlush(new DefaultLastHttpContent(Unpooled.copiedBuffer(id, StandardCharsets.US_ASCII)));
            } else if (uri.startsWith("/close")) {
                send(ctx, text(HttpResponseStatus.OK, "closing " + id), false);
            } else if (uri.startsWith("/nolength")) {
                HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_0, HttpResponseStatus.OK);
                head.headers().set("X-Server", id);
                ctx.write(head);
                ctx.writeAndFlush(new DefaultLastHttpContent(Unpooled.copiedBuffer("nolength " + id,
                        StandardCharsets.US_ASCII))).addListener(ChannelFutureListener.CLOSE);
            } else if (uri.startsWith("/status/")) {
                int code = Integer.parseInt(uri.substring(8));
                FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(code));
                if (code != 204 && code != 304) {
                    r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
                }
                send(ctx, r, keepAlive);
            } else if (uri.startsWith("/slow/")) {
                long ms = Long.parseLong(uri.substring(6));
                ctx.executor().schedule(() -> send(ctx, text(HttpResponseStatus.OK, "slow " + id), keepAlive),
                        ms, TimeUnit.MILLISECONDS);
            } else if (uri.startsWith("/hang")) {
                return; // never answers
            } else if (uri.startsWith("/drop")) {
                ctx.close();
            } else {
                send(ctx, text(HttpResponseStatus.NOT_FOUND, "not found"), keepAlive);
            }
        }

        private FullHttpResponse text(HttpResponseStatus s, String body) {
            FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, s,
                    Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes()).set("X-Server", id);
            return r;
        }

        private void send(ChannelHandlerContext ctx, FullHttpResponse r, boolean keepAlive) {
            if (!keepAlive) {
                r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.writeAndFlush(r);
            }
        }
    }

    public static void main(String[] args) throws InterruptedException {
        String id = "s1";
        String ip = "127.0.0.1";
        int port = 9001;
        int threads = 1;
        int bodyBytes = 0;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--id" -> id = args[i + 1];
                case "--ip" -> ip = args[i + 1];
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--threads" -> threads = Integer.parseInt(args[i + 1]);
                case "--body-bytes" -> bodyBytes = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        BenchBackend b = new BenchBackend(id, new InetSocketAddress(ip, port), threads, bodyBytes);
        System.err.println("bench backend " + id + " on " + b.address());
        Runtime.getRuntime().addShutdownHook(new Thread(b::stop));
        b.channel.closeFuture().sync();
    }
}
