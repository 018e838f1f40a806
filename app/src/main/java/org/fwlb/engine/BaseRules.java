package org.fwlb.engine;

import org.fwlb.model.DispatchMode;
import org.fwlb.model.Dispatcher;
import org.fwlb.model.DispatcherKind;
import org.fwlb.model.Firewall;
import org.fwlb.model.FirewallDispatcher;
import org.fwlb.model.FirewallDispatcher.Role;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.Ip4;
import org.fwlb.model.Server;
import org.fwlb.model.TrafficClass;
import org.fwlb.model.UnknownNonSynAction;
import org.fwlb.model.VirtualService;
import org.onlab.packet.ARP;
import org.onlab.packet.Ethernet;
import org.onlab.packet.IPv4;
import org.onlab.packet.IpPrefix;
import org.onlab.packet.TpPort;
import org.onosproject.core.ApplicationId;
import org.onosproject.net.ConnectPoint;
import org.onosproject.net.DeviceId;
import org.onosproject.net.PortNumber;
import org.onosproject.net.flow.DefaultFlowRule;
import org.onosproject.net.flow.DefaultTrafficSelector;
import org.onosproject.net.flow.DefaultTrafficTreatment;
import org.onosproject.net.flow.FlowRule;
import org.onosproject.net.flow.TrafficSelector;
import org.onosproject.net.flow.TrafficTreatment;
import org.onosproject.net.flow.criteria.Criteria;
import org.onosproject.net.meter.MeterId;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * The rules a device holds independent of connections (pure), for the owners attached: plain L2 switching; ARP
 * for virtual gateways, VIPs and stage addresses to the controller (ARP meter); the one metered punt of unknown
 * TCP of each pinned traffic class and each stage, below the per-connection rules; static-hash buckets; steering
 * frames to a first stage; other IP through a gateway. In the optional tcp_flags mode a SYN punt replaces the punt
 * of unknown TCP, FIN/RST are punted above the per-connection rules and unknown non-SYN segments are handled in the
 * switch.
 */
public final class BaseRules {

    /** Source port of the dispatch application's server probes (their answers are punted on it). */
    public static final int PROBE_PORT = 65001;
    /** TCP flags of a connection request. */
    public static final int SYN_FLAGS = 0x02;
    /** Exact TCP flag values that close a connection (FIN / RST with the usual companions). */
    public static final int[] CLOSE_FLAGS = {0x01, 0x11, 0x19, 0x04, 0x14, 0x15, 0x1c};

    /** The meters a device's punts go through (empty: not metered). */
    public static final class Meters {
        final Optional<MeterId> punt;
        final Optional<MeterId> arp;

        /**
         * Creates the meter set of a device.
         *
         * @param punt meter of TCP punts
         * @param arp  meter of ARP and probe answers
         */
        public Meters(Optional<MeterId> punt, Optional<MeterId> arp) {
            this.punt = punt;
            this.arp = arp;
        }

        /** @return no meters */
        public static Meters none() {
            return new Meters(Optional.empty(), Optional.empty());
        }
    }

    /** Ports below this are taken for the service's side of a catch-all class's connection under overload. */
    public static final int WELL_KNOWN_PORTS = 1024;

    private final PathRules apps;
    private final boolean tcpFlags;
    private final boolean overload;

    /**
     * Creates the builder.
     *
     * @param apps     the owners' application ids
     * @param tcpFlags whether rules may match TCP flags (the optional mode; ONOS 2.7 does not translate them)
     */
    public BaseRules(PathRules apps, boolean tcpFlags) {
        this(apps, tcpFlags, false);
    }

    /**
     * Creates the builder.
     *
     * @param apps     the owners' application ids
     * @param tcpFlags whether rules may match TCP flags
     * @param overload whether the punt path is overloaded: pinned classes get static-hash rules under the pins
     */
    public BaseRules(PathRules apps, boolean tcpFlags, boolean overload) {
        this.apps = apps;
        this.tcpFlags = tcpFlags;
        this.overload = overload;
    }

