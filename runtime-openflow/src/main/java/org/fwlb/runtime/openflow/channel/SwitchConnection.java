package org.fwlb.runtime.openflow.channel;

import io.netty.channel.Channel;
import org.fwlb.runtime.openflow.OpenFlowOptions;
import org.fwlb.runtime.openflow.OpenFlowStats;
import org.onosproject.net.DeviceId;
import org.projectfloodlight.openflow.protocol.OFDescStatsReply;
import org.projectfloodlight.openflow.protocol.OFErrorMsg;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFeaturesReply;
import org.projectfloodlight.openflow.protocol.OFFlowMod;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPacketOut;
import org.projectfloodlight.openflow.protocol.OFPortDesc;
import org.projectfloodlight.openflow.protocol.OFStatsReply;
import org.projectfloodlight.openflow.protocol.OFStatsReplyFlags;
import org.projectfloodlight.openflow.protocol.OFStatsRequest;
import org.projectfloodlight.openflow.protocol.OFType;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One switch connection after FEATURES_REPLY: what the switch told us, and the only way to send to
 * it. Thread-safe. Every message sent gets a sequence number; because all sends go through one
 * ordered queue drained on the event loop, sequence order is wire order, and a reply to a request
 * with sequence s proves the switch processed everything before s ({@link #processedSeq()}).
 */
public final class SwitchConnection {
    private static final Logger log = LoggerFactory.getLogger(SwitchConnection.class);
    private static final AtomicLong EPOCHS = new AtomicLong();
    private static final int RECENT_REQUESTS = 1024;

    private final Channel channel;
    private final OFFactory factory = OFFactories.getFactory(OFVersion.OF_13);
    private final long epoch = EPOCHS.incrementAndGet();
    private final long dpid;
    private final DeviceId deviceId;
    private final OFFeaturesReply features;
    private final long connectedAtMillis = System.currentTimeMillis();
    private final AtomicInteger xids = new AtomicInteger(0x10000);
    private final OpenFlowStats.Counters counters;
    private final int maxParts;
    private final long maxBytes;

    private final Object lock = new Object();
    private final ArrayDeque<OFMessage> outbound = new ArrayDeque<>();
    private final Map<Long, Pending> pending = new HashMap<>();
    private final Map<Long, OFMessage> recent = new LinkedHashMap<>(256, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, OFMessage> eldest) {
            return size() > RECENT_REQUESTS;
        }
    };
    private long sendSeq;
    private boolean drainScheduled;
    private boolean closed;
    private volatile long processedSeq;
    private volatile OFDescStatsReply desc;
    private volatile List<OFPortDesc> ports = List.of();
    private volatile boolean active;

    private static final class Pending {
        final long seq;
        final CompletableFuture<List<OFMessage>> future = new CompletableFuture<>();
        final List<OFMessage> replies = new ArrayList<>(1);
        final long maxBytes;
        long bytes;

        Pending(long seq, long maxBytes) {
            this.seq = seq;
            this.maxBytes = maxBytes;
        }
    }

    SwitchConnection(Channel channel, OFFeaturesReply features, OpenFlowStats stats, OpenFlowOptions options) {
        this.channel = channel;
        this.features = features;
        this.dpid = features.getDatapathId().getLong();
        this.deviceId = deviceIdOf(dpid);
        this.counters = stats.counters(deviceId);
        this.maxParts = options.maxMultipartParts();
        this.maxBytes = options.maxMultipartBytes();
    }

    /**
     * ONOS's OpenFlow device id of a datapath id.
     *
     * @param dpid datapath id
     * @return {@code of:} followed by 16 lower-case hex digits
     */
    public static DeviceId deviceIdOf(long dpid) {
        return DeviceId.deviceId(String.format("of:%016x", dpid));
    }

    public DeviceId deviceId() {
        return deviceId;
    }

    public long dpid() {
        return dpid;
    }

    /** Unique per connection (a reconnect of the same switch gets a new one). */
    public long epoch() {
        return epoch;
    }

    public OFFactory factory() {
        return factory;
    }

    public OFFeaturesReply features() {
        return features;
    }

    public OFDescStatsReply desc() {
        return desc;
    }

    void desc(OFDescStatsReply desc) {
        this.desc = desc;
    }

    /** Ports as reported by the PORT_DESC multipart during the handshake. */
    public List<OFPortDesc> ports() {
        return ports;
    }

    void ports(List<OFPortDesc> ports) {
        this.ports = List.copyOf(ports);
    }

    public long connectedAtMillis() {
        return connectedAtMillis;
    }

    public SocketAddress remoteAddress() {
        return channel.remoteAddress();
    }

    /** @return remote IP address as text, or "?" */
    public String remoteIp() {
        SocketAddress a = channel.remoteAddress();
        return a instanceof InetSocketAddress ? ((InetSocketAddress) a).getAddress().getHostAddress() : "?";
    }

    public OpenFlowStats.Counters counters() {
        return counters;
    }

    /** Whether the handshake completed and the channel is still open. */
    public boolean isActive() {
        return active && channel.isActive();
    }

    void markActive() {
        active = true;
    }

    /** @return a fresh transaction id */
    public long nextXid() {
        return xids.getAndIncrement() & 0xffffffffL;
    }

    /** Highest sequence number the switch is known to have processed (see class comment). */
    public long processedSeq() {
        return processedSeq;
    }

    /**
     * Queues a message for the wire.
     *
     * @param msg message with its xid set
     * @return its sequence number, or -1 if the connection is closed (the message is dropped)
     */
    public long send(OFMessage msg) {
        synchronized (lock) {
            if (closed) {
                log.debug("{}: dropping {} on a closed connection", deviceId, msg.getType());
                return -1;
            }
            long seq = ++sendSeq;
            outbound.add(msg);
            if (msg.getType() != OFType.ECHO_REQUEST && msg.getType() != OFType.ECHO_REPLY) {
                recent.put(msg.getXid(), msg);
            }
            if (msg instanceof OFFlowMod) {
                counters.flowMod();
            } else if (msg instanceof OFPacketOut) {
                counters.packetOut();
            } else if (msg.getType() == OFType.BARRIER_REQUEST) {
                counters.barrier();
            }
            if (!drainScheduled) {
                drainScheduled = true;
                channel.eventLoop().execute(this::drain);
            }
            return seq;
        }
    }

    private void drain() {
        List<OFMessage> batch;
        synchronized (lock) {
            batch = new ArrayList<>(outbound);
            outbound.clear();
            drainScheduled = false;
        }
        for (OFMessage m : batch) {
            channel.write(m, channel.voidPromise());
        }
        channel.flush();
    }

    /**
     * Sends a BARRIER_REQUEST.
     *
     * @return completes when the BARRIER_REPLY arrives (fails if the connection closes first)
     */
    public CompletableFuture<Void> barrier() {
        return request(factory.buildBarrierRequest().setXid(nextXid()).build()).thenApply(r -> null);
    }

    /**
     * Sends a multipart request and gathers every part of the reply.
     *
     * @param req request with its xid set
     * @param <R> reply type
     * @return all reply parts (fails on an ERROR answering it or on disconnect)
     */
    public <R extends OFStatsReply> CompletableFuture<List<R>> stats(OFStatsRequest<R> req) {
        return stats(req, maxBytes);
    }

    /**
     * Sends a multipart request whose reply may have at most {@code limit} bytes (and the configured
     * bound): the handshake's requests go to a switch nobody has vouched for yet.
     *
     * @param req   request with its xid set
     * @param limit largest reply in bytes
     * @param <R>   reply type
     * @return all reply parts (fails on an ERROR answering it, on disconnect or when the reply is larger)
     */
    @SuppressWarnings("unchecked")
    public <R extends OFStatsReply> CompletableFuture<List<R>> stats(OFStatsRequest<R> req, long limit) {
        return request(req, Math.min(limit, maxBytes)).thenApply(list -> (List<R>) (List<?>) list);
    }

    /**
     * Sends a request whose answer is another message with the same xid.
     *
     * @param req the request
     * @return the reply message(s)
     */
    public CompletableFuture<List<OFMessage>> request(OFMessage req) {
        return request(req, maxBytes);
    }

    private CompletableFuture<List<OFMessage>> request(OFMessage req, long limit) {
        synchronized (lock) {
            if (closed) {
                return CompletableFuture.failedFuture(new ConnectionClosedException(deviceId + " is disconnected"));
            }
            Pending p = new Pending(sendSeq + 1, limit);
            pending.put(req.getXid(), p);
            send(req);
            return p.future;
        }
    }

    /**
     * Sequence number of a request sent through {@link #stats} or {@link #request} - the position
     * in the wire order at which the reply is a snapshot.
     *
     * @return sequence number the next send will get
     */
    public long nextSeq() {
        synchronized (lock) {
            return sendSeq + 1;
        }
    }

    /**
     * Routes a reply to its pending request. A multipart reply is gathered up to the configured number of
     * parts and bytes; beyond that its request fails (the rest of its parts are then unsolicited and dropped),
     * so a switch cannot make the controller hold an unbounded reply.
     *
     * @param msg        BARRIER_REPLY, a multipart reply, ...
     * @param wireLength its length on the wire
     * @return whether a pending request took it
     */
    boolean onReply(OFMessage msg, int wireLength) {
        Pending p;
        boolean done;
        String tooLarge = null;
        synchronized (lock) {
            p = pending.get(msg.getXid());
            if (p == null) {
                return false;
            }
            p.replies.add(msg);
            p.bytes += wireLength;
            done = !(msg instanceof OFStatsReply)
                    || !((OFStatsReply) msg).getFlags().contains(OFStatsReplyFlags.REPLY_MORE);
            if (msg instanceof OFStatsReply && (p.replies.size() > maxParts || p.bytes > p.maxBytes)) {
                tooLarge = ((OFStatsReply) msg).getStatsType() + " multipart reply xid=" + msg.getXid() + " from "
                        + deviceId + " has more than " + (p.replies.size() > maxParts
                        ? maxParts + " parts (OpenFlowOptions maxMultipartParts)"
                        : p.maxBytes + " bytes (" + (p.maxBytes < maxBytes ? "the limit of this request"
                                                     : "OpenFlowOptions maxMultipartBytes") + ")") + "; request failed";
                p.replies.clear();
                done = true;
            }
            if (done) {
                pending.remove(msg.getXid());
                recent.remove(msg.getXid());
            }
        }
        if (tooLarge != null) {
            log.warn(tooLarge);
            p.future.completeExceptionally(new MultipartTooLargeException(tooLarge));
        } else if (done) {
            advanceProcessed(p.seq);
            p.future.complete(p.replies);
        }
        return true;
    }

    /**
     * Matches an ERROR with the request it answers.
     *
     * @param err the error
     * @return the request, if still remembered
     */
    OFMessage onError(OFErrorMsg err) {
        counters.error();
        OFMessage request;
        Pending p;
        synchronized (lock) {
            request = recent.get(err.getXid());
            p = pending.remove(err.getXid());
        }
        if (p != null) {
            advanceProcessed(p.seq);
            p.future.completeExceptionally(new OpenFlowErrorException(err, request));
        }
        return request;
    }

    private void advanceProcessed(long seq) {
        synchronized (lock) {
            if (seq > processedSeq) {
                processedSeq = seq;
            }
        }
    }

    /**
     * Closes the connection.
     *
     * @param reason logged by the caller; used for failing pending requests
     */
    public void close(String reason) {
        markClosed(reason);
        channel.close();
    }

    void markClosed(String reason) {
        List<Pending> failed;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            active = false;
            failed = new ArrayList<>(pending.values());
            pending.clear();
            outbound.clear();
        }
        ConnectionClosedException e = new ConnectionClosedException(deviceId + " disconnected: " + reason);
        failed.forEach(p -> p.future.completeExceptionally(e));
    }

    @Override
    public String toString() {
        return deviceId + "@" + channel.remoteAddress();
    }
}
