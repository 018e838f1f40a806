package org.fwlb.dispatch.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.glassfish.jersey.internal.MapPropertiesDelegate;
import org.glassfish.jersey.server.ApplicationHandler;
import org.glassfish.jersey.server.ContainerRequest;
import org.glassfish.jersey.server.ResourceConfig;

import javax.ws.rs.core.SecurityContext;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.security.Principal;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Serves the app's JAX-RS application (the one web.xml names) in Jersey, in memory: requests go through
 * Jersey's real routing, parameter binding, exception mappers and ONOS's JSON body writer.
 */
final class RestHarness {

    private static final URI BASE = URI.create("http://localhost/onos/cluster-dispatch/");

    private final ApplicationHandler handler =
            new ApplicationHandler(ResourceConfig.forApplication(new ClusterDispatchWebApplication()));
    private String role = "admin";

    /**
     * Sets the role of the caller (ONOS's AuthorizationFilter: reads need role viewer, changes need admin
     * too; an ONOS admin holds both).
     *
     * @param r role
     * @return this
     */
    RestHarness as(String r) {
        role = r;
        return this;
    }

    /** A response: status and body (parsed when it is JSON). */
    static final class Reply {
        final int status;
        final String body;
        final JsonNode json;

        Reply(int status, String body) {
            this.status = status;
            this.body = body;
            JsonNode j;
            try {
                j = body.isEmpty() ? null : new ObjectMapper().readTree(body);
            } catch (IOException e) {
                j = null;
            }
            this.json = j;
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    Reply get(String path) {
        return call("GET", path, null);
    }

    Reply post(String path, String body) {
        return call("POST", path, body);
    }

    Reply delete(String path) {
        return call("DELETE", path, null);
    }

    Reply call(String method, String path, String body) {
        String callerRole = role;
        SecurityContext caller = new SecurityContext() {
            @Override
            public Principal getUserPrincipal() {
                return () -> "karaf";
            }

            @Override
            public boolean isUserInRole(String r) {
                return r.equals(callerRole) || (callerRole.equals("admin") && r.equals("viewer"));
            }

            @Override
            public boolean isSecure() {
                return false;
            }

            @Override
            public String getAuthenticationScheme() {
                return SecurityContext.BASIC_AUTH;
            }
        };
        ContainerRequest req = new ContainerRequest(BASE, BASE.resolve(path), method, caller,
                                                    new MapPropertiesDelegate());
        if (body != null) {
            req.header("Content-Type", "application/json");
            req.setEntityStream(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status;
        try {
            status = handler.apply(req, out).get(10, TimeUnit.SECONDS).getStatus();
        } catch (Exception e) {
            throw new IllegalStateException(method + " " + path + " failed", e);
        }
        return new Reply(status, new String(out.toByteArray(), StandardCharsets.UTF_8));
    }
}
