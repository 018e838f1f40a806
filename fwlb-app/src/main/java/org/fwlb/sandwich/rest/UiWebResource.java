package org.fwlb.sandwich.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.onosproject.rest.AbstractWebResource;

import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.SecurityContext;
import javax.ws.rs.core.UriInfo;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * The operations page, {@code /onos/fwlb/ui/}: static HTML, JavaScript and CSS shipped in this bundle (no
 * external network access), served through the app's REST context so it works the same in ONOS and in the
 * runtime and asks for the same users. The page reads the REST APIs of both apps; {@code ui/session} tells it
 * whether the user may act (role {@code admin}), and it shows no action otherwise — the REST API refuses a
 * viewer's change anyway.
 */
@Path("ui")
public class UiWebResource extends AbstractWebResource {

    private static final String HTML = "text/html; charset=utf-8";
    /** The page's files: name to content type; nothing else is served. */
    private static final Map<String, String> FILES = Map.of(
            "index.html", HTML,
            "app.js", "text/javascript; charset=utf-8",
            "style.css", "text/css; charset=utf-8");

    @Context
    private SecurityContext security;

    @Context
    private UriInfo uri;

    /**
     * @return the page
     */
    @GET
    public Response page() {
        String path = uri.getRequestUri().getRawPath();
        if (!path.endsWith("/")) {
            // the page's relative links need the trailing slash
            return Response.seeOther(uri.getRequestUriBuilder().replacePath(path + "/").build()).build();
        }
        return file("index.html");
    }

    /**
     * @param name one of the page's files
     * @return it, or 404
     */
    @GET
    @Path("{name}")
    public Response file(@PathParam("name") String name) {
        String type = FILES.get(name);
        if (type == null) {
            return Response.status(Response.Status.NOT_FOUND).type(MediaType.TEXT_PLAIN).entity("no such file").build();
        }
        try (InputStream in = UiWebResource.class.getResourceAsStream("/org/fwlb/sandwich/ui/" + name)) {
            if (in == null) {
                return Response.status(Response.Status.NOT_FOUND).type(MediaType.TEXT_PLAIN).entity("no such file")
                        .build();
            }
            return Response.ok(in.readAllBytes(), type).header("Cache-Control", "no-cache")
                    .header("X-Content-Type-Options", "nosniff")
                    .header("Content-Security-Policy", "default-src 'self'; img-src 'self' data:").build();
        } catch (IOException e) {
            return Response.serverError().type(MediaType.TEXT_PLAIN).entity("page unreadable").build();
        }
    }

    /**
     * @return 200 OK with {"user": name, "admin": bool}
     */
    @GET
    @Path("session/info")
    @Produces(MediaType.APPLICATION_JSON)
    public Response session() {
        ObjectNode n = mapper().createObjectNode();
        n.put("user", security.getUserPrincipal() == null ? null : security.getUserPrincipal().getName());
        n.put("admin", security.isUserInRole("admin"));
        return ok(n).build();
    }
}
