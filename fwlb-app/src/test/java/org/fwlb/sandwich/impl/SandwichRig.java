package org.fwlb.sandwich.impl;

import org.fwlb.api.MemberStateEvent;
import org.fwlb.api.MemberStateListener;
import org.fwlb.api.MemberStateService;
import org.fwlb.api.MemberStatus;
import org.fwlb.connection.impl.DistributedConnectionStore;
import org.fwlb.connection.impl.TestConnectionStores;
import org.fwlb.model.AdminState;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.HealthState;
import org.fwlb.packet.PacketParser;
import org.fwlb.packet.PacketSummary;
import org.fwlb.testing.SharedTestStorageService;
import org.fwlb.testing.TcpFrames;
import org.onlab.packet.Ethernet;
import org.onlab.packet.IPv4;
import org.onlab.packet.MacAddress;
import org.onlab.packet.TCP;
import org.onosproject.net.flow.FlowRule;
import org.onosproject.net.flow.FlowRuleOperation;
import org.onosproject.net.flow.FlowRuleOperations;
import org.onosproject.net.flow.FlowRuleServiceAdapter;
import org.onosproject.net.packet.OutboundPacket;
import org.onosproject.net.packet.PacketServiceAdapter;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The sandwich's workers on test adapters: a real connection store on the test storage, flow and packet
 * services that record what they are asked to do.
 */
final class SandwichRig {

    final FwlbTopology topology;
    final SharedTestStorageService storage = new SharedTestStorageService();
    final DistributedConnectionStore store = TestConnectionStores.on(storage);
    final RecordingFlowRules flows = new RecordingFlowRules();
    final RecordingPackets packets = new RecordingPackets();
    final Members members = new Members();
    final SandwichCounters counters = new SandwichCounters();
    final SandwichContext ctx;
    final FirewallView view;
    final ConnectionPlacer placer;
    final ConnectionLifecycle lifecycle;

    SandwichRig(FwlbTopology topology) {
        this.topology = topology;
        ctx = new SandwichContext(SandwichRulesTest.APP, () -> topology, store, flows, packets, counters);
        view = new FirewallView(members, store, id -> 0.0);
        placer = new ConnectionPlacer(ctx, view, d -> ConnectionPlacer.serversOf(topology, d,
                s -> org.fwlb.policy.SimpleMember.of(s.id(), s.weight())));
        lifecycle = new ConnectionLifecycle(ctx);
    }

    /** Builds a TCP segment frame. */
    static byte[] segment(MacAddress src, MacAddress dst, String sip, int sp, String dip, int dp, int flags) {
        return TcpFrames.segment(src, dst, sip, sp, dip, dp, flags);
    }

    static PacketSummary parse(byte[] frame) {
        PacketSummary p = new PacketSummary();
        if (!PacketParser.parse(frame, p).isParsed()) {
            throw new IllegalArgumentException("test frame does not parse");
        }
        return p;
    }

    /** Flow rule service that records operations and confirms them on demand (or at once). */
    static final class RecordingFlowRules extends FlowRuleServiceAdapter {
        final List<FlowRule> applied = new ArrayList<>();
        final List<FlowRule> removed = new ArrayList<>();
        final List<FlowRuleOperations> pending = new ArrayList<>();
        boolean confirmAtOnce = true;
        boolean fail;

        @Override
        public void apply(FlowRuleOperations ops) {
            for (var stage : ops.stages()) {
                for (FlowRuleOperation op : stage) {
                    (op.type() == FlowRuleOperation.Type.REMOVE ? removed : applied).add(op.rule());
                }
            }
            pending.add(ops);
            if (confirmAtOnce) {
                confirmAll();
            }
        }

        void confirmAll() {
            List<FlowRuleOperations> now = new ArrayList<>(pending);
            pending.clear();
            for (FlowRuleOperations ops : now) {
                if (fail) {
                    ops.callback().onError(ops);
                } else {
                    ops.callback().onSuccess(ops);
                }
            }
        }

        @Override
        public void applyFlowRules(FlowRule... rules) {
            applied.addAll(List.of(rules));
        }

        @Override
        public void removeFlowRules(FlowRule... rules) {
            removed.addAll(List.of(rules));
        }
    }

    /** Packet service that records emitted packets. */
    static final class RecordingPackets extends PacketServiceAdapter {
        final List<OutboundPacket> emitted = new ArrayList<>();

        @Override
        public void emit(OutboundPacket packet) {
            emitted.add(packet);
        }
    }

    /** Member states in a plain map. */
    static final class Members implements MemberStateService {
        final Map<String, MemberStatus> map = new HashMap<>();

        @Override
        public MemberStatus status(String memberId) {
            return map.getOrDefault(memberId, MemberStatus.initial());
        }

        @Override
        public Map<String, MemberStatus> statuses() {
            return map;
        }

        @Override
        public AdminState adminState(String memberId, AdminState configured) {
            AdminState o = status(memberId).adminOverride();
            return o == null ? configured : o;
        }

        @Override
        public int weight(String memberId, int configured) {
            int w = status(memberId).weightOverride();
            return w == MemberStatus.NO_WEIGHT ? configured : w;
        }

        @Override
        public void setAdminState(String memberId, AdminState state) {
            map.put(memberId, status(memberId).withAdminOverride(state));
        }

        @Override
        public void setWeight(String memberId, int weight) {
            map.put(memberId, status(memberId).withWeightOverride(weight));
        }

        @Override
        public void clearOverrides(String memberId) {
            map.remove(memberId);
        }

        @Override
        public void reportHealth(String memberId, HealthState health) {
            map.put(memberId, status(memberId).withHealth(health));
        }

        @Override
        public void addListener(MemberStateListener listener) {
        }

        @Override
        public void removeListener(MemberStateListener listener) {
        }
    }
}
