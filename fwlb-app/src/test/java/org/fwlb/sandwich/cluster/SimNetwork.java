package org.fwlb.sandwich.cluster;

import com.google.common.collect.ImmutableMap;
import org.fwlb.model.Attachment;
import org.fwlb.model.Firewall;
import org.fwlb.model.FirewallDispatcher;
import org.fwlb.model.FirewallDispatcher.Role;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.Ip4;
import org.fwlb.packet.ArpPackets;
import org.fwlb.packet.PacketParser;
import org.fwlb.packet.PacketSummary;
import org.fwlb.testing.SharedTestStorageService;
import org.onlab.packet.ARP;
import org.onlab.packet.ChassisId;
import org.onlab.packet.Ip4Address;
import org.onosproject.cluster.NodeId;
import org.onosproject.core.ApplicationId;
import org.onosproject.core.DefaultApplicationId;
import org.onosproject.mastership.MastershipEvent;
import org.onosproject.mastership.MastershipInfo;
import org.onosproject.net.DefaultDevice;
import org.onosproject.net.Device;
import org.onosproject.net.DeviceId;
import org.onosproject.net.MastershipRole;
import org.onosproject.net.PortNumber;
import org.onosproject.net.device.DeviceEvent;
import org.onosproject.net.flow.DefaultFlowEntry;
import org.onosproject.net.flow.FlowEntry;
import org.onosproject.net.flow.FlowId;
import org.onosproject.net.flow.FlowRule;
import org.onosproject.net.flow.FlowRuleEvent;
import org.onosproject.net.flow.TrafficTreatment;
import org.onosproject.net.flow.criteria.ArpPaCriterion;
import org.onosproject.net.flow.criteria.Criterion;
import org.onosproject.net.flow.criteria.EthCriterion;
import org.onosproject.net.flow.criteria.EthTypeCriterion;
import org.onosproject.net.flow.criteria.IPCriterion;
import org.onosproject.net.flow.criteria.IPProtocolCriterion;
import org.onosproject.net.flow.criteria.PortCriterion;
import org.onosproject.net.flow.criteria.TcpFlagsCriterion;
import org.onosproject.net.flow.criteria.TcpPortCriterion;
import org.onosproject.net.flow.instructions.Instruction;
import org.onosproject.net.flow.instructions.Instructions;
import org.onosproject.net.meter.DefaultMeter;
import org.onosproject.net.meter.Meter;
import org.onosproject.net.meter.MeterId;
import org.onosproject.net.meter.MeterRequest;
import org.onosproject.net.packet.OutboundPacket;
import org.onosproject.net.provider.ProviderId;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * What the simulated ONOS instances share: the cluster (who is alive, the mastership store, the
 * distributed primitives, application ids) and the network (every switch the engine's plan uses: the two
 * firewall dispatchers and the dispatch stages' switches).
 *
 * <p>The switches are simple OpenFlow 1.3 tables: one rule per flow id (re-adding a rule replaces it, as
 * both the ONOS flow store and the switch do); every FLOW_MOD is logged with its sender so duplicates are
 * visible; a received frame is looked up by priority and either punted (to the instance the switch believes
 * is its master), forwarded (the frame as the rule's actions leave it is returned, to be fed to the next
 * switch), or dropped on a table miss. Firewalls answer ARP probes sent out their ports.
 *
 * <p>Flow rule events as ONOS 2.7 posts them, to the device's master only (its flow store's events are
 * local): a rule leaving the table (expired, or removed on request) is RULE_REMOVED with the stored entry in
 * state PENDING_REMOVE and reason NO_REASON; a poll posts RULE_UPDATED with the switch-built entries.
 *
 * <p>Mastership as in ONOS: the mastership store changes first and every live instance gets the event;
 * the switch learns its new master when the new master's role request arrives ({@link #settleRole}),
 * so during a hand-over packet-ins still go to the old master's channel.
 */
final class SimNetwork {

    /** A FLOW_MOD sent to a switch. */
    static final class FlowMod {
        enum Op { ADD, DELETE }

        final long seq;
        final NodeId issuer;
        final Op op;
        final FlowRule rule;
        /** Devices the issuer was master of when it sent this. */
        final Set<DeviceId> issuerMasterOf;

