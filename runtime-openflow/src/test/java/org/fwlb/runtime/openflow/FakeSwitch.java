package org.fwlb.runtime.openflow;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.projectfloodlight.openflow.protocol.OFBarrierRequest;
import org.projectfloodlight.openflow.protocol.OFEchoRequest;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowAdd;
import org.projectfloodlight.openflow.protocol.OFFlowDeleteStrict;
import org.projectfloodlight.openflow.protocol.OFFlowModify;
import org.projectfloodlight.openflow.protocol.OFFlowMod;
import org.projectfloodlight.openflow.protocol.OFFlowModFlags;
import org.projectfloodlight.openflow.protocol.OFFlowModFailedCode;
import org.projectfloodlight.openflow.protocol.OFFlowRemovedReason;
import org.projectfloodlight.openflow.protocol.OFFlowStatsEntry;
import org.projectfloodlight.openflow.protocol.OFMatchV3;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFMeterConfig;
import org.projectfloodlight.openflow.protocol.OFMeterMod;
import org.projectfloodlight.openflow.protocol.OFPortConfig;
import org.projectfloodlight.openflow.protocol.OFPortDesc;
import org.projectfloodlight.openflow.protocol.OFPortFeatures;
import org.projectfloodlight.openflow.protocol.OFPortReason;
import org.projectfloodlight.openflow.protocol.OFPortState;
import org.projectfloodlight.openflow.protocol.OFStatsReplyFlags;
import org.projectfloodlight.openflow.protocol.OFStatsRequest;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.instruction.OFInstruction;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.protocol.oxm.OFOxm;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U32;
import org.projectfloodlight.openflow.types.U64;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * An in-process OpenFlow 1.3 switch for tests: speaks openflowj messages over a real TCP socket,
 * answers the handshake, echo, barriers and multiparts, and keeps a flow table and meters the way
 * Open vSwitch does (ADD replaces the flow with the same table/priority/match and keeps its
 * counters; DELETE_STRICT removes it and sends FLOW_REMOVED when SEND_FLOW_REM is set). Every
 * message it receives is recorded for assertions.
 */
final class FakeSwitch implements AutoCloseable {
    static final OFFactory F = OFFactories.getFactory(OFVersion.OF_13);

    final long dpid;
    private final List<OFPortDesc> ports = new CopyOnWriteArrayList<>();
    private final List<OFMessage> received = new ArrayList<>();
    private final Map<List<Object>, Flow> flows = new LinkedHashMap<>();
    private final Map<Long, OFMeterConfig> meters = new LinkedHashMap<>();
    private final List<OFBarrierRequest> heldBarriers = new ArrayList<>();
    private Socket socket;
    private OutputStream out;
    private Thread reader;
    volatile boolean answerEcho = true;
    volatile boolean holdBarriers;
    volatile Predicate<OFFlowMod> rejectFlowMod = fm -> false;
    volatile Predicate<OFMeterMod> rejectMeterMod = mm -> false;
    volatile boolean closedByPeer;
    /** Parts of the PORT_DESC reply (REPLY_MORE on all but the last). */
    volatile int portDescParts = 1;
    /** Answer DESC requests (false: an attacker that never does). */
    volatile boolean answerDesc = true;
    /** Do not send FLOW_REMOVED for deletions (as if the message were lost). */
    volatile boolean suppressFlowRemoved;
    /** Hold FLOW statistics requests unanswered until {@link #releaseFlowStats()}. */
    volatile boolean holdFlowStats;
    private final List<OFStatsRequest<?>> heldFlowStats = new ArrayList<>();
    private final java.util.concurrent.atomic.AtomicLong echoXids = new java.util.concurrent.atomic.AtomicLong(0x7e000000L);

    /** One flow in the fake table. */
    static final class Flow {
        final OFFlowMod mod;
        long packets;
        long bytes;

        Flow(OFFlowMod mod) {
            this.mod = mod;
        }
    }

    FakeSwitch(long dpid, int portCount) {
        this.dpid = dpid;
        for (int i = 1; i <= portCount; i++) {
            ports.add(port(i, true));
        }
    }

