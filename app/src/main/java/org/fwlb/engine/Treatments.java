package org.fwlb.engine;

import org.fwlb.model.Dispatcher;
import org.fwlb.model.Firewall;
import org.fwlb.model.FirewallDispatcher;
import org.fwlb.model.FirewallDispatcher.Role;
import org.fwlb.model.FlowKey;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.Ip4;
import org.fwlb.model.Server;
import org.onlab.packet.Ethernet;
import org.onlab.packet.IPv4;
import org.onlab.packet.IpPrefix;
import org.onlab.packet.MacAddress;
import org.onlab.packet.TpPort;
import org.onlab.packet.VlanId;
import org.onosproject.net.ConnectPoint;
import org.onosproject.net.DeviceId;
import org.onosproject.net.PortNumber;
import org.onosproject.net.flow.DefaultTrafficSelector;
import org.onosproject.net.flow.DefaultTrafficTreatment;
import org.onosproject.net.flow.TrafficSelector;
import org.onosproject.net.flow.TrafficTreatment;
import org.onosproject.net.meter.MeterId;

import java.util.Optional;

/**
 * The selectors and treatments of fwlb's rules and packet-outs (pure). Every forwarding step of the seed has
 * one treatment here: towards a firewall, an L4/2 MAC rewrite, an L4/3 rewrite to a server and back to the VIP,
 * a DF's replies to the connection's firewall.
 */
public final class Treatments {

    private Treatments() {
    }

    /**
     * Returns the firewall dispatcher of a role.
     *
     * @param t    topology
     * @param role role
     * @return dispatcher
     */
    public static FirewallDispatcher side(FwlbTopology t, Role role) {
        return (role == Role.EXTERNAL ? t.external() : t.internal()).orElseThrow(
                () -> new IllegalStateException("no " + role + " firewall dispatcher configured"));
    }

    /**
     * A packet entering at a firewall dispatcher goes to a firewall's interface on that side.
     *
     * @param t    topology
     * @param fw   firewall
     * @param role the dispatcher the packet is at
     * @return treatment
     */
    public static TrafficTreatment towardsFirewall(FwlbTopology t, Firewall fw, Role role) {
        FirewallDispatcher d = side(t, role);
        boolean ext = role == Role.EXTERNAL;
        return DefaultTrafficTreatment.builder()
                .setEthSrc(d.gatewayMac())
                .setEthDst(ext ? fw.outside().mac() : fw.inside().mac())
                .setOutput(ext ? fw.outside().port() : fw.inside().port())
                .build();
    }

    /**
     * The exact 5-tuple selector of one direction of a TCP connection.
     *
     * @param f directional key
     * @return selector
     */
    public static TrafficSelector match(FlowKey f) {
        return DefaultTrafficSelector.builder()
                .matchEthType(Ethernet.TYPE_IPV4)
                .matchIPProtocol((byte) f.protocol())
                .matchIPSrc(IpPrefix.valueOf(f.srcIp(), 32))
                .matchIPDst(IpPrefix.valueOf(f.dstIp(), 32))
                .matchTcpSrc(TpPort.tpPort(f.srcPort()))
                .matchTcpDst(TpPort.tpPort(f.dstPort()))
                .build();
    }

    /**
     * L4/2: only the destination MAC changes; out the next hop's port on this switch, else back out the arm the
     * packet came in (a one-armed stage: a rule's output to the in-port is dropped by OpenFlow, IN_PORT sends it
     * back; a packet-out has no in-port and names the port).
     *
     * @param t         topology
     * @param dev       the stage's device
     * @param nextId    next dispatcher or server
     * @param inPort    where the SYN came in (packet-out), null for a rule
     * @param packetOut whether for a packet-out
     * @param pushTag   path tag to push (packet-out of the SYN only), or null
     * @param popTag    whether to remove a tag (the SYN goes to a server directly)
     * @return treatment
     */
    public static TrafficTreatment l2Forward(FwlbTopology t, DeviceId dev, String nextId, PortNumber inPort,
                                             boolean packetOut, Integer pushTag, boolean popTag) {
        TrafficTreatment.Builder b = DefaultTrafficTreatment.builder();
        if (popTag) {
            b.popVlan();
        }
        if (pushTag != null) {
            b.pushVlan().setVlanId(VlanId.vlanId(pushTag.shortValue()));
        }
        b.setEthDst(macOf(t, nextId));
        PortNumber port = portOn(t, dev, nextId);
        if (port == null) {
            port = inPort;
        }
        if (!packetOut && (port == null || port.equals(inPort))) {
            port = PortNumber.IN_PORT;
        }
        b.setOutput(port != null ? port : PortNumber.IN_PORT);
        return b.build();
    }

    /**
     * L4/3 forward: destination IP and MAC become the server's; on a firewall dispatcher (FIG 6) the frame also
     * leaves with the gateway's MAC as source.
     *
     * @param t      topology
     * @param p      the stage
     * @param s      server
     * @param popTag whether to remove the path tag first (packet-out of the SYN)
     * @return treatment
     */
    public static TrafficTreatment toServer(FwlbTopology t, DecisionPoint p, Server s, boolean popTag) {
        TrafficTreatment.Builder b = DefaultTrafficTreatment.builder();
        if (popTag) {
            b.popVlan();
        }
        if (p.owner() == Owner.SANDWICH && t.internal().isPresent()) {
            b.setEthSrc(t.internal().get().gatewayMac());
        }
        b.setEthDst(s.mac()).setIpDst(s.ip());
        b.setOutput(s.location().deviceId().equals(p.device()) ? s.location().port() : PortNumber.NORMAL);
        return b.build();
    }

