package org.fwlb.engine;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import org.fwlb.model.Dispatcher;
import org.fwlb.model.DispatcherKind;
import org.fwlb.model.FirewallDispatcher;
import org.fwlb.model.FirewallDispatcher.Role;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.Ip4;
import org.fwlb.model.Protocol;
import org.fwlb.model.Server;
import org.fwlb.model.VirtualService;
import org.onlab.packet.MacAddress;
import org.onosproject.net.ConnectPoint;
import org.onosproject.net.DeviceId;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the engine does where, derived once from a topology (pure): the decision points on each device and who
 * owns them, the services each stage serves, and where ARP for VIPs is answered. A FIG 6 virtual service (its
 * first stage an L4/3 dispatcher realized on the internal firewall dispatcher, with servers of its own) belongs
 * to the sandwich: "firewall choice, then an L4/3 stage"; every other service to the dispatch application.
 */
public final class EnginePlan {

    private static final EnginePlan EMPTY = new EnginePlan(FwlbTopology.empty());

    private final FwlbTopology topology;
    private final ImmutableList<VirtualService> sandwichServices;
    private final ImmutableList<VirtualService> dispatchServices;
    private final ImmutableMap<String, ImmutableList<VirtualService>> servicesOfStage;
    private final ImmutableMap<DeviceId, ImmutableList<DecisionPoint>> points;
    private final ImmutableMap<String, DecisionPoint> pointOfMember;
    private final Map<DeviceId, Map<Integer, Dispatcher>> vipArp;
    private final ImmutableList<ProbeTarget> probeTargets;
    private final ImmutableMap<MacAddress, String> memberByMac;

    /** A server probed from the L4/3 stage whose switch it is plugged into (TCP to its service port). */
    public static final class ProbeTarget {
        private final Dispatcher stage;
        private final Server server;
        private final int port;

        ProbeTarget(Dispatcher stage, Server server, int port) {
            this.stage = stage;
            this.server = server;
            this.port = port;
        }

        /** @return the stage probing */
        public Dispatcher stage() {
            return stage;
        }

        /** @return the server probed */
        public Server server() {
            return server;
        }

        /** @return the service port probed */
        public int port() {
            return port;
        }

        /** @return a key naming stage and server */
        public String key() {
            return stage.id() + "/" + server.id();
        }
    }

