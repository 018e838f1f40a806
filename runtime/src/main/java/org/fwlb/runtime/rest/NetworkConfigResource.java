package org.fwlb.runtime.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.fwlb.runtime.netcfg.NetcfgDocument;
import org.fwlb.runtime.netcfg.NetcfgException;
import org.fwlb.runtime.netcfg.RuntimeNetworkConfigManager;
import org.onosproject.net.config.Config;
import org.onosproject.net.config.SubjectFactory;

import javax.ws.rs.DELETE;
import javax.ws.rs.GET;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import java.io.InputStream;
import java.util.function.Supplier;

/**
 * ONOS's {@code /onos/v1/network/configuration} API. Differences from ONOS: every POST validates all the
 * configs it carries first and applies none if one is invalid (400 with every problem); the answer to a
 * POST lists what was applied and what was queued for a factory not registered yet.
 */
@Path("network/configuration")
public final class NetworkConfigResource {

    private final RuntimeNetworkConfigManager netcfg;

    /**
     * @param netcfg the registry
     */
    public NetworkConfigResource(RuntimeNetworkConfigManager netcfg) {
        this.netcfg = netcfg;
    }

    private static Response applied(NetcfgDocument.Result r) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.set("applied", Json.MAPPER.valueToTree(r.applied()));
        out.set("queued", Json.MAPPER.valueToTree(r.queued()));
        return Json.ok(out);
    }

    private static Response guard(Supplier<Response> op) {
        try {
            return op.get();
        } catch (Json.BadJson e) {
            return Json.error(Response.Status.BAD_REQUEST, e.getMessage());
        } catch (NetcfgException e) {
            return Json.error(Response.Status.BAD_REQUEST, e.getMessage());
        } catch (IllegalArgumentException e) {
            return Json.error(Response.Status.BAD_REQUEST, e.getMessage());
        }
    }

    private SubjectFactory<?> subjectFactory(String subjectClassKey) {
        return netcfg.getSubjectFactory(subjectClassKey);
    }

    private static Response notFound(String what) {
        return Json.error(Response.Status.NOT_FOUND, "Config for '" + what + "' not found");
    }

    /** @return every config */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response download() {
        return Json.ok(NetcfgDocument.export(netcfg, Json.MAPPER));
    }

    /**
     * @param subjectClassKey subject class key
     * @return the configs of that subject class
     */
    @GET
    @Path("{subjectClassKey}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response download(@PathParam("subjectClassKey") String subjectClassKey) {
        SubjectFactory<?> sf = subjectFactory(subjectClassKey);
        return sf == null ? notFound(subjectClassKey)
                : Json.ok(NetcfgDocument.exportSubjectClass(netcfg, Json.MAPPER, sf));
    }

    /**
     * @param subjectClassKey subject class key
     * @param subjectKey      subject key
     * @return the configs of that subject
     */
    @GET
    @Path("{subjectClassKey}/{subjectKey}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response download(@PathParam("subjectClassKey") String subjectClassKey,
                             @PathParam("subjectKey") String subjectKey) {
        SubjectFactory<?> sf = subjectFactory(subjectClassKey);
        if (sf == null) {
            return notFound(subjectClassKey);
        }
        return guard(() -> {
            ObjectNode n = NetcfgDocument.exportSubject(netcfg, Json.MAPPER, sf.createSubject(subjectKey));
            return n.size() == 0 ? notFound(subjectClassKey + "/" + subjectKey) : Json.ok(n);
        });
    }

    /**
     * @param subjectClassKey subject class key
     * @param subjectKey      subject key
     * @param configKey       config key
     * @return that config
     */
    @GET
    @Path("{subjectClassKey}/{subjectKey}/{configKey}")
    @Produces(MediaType.APPLICATION_JSON)
    @SuppressWarnings("unchecked")
    public Response download(@PathParam("subjectClassKey") String subjectClassKey,
                             @PathParam("subjectKey") String subjectKey,
                             @PathParam("configKey") String configKey) {
        SubjectFactory<?> sf = subjectFactory(subjectClassKey);
        String path = subjectClassKey + "/" + subjectKey + "/" + configKey;
        if (sf == null) {
            return notFound(path);
        }
        Class<? extends Config> cc = netcfg.getConfigClass(subjectClassKey, configKey);
        if (cc == null) {
            return notFound(path);
        }
        return guard(() -> {
            Config<?> c = netcfg.getConfig(sf.createSubject(subjectKey), (Class) cc);
            return c == null ? notFound(path) : Json.ok(c.node());
        });
    }

    /**
     * @param body {subjectClassKey: {subjectKey: {configKey: json}}}
     * @return 200 with what was applied/queued; 400 naming every problem (nothing applied)
     */
    @POST
    @Produces(MediaType.APPLICATION_JSON)
    public Response upload(InputStream body) {
        return guard(() -> applied(NetcfgDocument.apply(netcfg, Json.read(body))));
    }

    /**
     * @param subjectClassKey subject class key
     * @param body            {subjectKey: {configKey: json}}
     * @return 200 or 400
     */
    @POST
    @Path("{subjectClassKey}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response upload(@PathParam("subjectClassKey") String subjectClassKey, InputStream body) {
        return guard(() -> applied(NetcfgDocument.applySubjectClass(netcfg, subjectClassKey, Json.read(body))));
    }

    /**
     * @param subjectClassKey subject class key
     * @param subjectKey      subject key
     * @param body            {configKey: json}
     * @return 200 or 400
     */
    @POST
    @Path("{subjectClassKey}/{subjectKey}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response upload(@PathParam("subjectClassKey") String subjectClassKey,
                           @PathParam("subjectKey") String subjectKey, InputStream body) {
        return guard(() -> applied(NetcfgDocument.applySubject(netcfg, subjectClassKey, subjectKey, Json.read(body))));
    }

    /**
     * @param subjectClassKey subject class key
     * @param subjectKey      subject key
     * @param configKey       config key
     * @param body            the config
     * @return 200 or 400
     */
    @POST
    @Path("{subjectClassKey}/{subjectKey}/{configKey}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response upload(@PathParam("subjectClassKey") String subjectClassKey,
                           @PathParam("subjectKey") String subjectKey,
                           @PathParam("configKey") String configKey, InputStream body) {
        return guard(() -> applied(NetcfgDocument.applyConfig(netcfg, subjectClassKey, subjectKey, configKey,
                                                               Json.read(body))));
    }

    /** @return 200; every config removed */
    @DELETE
    public Response delete() {
        netcfg.removeConfig();
        return Response.ok().build();
    }

    /**
     * @param subjectClassKey subject class key
     * @return 204, or 404 for an unknown subject class
     */
    @DELETE
    @Path("{subjectClassKey}")
    @SuppressWarnings("unchecked")
    public Response delete(@PathParam("subjectClassKey") String subjectClassKey) {
        SubjectFactory<?> sf = subjectFactory(subjectClassKey);
        if (sf == null) {
            return notFound(subjectClassKey);
        }
        for (Object s : netcfg.getSubjects(sf.subjectClass())) {
            netcfg.removeConfig(s);
        }
        return Response.noContent().build();
    }

    /**
     * @param subjectClassKey subject class key
     * @param subjectKey      subject key
     * @return 204
     */
    @DELETE
    @Path("{subjectClassKey}/{subjectKey}")
    public Response delete(@PathParam("subjectClassKey") String subjectClassKey,
                           @PathParam("subjectKey") String subjectKey) {
        SubjectFactory<?> sf = subjectFactory(subjectClassKey);
        if (sf == null) {
            return notFound(subjectClassKey);
        }
        return guard(() -> {
            netcfg.removeConfig(sf.createSubject(subjectKey));
            return Response.noContent().build();
        });
    }

    /**
     * @param subjectClassKey subject class key
     * @param subjectKey      subject key
     * @param configKey       config key
     * @return 204
     */
    @DELETE
    @Path("{subjectClassKey}/{subjectKey}/{configKey}")
    public Response delete(@PathParam("subjectClassKey") String subjectClassKey,
                           @PathParam("subjectKey") String subjectKey,
                           @PathParam("configKey") String configKey) {
        SubjectFactory<?> sf = subjectFactory(subjectClassKey);
        if (sf == null) {
            return notFound(subjectClassKey);
        }
        return guard(() -> {
            netcfg.removeConfig(subjectClassKey, sf.createSubject(subjectKey), configKey);
            return Response.noContent().build();
        });
    }
}
