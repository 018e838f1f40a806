package org.fwlb.dispatch.rest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.fwlb.api.FwlbTopologyService;
import org.fwlb.api.MemberStateService;
import org.fwlb.api.MemberStatus;
import org.fwlb.model.Dispatcher;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.Server;
import org.fwlb.model.VirtualService;
import org.onosproject.rest.AbstractWebResource;

import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;

/**
 * The dispatch tree in force: virtual services, dispatchers per stage and servers, with their effective
 * admin state, weight and health.
 */
@Path("")
public class DispatchTreeWebResource extends AbstractWebResource {

    /**
     * Shows the virtual services, dispatchers and servers of the configuration in force.
     *
     * @return 200 OK with {"services": [...], "dispatchers": [...], "servers": [...]}
     */
    @GET
    @Path("tree")
    @Produces(MediaType.APPLICATION_JSON)
    public Response tree() {
        FwlbTopology t = get(FwlbTopologyService.class).topology();
        MemberStateService states = get(MemberStateService.class);
        ObjectNode root = mapper().createObjectNode();
        ArrayNode services = root.putArray("services");
        for (VirtualService v : t.services()) {
            ObjectNode n = services.addObject();
            n.put("id", v.id());
            n.put("vip", v.vip().toString());
            n.put("protocol", v.protocol().jsonName());
            n.put("port", v.port());
            n.put("serviceType", v.serviceType());
            n.put("firstStage", v.firstStage());
            n.put("mode", v.mode().jsonName());
        }
        ArrayNode dispatchers = root.putArray("dispatchers");
        for (Dispatcher d : t.dispatchers()) {
            ObjectNode n = dispatchers.addObject();
            n.put("id", d.id());
            n.put("kind", d.kind().jsonName());
            n.put("stage", t.stageDepth(d.id()));
            n.put("device", d.deviceId().map(Object::toString).orElse(null));
            n.put("policy", d.policy());
            member(n, d.id(), d.adminState().jsonName(), d.weight(), states);
            ArrayNode reaches = n.putArray("reaches");
            d.reaches().forEach(reaches::add);
        }
        ArrayNode servers = root.putArray("servers");
        for (Server s : t.servers()) {
            ObjectNode n = servers.addObject();
            n.put("id", s.id());
            n.put("ip", s.ip().toString());
            ArrayNode types = n.putArray("services");
            s.services().forEach(types::add);
            member(n, s.id(), s.adminState().jsonName(), s.weight(), states);
        }
        return ok(root).build();
    }

    private static void member(ObjectNode n, String id, String configuredAdmin, int configuredWeight,
                               MemberStateService states) {
        MemberStatus st = states.status(id);
        n.put("adminState", st.adminOverride() != null ? st.adminOverride().jsonName() : configuredAdmin);
        n.put("weight", st.weightOverride() != MemberStatus.NO_WEIGHT ? st.weightOverride() : configuredWeight);
        n.put("health", st.health().name().toLowerCase());
    }
}
