package org.fwlb.runtime.openflow.channel;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.ScheduledFuture;
import org.fwlb.runtime.openflow.OpenFlowOptions;
import org.fwlb.runtime.openflow.OpenFlowStats;
import org.projectfloodlight.openflow.protocol.OFConfigFlags;
import org.projectfloodlight.openflow.protocol.OFDescStatsReply;
import org.projectfloodlight.openflow.protocol.OFEchoRequest;
import org.projectfloodlight.openflow.protocol.OFErrorMsg;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFeaturesReply;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPortDesc;
import org.projectfloodlight.openflow.protocol.OFPortDescStatsReply;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.U32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Per-connection protocol state machine: HELLO and version negotiation, FEATURES, SET_CONFIG,
 * PORT_DESC and DESC multiparts, then echo keep-alive both ways and dispatch of asynchronous
 * messages to the {@link SwitchListener}. Any protocol violation closes this connection with a single
 * log line; nothing else is affected.
 */
final class SwitchChannelHandler extends SimpleChannelInboundHandler<Object> {
    private static final Logger log = LoggerFactory.getLogger(SwitchChannelHandler.class);
    private static final int MISS_SEND_LEN_FULL = 0xffff;
    /**
     * Largest port description reply at the handshake: 65536 ports of 64 bytes (Open vSwitch has at most
     * 65279) and their part headers. Any host that reaches the listener can claim a new datapath id, so
     * it must not get the statistics bound (128 MiB of decoded port objects took the runtime past 1 GiB).
     */
    static final long MAX_PORT_DESC_BYTES = 65_536L * 64 + (1 << 16);
    /** Largest switch description reply at the handshake (one part of 1072 bytes). */
    static final long MAX_DESC_BYTES = 1 << 16;

    private enum State { WAIT_HELLO, WAIT_FEATURES, WAIT_DESCRIPTIONS, ACTIVE, CLOSED }

    private final OpenFlowServer server;
    private final OpenFlowOptions options;
    private final OpenFlowStats stats;
    private final OFFactory factory = OFFactories.getFactory(OFVersion.OF_13);

    private State state = State.WAIT_HELLO;
    private ChannelHandlerContext ctx;
    private SwitchConnection conn;
    private ScheduledFuture<?> handshakeTimer;
    private ScheduledFuture<?> echoTimer;
    private int echoOutstanding;
    private boolean closeLogged;

