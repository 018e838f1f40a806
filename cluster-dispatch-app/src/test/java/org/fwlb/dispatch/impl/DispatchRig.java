package org.fwlb.dispatch.impl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.fwlb.api.MemberStateListener;
import org.fwlb.api.MemberStateService;
import org.fwlb.api.MemberStatus;
import org.fwlb.config.FwlbConfigParser;
import org.fwlb.connection.impl.DistributedConnectionStore;
import org.fwlb.model.AdminState;
import org.fwlb.model.ConnectionEntry;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.HealthState;
import org.fwlb.packet.PacketParser;
import org.fwlb.packet.PacketSummary;
import org.onlab.packet.MacAddress;
import org.onosproject.core.ApplicationId;
import org.onosproject.core.DefaultApplicationId;
import org.onosproject.net.ConnectPoint;
import org.onosproject.net.DeviceId;
import org.onosproject.net.PortNumber;
import org.onosproject.net.flow.FlowRule;
import org.onosproject.net.flow.FlowRuleOperation;
import org.onosproject.net.flow.FlowRuleOperations;
import org.onosproject.net.flow.FlowRuleServiceAdapter;
import org.onosproject.net.flow.TrafficTreatment;
import org.onosproject.net.flow.instructions.Instruction;
import org.onosproject.net.flow.instructions.Instructions;
import org.onosproject.net.flow.instructions.L2ModificationInstruction;
import org.onosproject.net.flow.instructions.L3ModificationInstruction;
import org.onosproject.net.packet.DefaultInboundPacket;
import org.onosproject.net.packet.DefaultPacketContext;
import org.onosproject.net.packet.OutboundPacket;
import org.onosproject.net.packet.PacketContext;
import org.onosproject.net.packet.PacketServiceAdapter;
import org.onosproject.store.service.TestStorageService;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The dispatch workers on test adapters: a real connection store on the ONOS test storage, flow and packet
 * services that record what they are asked to do, member states in a map, and a topology parsed from the
 * netcfg the Mininet harness generates for a preset ({@code fwlbnet netcfg <preset>}, in src/test/resources).
 */
final class DispatchRig {

    static final ApplicationId APP = new DefaultApplicationId(42, DispatchContext.APP_NAME);

    final FwlbTopology topology;
    final DispatchPlan plan;
    final DistributedConnectionStore store = new TestStore();
    final RecordingFlowRules flows = new RecordingFlowRules();
    final RecordingPackets packets = new RecordingPackets();
    final Members members = new Members();
    final Set<DeviceId> downDevices = new HashSet<>();
    final DispatchCounters counters = new DispatchCounters();
    final DispatchContext ctx;
    final MemberView view;
    final StagePlacer placer;
    final StageLifecycle lifecycle;
    final ServerProber prober;
    final VipArp arp;
    final DispatchPacketProcessor processor;

    DispatchRig(String preset) {
        this(preset(preset));
    }

    DispatchRig(FwlbTopology topology) {
        this.topology = topology;
        this.plan = DispatchPlan.of(topology);
        store.setMaxConnections(topology.maxConnections());
        ctx = new DispatchContext(APP, () -> plan, store, flows, packets, counters);
        view = new MemberView(members, store, d -> !downDevices.contains(d));
        placer = new StagePlacer(ctx, view);
        lifecycle = new StageLifecycle(ctx);
        prober = new ServerProber(ctx, members, d -> !downDevices.contains(d));
        arp = new VipArp(ctx);
        processor = new DispatchPacketProcessor(ctx, d -> true, arp, placer, lifecycle, prober);
    }

    /** The connection store, activated on the ONOS test storage (its fields are protected). */
    private static final class TestStore extends DistributedConnectionStore {
        TestStore() {
            storageService = new TestStorageService();
            activate();
        }
    }