    static OFPortDesc port(int no, boolean up) {
        return F.buildPortDesc()
                .setPortNo(OFPort.of(no))
                .setHwAddr(MacAddress.of(0x0200_0000_0000L + no))
                .setName("p" + no)
                .setConfig(EnumSet.noneOf(OFPortConfig.class))
                .setState(up ? EnumSet.of(OFPortState.LIVE) : EnumSet.of(OFPortState.LINK_DOWN))
                .setCurr(EnumSet.of(OFPortFeatures.PF_10GB_FD))
                .setCurrSpeed(10_000_000)
                .setMaxSpeed(10_000_000)
                .build();
    }

    /** Connects, sends HELLO (OpenFlow 1.3 with a version bitmap) and starts answering. */
    FakeSwitch connect(int port) throws IOException {
        return connect(port, null);
    }

    /**
     * As {@link #connect(int)}, over TLS when a context is given (its key manager holds the switch's certificate).
     *
     * @param port controller port
     * @param tls  TLS context, or null for plain TCP
     * @return this
     * @throws IOException if the connection fails
     */
    FakeSwitch connect(int port, javax.net.ssl.SSLContext tls) throws IOException {
        socket = tls == null ? new Socket("127.0.0.1", port) : tls.getSocketFactory().createSocket("127.0.0.1", port);
        socket.setTcpNoDelay(true);
        out = socket.getOutputStream();
        send(F.buildHello().setXid(1).setElements(List.of(F.buildHelloElemVersionbitmap()
                .setBitmaps(List.of(U32.of(1L << 4))).build())).build());
        reader = new Thread(this::readLoop, "fake-switch-" + Long.toHexString(dpid));
        reader.setDaemon(true);
        reader.start();
        return this;
    }

    synchronized void send(OFMessage m) {
        ByteBuf buf = Unpooled.buffer();
        m.writeTo(buf);
        byte[] bytes = new byte[buf.readableBytes()];
        buf.readBytes(bytes);
        sendRaw(bytes);
    }