    /**
     * Returns the base rules of one device.
     *
     * @param plan         plan in force
     * @param dev          device
     * @param m            its meters
     * @param fwBuckets    static-hash buckets of the firewalls
     * @param stageBuckets static-hash buckets of a (stage, static-hash service), null for none
     * @return rules (no duplicates)
     */
    public List<FlowRule> rules(EnginePlan plan, DeviceId dev, Meters m, HashBuckets fwBuckets,
                                BiFunction<Dispatcher, VirtualService, HashBuckets> stageBuckets) {
        Map<Object, FlowRule> out = new LinkedHashMap<>();
        FwlbTopology t = plan.topology();
        ApplicationId sandwich = apps.app(Owner.SANDWICH);
        ApplicationId dispatch = apps.app(Owner.DISPATCH);
        Role role = t.firewallRoleOf(dev);
        if (sandwich != null && role != null) {
            flbRules(plan, role, m, fwBuckets, sandwich, out);
        }
        for (DecisionPoint p : plan.pointsOn(dev)) {
            ApplicationId app = apps.app(p.owner());
            if (app != null && p.kind() != DecisionPoint.Kind.FIREWALL_CHOICE) {
                stageRules(plan, p, m, stageBuckets, app, out);
            }
        }
        if (dispatch != null) {
            dispatchExtras(plan, dev, m, dispatch, out);
        }
        ApplicationId normalOwner = role != null && sandwich != null ? sandwich
                : plan.devices(Owner.DISPATCH).contains(dev) && role == null ? dispatch : null;
        if (normalOwner != null) {
            add(out, rule(normalOwner, dev, Priorities.BASE, DefaultTrafficSelector.emptySelector(),
                          Treatments.normal()));
        }
        return new ArrayList<>(out.values());
    }

    // ---- firewall dispatchers -------------------------------------------------------------------

    private void flbRules(EnginePlan plan, Role role, Meters m, HashBuckets fwBuckets, ApplicationId app,
                          Map<Object, FlowRule> out) {
        FwlbTopology t = plan.topology();
        FirewallDispatcher d = Treatments.side(t, role);
        DeviceId dev = d.deviceId();
        Set<Integer> arp = new LinkedHashSet<>();
        arp.add(Ip4.toInt(d.gatewayIp().getIp4Address()));
        if (role == Role.INTERNAL) {
            for (VirtualService v : plan.services(Owner.SANDWICH)) {
                arp.add(Ip4.toInt(v.vip().getIp4Address()));
            }
        }
        for (int ip : arp) {
            add(out, rule(app, dev, Priorities.ARP, DefaultTrafficSelector.builder().matchEthType(Ethernet.TYPE_ARP)
                    .matchArpTpa(Ip4.toAddress(ip)).build(), Treatments.punt(m.arp)));
        }
        List<TrafficClass> classes = t.trafficClasses();
        for (int k = 0; k < classes.size(); k++) {
            TrafficClass tc = classes.get(k);
            int rank = Priorities.rank(k, classes.size());
            if (tc.protocol().number() != IPv4.PROTOCOL_TCP) {
                continue;
            }
            if (tc.mode() != DispatchMode.PINNED) {
                hashRules(t, role, sides(tc), fwBuckets, Priorities.HASH + rank, app, out);
                continue;
            }
            if (overload) {
                overloadRules(plan, d, tc, m, fwBuckets, rank, app, out);
            }
            if (!tcpFlags) {
                for (TrafficSelector s : classSelectors(d, tc, -1, true)) {
                    add(out, rule(app, dev, Priorities.PUNT + rank, s, Treatments.punt(m.punt)));
                }
                continue;
            }
            for (TrafficSelector s : classSelectors(d, tc, SYN_FLAGS, false)) {
                add(out, rule(app, dev, Priorities.PUNT + rank, s, Treatments.punt(m.punt)));
            }
            for (int flags : CLOSE_FLAGS) {
                for (TrafficSelector s : classSelectors(d, tc, flags, true)) {
                    add(out, rule(app, dev, Priorities.CLOSE + rank, s, Treatments.punt(m.punt)));
                }
            }
            UnknownNonSynAction a = tc.unknownNonSyn();
            if (a == UnknownNonSynAction.FORWARD) {
                hashRules(t, role, sides(tc), fwBuckets, Priorities.UNKNOWN + rank, app, out);
            } else {
                TrafficTreatment tr = a == UnknownNonSynAction.DROP_RST ? Treatments.punt(m.punt) : Treatments.drop();
                for (TrafficSelector s : classSelectors(d, tc, -1, true)) {
                    add(out, rule(app, dev, Priorities.UNKNOWN + rank, s, tr));
                }
            }
        }
        // everything else routed through the gateway (ICMP, UDP, unclassified TCP): one firewall by static hash
        String first = fwBuckets.owner(0);
        Firewall fw = first == null ? null : t.firewall(first);
        if (fw != null) {
            add(out, rule(app, dev, Priorities.OTHER_IP, DefaultTrafficSelector.builder().matchEthDst(d.gatewayMac())
                    .matchEthType(Ethernet.TYPE_IPV4).build(), Treatments.towardsFirewall(t, fw, role)));
        }
    }