    // ---- topologies -----------------------------------------------------------------------------

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /**
     * Parses the netcfg of a Mininet preset, as `fwlbnet netcfg` prints it.
     *
     * @param name preset name (fig2, fig4, fig6, fig7, fig8, three-stage)
     * @return topology
     */
    static FwlbTopology preset(String name) {
        return FwlbConfigParser.parse(presetJson(name).path("apps").path("org.fwlb.core").path("fwlb"))
                .topologyOrThrow();
    }

    /**
     * Parses the netcfg of a preset after a change to its fwlb section.
     *
     * @param name   preset name
     * @param change edits the fwlb object
     * @return topology
     */
    static FwlbTopology preset(String name, java.util.function.Consumer<com.fasterxml.jackson.databind.node.ObjectNode> change) {
        com.fasterxml.jackson.databind.node.ObjectNode fwlb = (com.fasterxml.jackson.databind.node.ObjectNode)
                presetJson(name).path("apps").path("org.fwlb.core").path("fwlb");
        change.accept(fwlb);
        return FwlbConfigParser.parse(fwlb).topologyOrThrow();
    }

    static JsonNode presetJson(String name) {
        String path = "/org/fwlb/dispatch/presets/" + name + ".json";
        try (InputStream in = DispatchRig.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("no preset " + path + " on the test classpath");
            }
            return MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- driving the workers --------------------------------------------------------------------

    static DeviceId dev(String hex) {
        return DeviceId.deviceId("of:" + hex);
    }

    static PacketSummary parse(byte[] frame) {
        PacketSummary p = new PacketSummary();
        if (!PacketParser.parse(frame, p).isParsed()) {
            throw new IllegalArgumentException("test frame does not parse");
        }
        return p;
    }

    /** Hands a frame to the placer as the switch dev would punt it on port in (the stage found by eth_dst). */
    void placeSyn(DeviceId dev, int in, byte[] frame) {
        PacketSummary p = parse(frame);
        DispatchPlan.Spot spot = plan.spotFor(dev, p.ethDst());
        if (spot == null) {
            throw new IllegalArgumentException("no stage on " + dev + " owns " + p.ethDstMac());
        }
        placer.placeSyn(plan, dev, PortNumber.portNumber(in), spot, p, frame);
    }

    /** Hands a FIN/RST to the life cycle as the switch dev would punt it. */
    boolean close(DeviceId dev, int in, byte[] frame) {
        PacketSummary p = parse(frame);
        DispatchPlan.Spot spot = plan.spotFor(dev, p.ethDst());
        return lifecycle.onClose(plan, dev, PortNumber.portNumber(in), spot, p, frame);
    }

    /** A packet context as the packet service hands it to processors. */
    static final class Ctx extends DefaultPacketContext {
        Ctx(DeviceId dev, int in, byte[] frame) {
            super(0L, new DefaultInboundPacket(new ConnectPoint(dev, PortNumber.portNumber(in)), null,
                                               ByteBuffer.wrap(frame)), null, false);
        }

        @Override
        public void send() {
        }
    }

    PacketContext process(DeviceId dev, int in, byte[] frame) {
        PacketContext pc = new Ctx(dev, in, frame);
        processor.process(pc);
        return pc;
    }

    ConnectionEntry only() {
        List<ConnectionEntry> all = store.connections(e -> true);
        if (all.size() != 1) {
            throw new AssertionError("expected one connection, found " + all);
        }
        return all.get(0);
    }

    List<FlowRule> appliedOn(DeviceId dev) {
        return flows.applied.stream().filter(r -> r.deviceId().equals(dev)).collect(Collectors.toList());
    }

    List<OutboundPacket> emittedOn(DeviceId dev) {
        return packets.emitted.stream().filter(p -> p.sendThrough().equals(dev)).collect(Collectors.toList());
    }

    OutboundPacket lastEmitted() {
        if (packets.emitted.isEmpty()) {
            throw new AssertionError("nothing emitted");
        }
        return packets.emitted.get(packets.emitted.size() - 1);
    }

    // ---- reading treatments ---------------------------------------------------------------------

    static MacAddress ethDst(TrafficTreatment t) {
        return ethMod(t, L2ModificationInstruction.L2SubType.ETH_DST);
    }

    static MacAddress ethSrc(TrafficTreatment t) {
        return ethMod(t, L2ModificationInstruction.L2SubType.ETH_SRC);
    }

    private static MacAddress ethMod(TrafficTreatment t, L2ModificationInstruction.L2SubType type) {
        for (Instruction i : t.allInstructions()) {
            if (i instanceof L2ModificationInstruction.ModEtherInstruction
                    && ((L2ModificationInstruction) i).subtype() == type) {
                return ((L2ModificationInstruction.ModEtherInstruction) i).mac();
            }
        }
        return null;
    }

    static String ipMod(TrafficTreatment t, L3ModificationInstruction.L3SubType type) {
        for (Instruction i : t.allInstructions()) {
            if (i instanceof L3ModificationInstruction.ModIPInstruction
                    && ((L3ModificationInstruction) i).subtype() == type) {
                return ((L3ModificationInstruction.ModIPInstruction) i).ip().toString();
            }
        }
        return null;
    }

    static PortNumber output(TrafficTreatment t) {
        PortNumber out = null;
        for (Instruction i : t.allInstructions()) {
            if (i instanceof Instructions.OutputInstruction) {
                if (out != null) {
                    throw new AssertionError("two outputs in " + t);
                }
                out = ((Instructions.OutputInstruction) i).port();
            }
        }
        return out;
    }

    /** The VLAN id a treatment pushes and sets, or null. */
    static Integer pushedVlan(TrafficTreatment t) {
        boolean push = false;
        for (Instruction i : t.allInstructions()) {
            if (i instanceof L2ModificationInstruction
                    && ((L2ModificationInstruction) i).subtype() == L2ModificationInstruction.L2SubType.VLAN_PUSH) {
                push = true;
            }
            if (push && i instanceof L2ModificationInstruction.ModVlanIdInstruction) {
                return (int) ((L2ModificationInstruction.ModVlanIdInstruction) i).vlanId().toShort();
            }
        }
        return null;
    }

    static boolean popsVlan(TrafficTreatment t) {
        for (Instruction i : t.allInstructions()) {
            if (i instanceof L2ModificationInstruction
                    && ((L2ModificationInstruction) i).subtype() == L2ModificationInstruction.L2SubType.VLAN_POP) {
                return true;
            }
        }
        return false;
    }

    static boolean pushesAnything(TrafficTreatment t) {
        for (Instruction i : t.allInstructions()) {
            if (i instanceof L2ModificationInstruction) {
                L2ModificationInstruction.L2SubType s = ((L2ModificationInstruction) i).subtype();
                if (s == L2ModificationInstruction.L2SubType.VLAN_PUSH
                        || s == L2ModificationInstruction.L2SubType.MPLS_PUSH
                        || s == L2ModificationInstruction.L2SubType.VLAN_ID) {
                    return true;
                }
            }
        }
        return false;
    }

    static byte[] bytes(OutboundPacket p) {
        ByteBuffer b = p.data().duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    // ---- adapters -------------------------------------------------------------------------------

    /** Flow rule service that records operations and confirms them on demand (or at once). */
    static final class RecordingFlowRules extends FlowRuleServiceAdapter {
        final List<FlowRule> applied = new ArrayList<>();
        final List<FlowRule> removed = new ArrayList<>();
        final List<FlowRuleOperations> pending = new ArrayList<>();
        boolean confirmAtOnce = true;
        boolean fail;

        @Override
        public void apply(FlowRuleOperations ops) {
            for (Set<FlowRuleOperation> stage : ops.stages()) {
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
            applied.addAll(Arrays.asList(rules));
        }

        @Override
        public void removeFlowRules(FlowRule... rules) {
            removed.addAll(Arrays.asList(rules));
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
        final List<String> reports = new ArrayList<>();

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
            reports.add(memberId + "=" + health);
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