    SwitchChannelHandler(OpenFlowServer server, OpenFlowOptions options, OpenFlowStats stats) {
        this.server = server;
        this.options = options;
        this.stats = stats;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        log.debug("OpenFlow connection from {}", ctx.channel().remoteAddress());
        ctx.writeAndFlush(factory.buildHello().setXid(1)
                .setElements(List.of(factory.buildHelloElemVersionbitmap()
                        .setBitmaps(List.of(U32.of(1L << OfFrameDecoder.OF13))).build()))
                .build());
        handshakeTimer = ctx.executor().schedule(() -> {
            if (state != State.ACTIVE && state != State.CLOSED) {
                closeWith("handshake not finished within " + options.handshakeTimeout().toMillis() + " ms (stuck in "
                        + state + ")");
            }
        }, options.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Object in) {
        if (state == State.CLOSED) {
            return;
        }
        if (in instanceof HelloFrame) {
            onHello((HelloFrame) in);
            return;
        }
        if (in instanceof MultipartPart) {
            MultipartPart part = (MultipartPart) in;
            if (conn == null || !conn.onReply(part.reply(), part.wireLength())) {
                log.debug("{}: dropping an unsolicited {} reply xid={}", where(), part.reply().getStatsType(),
                          part.reply().getXid());
            }
            return;
        }
        OFMessage msg = (OFMessage) in;
        switch (msg.getType()) {
            case ECHO_REQUEST:
                OFEchoRequest req = (OFEchoRequest) msg;
                OFMessage reply = factory.buildEchoReply().setXid(req.getXid()).setData(req.getData()).build();
                if (conn != null) {
                    conn.send(reply);
                } else {
                    ctx.writeAndFlush(reply);
                }
                return;
            case ECHO_REPLY:
                echoOutstanding = 0;
                return;
            case HELLO:
                log.debug("{}: ignoring a repeated HELLO", where());
                return;
            case FEATURES_REPLY:
                onFeatures((OFFeaturesReply) msg);
                return;
            case ERROR:
                onError((OFErrorMsg) msg);
                return;
            default:
                break;
        }
        if (conn != null && conn.onReply(msg, 0)) {
            return;
        }
        if (state != State.ACTIVE) {
            log.debug("{}: ignoring {} during the handshake ({})", where(), msg.getType(), state);
            return;
        }
        switch (msg.getType()) {
            case PACKET_IN:
            case FLOW_REMOVED:
            case PORT_STATUS:
                server.listener().switchMessage(conn, msg);
                return;
            default:
                log.debug("{}: ignoring unsolicited {}", where(), msg.getType());
        }
    }

    private void onHello(HelloFrame hello) {
        if (state != State.WAIT_HELLO) {
            return;
        }
        if (!hello.supports(OfFrameDecoder.OF13)) {
            // Answer in the switch's own version when it is older: the ERROR header is the same in all.
            int version = Math.min(hello.version(), OfFrameDecoder.OF13);
            byte[] text = "fwlb speaks OpenFlow 1.3 (0x04) only".getBytes(StandardCharsets.US_ASCII);
            ByteBuf err = ctx.alloc().buffer(12 + text.length);
            err.writeByte(version).writeByte(1).writeShort(12 + text.length).writeInt((int) hello.xid());
            err.writeShort(0).writeShort(0); // OFPET_HELLO_FAILED, OFPHFC_INCOMPATIBLE
            err.writeBytes(text);
            ctx.writeAndFlush(err);
            closeWith("no common OpenFlow version: switch sent " + hello + ", only 1.3 (0x04) is supported; "
                    + "sent HELLO_FAILED");
            return;
        }
        state = State.WAIT_FEATURES;
        ctx.writeAndFlush(factory.buildFeaturesRequest().setXid(2).build());
    }

    private void onFeatures(OFFeaturesReply features) {
        if (state != State.WAIT_FEATURES) {
            log.debug("{}: ignoring FEATURES_REPLY in state {}", where(), state);
            return;
        }
        SwitchConnection candidate = new SwitchConnection(ctx.channel(), features, stats, options);
        SslHandler tls = ctx.pipeline().get(SslHandler.class);
        if (tls != null) {
            String problem;
            try {
                problem = server.certificateProblem(candidate.deviceId(), tls.engine().getSession().getPeerCertificates()[0]);
            } catch (SSLPeerUnverifiedException e) {
                problem = "no verified certificate";
            }
            if (problem != null) {
                closeWith("refusing the switch claiming " + candidate.deviceId() + ": " + problem);
                return;
            }
        }
        SwitchConnection holder = server.claim(candidate);
        if (holder != null) {
            closeWith("refusing a second connection for " + candidate.deviceId() + ", which is connected from "
                    + holder.remoteAddress() + " (as in ONOS, the first connection stays; a switch that"
                    + " reconnects gets in once its old connection is closed)");
            return;
        }
        conn = candidate;
        state = State.WAIT_DESCRIPTIONS;
        conn.send(factory.buildSetConfig().setXid(conn.nextXid())
                .setFlags(EnumSet.of(OFConfigFlags.FRAG_NORMAL)).setMissSendLen(MISS_SEND_LEN_FULL).build());
        CompletableFuture<List<OFPortDescStatsReply>> ports =
                conn.stats(factory.buildPortDescStatsRequest().setXid(conn.nextXid()).build(), MAX_PORT_DESC_BYTES);
        CompletableFuture<List<OFDescStatsReply>> desc =
                conn.stats(factory.buildDescStatsRequest().setXid(conn.nextXid()).build(), MAX_DESC_BYTES);
        for (CompletableFuture<?> f : List.of(ports, desc)) {
            // either failing ends the handshake now, not when the other answers (it may never)
            f.whenComplete((r, e) -> {
                if (e != null) {
                    ctx.executor().execute(() -> closeWith("handshake failed: " + rootMessage(e)));
                }
            });
        }
        ports.thenCombine(desc, (p, d) -> {
            List<OFPortDesc> all = new ArrayList<>();
            p.forEach(r -> all.addAll(r.getEntries()));
            conn.ports(all);
            conn.desc(d.get(0));
            return conn;
        }).whenComplete((c, e) -> ctx.executor().execute(() -> {
            if (e != null) {
                closeWith("handshake failed: " + rootMessage(e));
            } else {
                onHandshakeDone();
            }
        }));
    }

    private void onHandshakeDone() {
        if (state != State.WAIT_DESCRIPTIONS || !ctx.channel().isActive()) {
            return;
        }
        state = State.ACTIVE;
        handshakeTimer.cancel(false);
        conn.markActive();
        conn.counters().connected();
        long period = options.echoInterval().toMillis();
        echoTimer = ctx.executor().scheduleAtFixedRate(this::echo, period, period, TimeUnit.MILLISECONDS);
        log.info("switch {} connected from {} ({} ports, {} {})", conn.deviceId(), ctx.channel().remoteAddress(),
                conn.ports().size(), conn.desc().getMfrDesc(), conn.desc().getSwDesc());
        server.register(conn);
    }

    private void echo() {
        if (state != State.ACTIVE) {
            return;
        }
        if (echoOutstanding >= options.echoMissLimit()) {
            closeWith("no ECHO_REPLY to " + echoOutstanding + " echo requests in a row");
            return;
        }
        echoOutstanding++;
        conn.send(factory.buildEchoRequest().setXid(conn.nextXid()).build());
    }

    private void onError(OFErrorMsg err) {
        if (conn == null) {
            closeWith("switch sent " + Messages.describeError(err) + " during the handshake");
            return;
        }
        OFMessage request = conn.onError(err);
        log.warn("{}: switch rejected {}: {}", conn.deviceId(),
                request == null ? "request xid=" + err.getXid() + " (no longer remembered)" : Messages.describe(request),
                Messages.describeError(err));
        if (state == State.ACTIVE) {
            server.listener().switchError(conn, err, request);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable c = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (c instanceof NotSslRecordException) {
            closeWith("not TLS: this listener requires TLS (tlsMode " + options.tlsMode().name().toLowerCase() + ")");
        } else if (c instanceof SSLException) {
            closeWith("TLS failed: " + c.getMessage());
        } else if (c instanceof BadOpenFlowInputException) {
            closeWith("bad OpenFlow input: " + c.getMessage());
        } else if (c instanceof java.io.IOException) {
            closeWith("I/O error: " + c.getMessage());
        } else {
            log.warn("{}: unexpected error, closing the connection", where(), c);
            closeLogged = true;
            closeWith(String.valueOf(c));
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        boolean wasActive = state == State.ACTIVE;
        state = State.CLOSED;
        cancelTimers();
        if (conn != null) {
            conn.markClosed("channel closed");
            if (wasActive && !closeLogged) {
                log.info("switch {} disconnected ({})", conn.deviceId(), ctx.channel().remoteAddress());
            }
            server.unregister(conn, wasActive);
        } else if (!closeLogged) {
            log.debug("OpenFlow connection from {} closed before the handshake finished", ctx.channel().remoteAddress());
        }
    }

    private void closeWith(String reason) {
        if (state == State.CLOSED && closeLogged) {
            return;
        }
        if (!closeLogged) {
            log.warn("closing OpenFlow connection {}: {}", where(), reason);
            closeLogged = true;
        }
        cancelTimers();
        if (conn != null) {
            conn.close(reason);
        } else {
            ctx.close();
        }
    }

    private void cancelTimers() {
        if (handshakeTimer != null) {
            handshakeTimer.cancel(false);
        }
        if (echoTimer != null) {
            echoTimer.cancel(false);
        }
    }

    private String where() {
        String addr = String.valueOf(ctx.channel().remoteAddress());
        return conn == null ? "from " + addr : conn.deviceId() + " (" + addr + ")";
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }
}