    /**
     * A pinned class under overload: its new connections go by the static-hash buckets (the same as static-hash
     * mode and the [0011] forward action, so a connection they carried can be adopted afterwards), between the
     * pins and the punt. A catch-all class has no service port to tell the direction: the port below 1024 is
     * taken for the service's; connections with both ports above keep the punt, and so do those with both below
     * and those to a sandwich VIP (their stage decides the server at the punt).
     */
    private static void overloadRules(EnginePlan plan, FirewallDispatcher d, TrafficClass tc, Meters m,
                                      HashBuckets buckets, int rank, ApplicationId app, Map<Object, FlowRule> out) {
        FwlbTopology t = plan.topology();
        Role role = d.role();
        DeviceId dev = d.deviceId();
        for (VirtualService v : plan.services(Owner.SANDWICH)) {
            add(out, rule(app, dev, Priorities.OVERLOAD_PUNT, Treatments.tcpAtGateway(d)
                    .matchIPDst(IpPrefix.valueOf(v.vip().getIp4Address(), 32)).build(), Treatments.punt(m.punt)));
        }
        if (tc.ports().isEmpty()) {
            ServiceSide wellKnown = wellKnownPorts();
            add(out, rule(app, dev, Priorities.OVERLOAD_PUNT, wellKnown.match(wellKnown.match(
                    Treatments.tcpAtGateway(d), false), true).build(), Treatments.punt(m.punt)));
            hashRules(t, role, List.of(wellKnown), buckets, Priorities.OVERLOAD + rank, app, out);
        } else {
            hashRules(t, role, sides(tc), buckets, Priorities.OVERLOAD + rank, app, out);
        }
    }

    /**
     * Selectors of a class's TCP at the gateway: the service ports as destination (requests), and with
     * {@code bothWays} also as source (replies of unknown connections).
     */
    private static List<TrafficSelector> classSelectors(FirewallDispatcher d, TrafficClass tc, int flags,
                                                        boolean bothWays) {
        List<TrafficSelector> out = new ArrayList<>();
        if (tc.ports().isEmpty()) {
            out.add(withFlags(Treatments.tcpAtGateway(d), flags).build());
        }
        for (int p : tc.ports()) {
            out.add(withFlags(Treatments.tcpAtGateway(d), flags).matchTcpDst(TpPort.tpPort(p)).build());
            if (bothWays) {
                out.add(withFlags(Treatments.tcpAtGateway(d), flags).matchTcpSrc(TpPort.tpPort(p)).build());
            }
        }
        return out;
    }

    private static TrafficSelector.Builder withFlags(TrafficSelector.Builder b, int flags) {
        if (flags >= 0) {
            b.add(Criteria.matchTcpFlags(flags));
        }
        return b;
    }

    /** How a rule matches the service side of a connection: as destination (requests) or as source (replies). */
    private interface ServiceSide {
        TrafficSelector.Builder match(TrafficSelector.Builder b, boolean asDestination);
    }

    /** The service sides of a class with ports: each port exactly. */
    private static List<ServiceSide> sides(TrafficClass tc) {
        List<ServiceSide> out = new ArrayList<>();
        for (int p : tc.ports()) {
            TpPort port = TpPort.tpPort(p);
            out.add((b, dst) -> dst ? b.matchTcpDst(port) : b.matchTcpSrc(port));
        }
        return out;
    }

    /** The service side of a catch-all class: any well-known port (below 1024). */
    private static ServiceSide wellKnownPorts() {
        TpPort low = TpPort.tpPort(0);
        TpPort lowMask = TpPort.tpPort(0xffff & ~(WELL_KNOWN_PORTS - 1));
        return (b, dst) -> dst ? b.matchTcpDstMasked(low, lowMask) : b.matchTcpSrcMasked(low, lowMask);
    }