    private EnginePlan(FwlbTopology t) {
        this.topology = t;
        List<VirtualService> sandwich = new ArrayList<>();
        List<VirtualService> dispatch = new ArrayList<>();
        Map<String, List<VirtualService>> byStage = new LinkedHashMap<>();
        for (VirtualService v : t.services()) {
            Dispatcher first = t.dispatcher(v.firstStage());
            if (first == null || v.protocol() != Protocol.TCP) {
                continue;
            }
            (isSandwichServed(t, first) ? sandwich : dispatch).add(v);
            for (String id : stagesOf(t, first.id())) {
                byStage.computeIfAbsent(id, k -> new ArrayList<>()).add(v);
            }
        }
        this.sandwichServices = ImmutableList.copyOf(sandwich);
        this.dispatchServices = ImmutableList.copyOf(dispatch);
        ImmutableMap.Builder<String, ImmutableList<VirtualService>> sb = ImmutableMap.builder();
        byStage.forEach((k, v) -> sb.put(k, ImmutableList.copyOf(v)));
        this.servicesOfStage = sb.build();

        Map<DeviceId, List<DecisionPoint>> byDevice = new LinkedHashMap<>();
        Map<String, DecisionPoint> byMember = new LinkedHashMap<>();
        t.external().ifPresent(d -> byDevice.computeIfAbsent(d.deviceId(), k -> new ArrayList<>())
                .add(DecisionPoint.firewallChoice(d)));
        t.internal().ifPresent(d -> byDevice.computeIfAbsent(d.deviceId(), k -> new ArrayList<>())
                .add(DecisionPoint.firewallChoice(d)));
        for (Map.Entry<String, List<VirtualService>> e : byStage.entrySet()) {
            Dispatcher d = t.dispatcher(e.getKey());
            DecisionPoint p = null;
            if (d.isSwitchRealized()) {
                Owner owner = e.getValue().stream().allMatch(sandwich::contains) ? Owner.SANDWICH : Owner.DISPATCH;
                DecisionPoint.Kind kind = d.kind() == DispatcherKind.L4_3 ? DecisionPoint.Kind.L4_3
                        : DecisionPoint.Kind.L4_2;
                p = DecisionPoint.stage(kind, owner, d.deviceId().get(), d, e.getValue());
            } else if (d.attachment().isPresent() && t.hasSandwich()) {
                // a DF only matters behind a sandwich: it steers the host's replies to the connection's firewall
                p = DecisionPoint.stage(DecisionPoint.Kind.DF, Owner.DISPATCH, d.attachment().get().deviceId(), d,
                                        e.getValue());
            }
            if (p != null) {
                byDevice.computeIfAbsent(p.device(), k -> new ArrayList<>()).add(p);
                byMember.put(d.id(), p);
            }
        }
        ImmutableMap.Builder<DeviceId, ImmutableList<DecisionPoint>> pb = ImmutableMap.builder();
        byDevice.forEach((k, v) -> pb.put(k, ImmutableList.copyOf(v)));
        this.points = pb.build();
        this.pointOfMember = ImmutableMap.copyOf(byMember);
        this.vipArp = computeVipArp();
        this.probeTargets = computeProbeTargets();
        Map<MacAddress, String> macs = new LinkedHashMap<>();
        t.dispatchers().forEach(d -> macs.putIfAbsent(d.mac(), d.id()));
        t.servers().forEach(s -> macs.putIfAbsent(s.mac(), s.id()));
        this.memberByMac = ImmutableMap.copyOf(macs);
    }

    /**
     * Returns the dispatcher or server with a MAC.
     *
     * @param mac MAC
     * @return member id, or null
     */
    public String memberByMac(MacAddress mac) {
        return memberByMac.get(mac);
    }

    /**
     * Derives the plan of a topology.
     *
     * @param t topology
     * @return plan
     */
    public static EnginePlan of(FwlbTopology t) {
        return t.equals(FwlbTopology.empty()) ? EMPTY : new EnginePlan(t);
    }

    /** @return the plan of the empty topology */
    public static EnginePlan empty() {
        return EMPTY;
    }

    /**
     * FIG 6: an L4/3 first stage realized on the internal firewall dispatcher, with servers of its own, is served
     * by the sandwich itself.
     *
     * @param t     topology
     * @param first a service's first stage
     * @return true if the sandwich serves it
     */
    public static boolean isSandwichServed(FwlbTopology t, Dispatcher first) {
        return first.deviceId().isPresent() && first.kind() == DispatcherKind.L4_3
                && t.internal().map(d -> d.deviceId().equals(first.deviceId().get())).orElse(false)
                && !t.childServers(first.id()).isEmpty();
    }

    /** Every dispatcher reachable from a first stage, breadth first (the config forbids cycles). */
    static List<String> stagesOf(FwlbTopology t, String first) {
        Set<String> seen = new LinkedHashSet<>();
        Deque<String> todo = new ArrayDeque<>();
        todo.add(first);
        while (!todo.isEmpty()) {
            String id = todo.poll();
            if (!seen.add(id)) {
                continue;
            }
            for (Dispatcher c : t.childDispatchers(id)) {
                todo.add(c.id());
            }
        }
        return new ArrayList<>(seen);
    }

    /** @return the topology this plan was derived from */
    public FwlbTopology topology() {
        return topology;
    }

    /**
     * Returns the services an owner serves.
     *
     * @param owner owner
     * @return services
     */
    public List<VirtualService> services(Owner owner) {
        return owner == Owner.SANDWICH ? sandwichServices : dispatchServices;
    }

