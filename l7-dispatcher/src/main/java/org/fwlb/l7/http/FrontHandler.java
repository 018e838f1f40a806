package org.fwlb.l7.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import org.fwlb.l7.Log;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;

/**
 * One client connection (or, with {@code relayPort}, one peer dispatcher's relay connection): assembles
 * requests from the decoder, answers malformed ones with an error and closes, and runs the requests one at
 * a time through an {@link Exchange} (pipelined requests wait in a bounded queue, answered in order).
 * Everything here runs on the connection's event loop.
 */
public final class FrontHandler extends ChannelInboundHandlerAdapter {
    final DispatchContext dc;
    final boolean relayPort;
    ChannelHandlerContext ctx;
    Channel channel;
    String clientIp;
    String clientAddress;
    private Deadline clientTimer;
    Deadline responseTimer;

    private final ArrayDeque<Pending> queue = new ArrayDeque<>(4);
    private Pending assembling;
    private Exchange current;
    private boolean rejected;
    private boolean closing;
    private boolean inputShutdown; // the client half-closed: answer what it sent, then close
    boolean sawBytes;

    // the last cookie value verified on this connection and the server it named: browsers resend the same
    // cookie on every request of a connection, so its HMAC is checked once
    String verifiedCookie;
    org.fwlb.l7.cookie.CookieSigner.Verified verified;

    /** A complete request (head + body), or a rejection waiting for its turn to be answered. */
    static final class Pending {
        final HttpRequest head;
        ByteBuf body;
        final int error;

        Pending(HttpRequest head, int error) {
            this.head = head;
            this.error = error;
        }

        int bodyBytes() {
            return body == null ? 0 : body.readableBytes();
        }

        void release() {
            if (body != null) {
                body.release();
                body = null;
            }
        }
    }

    public FrontHandler(DispatchContext dc, boolean relayPort) {
        this.dc = dc;
        this.relayPort = relayPort;
    }