    /**
     * Static-hash rules: a bucket of the client port to a firewall, for requests (client port as source) and
     * replies (as destination); the service side tells the direction.
     */
    private static void hashRules(FwlbTopology t, Role role, List<ServiceSide> sides, HashBuckets buckets,
                                  int priority, ApplicationId app, Map<Object, FlowRule> out) {
        FirewallDispatcher d = Treatments.side(t, role);
        TpPort mask = TpPort.tpPort(HashBuckets.mask(buckets.buckets()));
        for (int b = 0; b < buckets.buckets(); b++) {
            String id = buckets.owner(b);
            Firewall fw = id == null ? null : t.firewall(id);
            if (fw == null) {
                continue;
            }
            TrafficTreatment tr = Treatments.towardsFirewall(t, fw, role);
            TpPort value = TpPort.tpPort(HashBuckets.portValue(b));
            for (ServiceSide side : sides) {
                add(out, rule(app, d.deviceId(), priority, side.match(Treatments.tcpAtGateway(d), true)
                        .matchTcpSrcMasked(value, mask).build(), tr));
                add(out, rule(app, d.deviceId(), priority, side.match(Treatments.tcpAtGateway(d), false)
                        .matchTcpDstMasked(value, mask).build(), tr));
            }
        }
    }

    // ---- stages -----------------------------------------------------------------------------------

    private void stageRules(EnginePlan plan, DecisionPoint p, Meters m,
                            BiFunction<Dispatcher, VirtualService, HashBuckets> stageBuckets, ApplicationId app,
                            Map<Object, FlowRule> out) {
        FwlbTopology t = plan.topology();
        DeviceId dev = p.device();
        Dispatcher stage = p.stage();
        if (p.kind() != DecisionPoint.Kind.DF) {
            for (VirtualService v : p.services()) {
                HashBuckets b = v.mode() == DispatchMode.STATIC_HASH && stageBuckets != null
                        ? stageBuckets.apply(stage, v) : null;
                if (b != null) {
                    stageHashRules(t, p, v, b, app, out);
                }
            }
        }
        for (int vip : plan.vipsOf(stage.id())) {
            if (!tcpFlags) {
                add(out, rule(app, dev, Priorities.PUNT, Treatments.toStage(stage.mac(), vip).build(),
                              Treatments.punt(m.punt)));
                continue;
            }
            add(out, rule(app, dev, Priorities.PUNT, Treatments.toStage(stage.mac(), vip)
                    .add(Criteria.matchTcpFlags(SYN_FLAGS)).build(), Treatments.punt(m.punt)));
            for (int f : CLOSE_FLAGS) {
                add(out, rule(app, dev, Priorities.CLOSE, Treatments.toStage(stage.mac(), vip)
                        .add(Criteria.matchTcpFlags(f)).build(), Treatments.punt(m.punt)));
            }
            if (p.kind() != DecisionPoint.Kind.DF) {
                add(out, rule(app, dev, Priorities.UNKNOWN, Treatments.toStage(stage.mac(), vip).build(),
                              Treatments.drop()));
            }
        }
        if (tcpFlags && p.kind() != DecisionPoint.Kind.DF) {
            for (VirtualService v : p.services()) {
                if (v.unknownNonSyn() == UnknownNonSynAction.DROP_RST) {
                    add(out, rule(app, dev, Priorities.UNKNOWN + 1, Treatments.toStage(stage.mac(),
                            Ip4.toInt(v.vip().getIp4Address())).matchTcpDst(TpPort.tpPort(v.port())).build(),
                                  Treatments.punt(m.punt)));
                }
            }
        }
    }

