package org.fwlb.l7.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import org.fwlb.l7.Log;
import org.fwlb.l7.backend.Backend;
import org.fwlb.l7.backend.BackendConnection;
import org.fwlb.l7.backend.ConnectionPool;
import org.fwlb.l7.backend.LeaseCallback;
import org.fwlb.l7.backend.ResponseListener;
import org.fwlb.l7.cookie.CookieSigner;
import org.fwlb.l7.relay.MatchingTable;
import org.fwlb.l7.relay.PeerRef;

import java.util.List;

/**
 * One request from choice of server to the last byte of its response (FIG 5):
 * <ol>
 *   <li>a valid cookie naming a server reached here (and up) → that server;</li>
 *   <li>a valid cookie naming a server of a peer dispatcher → relay to the peer, at most one hop;</li>
 *   <li>otherwise (no, forged, expired, unknown or dead cookie, or a failed relay) → the policy, and the
 *       response carries a fresh cookie.</li>
 * </ol>
 * Failures before any response byte reached the client are retried on another server when that is safe.
 * Callbacks from the server side may arrive on another event loop and are moved to the client's.
 */
final class Exchange implements LeaseCallback, ResponseListener {
    static final String RELAY_HEADER = "X-Fwlb-Relay";
    static final String SERVER_HEADER = "X-Fwlb-Server";
    static final String CLIENT_HEADER = "X-Fwlb-Client";
    static final String REFUSED_HEADER = "X-Fwlb-Refused";
    static final String HAS_PATH = "/_fwlb/has/";
    private static final int MAX_ATTEMPTS = 3;

    private final FrontHandler front;
    private final DispatchContext dc;
    private final EventLoop loop;
    private final FrontHandler.Pending req;
    private final HttpRequest head;
    private final HttpMethod method;
    private final List<String> cookieHeaders;
    private final String serviceType;
    private final boolean clientKeepAlive;

    private String cookieServer;   // server named by a valid cookie, or null
    private CookieSigner.Verified cookie;
    private Backend backend;       // current target when it is one of our servers
    private PeerRef peer;          // current target when relaying
    private String relayServer;    // the server the peer is asked to use
    private String relayFrom;      // relayed to us: the relaying dispatcher and its client
    private String relayClient;
    private BackendConnection conn;
    private int attempts;
    private boolean insertCookie;
    private boolean started;       // response bytes went to the client
    private boolean discarding;    // swallowing a peer's refusal before falling back
    private boolean closeAfter;
    private boolean done;
    private boolean pausedBackend;
    private boolean orphaned;      // the client left; the response is being discarded
    private final boolean streaming;      // the body was not complete at start: it streams, no resend
    private final boolean chunkedIn;      // the client framed its body with chunked coding
    private final boolean expectContinue; // the request came with Expect: 100-continue
    private ByteBuf body;                 // buffered mode: the whole body, resent on a retry
    private boolean sending;              // streaming: head written, body pieces follow
    private boolean bodySent;             // streaming: some body went out (the request cannot be resent)
    private boolean awaitingContinue;     // streaming to a peer: the body waits for its 100 Continue

    Exchange(FrontHandler front, FrontHandler.Pending req) {
        this.front = front;
        this.dc = front.dc;
        this.loop = front.channel.eventLoop();
        this.req = req;
        this.head = req.head;
        this.method = head.method();
        this.cookieHeaders = head.headers().getAll(HttpHeaderNames.COOKIE);
        this.clientKeepAlive = HttpUtil.isKeepAlive(head);
        this.streaming = !req.complete;
        this.chunkedIn = HttpUtil.isTransferEncodingChunked(head);
        this.expectContinue = HttpUtil.is100ContinueExpected(head);
        if (!streaming) {
            body = req.takeAll(front.ctx.alloc());
        }
        prepareHeaders();
        this.serviceType = dc.router().serviceType(head.uri(), FrontHandler.hostHeader(head));
    }

