package org.fwlb.dispatch.rest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.fwlb.api.DispatchMemberStatus;
import org.fwlb.api.DispatchService;
import org.fwlb.api.FwlbTopologyService;
import org.fwlb.api.L7Report;
import org.fwlb.api.L7Status;
import org.fwlb.model.AdminState;
import org.fwlb.model.Dispatcher;
import org.fwlb.model.DispatcherKind;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.HealthState;
import org.fwlb.model.Server;
import org.fwlb.model.VirtualService;
import org.onosproject.rest.AbstractWebResource;

import javax.ws.rs.GET;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The controller side of the L7/3 dispatcher processes (seed [0036], FIG 5): each dispatcher POSTs a report
 * every interval and gets back its servers (with the operator's weights and drains applied), the central
 * directory of which dispatcher reaches which server, and its peers' relay addresses. GET directory serves
 * the directory alone; GET l7 shows each dispatcher's health and request counts.
 */
@Path("")
public class L7WebResource extends AbstractWebResource {

    /** Relay port a dispatcher that has not reported yet is assumed to use. */
    static final int DEFAULT_RELAY_PORT = 8081;

    private static final ObjectMapper STRICT = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /**
     * Takes an L7/3 dispatcher's report and answers with its view.
     *
     * @param id   dispatcher id
     * @param body report JSON
     * @return 200 with {"servers": [...], "directory": [...], "dispatchers": [...]}; 400 bad report; 404 unknown id
     */
    @POST
    @Path("l7/{id}/report")
    @Produces(MediaType.APPLICATION_JSON)
    public Response report(@PathParam("id") String id, InputStream body) {
        L7Report report;
        try {
            report = parse(body);
        } catch (IllegalArgumentException e) {
            return error(Response.Status.BAD_REQUEST, e.getMessage());
        }
        try {
            get(DispatchService.class).l7Report(id, report);
        } catch (IllegalArgumentException e) {
            return error(Response.Status.NOT_FOUND, e.getMessage());
        }
        ObjectNode root = directory();
        root.set("servers", servers(id));
        return ok(root).build();
    }

    /**
     * Returns the central directory: for every server an L7/3 dispatcher reaches, the dispatchers that reach
     * it (healthy ones), and every L7/3 dispatcher's relay address and health.
     *
     * @return 200 with {"directory": [...], "dispatchers": [...]}
     */
    @GET
    @Path("directory")
    @Produces(MediaType.APPLICATION_JSON)
    public Response getDirectory() {
        return ok(directory()).build();
    }

    /**
     * Lists the L7/3 dispatchers with their health, last report age and request counts (total and per server).
     *
     * @return 200 with {"l7": [...]}
     */
    @GET
    @Path("l7")
    @Produces(MediaType.APPLICATION_JSON)
    public Response l7() {
        ObjectNode root = mapper().createObjectNode();
        ArrayNode list = root.putArray("l7");
        for (L7Status s : get(DispatchService.class).l7Dispatchers()) {
            ObjectNode n = list.addObject();
            n.put("id", s.id());
            n.put("health", s.health().name().toLowerCase());
            n.put("reportAgeMs", s.ageMillis());
            L7Report r = s.last();
            if (r != null) {
                n.put("requests", r.requests());
                n.put("relayedOut", r.relayedOut());
                n.put("relayedIn", r.relayedIn());
                n.put("badRequests", r.badRequests());
                n.put("relayPort", r.relayPort());
                ObjectNode servers = n.putObject("servers");
                r.servers().forEach((sid, sr) -> {
                    ObjectNode x = servers.putObject(sid);
                    x.put("health", sr.health().name().toLowerCase());
                    x.put("requests", sr.requests());
                    x.put("open", sr.open());
                    x.put("pooled", sr.pooled());
                });
            }
        }
        return ok(root).build();
    }

    private ObjectNode directory() {
        FwlbTopology t = get(FwlbTopologyService.class).topology();
        DispatchService svc = get(DispatchService.class);
        Map<String, Integer> relayPorts = new HashMap<>();
        for (L7Status s : svc.l7Dispatchers()) {
            relayPorts.put(s.id(), s.last() != null && s.last().relayPort() > 0 ? s.last().relayPort()
                    : DEFAULT_RELAY_PORT);
        }
        Map<String, ArrayNode> byServer = new LinkedHashMap<>();
        ObjectNode root = mapper().createObjectNode();
        ArrayNode dispatchers = root.putArray("dispatchers");
        for (Dispatcher d : t.dispatchers()) {
            if (d.kind() != DispatcherKind.L7_3 || d.isSwitchRealized()) {
                continue;
            }
            DispatchMemberStatus st = svc.member(d.id()).orElse(null);
            // a draining dispatcher still serves the cookies of its servers
            boolean up = st == null || st.health() == HealthState.UP && st.adminState() != AdminState.DOWN;
            ObjectNode n = dispatchers.addObject();
            n.put("id", d.id());
            n.put("relay", d.ip().toString() + ":" + relayPorts.getOrDefault(d.id(), DEFAULT_RELAY_PORT));
            n.put("health", up ? "up" : "down");
            for (Server s : t.childServers(d.id())) {
                ArrayNode list = byServer.computeIfAbsent(s.id(), k -> mapper().createArrayNode());
                if (up) {
                    list.add(d.id());
                }
            }
        }
        ArrayNode dir = root.putArray("directory");
        byServer.forEach((sid, list) -> {
            ObjectNode n = dir.addObject();
            n.put("server", sid);
            n.set("dispatchers", list);
        });
        return root;
    }

    private ArrayNode servers(String id) {
        FwlbTopology t = get(FwlbTopologyService.class).topology();
        DispatchService svc = get(DispatchService.class);
        ArrayNode out = mapper().createArrayNode();
        for (Server s : t.childServers(id)) {
            DispatchMemberStatus st = svc.member(s.id()).orElse(null);
            ObjectNode n = out.addObject();
            n.put("id", s.id());
            n.put("ip", s.ip().toString());
            n.put("port", servicePort(t, id, s));
            n.put("weight", st != null ? st.weight() : s.weight());
            n.put("adminState", (st != null ? st.adminState() : s.adminState()).jsonName());
            ArrayNode types = n.putArray("serviceTypes");
            s.services().forEach(types::add);
        }
        return out;
    }

    /** The port of the first service through this dispatcher whose type the server offers (80 if none). */
    private static int servicePort(FwlbTopology t, String dispatcherId, Server s) {
        for (VirtualService v : t.services()) {
            if (s.offers(v.serviceType()) && reaches(t, v.firstStage(), dispatcherId)) {
                return v.port();
            }
        }
        return 80;
    }

    private static boolean reaches(FwlbTopology t, String from, String id) {
        if (from.equals(id)) {
            return true;
        }
        for (Dispatcher d : t.childDispatchers(from)) {
            if (reaches(t, d.id(), id)) {
                return true;
            }
        }
        return false;
    }

    /** Parses a report strictly enough that a wrong type is a 400, leniently about fields it does not use. */
    static L7Report parse(InputStream body) {
        JsonNode root;
        try {
            root = STRICT.readTree(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("report is not valid JSON: " + e.getMessage().split("\n")[0]);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("report must be a JSON object");
        }
        Map<String, L7Report.ServerReport> servers = new LinkedHashMap<>();
        JsonNode sn = root.get("servers");
        if (sn != null && !sn.isNull()) {
            if (!sn.isObject()) {
                throw new IllegalArgumentException("\"servers\" must be an object of server id to report");
            }
            Iterator<Map.Entry<String, JsonNode>> it = sn.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode s = e.getValue();
                if (!s.isObject()) {
                    throw new IllegalArgumentException("servers." + e.getKey() + " must be an object");
                }
                String h = s.path("health").asText("");
                HealthState health;
                if ("up".equals(h)) {
                    health = HealthState.UP;
                } else if ("down".equals(h)) {
                    health = HealthState.DOWN;
                } else {
                    throw new IllegalArgumentException("servers." + e.getKey() + ".health must be \"up\" or \"down\"");
                }
                servers.put(e.getKey(), new L7Report.ServerReport(health, count(s, "requests", "servers." + e.getKey()),
                        (int) count(s, "open", "servers." + e.getKey()),
                        (int) count(s, "pooled", "servers." + e.getKey())));
            }
        }
        long relayPort = count(root, "relayPort", "");
        if (relayPort > 65535) {
            throw new IllegalArgumentException("relayPort must be a port number");
        }
        return new L7Report(servers, count(root, "requests", ""), count(root, "relayedOut", ""),
                            count(root, "relayedIn", ""), count(root, "badRequests", ""), (int) relayPort);
    }

    private static long count(JsonNode o, String field, String path) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            return 0;
        }
        if (!v.isIntegralNumber() || v.longValue() < 0) {
            throw new IllegalArgumentException((path.isEmpty() ? "" : path + ".") + field
                                                       + " must be a non-negative integer, not " + v);
        }
        return v.longValue();
    }

    private Response error(Response.Status status, String message) {
        ObjectNode n = mapper().createObjectNode();
        n.put("code", status.getStatusCode());
        n.put("message", message);
        return Response.status(status).entity(n).type(MediaType.APPLICATION_JSON).build();
    }

}
