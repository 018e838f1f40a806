package org.fwlb.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.fwlb.engine.ConnectionEngine;
import org.onosproject.rest.AbstractWebResource;

import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;

/**
 * {@code GET ready} of both applications' REST APIs: whether the packet path is ready (every switch the
 * applications use connected, mastered here, and its base rules confirmed by the switch), so a script can wait
 * on it instead of reading flow tables.
 */
@Path("ready")
public class ReadinessWebResource extends AbstractWebResource {

    /**
     * Tells whether the packet path is ready.
     *
     * @return 200 OK when ready, else 503; {"ready": bool, "devices": {id: "ready" or what it waits for}}
     */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response ready() {
        ObjectNode root = JsonViews.readiness(mapper(), get(ConnectionEngine.class).readiness());
        return Response.status(root.get("ready").asBoolean() ? 200 : 503).entity(root).build();
    }
}