    /**
     * A static-hash service at a stage: the client port's bucket picks the member, installed ahead of time. An
     * L4/3 stage also rewrites every server's replies back to the VIP (out by NORMAL: no SYN told which port the
     * client is behind).
     */
    private static void stageHashRules(FwlbTopology t, DecisionPoint p, VirtualService v, HashBuckets buckets,
                                       ApplicationId app, Map<Object, FlowRule> out) {
        DeviceId dev = p.device();
        Dispatcher stage = p.stage();
        int vip = Ip4.toInt(v.vip().getIp4Address());
        int mask = HashBuckets.mask(buckets.buckets());
        for (int b = 0; b < buckets.buckets(); b++) {
            String next = buckets.owner(b);
            if (next == null) {
                continue;
            }
            TpPort value = TpPort.tpPort(HashBuckets.portValue(b));
            TrafficSelector sel = Treatments.toStage(stage.mac(), vip).matchTcpDst(TpPort.tpPort(v.port()))
                    .matchTcpSrcMasked(value, TpPort.tpPort(mask)).build();
            if (p.kind() == DecisionPoint.Kind.L4_3) {
                add(out, rule(app, dev, Priorities.HASH, sel, Treatments.toServer(t, p, t.server(next), false)));
                continue;
            }
            PortNumber port = Treatments.portOn(t, dev, next);
            if (port != null) {
                // the next hop's port may be the one the packet came in (a one-armed stage): then IN_PORT
                add(out, rule(app, dev, Priorities.HASH + 1, Treatments.toStage(stage.mac(), vip).matchInPort(port)
                        .matchTcpDst(TpPort.tpPort(v.port())).matchTcpSrcMasked(value, TpPort.tpPort(mask)).build(),
                              Treatments.l2Forward(t, dev, next, port, false, null, false)));
            }
            add(out, rule(app, dev, Priorities.HASH, sel, Treatments.l2Forward(t, dev, next, null, false, null,
                                                                               false)));
        }
        if (p.kind() == DecisionPoint.Kind.L4_3) {
            for (Server s : t.childServers(stage.id())) {
                if (!s.offers(v.serviceType())) {
                    continue;
                }
                add(out, rule(app, dev, Priorities.HASH, DefaultTrafficSelector.builder()
                        .matchEthType(Ethernet.TYPE_IPV4).matchIPProtocol(IPv4.PROTOCOL_TCP)
                        .matchIPSrc(IpPrefix.valueOf(s.ip(), 32)).matchTcpSrc(TpPort.tpPort(v.port())).build(),
                              DefaultTrafficTreatment.builder().setIpSrc(v.vip()).setEthSrc(stage.mac())
                                      .setOutput(PortNumber.NORMAL).build()));
            }
        }
    }

    /** ARP for VIPs and stage addresses, probe answers, steering to first stages. */
    private void dispatchExtras(EnginePlan plan, DeviceId dev, Meters m, ApplicationId app,
                                Map<Object, FlowRule> out) {
        Set<Integer> arp = new LinkedHashSet<>();
        Map<Integer, Dispatcher> vips = plan.vipArp().get(dev);
        if (vips != null) {
            arp.addAll(vips.keySet());
        }
        for (EnginePlan.ProbeTarget tg : plan.probeTargets()) {
            if (tg.stage().deviceId().get().equals(dev)) {
                int ip = Ip4.toInt(tg.stage().ip().getIp4Address());
                arp.add(ip);
                add(out, rule(app, dev, Priorities.ARP, DefaultTrafficSelector.builder()
                        .matchEthType(Ethernet.TYPE_IPV4).matchIPProtocol(IPv4.PROTOCOL_TCP)
                        .matchIPDst(IpPrefix.valueOf(ip, 32)).matchTcpDst(TpPort.tpPort(PROBE_PORT)).build(),
                              Treatments.punt(m.arp)));
            }
        }
        for (int ip : arp) {
            add(out, rule(app, dev, Priorities.ARP, DefaultTrafficSelector.builder().matchEthType(Ethernet.TYPE_ARP)
                    .matchArpOp(ARP.OP_REQUEST).matchArpTpa(Ip4.toAddress(ip)).build(), Treatments.punt(m.arp)));
        }
        for (Dispatcher first : plan.steeredFirstStages()) {
            ConnectPoint cp = first.location().get();
            if (cp.deviceId().equals(dev)) {
                add(out, rule(app, dev, Priorities.STEER, DefaultTrafficSelector.builder().matchEthDst(first.mac())
                        .build(), DefaultTrafficTreatment.builder().setOutput(cp.port()).build()));
            }
        }
    }

    /** One rule per (device, priority, selector): a second one for the same match would replace the first. */
    private static void add(Map<Object, FlowRule> out, FlowRule r) {
        out.putIfAbsent(java.util.Arrays.asList(r.deviceId(), r.priority(), r.selector()), r);
    }

    private static FlowRule rule(ApplicationId app, DeviceId dev, int prio, TrafficSelector s, TrafficTreatment tr) {
        return DefaultFlowRule.builder().forDevice(dev).fromApp(app).withPriority(prio)
                .withSelector(s).withTreatment(tr).makePermanent().build();
    }

    /**
     * Tells whether a stage is an L4/3 stage (used by callers that probe).
     *
     * @param d dispatcher
     * @return true for L4/3
     */
    static boolean isL43(Dispatcher d) {
        return d.kind() == DispatcherKind.L4_3;
    }
}