    void start() {
        if (front.relayPort) {
            startRelayed();
            return;
        }
        dc.stats().requests.increment();
        String value = null;
        for (String h : cookieHeaders) {
            value = CookieSigner.find(h, dc.config().cookie().name());
            if (value != null) {
                break;
            }
        }
        if (value != null) {
            CookieSigner.Verified v;
            if (value.equals(front.verifiedCookie)) {
                v = dc.signer().valid(front.verified) ? front.verified : null; // it may have expired since
            } else {
                v = dc.signer().check(value);
                if (v != null) {
                    front.verifiedCookie = value;
                    front.verified = v;
                }
            }
            if (v == null) {
                dc.stats().cookieInvalid.increment();
            } else {
                cookie = v;
                cookieServer = v.server();
            }
        }
        if (cookieServer == null) {
            choosePolicy(null);
            return;
        }
        Backend b = dc.registry().get(cookieServer);
        if (b != null) {
            if (b.stickyOk() && b.config().serves(serviceType)) {
                forward(b);
            } else {
                choosePolicy(null); // dead, down or of another service type: a new server, a new cookie
            }
            return;
        }
        String sid = cookieServer;
        dc.directory().locate(sid).whenComplete((p, e) -> onLoop(() -> {
            if (done) {
                return;
            }
            if (p != null) {
                relay(p, sid);
            } else {
                choosePolicy(null);
            }
        }));
    }

