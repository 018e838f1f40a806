package org.fwlb.dispatch.rest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.fwlb.api.DispatchJsonViews;
import org.fwlb.api.DispatchMemberStatus;
import org.fwlb.api.DispatchMemberStatus.Role;
import org.fwlb.api.DispatchQueries;
import org.fwlb.api.DispatchService;
import org.fwlb.api.JsonViews;
import org.fwlb.api.FwlbTopologyService;
import org.fwlb.model.AdminState;
import org.fwlb.model.ConnectionEntry;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.VirtualService;
import org.onosproject.rest.AbstractWebResource;

import javax.ws.rs.DELETE;
import javax.ws.rs.GET;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.QueryParam;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Predicate;

/**
 * Hierarchical dispatch: virtual services with their dispatch trees, the dispatchers and servers with
 * their effective state, operator overrides (admin state, weight), the connections placed through the
 * stages and the counters. An unknown id answers 404 and a malformed request 400, each with
 * {"code": ..., "message": "..."} (ONOS's error shape, as every fwlb REST API); nothing changes then.
 */
@Path("")
public class DispatchWebResource extends AbstractWebResource {

    // the member collections an override may be addressed through, and the role each one requires
    private static final String MEMBERS = "{collection: members|dispatchers|servers}/{id}";

    /**
     * Lists the virtual services, each with its dispatch tree (stages, servers, members by stage), and
     * the server set of each service type.
     *
     * @return 200 OK with {"services": [...], "serverSets": {type: [server ids]}}
     */
    @GET
    @Path("services")
    @Produces(MediaType.APPLICATION_JSON)
    public Response services() {
        FwlbTopology t = get(FwlbTopologyService.class).topology();
        DispatchService svc = get(DispatchService.class);
        Map<String, DispatchMemberStatus> statuses = new HashMap<>();
        svc.dispatchers().forEach(s -> statuses.put(s.id(), s));
        svc.servers().forEach(s -> statuses.put(s.id(), s));
        ObjectNode root = mapper().createObjectNode();
        ArrayNode list = root.putArray("services");
        for (VirtualService v : t.services()) {
            list.add(DispatchJsonViews.service(mapper(), v, t, statuses));
        }
        root.set("serverSets", DispatchJsonViews.serverSets(mapper(), t));
        return ok(root).build();
    }

    /**
     * Lists the dispatchers of every stage with their state, weight and load.
     *
     * @return 200 OK with {"dispatchers": [...]}
     */
    @GET
    @Path("dispatchers")
    @Produces(MediaType.APPLICATION_JSON)
    public Response dispatchers() {
        return list("dispatchers", get(DispatchService.class).dispatchers());
    }

    /**
     * Shows one dispatcher.
     *
     * @param id dispatcher id
     * @return 200 OK with the dispatcher; 404 when there is no such dispatcher
     */
    @GET
    @Path("dispatchers/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response dispatcher(@PathParam("id") String id) {
        return one(id, Role.DISPATCHER);
    }

    /**
     * Lists the back-end servers with their state, weight and load.
     *
     * @return 200 OK with {"servers": [...]}
     */
    @GET
    @Path("servers")
    @Produces(MediaType.APPLICATION_JSON)
    public Response servers() {
        return list("servers", get(DispatchService.class).servers());
    }

    /**
     * Shows one server.
     *
     * @param id server id
     * @return 200 OK with the server; 404 when there is no such server
     */
    @GET
    @Path("servers/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response server(@PathParam("id") String id) {
        return one(id, Role.SERVER);
    }

    /**
     * Shows one dispatcher or server.
     *
     * @param id member id
     * @return 200 OK with the member; 404 when there is no such member
     */
    @GET
    @Path("members/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response member(@PathParam("id") String id) {
        return one(id, null);
    }

    /**
     * Sets a member's admin state (an operator override): draining and down take it out of the choice
     * for new connections, down also ends its connections. Also under dispatchers/{id} and servers/{id}.
     *
     * @param collection members, dispatchers or servers
     * @param id         member id
     * @param body       {"state": "up" | "draining" | "down"}
     * @return 200 OK with the member; 404 for an unknown member; 400 for a malformed body
     */
    @POST
    @Path(MEMBERS + "/state")
    @Produces(MediaType.APPLICATION_JSON)
    public Response setState(@PathParam("collection") String collection, @PathParam("id") String id,
                             InputStream body) {
        DispatchService svc = get(DispatchService.class);
        try {
            DispatchQueries.requireMember(svc, id, roleOf(collection));
            AdminState state = DispatchQueries.adminState(RequestBodies.stringField(body, "state",
                                                                                   "\"up|draining|down\""));
            return change(svc, id, () -> svc.setAdminState(id, state));
        } catch (NoSuchElementException e) {
            return error(Response.Status.NOT_FOUND, e.getMessage());
        } catch (IllegalArgumentException e) {
            return error(Response.Status.BAD_REQUEST, e.getMessage());
        }
    }

