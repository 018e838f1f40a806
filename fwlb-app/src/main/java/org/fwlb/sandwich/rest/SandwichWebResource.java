package org.fwlb.sandwich.rest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.fwlb.api.FirewallSandwichService;
import org.fwlb.api.FirewallStatus;
import org.fwlb.api.JsonViews;
import org.fwlb.connection.ConnectionFilter;
import org.fwlb.model.AdminState;
import org.fwlb.model.ConnectionEntry;
import org.fwlb.model.Ip4;
import org.fwlb.model.TcpState;
import org.onlab.packet.Ip4Address;
import org.onosproject.rest.AbstractWebResource;

import javax.ws.rs.GET;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.QueryParam;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Firewalls, their connections, the policies and counters of the firewall sandwich.
 */
@Path("")
public class SandwichWebResource extends AbstractWebResource {

    /**
     * Lists the firewalls with their state, load and eligibility.
     *
     * @return 200 OK with {"firewalls": [...]}
     */
    @GET
    @Path("firewalls")
    @Produces(MediaType.APPLICATION_JSON)
    public Response firewalls() {
        ObjectNode root = mapper().createObjectNode();
        ArrayNode list = root.putArray("firewalls");
        for (FirewallStatus s : get(FirewallSandwichService.class).firewalls()) {
            list.add(JsonViews.firewall(mapper(), s));
        }
        return ok(root).build();
    }

    /**
     * Changes a firewall's admin state.
     *
     * @param id     firewall id
     * @param action drain | undrain | down | up
     * @return 200 OK with the firewall; 404 for an unknown firewall; 400 for an unknown action
     */
    @POST
    @Path("firewalls/{id}/{action}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response firewallAction(@PathParam("id") String id, @PathParam("action") String action) {
        AdminState state = stateOf(action);
        if (state == null) {
            return error(Response.Status.BAD_REQUEST,
                         "unknown action '" + action + "': expected drain, undrain, down or up");
        }
        FirewallSandwichService svc = get(FirewallSandwichService.class);
        try {
            svc.setFirewallState(id, state);
        } catch (IllegalArgumentException e) {
            return error(Response.Status.NOT_FOUND, e.getMessage());
        }
        for (FirewallStatus s : svc.firewalls()) {
            if (s.id().equals(id)) {
                return ok(JsonViews.firewall(mapper(), s)).build();
            }
        }
        return error(Response.Status.NOT_FOUND, "unknown firewall: " + id);
    }

    /**
     * Lists pinned connections.
     *
     * @param firewall only those through this firewall
     * @param client   only those of this client IP
     * @param server   only those to this server id
     * @param state    only those in this state (syn_seen, established, closing)
     * @return 200 OK with {"connections": [...]}; 400 on a malformed filter
     */
    @GET
    @Path("connections")
    @Produces(MediaType.APPLICATION_JSON)
    public Response connections(@QueryParam("firewall") String firewall, @QueryParam("client") String client,
                                @QueryParam("server") String server, @QueryParam("state") String state) {
        ConnectionFilter f = ConnectionFilter.all();
        try {
            if (firewall != null) {
                f = f.member(firewall);
            }
            if (client != null) {
                f = f.clientIp(Ip4.toInt(Ip4Address.valueOf(client)));
            }
            if (server != null) {
                f = f.server(server);
            }
            if (state != null) {
                f = f.state(TcpState.valueOf(state.toUpperCase(Locale.ROOT)));
            }
        } catch (IllegalArgumentException e) {
            return error(Response.Status.BAD_REQUEST, "bad filter: " + e.getMessage()
                    + " (client is an IPv4 address; state is syn_seen, established or closing)");
        }
        List<ConnectionEntry> list = get(FirewallSandwichService.class).connections(f);
        ObjectNode root = mapper().createObjectNode();
        ArrayNode arr = root.putArray("connections");
        long now = System.currentTimeMillis();
        list.forEach(e -> arr.add(JsonViews.connection(mapper(), e, now)));
        root.put("count", list.size());
        return ok(root).build();
    }

    /**
     * Shows the traffic classes' modes and policies.
     *
     * @return 200 OK with {"trafficClasses": {...}}
     */
    @GET
    @Path("policies")
    @Produces(MediaType.APPLICATION_JSON)
    public Response policies() {
        ObjectNode root = mapper().createObjectNode();
        ObjectNode tc = root.putObject("trafficClasses");
        get(FirewallSandwichService.class).policies().forEach(tc::put);
        return ok(root).build();
    }

    /**
     * Shows the sandwich's counters.
     *
     * @return 200 OK with counters by name
     */
    @GET
    @Path("counters")
    @Produces(MediaType.APPLICATION_JSON)
    public Response counters() {
        ObjectNode root = mapper().createObjectNode();
        FirewallSandwichService s = get(FirewallSandwichService.class);
        for (Map.Entry<String, Long> e : s.counters().entrySet()) {
            root.put(e.getKey(), e.getValue());
        }
        s.placements().forEach(root.putObject("placements")::put);
        return ok(root).build();
    }

    static AdminState stateOf(String action) {
        if (action == null) {
            return null;
        }
        switch (action) {
            case "drain":
                return AdminState.DRAINING;
            case "undrain":
            case "up":
                return AdminState.UP;
            case "down":
                return AdminState.DOWN;
            default:
                return null;
        }
    }

    private Response error(Response.Status status, String message) {
        ObjectNode n = mapper().createObjectNode();
        n.put("code", status.getStatusCode());
        n.put("message", message);
        return Response.status(status).entity(n).type(MediaType.APPLICATION_JSON).build();
    }
}