    /** A request that a peer relayed to us: its own server only, never the policy, never another hop. */
    private void startRelayed() {
        HttpHeaders h = head.headers();
        String unauthentic = dc.relaySigner().verify(h, method.name(), head.uri());
        if (unauthentic != null) {
            // only a peer holding the relay key may relay or ask what we reach
            dc.stats().relayForbidden.increment();
            Log.debug("relay_forbidden", "from", front.clientAddress, "reason", unauthentic);
            var r = Responses.text(front.ctx.alloc(), 403, null, true);
            r.headers().set(REFUSED_HEADER, "auth");
            done = true;
            release();
            front.sendAndClose(r);
            return;
        }
        String sid = h.get(SERVER_HEADER);
        if (sid == null) {
            if (method == HttpMethod.GET && head.uri().startsWith(HAS_PATH)) {
                Backend b = dc.registry().get(head.uri().substring(HAS_PATH.length()));
                answerLocal(b != null && b.stickyOk() ? 200 : 404, null);
            } else {
                answerLocal(404, null);
            }
            return;
        }
        String value = null;
        for (String c : cookieHeaders) {
            value = CookieSigner.find(c, dc.config().cookie().name());
            if (value != null) {
                break;
            }
        }
        // the cookie proves a client was given this server: the relay port cannot be used to pick servers
        String named = dc.signer().verify(value);
        Backend b = dc.registry().get(sid);
        String reason = !sid.equals(named) ? "cookie" : b == null ? "unknown-server"
                : !b.stickyOk() ? "server-down" : !b.config().serves(serviceType) ? "service-type" : null;
        if (reason != null) {
            dc.stats().relayRefused.increment();
            Log.info("relay_refused", "from", h.get(RELAY_HEADER), "server", sid, "reason", reason);
            answerLocal(503, reason);
            return;
        }
        dc.stats().relayedIn.increment();
        if (expectContinue && streaming) {
            // accepted: now the relaying dispatcher may send the body
            front.ctx.writeAndFlush(new io.netty.handler.codec.http.DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    io.netty.handler.codec.http.HttpResponseStatus.CONTINUE));
        }
        relayFrom = h.get(RELAY_HEADER);
        relayClient = h.get(CLIENT_HEADER);
        cookieServer = sid;
        forward(b);
    }

    /** A response the dispatcher produces on the relay port; the relay connection stays open. */
    private void answerLocal(int status, String refusedReason) {
        var r = Responses.text(front.ctx.alloc(), status, null, false);
        if (refusedReason != null) {
            r.headers().set(REFUSED_HEADER, refusedReason);
        }
        front.ctx.writeAndFlush(r);
        finish(clientKeepAlive);
    }

    private void onLoop(Runnable r) {
        if (loop.inEventLoop()) {
            r.run();
        } else {
            loop.execute(r);
        }
    }

    // ---- target choice -------------------------------------------------------------------------------

    private void choosePolicy(Backend exclude) {
        choosePolicy(exclude, 503, "no server available for service type " + serviceType);
    }

    /** The policy's server; when there is none, answer {@code status} (the failure that led here, if any). */
    private void choosePolicy(Backend exclude, int status, String why) {
        Backend[] candidates = dc.registry().snapshot().ofType(serviceType);
        Backend b = dc.registry().policy(serviceType).choose(candidates, exclude);
        if (b == null) {
            fail(status, why);
            return;
        }
        insertCookie = true;
        forward(b);
    }

    private void forward(Backend b) {
        backend = b;
        peer = null;
        attempts++;
        if (cookieServer == null || !cookieServer.equals(b.id())) {
            insertCookie = true;
        }
        b.requestStarted();
        setTargetHeaders(false);
        b.pool().lease(loop, this);
    }

    private void relay(PeerRef p, String sid) {
        peer = p;
        backend = null;
        relayServer = sid;
        attempts++;
        dc.stats().relayedOut.increment();
        setTargetHeaders(true);
        dc.peers().pool(p).lease(loop, this);
    }

    /** After a failure before any response byte: another server if safe, else an error answer. */
    private void retryOrFail(int status, String why, boolean requestSent) {
        if (peer != null) {
            if (bodySent) {
                fail(status, why); // part of a streamed body went to the peer: it cannot be resent elsewhere
                return;
            }
            // the peer is unreachable or refused: forget it, fall back to the policy and a fresh cookie
            dc.directory().invalidate(relayServer);
            Log.info("relay_fallback", "peer", peer.id(), "server", relayServer, "reason", why);
            peer = null;
            choosePolicy(null);
            return;
        }
        Backend failed = backend;
        // a request the server may have received is resent only if idempotent and its body is still here whole
        boolean safe = !requestSent || (RequestValidator.idempotent(method) && !streaming);
        if (front.relayPort) {
            // a peer never picks another server: it refuses, and the relaying dispatcher falls back
            if (safe) {
                dc.stats().relayRefused.increment();
                Log.info("relay_refused", "server", failed.id(), "reason", why);
                answerLocal(503, "server-failed");
            } else {
                fail(status, why);
            }
            return;
        }
        if (safe && attempts < MAX_ATTEMPTS && !front.closing()) {
            dc.stats().retries.increment();
            Log.info("retry", "server", failed.id(), "reason", why, "method", method.name());
            choosePolicy(failed, status, why);
            return;
        }
        fail(status, why);
    }

    private void fail(int status, String why) {
        switch (status) {
            case 502 -> dc.stats().status502.increment();
            case 503 -> dc.stats().status503.increment();
            case 504 -> dc.stats().status504.increment();
            default -> { }
        }
        Log.warn("request_failed", "status", status, "reason", why, "client", front.clientAddress,
                "uri", head.uri());
        if (front.relayPort) {
            answerLocal(status, null);
            return;
        }
        // keep the client connection when the failure is ours, the client allows it and its body is all read
        boolean keep = clientKeepAlive && req.complete;
        var r = Responses.text(front.ctx.alloc(), status, null, !keep);
        front.ctx.writeAndFlush(r);
        finish(keep);
    }

    // ---- request to the server ---------------------------------------------------------------------

    /** Hop-by-hop headers out, body framing normalized (the body is complete), X-Forwarded-For added. */
    private void prepareHeaders() {
        HttpHeaders h = head.headers();
        stripHopByHop(h);
        h.remove(HttpHeaderNames.EXPECT);
        if (!streaming) {
            // the body is complete: sent with its length
            h.remove(HttpHeaderNames.TRANSFER_ENCODING);
            int len = body == null ? 0 : body.readableBytes();
            if (len > 0 || HttpUtil.isContentLengthSet(head) || method == HttpMethod.POST || method == HttpMethod.PUT
                    || method == HttpMethod.PATCH) {
                h.setInt(HttpHeaderNames.CONTENT_LENGTH, len);
            }
        } else if (chunkedIn) {
            h.remove(HttpHeaderNames.CONTENT_LENGTH); // streamed as it came: chunked (the validator refused CL+TE)
            h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
        String uri = head.uri();
        if (uri.regionMatches(true, 0, "http://", 0, 7)) {
            // absolute-form (authority validated like Host): it becomes Host, the server gets origin-form
            String authority = RequestValidator.authority(uri);
            h.set(HttpHeaderNames.HOST, authority);
            String rest = uri.substring(7 + authority.length());
            head.setUri(rest.isEmpty() ? "/" : rest.charAt(0) == '/' ? rest : "/" + rest);
        } else if (!h.contains(HttpHeaderNames.HOST)) {
            h.set(HttpHeaderNames.HOST, ((java.net.InetSocketAddress) front.channel.localAddress()).getHostString());
        }
        if (!front.relayPort) {
            // never trusted from outside: a client could forge its address or our relay protocol
            stripClientSupplied(h);
            h.set(X_FORWARDED_FOR, front.clientIp);
        }
    }

    static final io.netty.util.AsciiString X_FORWARDED_FOR = io.netty.util.AsciiString.cached("x-forwarded-for");

    /** X-Forwarded-For, Forwarded and every X-Fwlb-* header, as a client sent them. */
    static void stripClientSupplied(HttpHeaders h) {
        h.remove(X_FORWARDED_FOR);
        h.remove("forwarded");
        removeFwlbHeaders(h);
    }

    static void removeFwlbHeaders(HttpHeaders h) {
        List<CharSequence> ours = null; // allocated only when there is one: this runs on every request
        for (var it = h.iteratorCharSequence(); it.hasNext(); ) {
            CharSequence name = it.next().getKey();
            if (name.length() > 7 && io.netty.util.AsciiString.regionMatches(name, true, 0, "x-fwlb-", 0, 7)) {
                (ours == null ? ours = new java.util.ArrayList<>(2) : ours).add(name);
            }
        }
        if (ours != null) {
            ours.forEach(h::remove);
        }
    }

    /** Headers a Connection token may never remove: the request would reach the server without them. */
    private static final java.util.Set<String> PROTECTED = java.util.Set.of("host", "cookie", "x-forwarded-for",
            "content-length", "transfer-encoding", "set-cookie");

    static void stripHopByHop(HttpHeaders h) {
        List<String> connection = h.contains(HttpHeaderNames.CONNECTION) ? h.getAll(HttpHeaderNames.CONNECTION)
                : List.of();
        for (String value : connection) {
            for (String token : value.split(",")) {
                String t = token.trim().toLowerCase(java.util.Locale.ROOT);
                if (!t.isEmpty() && !PROTECTED.contains(t) && !t.startsWith("x-fwlb-")) {
                    h.remove(t);
                }
            }
        }
        h.remove(HttpHeaderNames.CONNECTION);
        h.remove(HttpHeaderNames.KEEP_ALIVE);
        h.remove(HttpHeaderNames.PROXY_CONNECTION);
        h.remove(HttpHeaderNames.TE);
        h.remove(HttpHeaderNames.UPGRADE);
        h.remove(HttpHeaderNames.PROXY_AUTHORIZATION);
    }

    /** Our cookie and relay headers for the chosen target (idempotent: a retry may change the target). */
    private void setTargetHeaders(boolean toPeer) {
        HttpHeaders h = head.headers();
        removeFwlbHeaders(h); // relay protocol and its signature: never to a server, re-signed for a peer
        h.remove(HttpHeaderNames.COOKIE);
        String name = dc.config().cookie().name();
        for (String c : cookieHeaders) {
            // a peer verifies the cookie itself; a server never sees it (HAProxy "indirect")
            String v = toPeer ? c : CookieSigner.strip(c, name);
            if (v != null && !v.isEmpty()) {
                h.add(HttpHeaderNames.COOKIE, v);
            }
        }
        if (toPeer) {
            h.set(RELAY_HEADER, dc.config().id()).set(SERVER_HEADER, relayServer).set(CLIENT_HEADER,
                    front.clientAddress);
            dc.relaySigner().sign(h, method.name(), head.uri()); // a fresh nonce for every attempt
        }
    }

    @Override
    public void leased(BackendConnection c, boolean fresh) {
        if (!loop.inEventLoop()) {
            loop.execute(() -> leased(c, fresh));
            return;
        }
        if (done) {
            c.pool().giveBack(c);
            if (backend != null) {
                backend.requestEnded(false);
            }
            return;
        }
        conn = c;
        if (front.relayPort) {
            dc.table().record(new MatchingTable.Entry(System.currentTimeMillis(), relayClient, relayFrom,
                    front.clientAddress, backend.id(),
                    String.valueOf(c.channel().localAddress())));
        }
        c.attach(this);
        front.responseTimer.arm(dc.config().timeouts().responseMs());
        if (!streaming) {
            ByteBuf b = body == null ? Unpooled.EMPTY_BUFFER : body.retainedDuplicate();
            FullHttpRequest out = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, head.uri(), b,
                    head.headers(), EmptyHttpHeaders.INSTANCE);
            c.requestWritten(true);
            c.channel().writeAndFlush(out).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
            return;
        }
        HttpHeaders hh = head.headers().copy();
        awaitingContinue = peer != null; // to a peer: a refusal must come before the body
        if (awaitingContinue) {
            hh.set(HttpHeaderNames.EXPECT, HttpHeaderValues.CONTINUE);
        }
        c.requestWritten(false);
        c.channel().writeAndFlush(new io.netty.handler.codec.http.DefaultHttpRequest(HttpVersion.HTTP_1_1, method,
                head.uri(), hh)).addListener(WRITE_FAILED);
        sending = true;
        drain();
    }

    private static final ChannelFutureListener WRITE_FAILED = f -> {
        if (!f.isSuccess()) {
            Log.debug("server_write_failed", "error", String.valueOf(f.cause()));
            f.channel().close();
        }
    };

    /** Streaming: more of the body arrived from the client. */
    void bodyAvailable() {
        drain();
    }

    /** Streaming: may the client's next piece come (the server connection takes more)? */
    boolean serverWritable() {
        BackendConnection c = conn;
        return c == null || !sending || c.channel().isWritable();
    }

    /** Streaming: body pieces to the server while its connection takes them; back-pressure otherwise. */
    private void drain() {
        BackendConnection c = conn;
        if (c == null || !sending || awaitingContinue || done) {
            return;
        }
        Channel ch = c.channel();
        boolean wrote = false;
        while (ch.isWritable() && !req.chunks.isEmpty()) {
            ch.write(new io.netty.handler.codec.http.DefaultHttpContent(req.poll())).addListener(WRITE_FAILED);
            bodySent = true;
            wrote = true;
        }
        if (req.complete && req.chunks.isEmpty()) {
            sending = false;
            c.requestWritten(true);
            ch.write(LastHttpContent.EMPTY_LAST_CONTENT).addListener(WRITE_FAILED);
            wrote = true;
        }
        if (wrote) {
            ch.flush();
            front.responseTimer.arm(dc.config().timeouts().responseMs()); // the server is taking our request
        }
        front.updateAutoRead();
    }

    @Override
    public void onWritable() {
        if (!loop.inEventLoop()) {
            loop.execute(this::onWritable);
            return;
        }
        drain();
    }

    @Override
    public void onContinue() {
        if (!loop.inEventLoop()) {
            loop.execute(this::onContinue);
            return;
        }
        if (awaitingContinue) {
            awaitingContinue = false;
            drain();
        }
    }

    FrontHandler.Pending request() {
        return req;
    }

    /**
     * Streaming: the client's body failed (status 400/413/408) or the client half-closed (0) while the request
     * was with a server. The server connection holds half a request: it is closed, never reused.
     */
    void requestAborted(int status) {
        if (done) {
            return;
        }
        BackendConnection c = conn;
        conn = null;
        if (c != null) {
            c.abort();
            if (backend != null) {
                backend.requestEnded(false);
            }
        }
        if (status != 0 && !started) {
            done = true;
            front.responseTimer.disarm();
            release();
            front.sendAndClose(status, null);
        } else {
            abortClient();
        }
    }

    private void release() {
        if (body != null) {
            body.release();
            body = null;
        }
        req.release();
    }

    @Override
    public void leaseFailed(Throwable cause, boolean saturated) {
        if (!loop.inEventLoop()) {
            loop.execute(() -> leaseFailed(cause, saturated));
            return;
        }
        if (backend != null) {
            backend.requestEnded(true);
        }
        if (done) {
            return;
        }
        String why = String.valueOf(cause.getMessage());
        if (saturated && peer == null) {
            fail(503, why);
        } else {
            retryOrFail(502, why, false);
        }
    }

    // ---- response from the server ------------------------------------------------------------------

    @Override
    public void onResponseHead(HttpResponse r) {
        if (!loop.inEventLoop()) {
            loop.execute(() -> onResponseHead(r));
            return;
        }
        if (done) {
            return;
        }
        if (peer != null && r.headers().contains(REFUSED_HEADER)) {
            discarding = true;
            return;
        }
        started = true;
        awaitingContinue = false;
        front.responseTimer.arm(dc.config().timeouts().responseMs());
        HttpHeaders h = r.headers();
        stripHopByHop(h);
        h.remove(HttpHeaderNames.TRANSFER_ENCODING); // re-framed below for this client
        int code = r.status().code();
        boolean bodyless = method == HttpMethod.HEAD || code == 204 || code == 304 || code < 200;
        boolean http10 = head.protocolVersion() == HttpVersion.HTTP_1_0;
        // a response before the whole body: the rest of it cannot be skipped safely, the connection ends
        closeAfter = !clientKeepAlive || dc.draining().getAsBoolean() || !req.complete;
        if (!bodyless && !h.contains(HttpHeaderNames.CONTENT_LENGTH)) {
            // chunked or close-delimited from the server: chunked to a 1.1 client, close-delimited to 1.0
            if (http10) {
                closeAfter = true;
            } else {
                h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            }
        }
        if (insertCookie && !front.relayPort) {
            Backend b = backend;
            h.add(HttpHeaderNames.SET_COOKIE, dc.signer().setCookieHeader(b.id()));
            dc.stats().cookieInserted.increment();
        } else if (cookie != null && !front.relayPort && dc.signer().needsRefresh(cookie)) {
            // same server, same first-issue time (maxLife), the idle clock restarts
            h.add(HttpHeaderNames.SET_COOKIE, dc.signer().refreshHeader(cookie));
            dc.stats().cookieRefreshed.increment();
        }
        if (dc.config().debugHeaders()) {
            if (front.relayPort) {
                h.set("X-Fwlb-Relayed-By", dc.config().id());
            } else {
                h.set("X-Fwlb-Dispatcher", dc.config().id());
                h.set(SERVER_HEADER, backend != null ? backend.id() : relayServer);
            }
        }
        if (closeAfter) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (http10) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        r.setProtocolVersion(HttpVersion.HTTP_1_1);
        front.ctx.write(r);
    }

    @Override
    public void onResponseContent(HttpContent content, boolean last, boolean reusable) {
        if (!loop.inEventLoop()) {
            loop.execute(() -> onResponseContent(content, last, reusable));
            return;
        }
        if (done || discarding) {
            content.release();
            if (last && orphaned && conn != null) {
                conn = null;
                if (backend != null) {
                    backend.requestEnded(false);
                }
            }
            if (last && discarding && !done) {
                discarding = false;
                conn = null;
                retryOrFail(502, "peer refused the relay", false);
            }
            return;
        }
        if (!last) {
            front.ctx.write(content);
            front.responseTimer.arm(dc.config().timeouts().responseMs());
            if (!front.channel.isWritable() && conn != null) {
                pausedBackend = true;
                conn.channel().config().setAutoRead(false); // slow client: stop reading the server
            }
            return;
        }
        conn = null;
        if (content instanceof LastHttpContent) {
            front.ctx.writeAndFlush(content);
        } else {
            front.ctx.write(content);
            front.ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        }
        finish(!closeAfter);
    }

    @Override
    public void onReadComplete() {
        if (loop.inEventLoop()) {
            front.ctx.flush();
        } else {
            front.channel.flush(); // queued behind the writes already handed to the client's loop
        }
    }

    @Override
    public void onBackendFailed(Throwable cause, boolean responseStarted) {
        if (!loop.inEventLoop()) {
            loop.execute(() -> onBackendFailed(cause, responseStarted));
            return;
        }
        conn = null;
        if (backend != null) {
            backend.requestEnded(true);
        }
        if (done) {
            return;
        }
        if (!started) {
            discarding = false;
            retryOrFail(502, String.valueOf(cause.getMessage()), true);
            return;
        }
        // part of the response is already with the client: it can only learn of the failure by a close
        Log.warn("response_aborted", "client", front.clientAddress, "reason", String.valueOf(cause.getMessage()));
        abortClient();
    }

    void responseTimeout() {
        if (done) {
            return;
        }
        BackendConnection c = conn;
        conn = null;
        if (c != null) {
            c.abort();
        }
        if (backend != null) {
            backend.requestEnded(true);
        }
        if (started) {
            abortClient();
        } else if (peer != null) {
            retryOrFail(504, "peer did not answer in time", true);
        } else {
            fail(504, "server did not answer within " + dc.config().timeouts().responseMs() + " ms");
        }
    }

    void clientWritable() {
        if (pausedBackend && conn != null) {
            pausedBackend = false;
            conn.channel().config().setAutoRead(true);
        }
    }

    /**
     * The client went away mid-exchange. A request already with the server is left to finish, its response
     * is discarded and the connection goes back to the pool (closing it would cost a new server connection
     * per impatient client); the response timeout still bounds how long that may take.
     */
    void clientGone() {
        if (done) {
            return;
        }
        done = true;
        release();
        BackendConnection c = conn;
        if (c == null) {
            return;
        }
        if (sending || awaitingContinue) {
            // half a request is with the server: the connection cannot carry another one
            conn = null;
            c.abort();
            if (backend != null) {
                backend.requestEnded(false);
            }
            return;
        }
        orphaned = true;
        loop.schedule(() -> {
            if (conn == c) {
                conn = null;
                c.abort();
                if (backend != null) {
                    backend.requestEnded(true);
                }
            }
        }, dc.config().timeouts().responseMs(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    private void abortClient() {
        done = true;
        front.responseTimer.disarm();
        release();
        front.channel.close();
    }

    private void finish(boolean keepAlive) {
        done = true;
        front.responseTimer.disarm();
        if (backend != null && started) {
            backend.requestEnded(false);
        }
        release();
        if (!front.relayPort) {
            dc.stats().responses.increment();
        }
        front.exchangeDone(keepAlive);
    }
}