    /**
     * Returns the decision points on a device.
     *
     * @param dev device
     * @return points, empty if none
     */
    public List<DecisionPoint> pointsOn(DeviceId dev) {
        ImmutableList<DecisionPoint> p = points.get(dev);
        return p == null ? ImmutableList.of() : p;
    }

    /** @return every device with a decision point */
    public Set<DeviceId> pointDevices() {
        return points.keySet();
    }

    /**
     * Returns the decision point a TCP packet punted at a device addresses: the firewall choice for frames to a
     * firewall dispatcher's gateway MAC, else the stage (or DF host) whose MAC the frame is sent to.
     *
     * @param dev    device
     * @param ethDst destination MAC of the frame
     * @return point, or null
     */
    public DecisionPoint pointAt(DeviceId dev, long ethDst) {
        for (DecisionPoint p : pointsOn(dev)) {
            MacAddress mac = p.kind() == DecisionPoint.Kind.FIREWALL_CHOICE ? p.flb().gatewayMac() : p.stage().mac();
            if (mac.toLong() == ethDst) {
                return p;
            }
        }
        return null;
    }

    /**
     * Returns the decision point of a dispatcher: its stage on its switch, or the DF of a host-realized one.
     *
     * @param dispatcherId dispatcher id
     * @return point, or null (a server, an unknown id, a host without DF)
     */
    public DecisionPoint pointOf(String dispatcherId) {
        return pointOfMember.get(dispatcherId);
    }

    /**
     * Returns the firewall choice of a firewall dispatcher.
     *
     * @param role role
     * @return point, or null without a sandwich
     */
    public DecisionPoint firewallChoice(Role role) {
        FirewallDispatcher d = (role == Role.EXTERNAL ? topology.external() : topology.internal()).orElse(null);
        if (d == null) {
            return null;
        }
        for (DecisionPoint p : pointsOn(d.deviceId())) {
            if (p.kind() == DecisionPoint.Kind.FIREWALL_CHOICE && p.role() == role) {
                return p;
            }
        }
        return null;
    }

    /**
     * Returns the services whose tree contains a stage.
     *
     * @param stageId dispatcher id
     * @return services, empty if none
     */
    public List<VirtualService> servicesOf(String stageId) {
        ImmutableList<VirtualService> s = servicesOfStage.get(stageId);
        return s == null ? ImmutableList.of() : s;
    }

    /**
     * Finds the service of a connection to a stage: the service on (vip, port), else the one whose data ports
     * hold port.
     *
     * @param stageId dispatcher id
     * @param vip     destination IP
     * @param port    destination port
     * @return service, or null
     */
    public VirtualService serviceAt(String stageId, int vip, int port) {
        return serviceIn(servicesOf(stageId), vip, port);
    }

    /**
     * Finds the service (of either owner) a connection addresses.
     *
     * @param vip  destination IP
     * @param port destination port
     * @return service, or null
     */
    public VirtualService serviceFor(int vip, int port) {
        VirtualService v = serviceIn(sandwichServices, vip, port);
        return v != null ? v : serviceIn(dispatchServices, vip, port);
    }

    private static VirtualService serviceIn(List<VirtualService> services, int vip, int port) {
        VirtualService data = null;
        for (VirtualService v : services) {
            if (Ip4.toInt(v.vip().getIp4Address()) != vip) {
                continue;
            }
            if (v.port() == port) {
                return v;
            }
            if (v.isDataPort(port)) {
                data = v;
            }
        }
        return data;
    }

    /**
     * Tells whether the sandwich serves a service (FIG 6).
     *
     * @param v service
     * @return true for a FIG 6 service
     */
    public boolean isSandwichService(VirtualService v) {
        return sandwichServices.contains(v);
    }

    /**
     * Returns the VIPs served through a stage.
     *
     * @param stageId dispatcher id
     * @return distinct VIPs in service order
     */
    public List<Integer> vipsOf(String stageId) {
        Set<Integer> out = new LinkedHashSet<>();
        for (VirtualService v : servicesOf(stageId)) {
            out.add(Ip4.toInt(v.vip().getIp4Address()));
        }
        return new ArrayList<>(out);
    }