    /** Put before the decoder: marks that bytes of a not yet complete request arrived (408 vs silent close). */
    public ChannelInboundHandlerAdapter readMarker() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext c, Object msg) {
                sawBytes = true;
                c.fireChannelRead(msg);
            }
        };
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.channel = ctx.channel();
        clientTimer = new Deadline(channel.eventLoop(), this::clientTimeout);
        responseTimer = new Deadline(channel.eventLoop(), () -> {
            if (current != null) {
                current.responseTimeout();
            }
        });
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        InetSocketAddress remote = (InetSocketAddress) channel.remoteAddress();
        clientIp = remote.getAddress().getHostAddress();
        clientAddress = clientIp + ":" + remote.getPort();
        if (!relayPort) {
            dc.stats().clientConnections.incrementAndGet();
            dc.stats().clientConnectionsTotal.increment();
        }
        clientTimer.arm(dc.config().timeouts().clientHeaderMs());
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (rejected || closing) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest req) {
            onHead(req);
        }
        if (msg instanceof HttpContent c) {
            onContent(c);
        } else if (!(msg instanceof HttpRequest)) {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onHead(HttpRequest req) {
        sawBytes = false;
        if (req.decoderResult().isFailure()) {
            Log.debug("bad_request", "client", clientAddress, "reason", req.decoderResult().cause().getMessage());
            reject(RequestValidator.statusForDecodeFailure(req.decoderResult().cause()));
            return;
        }
        int status = dc.validator().check(req);
        if (status != 0) {
            Log.debug("bad_request", "client", clientAddress, "status", status, "uri", req.uri());
            reject(status);
            return;
        }
        assembling = new Pending(req, 0);
        boolean body = HttpUtil.isTransferEncodingChunked(req) || HttpUtil.getContentLength(req, 0L) > 0;
        if (body) {
            clientTimer.arm(dc.config().timeouts().clientHeaderMs());
            if (HttpUtil.is100ContinueExpected(req) && current == null && queue.isEmpty()) {
                // the client waits for this before sending the body; it never goes to the server
                ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
            }
        } else {
            clientTimer.disarm();
        }
    }

    private void onContent(HttpContent c) {
        Pending p = assembling;
        if (p == null) {
            c.release();
            return;
        }
        if (c.decoderResult().isFailure()) {
            c.release();
            Log.debug("bad_request", "client", clientAddress, "reason", c.decoderResult().cause().getMessage());
            reject(400);
            return;
        }
        ByteBuf data = c.content();
        if (data.isReadable()) {
            if ((long) p.bodyBytes() + data.readableBytes() > dc.config().limits().maxBodyBytes()) {
                c.release();
                reject(413);
                return;
            }
            if (p.body == null) {
                p.body = data;
            } else {
                CompositeByteBuf comp;
                if (p.body instanceof CompositeByteBuf cb) {
                    comp = cb;
                } else {
                    comp = ctx.alloc().compositeBuffer(64);
                    comp.addComponent(true, p.body);
                    p.body = comp;
                }
                comp.addComponent(true, data);
            }
            clientTimer.arm(dc.config().timeouts().clientHeaderMs());
        } else {
            c.release();
        }
        if (c instanceof LastHttpContent) {
            assembling = null;
            clientTimer.disarm();
            queue.add(p);
            if (queue.size() >= dc.config().limits().maxPipelined()) {
                channel.config().setAutoRead(false); // back-pressure on a client pipelining too far ahead
            }
            next();
        }
    }

    /** Answer {@code status} when this request's turn comes, then close; read nothing more. */
    private void reject(int status) {
        dc.stats().badRequests.increment();
        if (assembling != null) {
            assembling.release();
            assembling = null;
        }
        rejected = true;
        clientTimer.disarm();
        channel.config().setAutoRead(false);
        queue.add(new Pending(null, status));
        next();
    }

    private void next() {
        if (current != null || closing) {
            return;
        }
        Pending p = queue.poll();
        if (p == null) {
            return;
        }
        if (!rejected && !channel.config().isAutoRead() && queue.size() < dc.config().limits().maxPipelined()) {
            channel.config().setAutoRead(true);
        }
        if (p.error != 0) {
            sendAndClose(p.error, null);
            return;
        }
        current = new Exchange(this, p);
        current.start();
    }

    /** Error answer that ends the connection (bad request, timeouts, refusals on the client port). */
    void sendAndClose(int status, String body) {
        sendAndClose(Responses.text(ctx.alloc(), status, body, true));
    }

    void sendAndClose(io.netty.handler.codec.http.FullHttpResponse r) {
        closing = true;
        rejected = true;
        clientTimer.cancel();
        channel.config().setAutoRead(false);
        ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
    }

    /** The current exchange finished writing its response. */
    void exchangeDone(boolean keepAlive) {
        current = null;
        if (!keepAlive || dc.draining().getAsBoolean()) {
            closing = true;
            clientTimer.cancel();
            ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        if (queue.isEmpty() && assembling == null) {
            if (inputShutdown) {
                closeAfterWrites();
                return;
            }
            clientTimer.arm(dc.config().timeouts().clientIdleMs());
        }
        next();
    }

    private void closeAfterWrites() {
        closing = true;
        clientTimer.cancel();
        ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof io.netty.channel.socket.ChannelInputShutdownEvent) {
            // e.g. "nc -N" or shutdown(SHUT_WR) after the request: still owed the answers
            inputShutdown = true;
            if (assembling != null) {
                assembling.release(); // it can never complete now
                assembling = null;
            }
            if (current == null && queue.isEmpty() && !closing) {
                closeAfterWrites();
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    boolean closing() {
        return closing;
    }

    private void clientTimeout() {
        if (current != null || closing) {
            return;
        }
        if (assembling != null || sawBytes) {
            dc.stats().clientTimeouts.increment();
            Log.debug("client_timeout", "client", clientAddress);
            if (assembling != null) {
                assembling.release();
                assembling = null;
            }
            rejected = true;
            sendAndClose(408, null);
        } else {
            closing = true;
            channel.close(); // idle keep-alive connection: close silently
        }
    }

    /** Shutdown: close now if nothing is in flight, else after the current response. */
    public void drain() {
        if (current == null && assembling == null && queue.isEmpty()) {
            closing = true;
            channel.close();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (channel.isWritable() && current != null) {
            current.clientWritable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closing = true;
        if (!relayPort) {
            dc.stats().clientConnections.decrementAndGet();
        }
        clientTimer.cancel();
        responseTimer.cancel();
        if (assembling != null) {
            assembling.release();
            assembling = null;
        }
        for (Pending p : queue) {
            p.release();
        }
        queue.clear();
        if (current != null) {
            Exchange e = current;
            current = null;
            e.clientGone();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // resets and the like: nothing to answer to
        Log.debug("client_error", "client", clientAddress, "error", String.valueOf(cause.getMessage()));
        ctx.close();
    }

    static String hostHeader(HttpRequest r) {
        return r.headers().get(HttpHeaderNames.HOST);
    }
}
