package org.fwlb.runtime.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.fwlb.runtime.cfg.RuntimeComponentConfigManager;
import org.onosproject.cfg.ConfigProperty;

import javax.ws.rs.DELETE;
import javax.ws.rs.GET;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * ONOS's {@code /onos/v1/configuration} API (component properties). Unlike ONOS, a POST checks every
 * property and value first and sets none if one is unknown or of the wrong type (400 naming it).
 */
@Path("configuration")
public final class ComponentConfigResource {

    private final RuntimeComponentConfigManager cfg;

    /**
     * @param cfg the component configuration service
     */
    public ComponentConfigResource(RuntimeComponentConfigManager cfg) {
        this.cfg = cfg;
    }

    private void encode(String component, Set<ConfigProperty> props, ObjectNode root) {
        ObjectNode n = root.putObject(component);
        props.forEach(p -> n.put(p.name(), p.value()));
    }

    /** @return every component's properties */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response getComponentConfigs() {
        ObjectNode root = Json.MAPPER.createObjectNode();
        cfg.getComponentNames().forEach(c -> encode(c, cfg.getProperties(c), root));
        return Json.ok(root);
    }

    /**
     * @param component component name
     * @return its properties, or 404
     */
    @GET
    @Path("{component}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response getComponentConfigs(@PathParam("component") String component) {
        Set<ConfigProperty> props = cfg.getProperties(component);
        if (props == null) {
            return Json.error(Response.Status.NOT_FOUND, "No such component: " + component);
        }
        ObjectNode root = Json.MAPPER.createObjectNode();
        encode(component, props, root);
        return Json.ok(root);
    }

    /**
     * @param component component name
     * @param body      {property: value, ...}
     * @return 204, or 400 naming the bad property (nothing set)
     */
    @POST
    @Path("{component}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response setConfigs(@PathParam("component") String component, InputStream body) {
        try {
            JsonNode props = Json.read(body);
            if (!props.isObject()) {
                return Json.error(Response.Status.BAD_REQUEST, "expected a JSON object of property: value");
            }
            List<Map.Entry<String, String>> values = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getValue().isContainerNode() || e.getValue().isNull()) {
                    return Json.error(Response.Status.BAD_REQUEST, "property " + e.getKey()
                            + ": value must be a string, number or boolean");
                }
                String v = e.getValue().asText();
                cfg.checkProperty(component, e.getKey(), v);
                values.add(Map.entry(e.getKey(), v));
            }
            values.forEach(e -> cfg.setProperty(component, e.getKey(), e.getValue()));
            return Response.noContent().build();
        } catch (Json.BadJson | IllegalArgumentException e) {
            return Json.error(Response.Status.BAD_REQUEST, e.getMessage());
        }
    }

    /**
     * @param component component name
     * @param body      {property: anything, ...}: properties to reset to their defaults
     * @return 204, or 400
     */
    @DELETE
    @Path("{component}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response unsetConfigs(@PathParam("component") String component, InputStream body) {
        try {
            JsonNode props = Json.read(body);
            List<String> names = new ArrayList<>();
            props.fieldNames().forEachRemaining(names::add);
            for (String n : names) {
                if (cfg.getProperty(component, n) == null) {
                    return Json.error(Response.Status.BAD_REQUEST, "Component " + component + " has no property " + n);
                }
            }
            names.forEach(n -> cfg.unsetProperty(component, n));
            return Response.noContent().build();
        } catch (Json.BadJson | IllegalArgumentException e) {
            return Json.error(Response.Status.BAD_REQUEST, e.getMessage());
        }
    }
}
