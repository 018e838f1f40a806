package org.fwlb.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.fwlb.model.ConnectionEntry;
import org.fwlb.model.Dispatcher;
import org.fwlb.model.FlowKey;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.Ip4;
import org.fwlb.model.Server;
import org.fwlb.model.VirtualService;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The JSON shapes of hierarchical dispatch that the REST API (/onos/cluster-dispatch) and the CLI's
 * {@code -j} output share: members, connections and services with their dispatch trees.
 */
public final class DispatchJsonViews {

    private DispatchJsonViews() {
    }

    /**
     * Returns a member's status as JSON, with its configuration (reaches, policy, addresses) when the
     * topology knows it.
     *
     * @param mapper   mapper
     * @param s        status
     * @param topology topology in force, or null for the status alone
     * @return node
     */
    public static ObjectNode member(ObjectMapper mapper, DispatchMemberStatus s, FwlbTopology topology) {
        ObjectNode n = mapper.createObjectNode();
        n.put("id", s.id());
        n.put("role", s.role().name().toLowerCase(Locale.ROOT));
        n.put("kind", s.kind());
        n.put("stage", s.stage());
        if (s.device() != null) {
            n.put("device", s.device());
        }
        n.put("adminState", s.adminState().jsonName());
        n.put("health", s.health().name().toLowerCase(Locale.ROOT));
        n.put("eligibility", s.eligibility().name().toLowerCase(Locale.ROOT));
        n.put("weight", s.weight());
        n.put("maxConnections", s.maxConnections());
        n.put("connections", s.connections());
        n.put("placed", s.placed());
        ArrayNode parents = n.putArray("parents");
        s.parents().forEach(parents::add);
        if (topology == null) {
            return n;
        }
        Dispatcher d = s.role() == DispatchMemberStatus.Role.DISPATCHER ? topology.dispatcher(s.id()) : null;
        Server srv = s.role() == DispatchMemberStatus.Role.SERVER ? topology.server(s.id()) : null;
        if (d != null) {
            n.put("ip", d.ip().toString());
            n.put("mac", d.mac().toString());
            d.location().ifPresent(l -> n.put("location", l.toString()));
            n.put("policy", d.policy());
            ArrayNode reaches = n.putArray("reaches");
            d.reaches().forEach(reaches::add);
        } else if (srv != null) {
            n.put("ip", srv.ip().toString());
            n.put("mac", srv.mac().toString());
            n.put("location", srv.location().toString());
            ArrayNode types = n.putArray("services");
            srv.services().forEach(types::add);
        }
        return n;
    }

    /**
     * Returns a connection placed through the dispatch stages as JSON.
     *
     * @param mapper    mapper
     * @param e         connection
     * @param nowMillis now, for the ages
     * @return node
     */
    public static ObjectNode connection(ObjectMapper mapper, ConnectionEntry e, long nowMillis) {
        ObjectNode n = mapper.createObjectNode();
        FlowKey f = e.flow();
        n.put("key", e.key().toString());
        n.put("client", Ip4.format(f.srcIp()) + ":" + f.srcPort());
        // the same as fields, so a script need not split the display form
        n.put("clientIp", Ip4.format(f.srcIp()));
        n.put("clientPort", f.srcPort());
        n.put("vip", Ip4.format(f.dstIp()) + ":" + f.dstPort());
        ObjectNode path = n.putObject("path");
        path.put("firewall", e.path().firewallId().orElse(null));
        ArrayNode dispatchers = path.putArray("dispatchers");
        e.path().dispatcherIds().forEach(dispatchers::add);
        path.put("server", e.path().serverId().orElse(null));
        if (e.path().pathTag().isPresent()) {
            path.put("pathTag", e.path().pathTag().get().value());
        } else {
            path.putNull("pathTag");
        }
        n.put("state", e.state().name().toLowerCase(Locale.ROOT));
        n.put("app", e.appName());
        n.put("ageSeconds", Math.max(0, (nowMillis - e.createdMillis()) / 1000));
        n.put("idleSeconds", Math.max(0, (nowMillis - e.lastSeenMillis()) / 1000));
        n.put("packets", e.packets());
        n.put("bytes", e.bytes());
        return n;
    }