        FlowMod(long seq, NodeId issuer, Op op, FlowRule rule, Set<DeviceId> issuerMasterOf) {
            this.seq = seq;
            this.issuer = issuer;
            this.op = op;
            this.rule = rule;
            this.issuerMasterOf = issuerMasterOf;
        }

        DeviceId device() {
            return rule.deviceId();
        }

        boolean byMaster() {
            return issuerMasterOf.contains(device());
        }

        @Override
        public String toString() {
            return "#" + seq + " " + op + " by " + issuer + " on " + device() + " prio " + rule.priority()
                    + " id " + rule.id() + (byMaster() ? "" : " (NOT master)");
        }
    }

    /** A packet-out. */
    static final class PacketOut {
        final long seq;
        final NodeId issuer;
        final DeviceId device;
        final TrafficTreatment treatment;
        final byte[] frame;
        final boolean byMaster;

        PacketOut(long seq, NodeId issuer, DeviceId device, TrafficTreatment treatment, byte[] frame,
                  boolean byMaster) {
            this.seq = seq;
            this.issuer = issuer;
            this.device = device;
            this.treatment = treatment;
            this.frame = frame;
            this.byMaster = byMaster;
        }

        /** @return the frame as the packet-out's actions send it */
        byte[] sent() {
            return apply(frame, treatment);
        }

        @Override
        public String toString() {
            return "#" + seq + " packet-out by " + issuer + " at " + device + " " + treatment
                    + (byMaster ? "" : " (NOT master)");
        }
    }

    /** What a switch did with a received frame. */
    static final class Forwarding {
        /** The rule that matched, or null on a table miss (dropped). */
        final FlowRule rule;
        /** The instance the frame was punted to, or null if it was not punted or nobody listened. */
        final NodeId puntedTo;
        /** The frame as it leaves (forwarded), or null. */
        final byte[] out;

        Forwarding(FlowRule rule, NodeId puntedTo, byte[] out) {
            this.rule = rule;
            this.puntedTo = puntedTo;
            this.out = out;
        }

        /** @return the port the frame left by (forwarded), or null */
        PortNumber outPort() {
            return rule == null || punted() ? null : outputPort(rule.treatment());
        }

        boolean punted() {
            return rule != null && outputs(rule.treatment(), PortNumber.CONTROLLER);
        }

        @Override
        public String toString() {
            return rule == null ? "table miss" : punted() ? "punted to " + puntedTo : "forwarded by " + rule;
        }
    }

    private static final ProviderId PID = new ProviderId("of", "org.fwlb.sim");

    final FwlbTopology topology;
    /** The cluster's distributed primitives (a new cluster after a restart of every instance gets new ones). */
    volatile SharedTestStorageService storage = new SharedTestStorageService();
    /** Firewalls that no longer answer probes (their host hangs). */
    final Set<String> silentFirewalls = ConcurrentHashMap.newKeySet();

    private final Map<String, ApplicationId> appIds = new ConcurrentHashMap<>();
    private final Map<DeviceId, Map<FlowId, Installed>> tables = new ConcurrentHashMap<>();
    private final Map<DeviceId, Map<MeterId, Meter>> meterTables = new ConcurrentHashMap<>();
    private final AtomicLong meterIds = new AtomicLong();
    private final Map<DeviceId, NodeId> masters = new ConcurrentHashMap<>();
    private final Map<DeviceId, NodeId> switchRoles = new ConcurrentHashMap<>();
    private final Map<DeviceId, Long> terms = new ConcurrentHashMap<>();
    private final Map<NodeId, SimInstance> live = new ConcurrentHashMap<>();
    /** Every node that ever joined. */
    private final Set<NodeId> members = ConcurrentHashMap.newKeySet();
    private final AtomicLong seq = new AtomicLong();

    final List<FlowMod> flowMods = new CopyOnWriteArrayList<>();
    final List<PacketOut> packetOuts = new CopyOnWriteArrayList<>();
    /** What the switches did with every received frame, for failure messages. */
    final List<String> receptions = new CopyOnWriteArrayList<>();
    /** Calls into the network by an instance that had left the cluster (must stay empty). */
    final List<String> deadActions = new CopyOnWriteArrayList<>();

