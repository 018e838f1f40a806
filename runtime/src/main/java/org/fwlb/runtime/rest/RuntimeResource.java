package org.fwlb.runtime.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.fwlb.runtime.cli.CliResult;
import org.fwlb.runtime.cli.CliService;

import javax.ws.rs.GET;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The runtime's own endpoints: {@code POST /fwlb-runtime/cli} runs a command ({@code {"args": [...],
 * "ansi": false}} → {@code {"exitCode": n, "stdout": "...", "stderr": "..."}}) and
 * {@code GET /fwlb-runtime/status} reports components, queued/rejected netcfg and the southbound;
 * {@code GET /fwlb-runtime/openflow} the southbound's OpenFlow message counters.
 */
@Path("/")
public final class RuntimeResource {

    private final CliService cli;
    private final Supplier<ObjectNode> status;
    private final Supplier<ObjectNode> openflow;

    /**
     * @param cli      command runner
     * @param status   status report
     * @param openflow the southbound's OpenFlow counters
     */
    public RuntimeResource(CliService cli, Supplier<ObjectNode> status, Supplier<ObjectNode> openflow) {
        this.cli = cli;
        this.status = status;
        this.openflow = openflow;
    }

    /**
     * @param body {"args": [...], "ansi": bool}
     * @return the command's result
     */
    @POST
    @Path("cli")
    @Produces(MediaType.APPLICATION_JSON)
    public Response cli(InputStream body) {
        JsonNode req;
        try {
            req = Json.read(body);
        } catch (Json.BadJson e) {
            return Json.error(Response.Status.BAD_REQUEST, e.getMessage());
        }
        if (!req.path("args").isArray()) {
            return Json.error(Response.Status.BAD_REQUEST, "expected {\"args\": [...]}");
        }
        List<String> args = new ArrayList<>();
        req.path("args").forEach(a -> args.add(a.asText()));
        CliResult r = cli.execute(args, req.path("ansi").asBoolean(false));
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("exitCode", r.exitCode());
        out.put("stdout", r.stdout());
        out.put("stderr", r.stderr());
        return Json.ok(out);
    }

    /** @return the southbound's OpenFlow message counters, total and per switch */
    @GET
    @Path("openflow")
    @Produces(MediaType.APPLICATION_JSON)
    public Response openflow() {
        return Json.ok(openflow.get());
    }

    /** @return runtime status */
    @GET
    @Path("status")
    @Produces(MediaType.APPLICATION_JSON)
    public Response status() {
        return Json.ok(status.get());
    }
}
