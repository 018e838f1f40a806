package org.fwlb.bench;

import org.fwlb.model.Dispatcher;
import org.fwlb.model.Firewall;
import org.fwlb.model.FlowKey;
import org.fwlb.model.Ip4;
import org.fwlb.model.Server;
import org.fwlb.sandwich.impl.SandwichRules;
import org.onlab.packet.MacAddress;
import org.onlab.packet.VlanId;
import org.onosproject.core.ApplicationId;
import org.onosproject.core.DefaultApplicationId;
import org.onosproject.net.DeviceId;
import org.onosproject.net.PortNumber;
import org.onosproject.net.flow.DefaultFlowRule;
import org.onosproject.net.flow.DefaultTrafficTreatment;
import org.onosproject.net.flow.FlowRule;
import org.onosproject.net.flow.TrafficSelector;
import org.onosproject.net.flow.TrafficTreatment;

import java.util.List;

/**
 * Per-connection rules of the dispatch stages, built the way DESIGN.md describes them ("A dispatcher
 * stage"): the cluster-dispatch application that will own them is not written yet, so these are the
 * benchmark's stand-in, equivalent in kind and number to what it has to build:
 * <ul>
 * <li>L4/2 stage: the connection's 5-tuple, destination MAC := next stage (or server), out its port;
 * the SYN itself is released with the path tag (VLAN) pushed.</li>
 * <li>L4/3 stage: forward: destination IP/MAC := server, out its port; reverse (server to client):
 * source IP := VIP, source MAC := the dispatcher's, destination MAC := the inside interface of the
 * connection's firewall (FIG 8: replies go straight back to the firewall the request came through),
 * forwarded by L2 (NORMAL), as the configuration does not name the stage switch's uplink port.</li>
 * </ul>
 * Exact 5-tuple selectors (SandwichRules.match), priority 30000, idle timeout, owned by the dispatch app.
 */
final class StageRules {

    /** Application id of the (future) cluster-dispatch app. */
    static final ApplicationId APP = new DefaultApplicationId(2, "org.fwlb.clusterdispatch");

    private StageRules() {
    }

    /**
     * Adds an L4/2 stage's rule: the connection goes to the next hop by destination MAC only.
     *
     * @param rules   where to add it
     * @param stage   the L4/2 dispatcher (a switch)
     * @param nextMac next stage's or server's MAC
     * @param nextPort the stage switch's port toward the next hop
     * @param f       the connection in its original direction
     * @param idle    idle timeout (s)
     */
    static void l42(List<FlowRule> rules, Dispatcher stage, MacAddress nextMac, PortNumber nextPort, FlowKey f,
                    int idle) {
        TrafficTreatment tr = DefaultTrafficTreatment.builder()
                .setEthDst(nextMac).setOutput(nextPort).build();
        rules.add(rule(device(stage), SandwichRules.match(f), tr, idle));
    }

    /**
     * Returns the treatment of the SYN an L4/2 first stage releases: the firewall's path tag pushed as a
     * VLAN id (on the SYN only; the pinned rule forwards the rest untagged), then as its rule.
     *
     * @param fw      the connection's firewall
     * @param nextMac next stage's MAC
     * @param nextPort the stage switch's port toward the next stage
     * @return treatment
     */
    static TrafficTreatment taggedSyn(Firewall fw, MacAddress nextMac, PortNumber nextPort) {
        return DefaultTrafficTreatment.builder()
                .pushVlan().setVlanId(VlanId.vlanId((short) fw.pathTag().value()))
                .setEthDst(nextMac).setOutput(nextPort).build();
    }

    /**
     * Adds an L4/3 stage's two rules: to the server and back, replies to the connection's firewall.
     *
     * @param rules where to add them
     * @param stage the dispatcher
     * @param s     the chosen server
     * @param fw    the connection's firewall (from the path tag)
     * @param f     the connection in its original direction (client to VIP)
     * @param idle  idle timeout (s)
     */
    static void l43(List<FlowRule> rules, Dispatcher stage, Server s, Firewall fw, FlowKey f, int idle) {
        DeviceId dev = device(stage);
        TrafficTreatment toServer = DefaultTrafficTreatment.builder()
                .setEthDst(s.mac()).setIpDst(s.ip()).setOutput(s.location().port()).build();
        rules.add(rule(dev, SandwichRules.match(f), toServer, idle));
        FlowKey reply = FlowKey.of(f.protocol(), Ip4.toInt(s.ip().getIp4Address()), f.dstPort(),
                                   f.srcIp(), f.srcPort());
        TrafficTreatment back = DefaultTrafficTreatment.builder()
                .setIpSrc(Ip4.toAddress(f.dstIp()))
                .setEthSrc(stage.mac()).setEthDst(fw.inside().mac())
                .setOutput(PortNumber.NORMAL).build();
        rules.add(rule(dev, SandwichRules.match(reply), back, idle));
    }

    /** A switch-realized stage's device; a host-realized one's attachment switch. */
    static DeviceId device(Dispatcher d) {
        return d.deviceId().orElseGet(() -> d.location().orElseThrow(
                () -> new IllegalArgumentException("dispatcher " + d.id() + " has no device or location"))
                .deviceId());
    }

    private static FlowRule rule(DeviceId dev, TrafficSelector s, TrafficTreatment tr, int idle) {
        return DefaultFlowRule.builder().forDevice(dev).fromApp(APP)
                .withPriority(SandwichRules.PRIO_PINNED).withSelector(s).withTreatment(tr)
                .makeTemporary(idle).build();
    }
}