    /**
     * Returns where ARP for the dispatch application's VIPs is answered and with which first stage's MAC: at the
     * first stage's own switch and at the device through which the previous hop reaches it (FIG 7/8: the internal
     * firewall dispatcher).
     *
     * @return device to (VIP to first stage)
     */
    public Map<DeviceId, Map<Integer, Dispatcher>> vipArp() {
        return vipArp;
    }

    private Map<DeviceId, Map<Integer, Dispatcher>> computeVipArp() {
        Map<DeviceId, Map<Integer, Dispatcher>> out = new LinkedHashMap<>();
        for (VirtualService v : dispatchServices) {
            Dispatcher first = topology.dispatcher(v.firstStage());
            int vip = Ip4.toInt(v.vip().getIp4Address());
            first.deviceId().ifPresent(dev -> out.computeIfAbsent(dev, k -> new HashMap<>()).putIfAbsent(vip, first));
            first.location().ifPresent(cp -> out.computeIfAbsent(cp.deviceId(), k -> new HashMap<>())
                    .putIfAbsent(vip, first));
        }
        return out;
    }

    /**
     * Returns the servers the dispatch application probes: those plugged into the switch of an L4/3 stage that
     * reaches them.
     *
     * @return probe targets
     */
    public List<ProbeTarget> probeTargets() {
        return probeTargets;
    }

    private ImmutableList<ProbeTarget> computeProbeTargets() {
        List<ProbeTarget> out = new ArrayList<>();
        points.forEach((dev, ps) -> {
            for (DecisionPoint p : ps) {
                if (p.kind() != DecisionPoint.Kind.L4_3 || p.owner() != Owner.DISPATCH) {
                    continue;
                }
                for (Server srv : topology.childServers(p.stage().id())) {
                    if (!srv.location().deviceId().equals(dev)) {
                        continue;
                    }
                    for (VirtualService v : p.services()) {
                        if (srv.offers(v.serviceType())) {
                            out.add(new ProbeTarget(p.stage(), srv, v.port()));
                            break;
                        }
                    }
                }
            }
        });
        return ImmutableList.copyOf(out);
    }

    /**
     * Returns the dispatch application's first stages reached through another controlled device's port (FIG 7/8:
     * the internal firewall dispatcher's uplink), where frames to their MAC must be steered rather than flooded.
     *
     * @return first stages with such a location
     */
    public List<Dispatcher> steeredFirstStages() {
        Set<Dispatcher> out = new LinkedHashSet<>();
        for (VirtualService v : dispatchServices) {
            Dispatcher first = topology.dispatcher(v.firstStage());
            ConnectPoint cp = first.location().orElse(null);
            if (cp != null && !first.deviceId().map(cp.deviceId()::equals).orElse(false)) {
                out.add(first);
            }
        }
        return new ArrayList<>(out);
    }

    /**
     * Returns every device an owner puts rules on: its decision points' devices, the devices where it answers ARP
     * and steers frames to first stages, and (sandwich) both firewall dispatchers.
     *
     * @param owner owner
     * @return devices
     */
    public Set<DeviceId> devices(Owner owner) {
        Set<DeviceId> out = new LinkedHashSet<>();
        if (owner == Owner.SANDWICH) {
            topology.external().ifPresent(d -> out.add(d.deviceId()));
            topology.internal().ifPresent(d -> out.add(d.deviceId()));
        }
        points.forEach((dev, ps) -> {
            for (DecisionPoint p : ps) {
                if (p.owner() == owner) {
                    out.add(dev);
                }
            }
        });
        if (owner == Owner.DISPATCH) {
            out.addAll(vipArp.keySet());
            for (Dispatcher d : steeredFirstStages()) {
                out.add(d.location().get().deviceId());
            }
        }
        return out;
    }
}
