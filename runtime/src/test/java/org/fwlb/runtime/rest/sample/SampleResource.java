package org.fwlb.runtime.rest.sample;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.onosproject.core.CoreService;
import org.onosproject.rest.AbstractWebResource;

import javax.ws.rs.GET;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;

/** An ONOS app's REST resource: services through AbstractWebResource.get, JSON through mapper(). */
@Path("sample")
public class SampleResource extends AbstractWebResource {

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response get() {
        ObjectNode root = mapper().createObjectNode();
        root.put("coreAppId", get(CoreService.class).getAppId("org.onosproject.core").id());
        return ok(root).build();
    }

    @POST
    @Path("echo")
    @Produces(MediaType.APPLICATION_JSON)
    public Response echo(InputStream body) throws IOException {
        JsonNode n = mapper().readTree(body);
        return ok(n).build();
    }
}
