package org.fwlb.dispatch.impl;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import org.fwlb.model.Dispatcher;
import org.fwlb.model.DispatcherKind;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.Ip4;
import org.fwlb.model.Protocol;
import org.fwlb.model.VirtualService;
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
 * What the dispatch application does where, derived once from a topology: the virtual services it serves
 * (all but the FIG 6 ones the firewall sandwich serves itself), the stages of each service's dispatch tree,
 * and per device the stages realized on it (switch dispatchers) or attached to it (the firewall-dispatching
 * module, DF, of an L7/3 host). Pure: no ONOS services.
 */
final class DispatchPlan {

    /** A stage on a device: a switch-realized dispatcher, or the DF of a host-realized one. */
    static final class Spot {
        final Dispatcher stage;
        final boolean df;
        final ImmutableList<VirtualService> services;

        Spot(Dispatcher stage, boolean df, List<VirtualService> services) {
            this.stage = stage;
            this.df = df;
            this.services = ImmutableList.copyOf(services);
        }
    }

    private final FwlbTopology topology;
    private final ImmutableList<VirtualService> services;
    private final ImmutableMap<DeviceId, ImmutableList<Spot>> spots;
    private final ImmutableMap<String, ImmutableList<VirtualService>> servicesOfStage;
    private final Map<DeviceId, Map<Integer, Dispatcher>> arpAnswers;
    private final List<ServerProber.Target> probeTargets;

    private DispatchPlan(FwlbTopology t) {
        this.topology = t;
        List<VirtualService> served = new ArrayList<>();
        Map<String, List<VirtualService>> byStage = new LinkedHashMap<>();
        for (VirtualService v : t.services()) {
            Dispatcher first = t.dispatcher(v.firstStage());
            if (first == null || v.protocol() != Protocol.TCP || isSandwichServed(t, first)) {
                continue;
            }
            served.add(v);
            for (String id : stagesOf(t, first.id())) {
                byStage.computeIfAbsent(id, k -> new ArrayList<>()).add(v);
            }
        }
        this.services = ImmutableList.copyOf(served);
        ImmutableMap.Builder<String, ImmutableList<VirtualService>> sb = ImmutableMap.builder();
        byStage.forEach((k, v) -> sb.put(k, ImmutableList.copyOf(v)));
        this.servicesOfStage = sb.build();
        Map<DeviceId, List<Spot>> bySpot = new LinkedHashMap<>();
        for (Map.Entry<String, List<VirtualService>> e : byStage.entrySet()) {
            Dispatcher d = t.dispatcher(e.getKey());
            if (d.isSwitchRealized()) {
                bySpot.computeIfAbsent(d.deviceId().get(), k -> new ArrayList<>()).add(new Spot(d, false, e.getValue()));
            } else if (d.attachment().isPresent() && t.hasSandwich()) {
                // a DF only matters behind a sandwich: it strips the path tag and steers replies
                bySpot.computeIfAbsent(d.attachment().get().deviceId(), k -> new ArrayList<>())
                        .add(new Spot(d, true, e.getValue()));
            }
        }
        ImmutableMap.Builder<DeviceId, ImmutableList<Spot>> b = ImmutableMap.builder();
        bySpot.forEach((k, v) -> b.put(k, ImmutableList.copyOf(v)));
        this.spots = b.build();
        this.arpAnswers = computeArpAnswers();
        this.probeTargets = ImmutableList.copyOf(ServerProber.computeTargets(this));
    }

    /**
     * Derives the plan of a topology.
     *
     * @param t topology
     * @return plan
     */
    static DispatchPlan of(FwlbTopology t) {
        return new DispatchPlan(t);
    }

