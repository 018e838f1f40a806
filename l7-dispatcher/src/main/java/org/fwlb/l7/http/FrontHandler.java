package org.fwlb.l7.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.internal.OutOfDirectMemoryError;
import org.fwlb.l7.Log;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;

/**
 * One client connection (or, with {@code relayPort}, one peer dispatcher's relay connection): reads requests
 * from the decoder, answers malformed ones with an error and closes, and runs the requests one at a time
 * through an {@link Exchange} (pipelined requests wait in a bounded queue, answered in order).
 * <p>
 * Bodies are not assembled: a request starts once its body is complete or {@code bodyBufferBytes} of it are
 * here, and the rest streams to the server as it arrives. Reading pauses (autoRead off) while a request has
 * {@code bodyBufferBytes} waiting or the server connection is not writable, so memory per connection is
 * bounded by configuration, not by body size.
 * <p>
 * Client deadlines, for every request of a keep-alive connection: its head must be complete within
 * {@code clientHeaderMs} of its first byte; its body may stall at most {@code clientHeaderMs} between pieces and
 * must bring {@code minBodyRateBps} in every window of {@code clientHeaderMs} (a fast start buys no credit for a
 * trickle later). Time while we are not reading
 * (our own back-pressure) does not count. An idle connection closes after {@code clientIdleMs}.
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
    private StrictRequestDecoder decoder;

    private final ArrayDeque<Pending> queue = new ArrayDeque<>(4); // received heads not yet started, in order
    private Pending reading;        // the request whose body is arriving (queued or current), or null
    private Exchange current;
    private boolean rejected;
    private boolean closing;
    private boolean inputShutdown;  // the client half-closed: answer what it sent, then close
    private long headStart;         // nanoTime of the first byte of an incomplete head, 0 = none
    private long idleSince;
    private long pausedAt;          // nanoTime reading was paused by us, 0 = reading
    private final long bodyBufferBytes;

    // the last cookie value verified on this connection: browsers resend the same cookie on every request of a
    // connection, so its HMAC is checked once (its time limits on every use)
    String verifiedCookie;
    org.fwlb.l7.cookie.CookieSigner.Verified verified;

    /** A request: head, then its body as it arrives; or a rejection waiting for its turn to be answered. */
    static final class Pending {
        final HttpRequest head;
        int error;
        final ArrayDeque<ByteBuf> chunks = new ArrayDeque<>(2); // received, not yet forwarded
        long buffered;
        long received;
        boolean complete;
        Exchange consumer;   // streaming: told about every new piece
        long window;         // nanoTime the current rate window started (moved on by our pauses)
        long windowBytes;    // body bytes received in it
        long lastPiece;

        Pending(HttpRequest head, int error) {
            this.head = head;
            this.error = error;
        }

        /** The whole body as one buffer (only when complete); ownership passes to the caller. */
        ByteBuf takeAll(io.netty.buffer.ByteBufAllocator alloc) {
            if (chunks.isEmpty()) {
                return null;
            }
            if (chunks.size() == 1) {
                buffered = 0;
                return chunks.poll();
            }
            CompositeByteBuf comp = alloc.compositeBuffer(chunks.size());
            while (!chunks.isEmpty()) {
                comp.addComponent(true, chunks.poll());
            }
            buffered = 0;
            return comp;
        }

        ByteBuf poll() {
            ByteBuf b = chunks.poll();
            if (b != null) {
                buffered -= b.readableBytes();
            }
            return b;
        }

        void release() {
            while (!chunks.isEmpty()) {
                chunks.poll().release();
            }
            buffered = 0;
        }
    }

    public FrontHandler(DispatchContext dc, boolean relayPort) {
        this.dc = dc;
        this.relayPort = relayPort;
        this.bodyBufferBytes = dc.config().limits().bodyBufferBytes();
    }

    /** Put before the decoder: the first byte of a new request head starts its deadline. */
    public ChannelInboundHandlerAdapter readMarker() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext c, Object msg) {
                if (reading == null) {
                    sawBytes = true;
                }
                if (reading == null && headStart == 0 && !closing) {
                    headStart = System.nanoTime();
                    rearm();
                }
                c.fireChannelRead(msg);
            }
        };
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.channel = ctx.channel();
        this.decoder = ctx.pipeline().get(StrictRequestDecoder.class);
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
        // the first request's head is due from the start: a connection that sends nothing is not "idle"
        headStart = System.nanoTime();
        rearm();
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
        headStart = 0;
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
        Pending p = new Pending(req, 0);
        boolean body = HttpUtil.isTransferEncodingChunked(req) || HttpUtil.getContentLength(req, 0L) > 0;
        if (body) {
            reading = p;
            p.window = p.lastPiece = System.nanoTime();
            if (!relayPort && HttpUtil.is100ContinueExpected(req) && current == null && queue.isEmpty()) {
                // the client waits for this before sending the body; it never goes to the server. On the relay
                // port the exchange answers it once it accepted the relay (a refusal must come first)
                ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
            }
        } else {
            p.complete = true;
            headStart = decoder != null && decoder.buffered() > 0 ? System.nanoTime() : 0;
        }
        queue.add(p);
        next();
        updateAutoRead();
        rearm();
    }

    private void onContent(HttpContent c) {
        Pending p = reading;
        if (p == null) {
            c.release();
            return;
        }
        if (c.decoderResult().isFailure()) {
            c.release();
            Log.debug("bad_request", "client", clientAddress, "reason", c.decoderResult().cause().getMessage());
            bodyFailed(p, 400);
            return;
        }
        ByteBuf data = c.content();
        if (p.received + data.readableBytes() > dc.config().limits().maxBodyBytes()) {
            c.release();
            bodyFailed(p, 413);
            return;
        }
        if (data.isReadable()) {
            p.chunks.add(data); // ownership of the content's buffer moves to the request
            p.buffered += data.readableBytes();
            p.received += data.readableBytes();
            p.windowBytes += data.readableBytes();
            p.lastPiece = System.nanoTime();
        } else {
            c.release();
        }
        if (c instanceof LastHttpContent) {
            p.complete = true;
            reading = null;
            // the next head may have begun in this very read: its deadline starts now
            sawBytes = decoder != null && decoder.buffered() > 0;
            headStart = sawBytes ? System.nanoTime() : 0;
        }
        if (p.consumer != null) {
            p.consumer.bodyAvailable();
        } else {
            next();
        }
        updateAutoRead();
        rearm();
    }

    /** A body turned out malformed, too large or too slow: that request fails, the connection ends. */
    private void bodyFailed(Pending p, int status) {
        dc.stats().badRequests.increment();
        reading = null;
        rejected = true;
        channel.config().setAutoRead(false);
        if (p.consumer != null) {
            p.consumer.requestAborted(status); // already with a server: the exchange answers and closes
            return;
        }
        p.release();
        p.error = status;
        next();
    }

    /** Answer {@code status} when this request's turn comes, then close; read nothing more. */
    private void reject(int status) {
        dc.stats().badRequests.increment();
        if (reading != null && reading.consumer == null) {
            reading.release();
            queue.remove(reading);
        }
        reading = null;
        rejected = true;
        headStart = 0;
        clientTimer.disarm();
        channel.config().setAutoRead(false);
        queue.add(new Pending(null, status));
        next();
    }

    private void next() {
        if (current != null || closing) {
            return;
        }
        Pending p = queue.peek();
        if (p == null) {
            return;
        }
        if (p.error != 0) {
            queue.poll();
            sendAndClose(p.error, null);
            return;
        }
        if (!p.complete && p.buffered < bodyBufferBytes && !(relayPort && HttpUtil.is100ContinueExpected(p.head))) {
            return; // more of the body first: a small body is sent whole (and can be retried)
        }
        queue.poll();
        current = new Exchange(this, p);
        if (!p.complete) {
            p.consumer = current;
        }
        current.start();
        updateAutoRead();
        rearm();
    }

    /** Reading runs unless we hold enough: pipelined requests, a full body buffer, an unwritable server. */
    void updateAutoRead() {
        if (rejected || closing) {
            return;
        }
        boolean want = queue.size() < dc.config().limits().maxPipelined()
                && (reading == null || (reading.buffered < bodyBufferBytes
                && (reading.consumer == null || reading.consumer.serverWritable())));
        if (want == channel.config().isAutoRead()) {
            return;
        }
        long now = System.nanoTime();
        if (!want) {
            pausedAt = now;
        } else if (pausedAt != 0) {
            // our pause does not count against the client's deadlines
            long paused = now - pausedAt;
            pausedAt = 0;
            if (headStart != 0) {
                headStart += paused;
            }
            if (reading != null) {
                reading.window += paused;
                reading.lastPiece += paused;
            }
        }
        channel.config().setAutoRead(want);
        rearm();
    }

    /** Sets the client deadline that applies now (see the class comment). */
    private void rearm() {
        if (clientTimer == null || closing || rejected) {
            return;
        }
        long t = deadlineNanos();
        if (t == 0) {
            clientTimer.disarm();
        } else {
            clientTimer.armAt(t);
        }
    }

    private long deadlineNanos() {
        if (!channel.config().isAutoRead()) {
            return 0; // we are not reading: nothing is the client's fault
        }
        long header = dc.config().timeouts().clientHeaderMs() * 1_000_000L;
        if (reading != null) {
            long t = reading.lastPiece + header;
            if (dc.config().limits().minBodyRateBps() > 0) {
                t = Math.min(t, reading.window + header); // the end of the rate window: checked then
            }
            return t;
        }
        if (headStart != 0) {
            return headStart + header;
        }
        if (current == null && queue.isEmpty()) {
            return idleSince + dc.config().timeouts().clientIdleMs() * 1_000_000L;
        }
        return 0;
    }

    /** Error answer that ends the connection (bad request, timeouts, refusals on the client port). */
    void sendAndClose(int status, String body) {
        sendAndClose(Responses.text(ctx.alloc(), status, body, true));
    }

    void sendAndClose(FullHttpResponse r) {
        closing = true;
        rejected = true;
        clientTimer.cancel();
        channel.config().setAutoRead(false);
        ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
    }

    /** The current exchange finished writing its response. */
    void exchangeDone(boolean keepAlive) {
        Exchange e = current;
        current = null;
        if (e != null && e.request() == reading) {
            // the response ended before the request's body did: the rest cannot be skipped safely
            keepAlive = false;
        }
        if (!keepAlive || dc.draining().getAsBoolean()) {
            closeAfterWrites();
            return;
        }
        idleSince = System.nanoTime();
        if (queue.isEmpty() && reading == null && inputShutdown) {
            closeAfterWrites();
            return;
        }
        next();
        updateAutoRead();
        rearm();
    }

    private void closeAfterWrites() {
        closing = true;
        clientTimer.cancel();
        channel.config().setAutoRead(false);
        if (reading != null) {
            reading.release();
        }
        ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof io.netty.channel.socket.ChannelInputShutdownEvent) {
            // e.g. "nc -N" or shutdown(SHUT_WR) after the request: still owed the answers
            inputShutdown = true;
            headStart = 0;
            if (reading != null) {
                Pending p = reading; // it can never complete now
                reading = null;
                if (p.consumer != null) {
                    p.consumer.requestAborted(0);
                } else {
                    p.release();
                    queue.remove(p);
                }
            }
            if (current == null && queue.isEmpty() && !closing) {
                closeAfterWrites();
            }
            rearm();
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    boolean closing() {
        return closing;
    }

    private boolean sawBytes; // bytes of a head arrived since the last complete head

    private void clientTimeout() {
        if (closing || rejected) {
            return;
        }
        long t = deadlineNanos();
        if (t == 0 || System.nanoTime() - t < 0) {
            rearm(); // moved meanwhile
            return;
        }
        if (reading != null) {
            long now = System.nanoTime();
            long header = dc.config().timeouts().clientHeaderMs() * 1_000_000L;
            long minBytes = (long) dc.config().limits().minBodyRateBps() * dc.config().timeouts().clientHeaderMs() / 1000;
            if (now - (reading.lastPiece + header) < 0 && reading.windowBytes >= minBytes) {
                // a window (clientHeaderMs) at the minimum rate or better: the next one starts
                reading.window = now;
                reading.windowBytes = 0;
                rearm();
                return;
            }
            dc.stats().clientTimeouts.increment();
            Log.debug("client_timeout", "client", clientAddress, "phase", "body");
            bodyFailed(reading, 408);
        } else if (headStart != 0) {
            dc.stats().clientTimeouts.increment();
            Log.debug("client_timeout", "client", clientAddress, "phase", "head");
            if (!sawBytes && current == null && queue.isEmpty()) {
                closing = true;
                channel.close(); // connected and never sent a byte: nothing to answer
                return;
            }
            reject(408);
        } else {
            closing = true;
            channel.close(); // idle keep-alive connection: close silently
        }
    }

    /** Shutdown: close now if nothing is in flight, else after the current response. */
    public void drain() {
        if (current == null && reading == null && queue.isEmpty()) {
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
        if (reading != null && reading.consumer == null) {
            reading.release();
        }
        reading = null;
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
        if (cause instanceof OutOfDirectMemoryError || cause instanceof OutOfMemoryError
                || String.valueOf(cause.getMessage()).contains("direct buffer memory")) {
            // never silent: this is the dispatcher running out of memory, not a client misbehaving
            Log.warn("allocation_failed", "client", clientAddress, "error", String.valueOf(cause));
        } else {
            Log.debug("client_error", "client", clientAddress, "error", String.valueOf(cause.getMessage()));
        }
        ctx.close();
    }

    static String hostHeader(HttpRequest r) {
        return r.headers().get(HttpHeaderNames.HOST);
    }
}
