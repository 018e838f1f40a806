package org.fwlb.sandwich.impl;

import org.fwlb.api.MemberStateService;
import org.fwlb.connection.ConnectionStore;
import org.fwlb.model.FirewallDispatcher.Role;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.Server;
import org.fwlb.packet.PacketSummary;
import org.fwlb.policy.SimpleMember;
import org.onosproject.core.ApplicationId;
import org.onosproject.core.DefaultApplicationId;
import org.onosproject.net.DeviceId;
import org.onosproject.net.flow.FlowRuleOperation;
import org.onosproject.net.flow.FlowRuleOperations;
import org.onosproject.net.flow.FlowRuleServiceAdapter;
import org.onosproject.net.packet.OutboundPacket;
import org.onosproject.net.packet.PacketServiceAdapter;

import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * The sandwich's real SYN decision (ConnectionPlacer with its SandwichContext, FirewallView and
 * SandwichRules) on a flow rule service that confirms every batch at once and a packet service that
 * keeps the last packet-out: the benchmark's view into the package-private decision code. It lives in
 * the sandwich's package on the benchmark's class path (a split package; fine outside OSGi).
 */
public final class BenchSandwich {

    /** Application id the sandwich's rules are built for. */
    public static final ApplicationId APP = new DefaultApplicationId(1, SandwichContext.APP_NAME);

    private final FwlbTopology topology;
    private final SinkFlowRules flowRules = new SinkFlowRules();
    private final SinkPackets packets = new SinkPackets();
    private final SandwichCounters counters = new SandwichCounters();
    private final SandwichContext ctx;
    private final FirewallView firewalls;
    private final ConnectionPlacer placer;
    private final DeviceId externalDevice;
    private final DeviceId internalDevice;

    /**
     * Wires the decision.
     *
     * @param topology     topology in force
     * @param connections  connection table
     * @param states       member states (overrides, probed health)
     * @param packetRate   packets/s per member (least-packets)
     * @param serverMember policy view of a server (FIG 6 server choice)
     */
    public BenchSandwich(FwlbTopology topology, ConnectionStore connections, MemberStateService states,
                         ToDoubleFunction<String> packetRate, Function<Server, SimpleMember> serverMember) {
        this.topology = topology;
        ctx = new SandwichContext(APP, () -> topology, connections, flowRules, packets, counters);
        firewalls = new FirewallView(states, connections, packetRate);
        placer = new ConnectionPlacer(ctx, firewalls, d -> ConnectionPlacer.serversOf(topology, d, serverMember));
        externalDevice = SandwichRules.side(topology, Role.EXTERNAL).deviceId();
        internalDevice = SandwichRules.side(topology, Role.INTERNAL).deviceId();
    }

    /**
     * Decides a SYN punted at a firewall dispatcher: ConnectionPlacer.placeSyn as the sandwich's packet
     * processor calls it. The rules go to the flow rule service, which confirms them at once; the SYN is
     * then released (packet-out).
     *
     * @param origin the firewall dispatcher that punted it
     * @param p      the parsed SYN
     * @param frame  its bytes
     */
    public void placeSyn(Role origin, PacketSummary p, byte[] frame) {
        placer.placeSyn(topology, origin == Role.EXTERNAL ? externalDevice : internalDevice, origin, p, frame);
    }

    /**
     * Returns the policy view of every firewall (FirewallView.members), as a decision sees it.
     *
     * @return members in configuration order
     */
    public List<SimpleMember> firewallMembers() {
        return firewalls.members(topology);
    }

    /**
     * Returns the last batch of rules handed to the flow rule service.
     *
     * @return operations, or null
     */
    public FlowRuleOperations lastRules() {
        return flowRules.last;
    }

    /**
     * Returns the number of flow rules handed to the flow rule service so far.
     *
     * @return rule count
     */
    public long rulesApplied() {
        return flowRules.rules;
    }

    /**
     * Returns the last packet-out.
     *
     * @return packet, or null
     */
    public OutboundPacket lastPacket() {
        return packets.last;
    }

    /**
     * Returns the number of packet-outs.
     *
     * @return count
     */
    public long packetsEmitted() {
        return packets.count;
    }

    /**
     * Returns one of the sandwich's counters (SandwichCounters names, e.g. "connectionsPlaced").
     *
     * @param name counter name
     * @return value
     */
    public long counter(String name) {
        return counters.get(name);
    }

    /** Counter name: connections placed (rules confirmed, SYN released). */
    public static final String PLACED = SandwichCounters.PLACED;
    /** Counter name: SYNs punted to the decision. */
    public static final String SYN_PUNTS = SandwichCounters.SYN_PUNTS;

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

    /** Keeps the last packet-out. */
    private static final class SinkPackets extends PacketServiceAdapter {
        OutboundPacket last;
        long count;

        @Override
        public void emit(OutboundPacket packet) {
            last = packet;
            count++;
        }
    }
}