    /**
     * FIG 6: an L4/3 first stage realized on the internal firewall dispatcher, with servers of its own, is
     * served by the firewall sandwich itself (one decision picks firewall and server); the same condition as
     * the sandwich's.
     */
    static boolean isSandwichServed(FwlbTopology t, Dispatcher first) {
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
    FwlbTopology topology() {
        return topology;
    }

    /** @return the services the dispatch application serves */
    List<VirtualService> services() {
        return services;
    }

    /** @return every device the dispatch application has stages on */
    Set<DeviceId> stageDevices() {
        return spots.keySet();
    }

    /**
     * Returns the stages on a device.
     *
     * @param dev device
     * @return spots, empty if none
     */
    List<Spot> spotsOn(DeviceId dev) {
        ImmutableList<Spot> s = spots.get(dev);
        return s == null ? ImmutableList.of() : s;
    }

    /**
     * Returns the stage on a device that owns a destination MAC.
     *
     * @param dev device
     * @param mac destination MAC of the packet (as a long)
     * @return spot, or null
     */
    Spot spotFor(DeviceId dev, long mac) {
        for (Spot s : spotsOn(dev)) {
            if (s.stage.mac().toLong() == mac) {
                return s;
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
    List<VirtualService> servicesOf(String stageId) {
        ImmutableList<VirtualService> s = servicesOfStage.get(stageId);
        return s == null ? ImmutableList.of() : s;
    }

    /**
     * Finds the service of a connection to a stage: the service on (vip, port), or the service whose data ports
     * hold port.
     *
     * @param stageId dispatcher id
     * @param vip     destination IP
     * @param port    destination port
     * @return service, or null
     */
    VirtualService serviceAt(String stageId, int vip, int port) {
        VirtualService data = null;
        for (VirtualService v : servicesOf(stageId)) {
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
     * Returns the VIPs served through a stage.
     *
     * @param stageId dispatcher id
     * @return distinct VIPs in service order
     */
    List<Integer> vipsOf(String stageId) {
        Set<Integer> out = new LinkedHashSet<>();
        for (VirtualService v : servicesOf(stageId)) {
            out.add(Ip4.toInt(v.vip().getIp4Address()));
        }
        return new ArrayList<>(out);
    }

    /**
     * Returns where ARP requests for each VIP must be answered, and with which MAC: at the first stage's own
     * switch, and at the device through which the previous hop reaches it (FIG 7/8: the internal firewall
     * dispatcher).
     *
     * @return device to (VIP to first stage)
     */
    Map<DeviceId, Map<Integer, Dispatcher>> arpAnswers() {
        return arpAnswers;
    }

    /** @return the servers probed from their L4/3 stage's switch (computed once per plan) */
    List<ServerProber.Target> probeTargets() {
        return probeTargets;
    }

    private Map<DeviceId, Map<Integer, Dispatcher>> computeArpAnswers() {
        Map<DeviceId, Map<Integer, Dispatcher>> out = new LinkedHashMap<>();
        for (VirtualService v : services) {
            Dispatcher first = topology.dispatcher(v.firstStage());
            int vip = Ip4.toInt(v.vip().getIp4Address());
            first.deviceId().ifPresent(dev -> out.computeIfAbsent(dev, k -> new HashMap<>()).putIfAbsent(vip, first));
            first.location().ifPresent(cp -> out.computeIfAbsent(cp.deviceId(), k -> new HashMap<>())
                    .putIfAbsent(vip, first));
        }
        return out;
    }

    /**
     * Returns the first stages reached through another controlled device's port (FIG 7/8: the internal firewall
     * dispatcher's uplink), where frames to their MAC must be steered rather than flooded.
     *
     * @return first stages with such a location
     */
    List<Dispatcher> steeredFirstStages() {
        Set<Dispatcher> out = new LinkedHashSet<>();
        for (VirtualService v : services) {
            Dispatcher first = topology.dispatcher(v.firstStage());
            ConnectPoint cp = first.location().orElse(null);
            if (cp != null && !first.deviceId().map(cp.deviceId()::equals).orElse(false)) {
                out.add(first);
            }
        }
        return new ArrayList<>(out);
    }
}