    SimNetwork(FwlbTopology topology) {
        this.topology = topology;
        for (DeviceId d : devices()) {
            tables.put(d, new ConcurrentHashMap<>());
            meterTables.put(d, new ConcurrentHashMap<>());
        }
    }

    /** A rule on a switch with its packet counter. */
    private static final class Installed {
        final FlowRule rule;
        final AtomicLong packets = new AtomicLong();
        /** Imported by a restarted ONOS (importExtraneousRules): a permanent entry of the flow store. */
        volatile boolean imported;

        Installed(FlowRule rule) {
            this.rule = rule;
        }

        /** The entry as the switch reports it (cookie, match, actions read back; permanent). */
        FlowEntry polled() {
            FlowRule sw = org.onosproject.net.flow.DefaultFlowRule.builder().forDevice(rule.deviceId())
                    .withCookie(rule.id().value()).withPriority(rule.priority()).withSelector(rule.selector())
                    .withTreatment(rule.treatment()).makePermanent().build();
            return new DefaultFlowEntry(sw, FlowEntry.FlowEntryState.ADDED, 5, TimeUnit.SECONDS, packets.get(),
                                        packets.get() * 64);
        }

        /** The flow store's entry. */
        FlowEntry stored() {
            return imported ? polled() : new DefaultFlowEntry(rule, FlowEntry.FlowEntryState.ADDED, 5,
                                                                TimeUnit.SECONDS, packets.get(), 0);
        }
    }

    // ---- cluster ---------------------------------------------------------------------------

    List<DeviceId> devices() {
        java.util.Set<DeviceId> out = new java.util.LinkedHashSet<>();
        topology.external().ifPresent(d -> out.add(d.deviceId()));
        topology.internal().ifPresent(d -> out.add(d.deviceId()));
        org.fwlb.engine.EnginePlan plan = org.fwlb.engine.EnginePlan.of(topology);
        out.addAll(plan.devices(org.fwlb.engine.Owner.SANDWICH));
        out.addAll(plan.devices(org.fwlb.engine.Owner.DISPATCH));
        out.addAll(plan.pointDevices());
        return new ArrayList<>(out);
    }

    DeviceId device(Role role) {
        return side(role).deviceId();
    }

    FirewallDispatcher side(Role role) {
        return (role == Role.EXTERNAL ? topology.external() : topology.internal()).get();
    }

    ApplicationId appId(String name) {
        return appIds.computeIfAbsent(name, n -> new DefaultApplicationId(appIds.size() + 1, n));
    }

    void join(SimInstance instance) {
        members.add(instance.id);
        live.put(instance.id, instance);
    }

    Set<NodeId> members() {
        return members;
    }

    /** The instance leaves the cluster: its switch connections close, it gets no more events. */
    void leave(NodeId node) {
        live.remove(node);
        switchRoles.entrySet().removeIf(e -> e.getValue().equals(node));
    }

    boolean isLive(NodeId node) {
        return live.containsKey(node);
    }

    Collection<SimInstance> liveInstances() {
        return new ArrayList<>(live.values());
    }

    NodeId masterOf(DeviceId device) {
        return masters.get(device);
    }

    Set<DeviceId> devicesOf(NodeId node) {
        return masters.entrySet().stream().filter(e -> e.getValue().equals(node)).map(Map.Entry::getKey)
                .collect(Collectors.toSet());
    }

    /**
     * Elects a new master of a device in the mastership store and tells every live instance.
     *
     * @param device device
     * @param node   new master
     * @param settle whether the switch also learns it at once (its role request arrives)
     */
    void moveMastership(DeviceId device, NodeId node, boolean settle) {
        masters.put(device, node);
        long term = terms.merge(device, 1L, Long::sum);
        MastershipEvent event = new MastershipEvent(MastershipEvent.Type.MASTER_CHANGED, device,
                new MastershipInfo(term, Optional.of(node), ImmutableMap.of(node, MastershipRole.MASTER)));
        for (SimInstance i : liveInstances()) {
            i.mastership.post(event);
        }
        if (settle) {
            settleRole(device);
        }
    }