    /**
     * Sets a member's weight (an operator override; its share among its siblings, seed [0032]); pinned
     * connections stay where they are. Also under dispatchers/{id} and servers/{id}.
     *
     * @param collection members, dispatchers or servers
     * @param id         member id
     * @param body       {"weight": 0..10000}
     * @return 200 OK with the member; 404 for an unknown member; 400 for a malformed body or weight
     */
    @POST
    @Path(MEMBERS + "/weight")
    @Produces(MediaType.APPLICATION_JSON)
    public Response setWeight(@PathParam("collection") String collection, @PathParam("id") String id,
                              InputStream body) {
        DispatchService svc = get(DispatchService.class);
        try {
            DispatchQueries.requireMember(svc, id, roleOf(collection));
            int weight = RequestBodies.intField(body, "weight", 0, DispatchService.MAX_WEIGHT);
            return change(svc, id, () -> svc.setWeight(id, weight));
        } catch (NoSuchElementException e) {
            return error(Response.Status.NOT_FOUND, e.getMessage());
        } catch (IllegalArgumentException e) {
            return error(Response.Status.BAD_REQUEST, e.getMessage());
        }
    }

    /**
     * Drops the operator's overrides of a member: back to its configured admin state and weight.
     *
     * @param collection members, dispatchers or servers
     * @param id         member id
     * @return 200 OK with the member; 404 for an unknown member
     */
    @DELETE
    @Path(MEMBERS + "/overrides")
    @Produces(MediaType.APPLICATION_JSON)
    public Response clearOverrides(@PathParam("collection") String collection, @PathParam("id") String id) {
        DispatchService svc = get(DispatchService.class);
        try {
            DispatchQueries.requireMember(svc, id, roleOf(collection));
            return change(svc, id, () -> svc.clearOverrides(id));
        } catch (NoSuchElementException e) {
            return error(Response.Status.NOT_FOUND, e.getMessage());
        }
    }

    /**
     * Lists the connections placed through the dispatch stages.
     *
     * @param member  only those through this dispatcher or server
     * @param service only those to this virtual service
     * @param state   only those in this state (syn_seen, established, closing, fin_from_client,
     *                fin_from_server)
     * @param limit   at most this many (1..1000000, default 1000)
     * @return 200 OK with {"connections": [...], "count", "total", "limit", "truncated"}; 404 for an unknown
     *         member or service; 400 for a malformed state or limit
     */
    @GET
    @Path("connections")
    @Produces(MediaType.APPLICATION_JSON)
    public Response connections(@QueryParam("member") String member, @QueryParam("service") String service,
                                @QueryParam("state") String state, @QueryParam("limit") String limit) {
        DispatchService svc = get(DispatchService.class);
        Predicate<ConnectionEntry> filter;
        int max;
        try {
            FwlbTopology t = get(FwlbTopologyService.class).topology();
            filter = DispatchQueries.connectionFilter(svc, t, member, service, state);
            max = DispatchQueries.limit(limit);
        } catch (NoSuchElementException e) {
            return error(Response.Status.NOT_FOUND, e.getMessage());
        } catch (IllegalArgumentException e) {
            return error(Response.Status.BAD_REQUEST, e.getMessage());
        }
        List<ConnectionEntry> found = svc.connections(filter);
        ObjectNode root = mapper().createObjectNode();
        ArrayNode arr = root.putArray("connections");
        long now = System.currentTimeMillis();
        int shown = Math.min(max, found.size());
        for (int i = 0; i < shown; i++) {
            arr.add(DispatchJsonViews.connection(mapper(), found.get(i), now));
        }
        root.put("count", shown);
        root.put("total", found.size());
        root.put("limit", max);
        root.put("truncated", shown < found.size());
        return ok(root).build();
    }

    /**
     * Shows this instance's dispatch counters.
     *
     * @return 200 OK with {name: value, ...} (as /onos/fwlb/counters)
     */
    @GET
    @Path("counters")
    @Produces(MediaType.APPLICATION_JSON)
    public Response counters() {
        ObjectNode root = mapper().createObjectNode();
        get(DispatchService.class).counters().forEach(root::put);
        get(DispatchService.class).placements().forEach(root.putObject("placements")::put);
        return ok(root).build();
    }

    private Response list(String name, List<DispatchMemberStatus> statuses) {
        FwlbTopology t = get(FwlbTopologyService.class).topology();
        ObjectNode root = mapper().createObjectNode();
        ArrayNode arr = root.putArray(name);
        statuses.forEach(s -> arr.add(DispatchJsonViews.member(mapper(), s, t)));
        return ok(root).build();
    }

    private Response one(String id, Role role) {
        DispatchMemberStatus s;
        try {
            s = DispatchQueries.requireMember(get(DispatchService.class), id, role);
        } catch (NoSuchElementException e) {
            return error(Response.Status.NOT_FOUND, e.getMessage());
        }
        return ok(DispatchJsonViews.member(mapper(), s, get(FwlbTopologyService.class).topology())).build();
    }

    // Applies a checked change; should the service still refuse it (the configuration changed meanwhile,
    // or its own checks), its message is the answer: 404 when the member is gone, 400 otherwise.
    private Response change(DispatchService svc, String id, Runnable action) {
        try {
            action.run();
        } catch (IllegalArgumentException e) {
            boolean gone = svc.member(id).isEmpty();
            return error(gone ? Response.Status.NOT_FOUND : Response.Status.BAD_REQUEST, e.getMessage());
        }
        return one(id, null);
    }

    private static Role roleOf(String collection) {
        if ("dispatchers".equals(collection)) {
            return Role.DISPATCHER;
        }
        return "servers".equals(collection) ? Role.SERVER : null;
    }

    private Response error(Response.Status status, String message) {
        ObjectNode n = mapper().createObjectNode();
        n.put("code", status.getStatusCode());
        n.put("message", message);
        return Response.status(status).entity(n).type(MediaType.APPLICATION_JSON).build();
    }
}
