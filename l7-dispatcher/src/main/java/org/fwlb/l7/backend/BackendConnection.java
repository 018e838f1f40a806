package org.fwlb.l7.backend;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

import java.io.IOException;

/**
 * One persistent keep-alive connection to a server (or to a peer's relay port), and the handler that
 * turns its decoded response into {@link ResponseListener} calls for the request currently using it.
 */
public final class BackendConnection extends ChannelInboundHandlerAdapter {
    private final ConnectionPool pool;
    private Channel channel;
    private ResponseListener listener; // touched on the channel's event loop only (and set before the write)
    private boolean started;
    private boolean skippingInterim;
    private boolean keepAlive;
    private volatile boolean requestWritten = true; // the whole current request was written
    long idleSince;

    BackendConnection(ConnectionPool pool) {
        this.pool = pool;
    }

    void bind(Channel ch) {
        this.channel = ch;
    }

    public Channel channel() {
        return channel;
    }

    public ConnectionPool pool() {
        return pool;
    }

    /** Attaches the listener for the next response; call before writing the request. */
    public void attach(ResponseListener l) {
        listener = l;
        if (!channel.config().isAutoRead()) {
            channel.config().setAutoRead(true); // a slow client of the previous request had paused it
        }
        started = false;
        skippingInterim = false;
    }

    /** Whether the whole request went out: a response to half a request leaves the connection unusable. */
    public void requestWritten(boolean whole) {
        requestWritten = whole;
    }

    /** The listener gives the connection up (e.g. on a response timeout): close, never reuse. */
    public void abort() {
        listener = null;
        channel.close();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ResponseListener l = listener;
        if (l == null) {
            // bytes nobody asked for (a server talking out of turn): this connection cannot be trusted
            ReferenceCountUtil.release(msg);
            ctx.close();
            return;
        }
        if (msg instanceof HttpResponse head) {
            if (head.decoderResult().isFailure()) {
                ReferenceCountUtil.release(msg);
                fail(l, head.decoderResult().cause());
                return;
            }
            int code = head.status().code();
            if (code >= 100 && code < 200) {
                // interim responses (100 Continue, 103 Early Hints) are not relayed: we send full requests
                skippingInterim = true;
                ReferenceCountUtil.release(msg);
                if (code == 100) {
                    l.onContinue();
                }
                return;
            }
            started = true;
            keepAlive = HttpUtil.isKeepAlive(head);
            l.onResponseHead(head);
            // a FullHttpResponse also is an HttpContent: fall through
        }
        if (msg instanceof HttpContent content) {
            if (content.decoderResult().isFailure()) {
                content.release();
                fail(l, content.decoderResult().cause());
                return;
            }
            if (skippingInterim) {
                content.release();
                if (content instanceof LastHttpContent) {
                    skippingInterim = false;
                }
                return;
            }
            boolean last = content instanceof LastHttpContent;
            if (last) {
                listener = null;
                boolean reusable = keepAlive && channel.isActive() && requestWritten;
                l.onResponseContent(content, true, reusable);
                pool.release(this, reusable);
            } else {
                l.onResponseContent(content, false, false);
            }
        } else if (!(msg instanceof HttpResponse)) {
            ReferenceCountUtil.release(msg);
        }
    }

    private void fail(ResponseListener l, Throwable cause) {
        listener = null;
        channel.close();
        l.onBackendFailed(cause, started);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        ResponseListener l = listener;
        if (l != null && ctx.channel().isWritable()) {
            l.onWritable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ResponseListener l = listener;
        if (l != null) {
            l.onReadComplete();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        ResponseListener l = listener;
        listener = null;
        pool.closed(this);
        if (l != null) {
            l.onBackendFailed(new IOException("server closed the connection"), started);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof OutOfMemoryError || String.valueOf(cause.getMessage()).contains("direct buffer memory")) {
            org.fwlb.l7.Log.warn("allocation_failed", "server", String.valueOf(ctx.channel().remoteAddress()),
                    "error", String.valueOf(cause));
        }
        // channelInactive follows and reports to the listener
        ctx.close();
    }
}