    /**
     * Returns a virtual service with its dispatch tree: the stages (dispatchers by depth from the first
     * stage), the servers that can serve it, and the tree of members that can serve its service type, each
     * with its status.
     *
     * @param mapper   mapper
     * @param v        service
     * @param topology topology in force
     * @param statuses member statuses by id (members without one are shown from the configuration)
     * @return node
     */
    public static ObjectNode service(ObjectMapper mapper, VirtualService v, FwlbTopology topology,
                                     Map<String, DispatchMemberStatus> statuses) {
        ObjectNode n = mapper.createObjectNode();
        n.put("id", v.id());
        n.put("vip", v.vip().toString());
        n.put("protocol", v.protocol().jsonName());
        n.put("port", v.port());
        n.put("serviceType", v.serviceType());
        n.put("firstStage", v.firstStage());
        n.put("mode", v.mode().jsonName());
        n.put("unknownNonSyn", v.unknownNonSyn().jsonName());
        n.put("policy", v.policy().orElse(null));
        ArrayNode stages = n.putArray("stages");
        for (List<String> stage : stages(v, topology)) {
            ArrayNode s = stages.addArray();
            stage.forEach(s::add);
        }
        ArrayNode servers = n.putArray("servers");
        topology.serversReachable(v.firstStage(), v.serviceType()).forEach(s -> servers.add(s.id()));
        n.set("tree", treeNode(mapper, v.firstStage(), v.serviceType(), topology, statuses, new HashSet<>()));
        return n;
    }

    /**
     * Returns the servers of each service type (seed [0031]: each service type has its own server set).
     *
     * @param mapper   mapper
     * @param topology topology in force
     * @return {type: [server ids]}
     */
    public static ObjectNode serverSets(ObjectMapper mapper, FwlbTopology topology) {
        Map<String, List<String>> byType = new LinkedHashMap<>();
        for (Server s : topology.servers()) {
            for (String type : s.services()) {
                byType.computeIfAbsent(type, k -> new ArrayList<>()).add(s.id());
            }
        }
        ObjectNode n = mapper.createObjectNode();
        byType.forEach((type, ids) -> {
            ArrayNode a = n.putArray(type);
            ids.forEach(a::add);
        });
        return n;
    }

    /**
     * Returns the dispatchers a service's connections may cross, by depth from its first stage (stage 1 is
     * the first stage alone); only dispatchers from which a server of its type is reachable.
     *
     * @param v        service
     * @param topology topology in force
     * @return stages, each a list of dispatcher ids
     */
    public static List<List<String>> stages(VirtualService v, FwlbTopology topology) {
        List<List<String>> out = new ArrayList<>();
        if (!topology.isDispatcher(v.firstStage())) {
            return out;
        }
        Set<String> seen = new HashSet<>();
        List<String> current = new ArrayList<>();
        current.add(v.firstStage());
        seen.add(v.firstStage());
        while (!current.isEmpty()) {
            out.add(current);
            Set<String> next = new LinkedHashSet<>();
            for (String d : current) {
                for (String c : topology.candidates(d, v.serviceType())) {
                    if (topology.isDispatcher(c) && seen.add(c)) {
                        next.add(c);
                    }
                }
            }
            current = new ArrayList<>(next);
        }
        return out;
    }

    // One node of a service's tree; a member on the current branch is not expanded again (the topology is
    // validated acyclic, this only bounds the walk should it not be).
    private static ObjectNode treeNode(ObjectMapper mapper, String id, String serviceType, FwlbTopology topology,
                                       Map<String, DispatchMemberStatus> statuses, Set<String> branch) {
        ObjectNode n = mapper.createObjectNode();
        n.put("id", id);
        DispatchMemberStatus s = statuses.get(id);
        boolean dispatcher = topology.isDispatcher(id);
        n.put("role", dispatcher ? "dispatcher" : "server");
        if (s != null) {
            n.put("kind", s.kind());
            n.put("adminState", s.adminState().jsonName());
            n.put("health", s.health().name().toLowerCase(Locale.ROOT));
            n.put("eligibility", s.eligibility().name().toLowerCase(Locale.ROOT));
            n.put("weight", s.weight());
            n.put("connections", s.connections());
        } else if (dispatcher) {
            Dispatcher d = topology.dispatcher(id);
            n.put("kind", d.kind().jsonName());
            n.put("adminState", d.adminState().jsonName());
            n.put("weight", d.weight());
        } else if (topology.isServer(id)) {
            Server srv = topology.server(id);
            n.put("kind", "server");
            n.put("adminState", srv.adminState().jsonName());
            n.put("weight", srv.weight());
        }
        if (dispatcher) {
            ArrayNode children = n.putArray("children");
            if (branch.add(id)) {
                for (String c : topology.candidates(id, serviceType)) {
                    if (!branch.contains(c)) {
                        children.add(treeNode(mapper, c, serviceType, topology, statuses, branch));
                    }
                }
                branch.remove(id);
            }
        }
        return n;
    }
}