    /** The switch learns who its master is (the master's role request arrived). */
    void settleRole(DeviceId device) {
        NodeId m = masters.get(device);
        if (m != null && live.containsKey(m)) {
            switchRoles.put(device, m);
        } else {
            switchRoles.remove(device);
        }
    }

    /** A switch disconnects and reconnects keeping its tables (fail-mode secure); instances are told. */
    void reconnect(DeviceId device) {
        Device d = new DefaultDevice(PID, device, Device.Type.SWITCH, "sim", "1", "1", "1", new ChassisId());
        DeviceEvent event = new DeviceEvent(DeviceEvent.Type.DEVICE_AVAILABILITY_CHANGED, d);
        for (SimInstance i : liveInstances()) {
            i.devices.post(event);
        }
    }

    // ---- flow tables ------------------------------------------------------------------------

    void install(NodeId issuer, FlowRule rule) {
        checkLive(issuer, "FLOW_MOD ADD " + rule);
        Map<FlowId, Installed> table = table(rule.deviceId());
        flowMods.add(new FlowMod(seq.incrementAndGet(), issuer, FlowMod.Op.ADD, rule, devicesOf(issuer)));
        table.put(rule.id(), new Installed(rule));
    }

    void remove(NodeId issuer, FlowRule rule) {
        checkLive(issuer, "FLOW_MOD DELETE " + rule);
        Map<FlowId, Installed> table = table(rule.deviceId());
        flowMods.add(new FlowMod(seq.incrementAndGet(), issuer, FlowMod.Op.DELETE, rule, devicesOf(issuer)));
        Installed gone = table.remove(rule.id());
        if (gone != null) {
            flowRemoved(gone);
        }
    }

    void removeAllOf(NodeId issuer, ApplicationId app) {
        for (DeviceId d : devices()) {
            for (Installed i : new ArrayList<>(table(d).values())) {
                if (i.rule.appId() == app.id()) {
                    remove(issuer, i.rule);
                }
            }
        }
    }

    /**
     * A rule's idle timeout expires (ONOS: on the polled counters): it leaves the table and its master hears
     * RULE_REMOVED.
     *
     * @param rule the rule (by id)
     * @return whether it was there
     */
    boolean expire(FlowRule rule) {
        Installed gone = table(rule.deviceId()).remove(rule.id());
        if (gone != null) {
            flowRemoved(gone);
        }
        return gone != null;
    }

    /** RULE_REMOVED as ONOS 2.7 posts it: the stored entry, PENDING_REMOVE, NO_REASON; to the device's master. */
    private void flowRemoved(Installed gone) {
        FlowEntry entry = new DefaultFlowEntry(gone.rule, FlowEntry.FlowEntryState.PENDING_REMOVE, 5,
                                               TimeUnit.SECONDS, gone.packets.get(), 0);
        toMaster(gone.rule.deviceId(), new FlowRuleEvent(FlowRuleEvent.Type.RULE_REMOVED, entry));
    }

    private void toMaster(DeviceId device, FlowRuleEvent event) {
        NodeId m = masters.get(device);
        SimInstance i = m == null ? null : live.get(m);
        if (i != null) {
            i.flows.post(event);
        }
    }

    /**
     * A flow stats poll of a device: its master hears RULE_UPDATED for every rule, with its counters.
     *
     * @param device device
     */
    void poll(DeviceId device) {
        for (Installed i : new ArrayList<>(table(device).values())) {
            toMaster(device, new FlowRuleEvent(FlowRuleEvent.Type.RULE_UPDATED, i.polled()));
        }
    }

    /**
     * The whole cluster restarted with allowExtraneousRules and importExtraneousRules: every rule on the
     * switches becomes a permanent entry of the (new) flow store, with no event.
     */
    void importAll() {
        for (DeviceId d : devices()) {
            table(d).values().forEach(i -> i.imported = true);
        }
    }

    /**
     * The flow store's entry of a rule.
     *
     * @param rule rule
     * @return entry, or null
     */
    FlowEntry stored(FlowRule rule) {
        Installed i = table(rule.deviceId()).get(rule.id());
        return i == null ? null : i.stored();
    }

