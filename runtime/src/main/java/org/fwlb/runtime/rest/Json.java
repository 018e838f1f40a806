package org.fwlb.runtime.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;

/**
 * JSON helpers: responses, and ONOS's error body ({@code {"code": N, "message": "..."}}).
 */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    static Response ok(JsonNode node) {
        return Response.ok(node.toString(), MediaType.APPLICATION_JSON_TYPE).build();
    }

    static Response error(Response.Status status, String message) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("code", status.getStatusCode());
        n.put("message", message);
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(n.toString()).build();
    }

    /**
     * @param in request body
     * @return the parsed JSON
     * @throws BadJson if it is not JSON (or empty)
     */
    static JsonNode read(InputStream in) {
        try {
            JsonNode n = MAPPER.readTree(in);
            if (n == null || n.isMissingNode()) {
                throw new BadJson("request body is empty; expected JSON");
            }
            return n;
        } catch (IOException e) {
            throw new BadJson("invalid JSON: " + originalMessage(e));
        }
    }

    /** Unparseable request JSON. */
    static final class BadJson extends RuntimeException {
        BadJson(String message) {
            super(message);
        }
    }

    private static String originalMessage(IOException e) {
        return e instanceof com.fasterxml.jackson.core.JsonProcessingException
                ? ((com.fasterxml.jackson.core.JsonProcessingException) e).getOriginalMessage()
                  + locationOf((com.fasterxml.jackson.core.JsonProcessingException) e)
                : e.getMessage();
    }

    private static String locationOf(com.fasterxml.jackson.core.JsonProcessingException e) {
        var loc = e.getLocation();
        return loc == null ? "" : " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
    }
}