    synchronized void sendRaw(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            closedByPeer = true;
        }
    }

    private void readLoop() {
        try {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] header = new byte[8];
            while (true) {
                in.readFully(header);
                int length = ((header[2] & 0xff) << 8) | (header[3] & 0xff);
                byte[] msg = new byte[length];
                System.arraycopy(header, 0, msg, 0, 8);
                in.readFully(msg, 8, length - 8);
                if (header[0] != 4) {
                    record(null, msg);
                    continue;
                }
                OFMessage m = F.getReader().readFrom(Unpooled.wrappedBuffer(msg));
                record(m, msg);
                handle(m);
            }
        } catch (EOFException | java.net.SocketException | javax.net.ssl.SSLException e) {
            closedByPeer = true;
        } catch (Exception e) {
            closedByPeer = true;
            e.printStackTrace();
        } finally {
            synchronized (received) {
                received.notifyAll();
            }
        }
    }

    /** Raw frames with a version other than 1.3 (e.g. a HELLO_FAILED in the switch's version). */
    final List<byte[]> rawOther = new CopyOnWriteArrayList<>();

    private void record(OFMessage m, byte[] raw) {
        synchronized (received) {
            if (m == null) {
                rawOther.add(raw);
            } else {
                received.add(m);
            }
            received.notifyAll();
        }
    }

    private void handle(OFMessage m) {
        switch (m.getType()) {
            case HELLO:
                break;
            case FEATURES_REQUEST:
                send(F.buildFeaturesReply().setXid(m.getXid()).setDatapathId(DatapathId.of(dpid))
                        .setNBuffers(0).setNTables((short) 254).build());
                break;
            case ECHO_REQUEST:
                if (answerEcho) {
                    send(F.buildEchoReply().setXid(m.getXid()).setData(((OFEchoRequest) m).getData()).build());
                }
                break;
            case BARRIER_REQUEST:
                synchronized (heldBarriers) {
                    if (holdBarriers) {
                        heldBarriers.add((OFBarrierRequest) m);
                        break;
                    }
                }
                send(F.buildBarrierReply().setXid(m.getXid()).build());
                break;
            case FLOW_MOD:
                flowMod((OFFlowMod) m);
                break;
            case ECHO_REPLY:
                break;
            case METER_MOD:
                meterMod((OFMeterMod) m);
                break;
            case STATS_REQUEST:
                stats((OFStatsRequest<?>) m);
                break;
            default:
                break;
        }
    }

    /** Answers every barrier held so far and stops holding. */
    void releaseBarriers() {
        releaseBarriers(false);
    }

    /** Answers every barrier held so far; later ones are held too if {@code keepHolding}. */
    void releaseBarriers(boolean keepHolding) {
        List<OFBarrierRequest> held;
        synchronized (heldBarriers) {
            holdBarriers = keepHolding;
            held = new ArrayList<>(heldBarriers);
            heldBarriers.clear();
        }
        held.forEach(b -> send(F.buildBarrierReply().setXid(b.getXid()).build()));
    }

    static List<Object> key(int table, int priority, Match match) {
        Set<OFOxm<?>> oxms = new HashSet<>();
        ((OFMatchV3) match).getOxmList().forEach(oxms::add);
        return List.of(table, priority, oxms);
    }

    private void flowMod(OFFlowMod fm) {
        if (rejectFlowMod.test(fm)) {
            send(F.errorMsgs().buildFlowModFailedErrorMsg().setXid(fm.getXid()).setCode(OFFlowModFailedCode.TABLE_FULL)
                    .setData(org.projectfloodlight.openflow.types.OFErrorCauseData.of(new byte[0], OFVersion.OF_13))
                    .build());
            return;
        }
        List<Object> k = key(fm.getTableId().getValue(), fm.getPriority(), fm.getMatch());
        synchronized (flows) {
            if (fm instanceof OFFlowAdd) {
                Flow old = flows.get(k);
                Flow f = new Flow(fm);
                if (old != null) {
                    f.packets = old.packets;
                    f.bytes = old.bytes;
                }
                flows.put(k, f);
            } else if (fm instanceof OFFlowModify) {
                Flow old = flows.get(k);
                if (old != null) {
                    Flow f = new Flow(fm);
                    f.packets = old.packets;
                    f.bytes = old.bytes;
                    flows.put(k, f);
                }
            } else if (fm instanceof OFFlowDeleteStrict) {
                Flow f = flows.get(k);
                long mask = fm.getCookieMask().getValue();
                if (f != null && (f.mod.getCookie().getValue() & mask) == (fm.getCookie().getValue() & mask)) {
                    flows.remove(k);
                    if (f.mod.getFlags().contains(OFFlowModFlags.SEND_FLOW_REM) && !suppressFlowRemoved) {
                        sendFlowRemoved(f, OFFlowRemovedReason.DELETE);
                    }
                }
            }
        }
    }

    private void sendFlowRemoved(Flow f, OFFlowRemovedReason reason) {
        send(F.buildFlowRemoved().setXid(0).setCookie(f.mod.getCookie()).setPriority(f.mod.getPriority())
                .setReason(reason).setTableId(f.mod.getTableId()).setDurationSec(7).setDurationNsec(0)
                .setIdleTimeout(f.mod.getIdleTimeout()).setHardTimeout(f.mod.getHardTimeout())
                .setPacketCount(U64.of(f.packets)).setByteCount(U64.of(f.bytes)).setMatch(f.mod.getMatch()).build());
    }

    /** Simulates expiry of the flow with this cookie: removes it and sends FLOW_REMOVED. */
    void expire(long cookie, OFFlowRemovedReason reason) {
        synchronized (flows) {
            for (Map.Entry<List<Object>, Flow> e : new ArrayList<>(flows.entrySet())) {
                if (e.getValue().mod.getCookie().getValue() == cookie) {
                    flows.remove(e.getKey());
                    sendFlowRemoved(e.getValue(), reason);
                }
            }
        }
    }

    /** Sets the counters a flow reports in statistics. */
    void setCounters(long cookie, long packets, long bytes) {
        synchronized (flows) {
            flows.values().stream().filter(f -> f.mod.getCookie().getValue() == cookie).forEach(f -> {
                f.packets = packets;
                f.bytes = bytes;
            });
        }
    }

    /** Waits (bounded) until the flow with this cookie is in the table, then sets its counters. */
    void setCountersWhenInstalled(long cookie, long packets, long bytes) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5000;
        while (flowWithCookie(cookie) == null) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("flow 0x" + Long.toHexString(cookie) + " never reached the switch");
            }
            synchronized (received) {
                received.wait(10);
            }
        }
        setCounters(cookie, packets, bytes);
    }

    /** Sends a FLOW_REMOVED for a flow this switch does not have (an unknown rule). */
    void sendFlowRemoved(long cookie, int priority, OFFlowRemovedReason reason) {
        send(F.buildFlowRemoved().setXid(0).setCookie(U64.of(cookie)).setPriority(priority).setReason(reason)
                .setTableId(TableId.of(0)).setDurationSec(1).setDurationNsec(0).setIdleTimeout(0).setHardTimeout(0)
                .setPacketCount(U64.ZERO).setByteCount(U64.ZERO)
                .setMatch(F.buildMatch().setExact(org.projectfloodlight.openflow.protocol.match.MatchField.ETH_TYPE,
                        org.projectfloodlight.openflow.types.EthType.of(0x88b5)).build()).build());
    }

    /** Replaces the instructions of the flow with this cookie (as if changed behind the controller's back). */
    void rewrite(long cookie, List<OFInstruction> instructions) {
        synchronized (flows) {
            for (Map.Entry<List<Object>, Flow> e : flows.entrySet()) {
                if (e.getValue().mod.getCookie().getValue() == cookie) {
                    Flow f = new Flow(e.getValue().mod.createBuilder().setInstructions(instructions).build());
                    e.setValue(f);
                }
            }
        }
    }

    /** Replaces the cookie of the flow with this cookie. */
    void recookie(long cookie, long newCookie) {
        synchronized (flows) {
            for (Map.Entry<List<Object>, Flow> e : flows.entrySet()) {
                if (e.getValue().mod.getCookie().getValue() == cookie) {
                    e.setValue(new Flow(e.getValue().mod.createBuilder().setCookie(U64.of(newCookie)).build()));
                }
            }
        }
    }

    /** Puts a flow straight into the table (as if left by an earlier controller). */
    void preinstall(OFFlowMod fm) {
        synchronized (flows) {
            flows.put(key(fm.getTableId().getValue(), fm.getPriority(), fm.getMatch()), new Flow(fm));
        }
    }

    List<Flow> flows() {
        synchronized (flows) {
            return new ArrayList<>(flows.values());
        }
    }

    Flow flowWithCookie(long cookie) {
        return flows().stream().filter(f -> f.mod.getCookie().getValue() == cookie).findFirst().orElse(null);
    }

    void clearFlows() {
        synchronized (flows) {
            flows.clear();
        }
    }

    Map<Long, OFMeterConfig> meters() {
        synchronized (meters) {
            return new LinkedHashMap<>(meters);
        }
    }

    void clearMeters() {
        synchronized (meters) {
            meters.clear();
        }
    }

    void preinstallMeter(OFMeterConfig c) {
        synchronized (meters) {
            meters.put(c.getMeterId(), c);
        }
    }

    private void meterMod(OFMeterMod mm) {
        if (rejectMeterMod.test(mm)) {
            send(F.errorMsgs().buildMeterModFailedErrorMsg().setXid(mm.getXid())
                    .setCode(org.projectfloodlight.openflow.protocol.OFMeterModFailedCode.OUT_OF_METERS)
                    .setData(org.projectfloodlight.openflow.types.OFErrorCauseData.of(new byte[0], OFVersion.OF_13))
                    .build());
            return;
        }
        synchronized (meters) {
            switch (mm.getCommand()) {
                case ADD:
                case MODIFY:
                    meters.put(mm.getMeterId(), F.buildMeterConfig().setMeterId(mm.getMeterId())
                            .setFlags(mm.getFlags()).setEntries(mm.getMeters()).build());
                    break;
                case DELETE:
                    meters.remove(mm.getMeterId());
                    break;
                default:
                    break;
            }
        }
    }

    private void stats(OFStatsRequest<?> req) {
        long xid = req.getXid();
        switch (req.getStatsType()) {
            case PORT_DESC:
                List<OFPortDesc> all = new ArrayList<>(ports);
                int parts = Math.max(1, portDescParts);
                for (int i = 0; i < parts; i++) {
                    List<OFPortDesc> slice = all.subList(all.size() * i / parts, all.size() * (i + 1) / parts);
                    send(F.buildPortDescStatsReply().setXid(xid).setEntries(slice).setFlags(i < parts - 1
                            ? EnumSet.of(OFStatsReplyFlags.REPLY_MORE) : EnumSet.noneOf(OFStatsReplyFlags.class)).build());
                }
                break;
            case DESC:
                if (!answerDesc) {
                    break;
                }
                send(F.buildDescStatsReply().setXid(xid).setMfrDesc("fwlb tests").setHwDesc("fake")
                        .setSwDesc("FakeSwitch 1.0").setSerialNum("42").setDpDesc("fake datapath").build());
                break;
            case FLOW:
                synchronized (heldFlowStats) {
                    if (holdFlowStats) {
                        heldFlowStats.add(req);
                        break;
                    }
                }
                answerFlowStats(xid);
                break;
            case PORT:
                answerPortStats(xid);
                break;
            case METER_CONFIG:
                send(F.buildMeterConfigStatsReply().setXid(xid).setEntries(new ArrayList<>(meters().values())).build());
                break;
            case METER:
                List<org.projectfloodlight.openflow.protocol.OFMeterStats> ms = new ArrayList<>();
                for (OFMeterConfig c : meters().values()) {
                    long users = flows().stream().filter(f -> f.mod.getInstructions().stream().anyMatch(i ->
                            i instanceof org.projectfloodlight.openflow.protocol.instruction.OFInstructionMeter
                                    && ((org.projectfloodlight.openflow.protocol.instruction.OFInstructionMeter) i)
                                    .getMeterId() == c.getMeterId())).count();
                    List<org.projectfloodlight.openflow.protocol.OFMeterBandStats> bands = new ArrayList<>();
                    c.getEntries().forEach(b -> bands.add(F.meterBandStats(U64.ZERO, U64.ZERO)));
                    ms.add(F.buildMeterStats().setMeterId(c.getMeterId()).setFlowCount(users)
                            .setPacketInCount(U64.of(meterPackets)).setByteInCount(U64.of(meterPackets * 100))
                            .setDurationSec(5).setDurationNsec(0).setBandStats(bands).build());
                }
                send(F.buildMeterStatsReply().setXid(xid).setEntries(ms).build());
                break;
            default:
                break;
        }
    }

    /** Packet counter every meter reports in METER statistics (tests raise it). */
    volatile long meterPackets;

    /** Answers every held FLOW statistics request and stops holding. */
    void releaseFlowStats() {
        List<OFStatsRequest<?>> held;
        synchronized (heldFlowStats) {
            holdFlowStats = false;
            held = new ArrayList<>(heldFlowStats);
            heldFlowStats.clear();
        }
        held.forEach(r -> answerFlowStats(r.getXid()));
    }

    private void answerFlowStats(long xid) {
        {
                List<OFFlowStatsEntry> entries = new ArrayList<>();
                for (Flow f : flows()) {
                    List<OFInstruction> ins = f.mod.getInstructions();
                    entries.add(F.buildFlowStatsEntry().setTableId(f.mod.getTableId()).setDurationSec(3)
                            .setPriority(f.mod.getPriority()).setIdleTimeout(f.mod.getIdleTimeout())
                            .setHardTimeout(f.mod.getHardTimeout()).setFlags(f.mod.getFlags())
                            .setCookie(f.mod.getCookie()).setPacketCount(U64.of(f.packets))
                            .setByteCount(U64.of(f.bytes)).setMatch(f.mod.getMatch()).setInstructions(ins).build());
                }
                // several parts when there is more than one flow (REPLY_MORE), each well below 64 KB
                int part = Math.max(1, Math.min(200, (entries.size() + 1) / 2));
                int from = 0;
                while (entries.size() - from > part) {
                    send(F.buildFlowStatsReply().setXid(xid).setFlags(EnumSet.of(OFStatsReplyFlags.REPLY_MORE))
                            .setEntries(entries.subList(from, from + part)).build());
                    from += part;
                }
                send(F.buildFlowStatsReply().setXid(xid).setEntries(entries.subList(from, entries.size())).build());
        }
    }

    private void answerPortStats(long xid) {
        {
                List<org.projectfloodlight.openflow.protocol.OFPortStatsEntry> ps = new ArrayList<>();
                for (OFPortDesc p : ports) {
                    long n = portCounter;
                    ps.add(F.buildPortStatsEntry().setPortNo(p.getPortNo()).setRxPackets(U64.of(n))
                            .setTxPackets(U64.of(2 * n)).setRxBytes(U64.of(100 * n)).setTxBytes(U64.of(200 * n))
                            .setRxDropped(U64.ZERO).setTxDropped(U64.ZERO).setRxErrors(U64.ZERO).setTxErrors(U64.ZERO)
                            .setRxFrameErr(U64.ZERO).setRxOverErr(U64.ZERO).setRxCrcErr(U64.ZERO)
                            .setCollisions(U64.ZERO).setDurationSec(n).setDurationNsec(0).build());
                }
                send(F.buildPortStatsReply().setXid(xid).setEntries(ps).build());
        }
    }

    /** Value behind every port counter in PORT statistics replies (tests raise it). */
    volatile long portCounter = 1;

    void setPort(int no, boolean up, OFPortReason reason) {
        OFPortDesc p = port(no, up);
        ports.removeIf(x -> x.getPortNo().getPortNumber() == no);
        if (reason != OFPortReason.DELETE) {
            ports.add(p);
        }
        send(F.buildPortStatus().setXid(0).setReason(reason).setDesc(p).build());
    }

    void packetIn(int inPort, byte[] frame, long cookie) {
        send(F.buildPacketIn().setXid(0).setBufferId(OFBufferId.NO_BUFFER).setTotalLen(frame.length)
                .setReason(org.projectfloodlight.openflow.protocol.OFPacketInReason.ACTION)
                .setTableId(TableId.of(0)).setCookie(U64.of(cookie))
                .setMatch(F.buildMatch().setExact(org.projectfloodlight.openflow.protocol.match.MatchField.IN_PORT,
                        OFPort.of(inPort)).build())
                .setData(frame).build());
    }

    /**
     * Waits for a received message.
     *
     * @param type      message class
     * @param p         condition
     * @param timeoutMs upper bound
     * @return the first matching message received so far or within the timeout, or null
     */
    <T extends OFMessage> T await(Class<T> type, Predicate<T> p, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        synchronized (received) {
            while (true) {
                for (OFMessage m : received) {
                    if (type.isInstance(m) && p.test(type.cast(m))) {
                        return type.cast(m);
                    }
                }
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    return null;
                }
                received.wait(left);
            }
        }
    }

    /** Everything received so far, in order. */
    List<OFMessage> received() {
        synchronized (received) {
            return new ArrayList<>(received);
        }
    }

    <T extends OFMessage> List<T> all(Class<T> type) {
        List<T> out = new ArrayList<>();
        synchronized (received) {
            for (OFMessage m : received) {
                if (type.isInstance(m)) {
                    out.add(type.cast(m));
                }
            }
        }
        return out;
    }

    void clearReceived() {
        synchronized (received) {
            received.clear();
        }
    }

    /**
     * A fence: sends an ECHO_REQUEST and waits for the controller's reply. The controller answers on
     * the connection's I/O thread through its ordered send queue, so once the reply is here, every
     * message the controller had queued for this switch before handling the request has been
     * received (and recorded), and every message this switch sent before has been handled by it.
     */
    void echoRoundTrip() throws InterruptedException {
        long xid = echoXids.incrementAndGet();
        send(F.buildEchoRequest().setXid(xid).setData(new byte[0]).build());
        if (await(org.projectfloodlight.openflow.protocol.OFEchoReply.class, r -> r.getXid() == xid, 5000) == null) {
            throw new AssertionError("no ECHO_REPLY from the controller within 5 s");
        }
    }

    /** Number of FLOW statistics requests received so far. */
    long flowStatsRequests() {
        return all(OFStatsRequest.class).stream()
                .filter(r -> r.getStatsType() == org.projectfloodlight.openflow.protocol.OFStatsType.FLOW).count();
    }

    /** Waits until the controller closes the connection. */
    boolean awaitClosed(long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        synchronized (received) {
            while (!closedByPeer) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    return false;
                }
                received.wait(left);
            }
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        if (socket != null) {
            socket.close();
        }
    }
}