    List<FlowEntry> entries(DeviceId device) {
        List<FlowEntry> out = new ArrayList<>();
        for (Installed i : table(device).values()) {
            out.add(i.stored());
        }
        return out;
    }

    List<FlowRule> rules(DeviceId device, Predicate<FlowRule> filter) {
        return table(device).values().stream().map(i -> i.rule).filter(filter).collect(Collectors.toList());
    }

    FlowRule rule(DeviceId device, FlowId id) {
        Installed i = table(device).get(id);
        return i == null ? null : i.rule;
    }

    private Map<FlowId, Installed> table(DeviceId device) {
        Map<FlowId, Installed> t = tables.get(device);
        if (t == null) {
            throw new IllegalArgumentException("no such switch in the simulation: " + device);
        }
        return t;
    }

    // ---- meters ----------------------------------------------------------------------------

    Meter addMeter(NodeId issuer, MeterRequest req) {
        checkLive(issuer, "METER_MOD ADD on " + req.deviceId());
        MeterId id = MeterId.meterId(meterIds.incrementAndGet());
        Meter.Builder b = DefaultMeter.builder().forDevice(req.deviceId()).withId(id).fromApp(req.appId())
                .withUnit(req.unit()).withBands(req.bands());
        if (req.isBurst()) {
            b.burst();
        }
        Meter m = b.build();
        meterTables.get(req.deviceId()).put(id, m);
        return m;
    }

    void removeMeter(NodeId issuer, DeviceId device, MeterId id) {
        checkLive(issuer, "METER_MOD DELETE " + id + " on " + device);
        meterTables.get(device).remove(id);
    }

    Collection<Meter> meters(DeviceId device) {
        return new ArrayList<>(meterTables.get(device).values());
    }

    // ---- packets ---------------------------------------------------------------------------

    /**
     * A frame arrives at a switch port: the switch's table decides.
     *
     * @param device switch
     * @param inPort port
     * @param frame  bytes
     * @return what happened
     */
    Forwarding receive(DeviceId device, PortNumber inPort, byte[] frame) {
        PacketSummary p = new PacketSummary();
        if (!PacketParser.parse(frame, p).isParsed()) {
            throw new IllegalArgumentException("test frame does not parse");
        }
        Installed hit = table(device).values().stream()
                .filter(i -> matches(i.rule, inPort, p))
                .max(Comparator.comparingInt(i -> i.rule.priority()))
                .orElse(null);
        if (hit == null) {
            receptions.add("#" + seq.incrementAndGet() + " " + device + " " + p + ": table miss");
            return new Forwarding(null, null, null);
        }
        hit.packets.incrementAndGet();
        NodeId to = null;
        if (outputs(hit.rule.treatment(), PortNumber.CONTROLLER)) {
            NodeId role = switchRoles.get(device);
            SimInstance target = role == null ? null : live.get(role);
            if (target != null) {
                to = role;
                target.packets.deliver(device, inPort, frame);
            }
        }
        Forwarding f = new Forwarding(hit.rule, to, to == null && !outputs(hit.rule.treatment(),
                PortNumber.CONTROLLER) ? apply(frame, hit.rule.treatment()) : null);
        receptions.add("#" + seq.incrementAndGet() + " " + device + " " + p + ": "
                + (f.punted() ? "punted to " + to : "forwarded, priority " + hit.rule.priority()));
        return f;
    }

    void packetOut(NodeId issuer, OutboundPacket out) {
        ByteBuffer buf = out.data().duplicate();
        byte[] frame = new byte[buf.remaining()];
        buf.get(frame);
        checkLive(issuer, "PACKET_OUT at " + out.sendThrough());
        boolean byMaster = issuer.equals(masters.get(out.sendThrough()));
        packetOuts.add(new PacketOut(seq.incrementAndGet(), issuer, out.sendThrough(), out.treatment(), frame,
                                     byMaster));
        answerProbe(out.sendThrough(), outputPort(out.treatment()), frame);
    }

