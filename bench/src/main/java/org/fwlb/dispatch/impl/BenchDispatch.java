package org.fwlb.dispatch.impl;

import org.fwlb.api.MemberStateService;
import org.fwlb.connection.ConnectionStore;
import org.fwlb.model.FwlbTopology;
import org.onosproject.core.ApplicationId;
import org.onosproject.core.DefaultApplicationId;
import org.onosproject.net.ConnectPoint;
import org.onosproject.net.DeviceId;
import org.onosproject.net.PortNumber;
import org.onosproject.net.flow.DefaultTrafficTreatment;
import org.onosproject.net.flow.FlowRule;
import org.onosproject.net.flow.FlowRuleOperation;
import org.onosproject.net.flow.FlowRuleOperations;
import org.onosproject.net.flow.FlowRuleServiceAdapter;
import org.onosproject.net.flow.TrafficTreatment;
import org.onosproject.net.packet.InboundPacket;
import org.onosproject.net.packet.OutboundPacket;
import org.onosproject.net.packet.PacketContext;
import org.onosproject.net.packet.PacketServiceAdapter;
import org.onlab.packet.Ethernet;

import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.Set;

/**
 * The dispatch application's real packet path for the benchmarks: DispatchPacketProcessor with its
 * DispatchPlan, StagePlacer, MemberView, StageRules, StageLifecycle, ServerProber and VipArp, wired as
 * DispatchManager wires them, on a flow rule service that confirms every batch at once and a packet
 * service that counts packet-outs. A punt goes in as the runtime hands it to the processor (a packet
 * context on a device port with the frame's bytes). It lives in the application's package on the
 * benchmark's class path (a split package; fine outside OSGi) because those classes are package-private.
 */
public final class BenchDispatch {

    /** Application id the stage rules are built for. */
    public static final ApplicationId APP = new DefaultApplicationId(2, DispatchContext.APP_NAME);

    /** Counter name: stage decisions confirmed (rules acked, SYN released). */
    public static final String PLACED = DispatchCounters.PLACED;
    /** Counter name: SYNs punted at a stage. */
    public static final String SYN_PUNTS = DispatchCounters.SYN_PUNTS;
    /** Counter names that must stay 0 in a benchmark run. */
    public static final String[] FAILURES = {
        DispatchCounters.NO_MEMBER, DispatchCounters.NO_SERVICE, DispatchCounters.TABLE_FULL,
        DispatchCounters.SYN_RETRANSMITS, DispatchCounters.INSTALL_FAILED, DispatchCounters.MALFORMED,
        DispatchCounters.ERRORS,
    };

    private final SinkFlowRules flowRules = new SinkFlowRules();
    private final SinkPackets packets = new SinkPackets();
    private final DispatchCounters counters = new DispatchCounters();
    private final DispatchPacketProcessor processor;

    /**
     * Wires the application's packet path on a topology.
     *
     * @param topology    topology in force
     * @param connections connection table
     * @param states      member states (overrides, probed health)
     */
    public BenchDispatch(FwlbTopology topology, ConnectionStore connections, MemberStateService states) {
        DispatchPlan plan = DispatchPlan.of(topology);
        DispatchContext ctx = new DispatchContext(APP, () -> plan, connections, flowRules, packets, counters);
        MemberView members = new MemberView(states, connections, d -> true);
        processor = new DispatchPacketProcessor(ctx, d -> true, new VipArp(ctx), new StagePlacer(ctx, members),
                                                new StageLifecycle(ctx), new ServerProber(ctx, states, d -> true));
    }

    /**
     * Hands one packet-in to the application, as the runtime's packet service does.
     *
     * @param device where it was punted
     * @param inPort where it came in
     * @param frame  its bytes
     * @return true if the application took it (blocked it for the other processors)
     */
    public boolean punt(DeviceId device, PortNumber inPort, byte[] frame) {
        Punt pc = new Punt(new ConnectPoint(device, inPort), frame);
        processor.process(pc);
        return pc.blocked;
    }

    /**
     * Returns one of the application's counters (DispatchCounters names).
     *
     * @param name counter name
     * @return value
     */
    public long counter(String name) {
        return counters.get(name);
    }

    /** @return flow rules handed to the flow rule service so far */
    public long rulesApplied() {
        return flowRules.rules;
    }

    /** @return the last batch of rules handed to the flow rule service, or null */
    public FlowRuleOperations lastRules() {
        return flowRules.last;
    }

    /** @return packet-outs so far */
    public long packetsEmitted() {
        return packets.count;
    }

    /** @return the last packet-out, or null */
    public OutboundPacket lastPacket() {
        return packets.last;
    }

    /**
     * Returns the rules of the last batch, in order.
     *
     * @return rules (empty if none)
     */
    public java.util.List<FlowRule> lastRuleList() {
        java.util.List<FlowRule> out = new java.util.ArrayList<>();
        if (flowRules.last != null) {
            for (Set<FlowRuleOperation> stage : flowRules.last.stages()) {
                stage.forEach(op -> out.add(op.rule()));
            }
        }
        return out;
    }

    /** Takes a batch of rules and confirms it at once, as FlowRuleManager does when the switches ack. */
    private static final class SinkFlowRules extends FlowRuleServiceAdapter {
        FlowRuleOperations last;
        long rules;

        @Override
        public void apply(FlowRuleOperations ops) {
            last = ops;
            for (Set<FlowRuleOperation> stage : ops.stages()) {
                rules += stage.size();
            }
            ops.callback().onSuccess(ops);
        }
    }

    /** Counts packet-outs and keeps the last. */
    private static final class SinkPackets extends PacketServiceAdapter {
        OutboundPacket last;
        long count;

        @Override
        public void emit(OutboundPacket packet) {
            last = packet;
            count++;
        }
    }

    /** A packet-in as the packet service hands it to processors (the application reads only the bytes). */
    private static final class Punt implements PacketContext, InboundPacket {
        private final ConnectPoint from;
        private final byte[] frame;
        boolean blocked;

        Punt(ConnectPoint from, byte[] frame) {
            this.from = from;
            this.frame = frame;
        }

        @Override
        public long time() {
            return 0;
        }

        @Override
        public InboundPacket inPacket() {
            return this;
        }

        @Override
        public OutboundPacket outPacket() {
            return null;
        }

        @Override
        public TrafficTreatment.Builder treatmentBuilder() {
            return DefaultTrafficTreatment.builder();
        }

        @Override
        public void send() {
        }

        @Override
        public boolean block() {
            boolean was = blocked;
            blocked = true;
            return !was;
        }

        @Override
        public boolean isHandled() {
            return blocked;
        }

        @Override
        public ConnectPoint receivedFrom() {
            return from;
        }

        @Override
        public Ethernet parsed() {
            throw new UnsupportedOperationException("the dispatch application parses the bytes itself");
        }

        @Override
        public ByteBuffer unparsed() {
            return ByteBuffer.wrap(frame);
        }

        @Override
        public Optional<Long> cookie() {
            return Optional.empty();
        }
    }
}
