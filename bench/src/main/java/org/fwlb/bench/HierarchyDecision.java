package org.fwlb.bench;

import org.fwlb.connection.ConnectionStore;
import org.fwlb.connection.PinResult;
import org.fwlb.model.ConnectionEntry;
import org.fwlb.model.ConnectionKey;
import org.fwlb.model.ConnectionPath;
import org.fwlb.model.DispatchMode;
import org.fwlb.model.Dispatcher;
import org.fwlb.model.DispatcherKind;
import org.fwlb.model.Firewall;
import org.fwlb.model.FirewallDispatcher.Role;
import org.fwlb.model.FlowKey;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.PathTag;
import org.fwlb.model.Server;
import org.fwlb.model.TrafficClass;
import org.fwlb.model.VirtualService;
import org.fwlb.packet.PacketSummary;
import org.fwlb.policy.FlowHash;
import org.fwlb.policy.Policies;
import org.fwlb.policy.Selection;
import org.fwlb.policy.SelectionPolicy;
import org.fwlb.sandwich.impl.BenchSandwich;
import org.fwlb.sandwich.impl.SandwichRules;
import org.onosproject.net.DeviceId;
import org.onosproject.net.PortNumber;
import org.onosproject.net.flow.DefaultTrafficTreatment;
import org.onosproject.net.flow.FlowRule;
import org.onosproject.net.packet.DefaultOutboundPacket;
import org.onosproject.net.packet.OutboundPacket;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The SYN decision through the whole FIG 8 hierarchy: firewall, first stage, second stage, server.
 *
 * <p>{@link #decide} makes every choice on one punt (the external firewall dispatcher's): firewall by the
 * traffic class's policy among the FirewallView members, then from the virtual service's first stage down,
 * at each dispatcher its policy among FwlbTopology.candidates(dispatcher, service type) until a server is
 * chosen; the firewall's path tag goes into the path; one insert of the complete path into the connection
 * table; then every rule: the sandwich's two (SandwichRules.pinnedRules) and the stages' (StageRules), and
 * the SYN's packet-out toward the firewall.
 *
 * <p>{@link #firstStage} and {@link #secondStage} are the same work split the way DESIGN.md's decision
 * model runs it, one punt per decision point: the sandwich places the connection (ConnectionPlacer, pin),
 * the first stage reads the connection, chooses the next stage, records it (updatePath) and releases the
 * SYN with the firewall's path tag pushed; the second stage reads the tag, chooses the server, records
 * server and tag (updatePath) and releases the SYN, tag popped, to the server.
 *
 * <p>In FIG 8 l7a and l7b are L7/3 hosts that would choose their server themselves; here the controller
 * chooses for every second stage and builds L4/3 rules for it (on its attachment switch), so every
 * decision does the full work (the worst case).
 */
final class HierarchyDecision {

    private static final int MAX_STAGES = 16;

    private final FwlbTopology t;
    private final ConnectionStore store;
    private final BenchSandwich sandwich;
    private final MemberViews views;
    private final SandwichRules sandwichRules = new SandwichRules(BenchSandwich.APP);
    private final SelectionPolicy firewallPolicy;
    private final Map<String, SelectionPolicy> stagePolicies = new HashMap<>();
    private final DeviceId externalDevice;

    private long failures;
    private long retransmits;
    private String lastFailure;
    private OutboundPacket lastPacket;
    private Firewall lastFirewall;
    private Dispatcher lastNext;

    HierarchyDecision(FwlbTopology t, ConnectionStore store, BenchSandwich sandwich, MemberViews views) {
        this.t = t;
        this.store = store;
        this.sandwich = sandwich;
        this.views = views;
        TrafficClass tc = t.trafficClassFor(PacketSummary.PROTO_TCP, 80);
        this.firewallPolicy = Policies.create(tc.policy());
        for (Dispatcher d : t.dispatchers()) {
            stagePolicies.put(d.id(), Policies.create(d.policy()));
        }
        for (VirtualService vs : t.services()) {
            vs.policy().ifPresent(p -> stagePolicies.put("service:" + vs.id(), Policies.create(p)));
        }
        externalDevice = t.external().get().deviceId();
    }

    private SelectionPolicy policy(VirtualService vs, Dispatcher d) {
        if (d.id().equals(vs.firstStage()) && vs.policy().isPresent()) {
            return stagePolicies.get("service:" + vs.id());
        }
        return stagePolicies.get(d.id());
    }

    private List<FlowRule> fail(String why) {
        failures++;
        lastFailure = why;
        return null;
    }

    /**
     * Decides a SYN punted at the external firewall dispatcher through the whole hierarchy.
     *
     * @param p     the parsed SYN
     * @param frame its bytes
     * @return the rules built, or null when no decision was made (see {@link #failures()})
     */
    List<FlowRule> decide(PacketSummary p, byte[] frame) {
        if (!p.isTcp() || !p.isSyn()) {
            return fail("not a TCP SYN: " + p.status());
        }
        TrafficClass tc = t.trafficClassFor(PacketSummary.PROTO_TCP, p.dstPort());
        if (tc == null || tc.mode() != DispatchMode.PINNED) {
            return fail("no pinned traffic class for port " + p.dstPort());
        }
        VirtualService vs = t.serviceFor(p.ipDst(), PacketSummary.PROTO_TCP, p.dstPort());
        if (vs == null) {
            return fail("no virtual service at the destination");
        }
        FlowKey flow = p.flowKey();
        ConnectionKey key = flow.canonical();
        if (store.get(key) != null) {
            retransmits++;
            return null;
        }
        Selection fwChoice = firewallPolicy.select(sandwich.firewallMembers(), FlowHash.ofAddress(p.ipSrc()));
        if (!fwChoice.isChosen()) {
            return fail(fwChoice.message());
        }
        Firewall fw = t.firewall(fwChoice.member().id());
        long hash = FlowHash.of(key);
        List<String> stages = new ArrayList<>(4);
        Dispatcher d = t.dispatcher(vs.firstStage());
        String serverId = null;
        while (serverId == null) {
            if (stages.size() == MAX_STAGES) {
                return fail("more than " + MAX_STAGES + " stages");
            }
            stages.add(d.id());
            Selection s = policy(vs, d).select(views.of(t.candidates(d.id(), vs.serviceType())), hash);
            if (!s.isChosen()) {
                return fail(d.id() + ": " + s.message());
            }
            String id = s.member().id();
            if (t.isServer(id)) {
                serverId = id;
            } else {
                d = t.dispatcher(id);
            }
        }
        long now = System.currentTimeMillis();
        ConnectionPath path = ConnectionPath.of(fw.id(), stages, serverId, fw.pathTag());
        PinResult pin = store.pin(ConnectionEntry.pinned(flow, path, now, StageRules.APP.name()));
        if (!pin.isPinned()) {
            return fail(pin.message());
        }
        int idle = t.timeouts().idleSeconds();
        List<FlowRule> rules = new ArrayList<>(8);
        // the sandwich's part knows only the firewall: its rules for a path with a server would be FIG 6's
        rules.addAll(sandwichRules.pinnedRules(
                t, ConnectionEntry.pinned(flow, ConnectionPath.viaFirewall(fw.id()), now, StageRules.APP.name()),
                Role.EXTERNAL, idle));
        Server server = t.server(serverId);
        for (int i = 0; i < stages.size(); i++) {
            Dispatcher st = t.dispatcher(stages.get(i));
            boolean last = i == stages.size() - 1;
            if (last && st.kind() != DispatcherKind.L4_2) {
                StageRules.l43(rules, st, server, fw, flow, idle);
            } else if (last) {
                StageRules.l42(rules, st, server.mac(), server.location().port(), flow, idle);
            } else {
                Dispatcher next = t.dispatcher(stages.get(i + 1));
                StageRules.l42(rules, st, next.mac(), portOf(next), flow, idle);
            }
        }
        lastFirewall = fw;
        lastPacket = new DefaultOutboundPacket(externalDevice, SandwichRules.towardsFirewall(t, fw, Role.EXTERNAL),
                                               ByteBuffer.wrap(frame));
        return rules;
    }

    /**
     * The first stage's punt (one-punt-per-stage model): the connection was placed by the sandwich.
     *
     * @param p     the SYN as it arrives from the firewall
     * @param frame its bytes
     * @return the stage's rules, or null when no decision was made
     */
    List<FlowRule> firstStage(PacketSummary p, byte[] frame) {
        if (!p.isTcp() || !p.isSyn()) {
            return fail("not a TCP SYN: " + p.status());
        }
        VirtualService vs = t.serviceFor(p.ipDst(), PacketSummary.PROTO_TCP, p.dstPort());
        if (vs == null) {
            return fail("no virtual service at the destination");
        }
        FlowKey flow = p.flowKey();
        ConnectionKey key = flow.canonical();
        ConnectionEntry e = store.get(key);
        if (e == null || !e.path().firewallId().isPresent()) {
            return fail("SYN at the first stage of a connection the sandwich did not place: " + flow);
        }
        if (!e.path().dispatcherIds().isEmpty()) {
            retransmits++;
            return null;
        }
        Firewall fw = t.firewall(e.path().firewallId().get());
        Dispatcher d = t.dispatcher(vs.firstStage());
        Selection s = policy(vs, d).select(views.of(t.candidates(d.id(), vs.serviceType())), FlowHash.of(key));
        if (!s.isChosen()) {
            return fail(d.id() + ": " + s.message());
        }
        Dispatcher next = t.dispatcher(s.member().id());
        if (next == null) {
            return fail("the two-punt model expects a second stage after " + d.id());
        }
        if (store.updatePath(key, path -> path.withNextDispatcher(d.id()).withNextDispatcher(next.id())) == null) {
            return fail("connection vanished: " + flow);
        }
        List<FlowRule> rules = new ArrayList<>(1);
        PortNumber port = portOf(next);
        StageRules.l42(rules, d, next.mac(), port, flow, t.timeouts().idleSeconds());
        lastFirewall = fw;
        lastNext = next;
        lastPacket = new DefaultOutboundPacket(StageRules.device(d), StageRules.taggedSyn(fw, next.mac(), port),
                                               ByteBuffer.wrap(frame));
        return rules;
    }

    /**
     * The second stage's punt: the SYN carries the firewall's path tag as its VLAN id.
     *
     * @param p     the tagged SYN
     * @param frame its bytes
     * @return the stage's rules, or null when no decision was made
     */
    List<FlowRule> secondStage(PacketSummary p, byte[] frame) {
        if (!p.isTcp() || !p.isSyn()) {
            return fail("not a TCP SYN: " + p.status());
        }
        if (!PathTag.isValid(p.vlanId())) {
            return fail("SYN at a second stage without a path tag");
        }
        Firewall fw = t.firewallByPathTag(PathTag.of(p.vlanId()));
        if (fw == null) {
            return fail("path tag " + p.vlanId() + " names no firewall");
        }
        VirtualService vs = t.serviceFor(p.ipDst(), PacketSummary.PROTO_TCP, p.dstPort());
        if (vs == null) {
            return fail("no virtual service at the destination");
        }
        FlowKey flow = p.flowKey();
        ConnectionKey key = flow.canonical();
        ConnectionEntry e = store.get(key);
        if (e == null || e.path().dispatcherIds().isEmpty()) {
            return fail("SYN at a second stage of a connection no first stage placed: " + flow);
        }
        if (e.path().serverId().isPresent()) {
            retransmits++;
            return null;
        }
        List<String> ds = e.path().dispatcherIds();
        Dispatcher d = t.dispatcher(ds.get(ds.size() - 1));
        Selection s = policy(vs, d).select(views.of(t.candidates(d.id(), vs.serviceType())), FlowHash.of(key));
        if (!s.isChosen()) {
            return fail(d.id() + ": " + s.message());
        }
        Server server = t.server(s.member().id());
        if (server == null) {
            return fail("the two-punt model expects servers after " + d.id());
        }
        PathTag tag = fw.pathTag();
        if (store.updatePath(key, path -> path.withServer(server.id()).withPathTag(tag)) == null) {
            return fail("connection vanished: " + flow);
        }
        List<FlowRule> rules = new ArrayList<>(2);
        StageRules.l43(rules, d, server, fw, flow, t.timeouts().idleSeconds());
        lastFirewall = fw;
        lastPacket = new DefaultOutboundPacket(StageRules.device(d), DefaultTrafficTreatment.builder()
                .popVlan().setEthDst(server.mac()).setIpDst(server.ip()).setOutput(server.location().port()).build(),
                ByteBuffer.wrap(frame));
        return rules;
    }

    private static PortNumber portOf(Dispatcher next) {
        // where the next stage attaches to this stage's switch; L2 forwarding when the config does not say
        return next.location().isPresent() ? next.location().get().port() : PortNumber.NORMAL;
    }

    /** Returns the number of SYNs no decision was made for (bug or misconfiguration, never expected here). */
    long failures() {
        return failures;
    }

    /** Returns the reason of the last failure, or null. */
    String lastFailure() {
        return lastFailure;
    }

    /** Returns the number of SYNs found already decided. */
    long retransmits() {
        return retransmits;
    }

    /** Returns the last packet-out built. */
    OutboundPacket lastPacket() {
        return lastPacket;
    }

    /** Returns the firewall of the last decision. */
    Firewall lastFirewall() {
        return lastFirewall;
    }

    /** Returns the next stage the last first-stage decision chose. */
    Dispatcher lastNext() {
        return lastNext;
    }
}