    /** A firewall interface answers an ARP request sent out its port for its address. */
    private void answerProbe(DeviceId device, PortNumber port, byte[] frame) {
        PacketSummary p = new PacketSummary();
        if (port == null || !PacketParser.parse(frame, p).isParsed() || !p.isArp() || p.arpOp() != ARP.OP_REQUEST) {
            return;
        }
        boolean ext = device.equals(device(Role.EXTERNAL));
        for (Firewall fw : topology.firewalls()) {
            if (silentFirewalls.contains(fw.id())) {
                continue;
            }
            Attachment a = ext ? fw.outside() : fw.inside();
            if (a.port().equals(port) && Ip4.toInt(a.ip().getIp4Address()) == p.arpTargetIp()) {
                receive(device, port, ArpPackets.reply(a.mac(), a.ip().getIp4Address(),
                        p.ethSrcMac(), Ip4Address.valueOf(p.arpSenderIp()), ArpPackets.UNTAGGED).serialize());
            }
        }
    }

    private void checkLive(NodeId issuer, String what) {
        if (!live.containsKey(issuer)) {
            deadActions.add(issuer + ": " + what);
        }
    }

    // ---- actions -----------------------------------------------------------------------------

    /** The frame as a treatment's actions leave it. */
    static byte[] apply(byte[] frame, TrafficTreatment t) {
        return org.fwlb.testing.PacketActions.apply(frame, t);
    }

    // ---- matching ----------------------------------------------------------------------------

    static boolean outputs(TrafficTreatment t, PortNumber port) {
        return port.equals(outputPort(t));
    }

    static PortNumber outputPort(TrafficTreatment t) {
        for (Instruction i : t.allInstructions()) {
            if (i instanceof Instructions.OutputInstruction) {
                return ((Instructions.OutputInstruction) i).port();
            }
        }
        return null;
    }

    private static boolean matches(FlowRule rule, PortNumber inPort, PacketSummary p) {
        for (Criterion c : rule.selector().criteria()) {
            if (!matches(c, inPort, p)) {
                return false;
            }
        }
        return true;
    }

    private static boolean matches(Criterion c, PortNumber inPort, PacketSummary p) {
        switch (c.type()) {
            case IN_PORT:
                return ((PortCriterion) c).port().equals(inPort);
            case ETH_DST:
                return ((EthCriterion) c).mac().equals(p.ethDstMac());
            case ETH_SRC:
                return ((EthCriterion) c).mac().equals(p.ethSrcMac());
            case ETH_TYPE:
                return (((EthTypeCriterion) c).ethType().toShort() & 0xffff) == p.ethType();
            case IP_PROTO:
                return p.isIpv4() && ((IPProtocolCriterion) c).protocol() == p.ipProto();
            case IPV4_SRC:
                return p.isIpv4() && ((IPCriterion) c).ip().contains(Ip4Address.valueOf(p.ipSrc()));
            case IPV4_DST:
                return p.isIpv4() && ((IPCriterion) c).ip().contains(Ip4Address.valueOf(p.ipDst()));
            case TCP_SRC:
            case TCP_SRC_MASKED:
                return p.isTcp() && portMatches((TcpPortCriterion) c, p.srcPort());
            case TCP_DST:
            case TCP_DST_MASKED:
                return p.isTcp() && portMatches((TcpPortCriterion) c, p.dstPort());
            case TCP_FLAGS:
                return p.isTcp() && ((TcpFlagsCriterion) c).flags() == (p.tcpFlags() & 0xfff);
            case ARP_TPA:
                return p.isArp() && Ip4Address.valueOf(p.arpTargetIp()).equals(((ArpPaCriterion) c).ip());
            case ARP_OP:
                return p.isArp() && ((org.onosproject.net.flow.criteria.ArpOpCriterion) c).arpOp() == p.arpOp();
            case UDP_SRC:
            case UDP_DST:
                return false;
            default:
                // a criterion the simulated switch cannot judge: fail loudly rather than guess
                throw new IllegalArgumentException("simulated switch cannot match " + c);
        }
    }

    private static boolean portMatches(TcpPortCriterion c, int port) {
        int mask = c.mask() == null ? 0xffff : c.mask().toInt();
        return (port & mask) == (c.tcpPort().toInt() & mask);
    }
}