    /**
     * L4/3 replies: source back to the VIP and the stage's MAC (the gateway's on a firewall dispatcher); with a
     * firewall on the path (FIG 7/8) straight to it, out the uplink (NORMAL when the uplink is not known).
     *
     * @param t      topology
     * @param p      the stage
     * @param vip    the VIP (the client's destination)
     * @param fw     the connection's firewall, or null
     * @param uplink where replies leave, or null
     * @return treatment
     */
    public static TrafficTreatment fromServer(FwlbTopology t, DecisionPoint p, int vip, Firewall fw,
                                              PortNumber uplink) {
        MacAddress src = p.owner() == Owner.SANDWICH && t.internal().isPresent()
                ? t.internal().get().gatewayMac() : p.stage().mac();
        TrafficTreatment.Builder b = DefaultTrafficTreatment.builder().setIpSrc(Ip4.toAddress(vip)).setEthSrc(src);
        if (fw != null) {
            b.setEthDst(fw.inside().mac());
        }
        return b.setOutput(uplink != null ? uplink : PortNumber.NORMAL).build();
    }

    /**
     * DF: an L7/3 host's replies go to the connection's firewall.
     *
     * @param fw     firewall
     * @param uplink where they leave, or null (NORMAL)
     * @return treatment
     */
    public static TrafficTreatment replyToFirewall(Firewall fw, PortNumber uplink) {
        return DefaultTrafficTreatment.builder().setEthDst(fw.inside().mac())
                .setOutput(uplink != null ? uplink : PortNumber.NORMAL).build();
    }

    /**
     * DF: the connection's packets go on to the host (the SYN without its tag).
     *
     * @param host   the host-realized dispatcher
     * @param popTag whether the packet carries a tag
     * @return treatment
     */
    public static TrafficTreatment toHost(Dispatcher host, boolean popTag) {
        TrafficTreatment.Builder b = DefaultTrafficTreatment.builder();
        if (popTag) {
            b.popVlan();
        }
        return b.setOutput(host.attachment().get().port()).build();
    }

    /**
     * To the controller, through a meter when there is one.
     *
     * @param meter meter
     * @return treatment
     */
    public static TrafficTreatment punt(Optional<MeterId> meter) {
        TrafficTreatment.Builder b = DefaultTrafficTreatment.builder().setOutput(PortNumber.CONTROLLER);
        meter.ifPresent(b::meter);
        return b.build();
    }

    /** @return a treatment that drops */
    public static TrafficTreatment drop() {
        return DefaultTrafficTreatment.builder().drop().build();
    }

    /** @return plain L2 switching */
    public static TrafficTreatment normal() {
        return DefaultTrafficTreatment.builder().setOutput(PortNumber.NORMAL).build();
    }

    /**
     * TCP to a stage (its MAC) for a VIP.
     *
     * @param mac the stage's (or DF host's) MAC
     * @param vip VIP
     * @return selector builder
     */
    public static TrafficSelector.Builder toStage(MacAddress mac, int vip) {
        return DefaultTrafficSelector.builder().matchEthDst(mac).matchEthType(Ethernet.TYPE_IPV4)
                .matchIPProtocol(IPv4.PROTOCOL_TCP).matchIPDst(IpPrefix.valueOf(vip, 32));
    }

    /**
     * TCP through a firewall dispatcher's gateway.
     *
     * @param d the firewall dispatcher
     * @return selector builder
     */
    public static TrafficSelector.Builder tcpAtGateway(FirewallDispatcher d) {
        return DefaultTrafficSelector.builder().matchEthDst(d.gatewayMac()).matchEthType(Ethernet.TYPE_IPV4)
                .matchIPProtocol(IPv4.PROTOCOL_TCP);
    }

    /**
     * The server's side of a connection to a VIP: server to client, as the server sends it.
     *
     * @param clientToVip the connection
     * @param s           server
     * @return key
     */
    public static FlowKey serverSide(FlowKey clientToVip, Server s) {
        return FlowKey.of(clientToVip.protocol(), Ip4.toInt(s.ip().getIp4Address()), clientToVip.dstPort(),
                          clientToVip.srcIp(), clientToVip.srcPort());
    }

    /**
     * Returns the MAC of a member (server or dispatcher).
     *
     * @param t  topology
     * @param id member id
     * @return MAC
     */
    public static MacAddress macOf(FwlbTopology t, String id) {
        Server s = t.server(id);
        return s != null ? s.mac() : t.dispatcher(id).mac();
    }

    /**
     * The port of a switch toward a next hop plugged into it, or null (reached through the arm).
     *
     * @param t   topology
     * @param dev switch
     * @param id  next hop (server or dispatcher)
     * @return port or null
     */
    public static PortNumber portOn(FwlbTopology t, DeviceId dev, String id) {
        Server s = t.server(id);
        if (s != null) {
            return s.location().deviceId().equals(dev) ? s.location().port() : null;
        }
        Dispatcher d = t.dispatcher(id);
        Optional<ConnectPoint> cp = d.location();
        if (cp.isPresent() && cp.get().deviceId().equals(dev)) {
            return cp.get().port();
        }
        if (d.attachment().isPresent() && d.attachment().get().deviceId().equals(dev)) {
            return d.attachment().get().port();
        }
        return null;
    }
}
