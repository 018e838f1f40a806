package org.fwlb.runtime.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.fwlb.runtime.FwlbRuntime;
import org.fwlb.runtime.scr.BundleInfo;
import org.fwlb.runtime.security.UserPasswordTool;
import org.fwlb.runtime.security.UserStore;
import org.fwlb.runtime.testutil.FakeNetworkServices;
import org.fwlb.runtime.testutil.TestBundles;
import org.fwlb.runtime.testutil.TestUsers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The REST guard on every context of a runtime: the runtime's own (/onos/v1, /fwlb-runtime) and an app's
 * web context whose web.xml admits admin and viewer, as ONOS apps' do. Each refusal is checked to leave the
 * network configuration unchanged.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RestSecurityTest {

    private static final ObjectMapper M = new ObjectMapper();
    private static final String NETCFG = "/onos/v1/network/configuration";
    private static final String CLI = "/fwlb-runtime/cli";
    private static final String APP = "/onos/sample/sample";
    private static final long MAX_BODY = 4096;
    private static final String DOC = "{\"devices\": {\"of:0000000000000001\": {\"openflow\": {\"keyAlias\": \"s1\"}}}}";

    @TempDir
    static Path dir;

    private FwlbRuntime runtime;
    private Path usersFile;
    private String base;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void start() throws Exception {
        BundleInfo web = TestBundles.bundle("web-guarded").header("Web-ContextPath", "/onos/sample")
                .resource("WEB-INF/web.xml", """
                    <?xml version="1.0" encoding="UTF-8"?>
                    <web-app xmlns="http://java.sun.com/xml/ns/javaee" version="2.5">
                      <security-constraint>
                        <web-resource-collection><web-resource-name>Secured</web-resource-name>
                          <url-pattern>/*</url-pattern></web-resource-collection>
                        <auth-constraint><role-name>admin</role-name><role-name>viewer</role-name></auth-constraint>
                      </security-constraint>
                      <login-config><auth-method>BASIC</auth-method><realm-name>karaf</realm-name></login-config>
                      <servlet>
                        <servlet-name>JAX-RS Service</servlet-name>
                        <servlet-class>org.glassfish.jersey.servlet.ServletContainer</servlet-class>
                        <init-param>
                          <param-name>javax.ws.rs.Application</param-name>
                          <param-value>org.fwlb.runtime.rest.sample.SampleWebApplication</param-value>
                        </init-param>
                        <load-on-startup>1</load-on-startup>
                      </servlet>
                      <servlet-mapping><servlet-name>JAX-RS Service</servlet-name><url-pattern>/*</url-pattern></servlet-mapping>
                    </web-app>""")
                .build(dir);
        usersFile = dir.resolve("users.properties");
        TestUsers.write(usersFile, TestUsers.standard());
        runtime = FwlbRuntime.builder().name("rest-security-test").bundles(List.of(web))
                .networkServices(new FakeNetworkServices()).rest("127.0.0.1", 0)
                .restSecurity(new RestSecurity(UserStore.open(usersFile), null, MAX_BODY)).build();
        runtime.start();
        base = "http://127.0.0.1:" + runtime.restPort();
    }

    @AfterAll
    void stop() {
        runtime.close();
    }

    private HttpRequest.Builder req(String path) {
        return HttpRequest.newBuilder(URI.create(base + path));
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, String user) throws Exception {
        return send(TestUsers.as(req(path), user).GET());
    }

    private HttpResponse<String> postJson(String path, String user, String body) throws Exception {
        return send(TestUsers.as(req(path), user).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private String netcfg() throws Exception {
        HttpResponse<String> r = get(NETCFG, "admin");
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }

    private static void assertError(int code, HttpResponse<String> r, String text) throws Exception {
        assertEquals(code, r.statusCode(), r.body());
        JsonNode n = M.readTree(r.body());
        assertEquals(code, n.path("code").asInt(), r.body());
        assertTrue(n.path("message").asText().contains(text), r.body());
    }

    @Test
    void withoutCredentialsEveryContextAnswers401WithTheKarafChallenge() throws Exception {
        for (String path : List.of(NETCFG, "/onos/v1/configuration", "/fwlb-runtime/status", APP)) {
            HttpResponse<String> r = send(req(path).GET());
            assertError(401, r, "authentication required");
            assertEquals("Basic realm=\"karaf\", charset=\"UTF-8\"", r.headers().firstValue("WWW-Authenticate").orElse(""));
        }
        String before = netcfg();
        assertError(401, send(req(NETCFG).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(DOC))), "authentication required");
        assertError(401, send(req(CLI).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"args\": [\"runtime:status\"]}"))), "authentication");
        assertEquals(before, netcfg());
    }

    @Test
    void wrongPasswordUnknownUserAndMalformedHeadersAre401() throws Exception {
        String before = netcfg();
        for (String auth : List.of(TestUsers.basic("admin", "viewer-secret"), TestUsers.basic("admin", ""),
                                   TestUsers.basic("nobody", "nobody-secret"), TestUsers.basic("", "admin-secret"),
                                   "Basic not-base64!", "Basic " + java.util.Base64.getEncoder().encodeToString(
                                           "admin".getBytes(StandardCharsets.UTF_8)), "Bearer admin-secret")) {
            HttpResponse<String> r = send(req(NETCFG).header("Authorization", auth).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(DOC)));
            assertEquals(401, r.statusCode(), auth + ": " + r.body());
        }
        assertEquals(before, netcfg());
        assertEquals(200, get(NETCFG, "admin").statusCode());
    }

    @Test
    void aViewerMayReadButEveryChangeIs403() throws Exception {
        for (String path : List.of(NETCFG, "/onos/v1/configuration", "/fwlb-runtime/status", APP)) {
            assertEquals(200, get(path, "viewer").statusCode(), path);
        }
        String before = netcfg();
        assertError(403, postJson(NETCFG, "viewer", DOC), "insufficient privilege");
        assertError(403, send(TestUsers.as(req(NETCFG), "viewer").DELETE()), "insufficient privilege");
        assertError(403, postJson(CLI, "viewer", "{\"args\": [\"runtime:status\"]}"), "insufficient privilege");
        assertError(403, postJson(APP + "/echo", "viewer", "{\"a\": 1}"), "insufficient privilege");
        assertEquals(before, netcfg());
        assertEquals(200, postJson(APP + "/echo", "admin", "{\"a\": 1}").statusCode());
    }

    @Test
    void aUserWithoutTheContextsRolesIs403Everywhere() throws Exception {
        // l7 holds only l7-reporter: neither ONOS's core REST nor this app admit it
        assertError(403, get(NETCFG, "l7"), "has none of the roles admin, viewer");
        assertError(403, get(APP, "l7"), "has none of the roles admin, viewer");
    }

    @Test
    void aChangeMustBeJsonElse415AndNothingHappens() throws Exception {
        String before = netcfg();
        for (String type : List.of("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                                   "application/jsonx")) {
            assertError(415, send(TestUsers.as(req(NETCFG), "admin").header("Content-Type", type)
                    .POST(HttpRequest.BodyPublishers.ofString(DOC))), "Content-Type must be application/json (got");
            assertError(415, send(TestUsers.as(req(CLI), "admin").header("Content-Type", type)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"args\": [\"runtime:status\"]}"))), "application/json");
        }
        // a bodiless POST without a type (what fetch() sends cross-site without a preflight)
        assertError(415, send(TestUsers.as(req(APP + "/echo"), "admin").POST(HttpRequest.BodyPublishers.noBody())),
                    "(none given)");
        assertEquals(before, netcfg());

        HttpResponse<String> ok = send(TestUsers.as(req(NETCFG), "admin")
                .header("Content-Type", "application/json; charset=UTF-8").POST(HttpRequest.BodyPublishers.ofString(DOC)));
        assertEquals(200, ok.statusCode(), ok.body());
        assertTrue(netcfg().contains("keyAlias"));
        assertEquals(204, send(TestUsers.as(req(NETCFG + "/devices"), "admin").DELETE()).statusCode(),
                     "a DELETE without a body needs no type");
    }

    @Test
    void aChangeFromAnotherSitesPageIs403() throws Exception {
        String before = netcfg();
        for (String origin : List.of("http://evil.example", "null", "http://127.0.0.1:1", "https://127.0.0.1:"
                + runtime.restPort())) {
            assertError(403, send(TestUsers.as(req(NETCFG), "admin").header("Content-Type", "application/json")
                    .header("Origin", origin).POST(HttpRequest.BodyPublishers.ofString(DOC))), "cross-origin");
        }
        assertEquals(before, netcfg());
        assertEquals(200, send(TestUsers.as(req("/fwlb-runtime/status"), "admin").header("Origin", "http://evil.example")
                .GET()).statusCode(), "reads are left to the browser's same-origin policy");
        HttpResponse<String> same = send(TestUsers.as(req(APP + "/echo"), "admin").header("Content-Type", "application/json")
                .header("Origin", base).POST(HttpRequest.BodyPublishers.ofString("{\"a\": 2}")));
        assertEquals(200, same.statusCode(), same.body());
    }

    @Test
    void aBodyAboveTheLimitIs413AndNothingHappens() throws Exception {
        String before = netcfg();
        String big = "{\"devices\": {}, \"pad\": \"" + "x".repeat((int) MAX_BODY) + "\"}";
        assertError(413, postJson(NETCFG, "admin", big), "larger than the limit of 4096 bytes");
        // without a declared length (chunked): read up to the limit, then refused
        HttpResponse<String> chunked = send(TestUsers.as(req(NETCFG), "admin").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8)))));
        assertError(413, chunked, "more than 4096 bytes");
        assertEquals(before, netcfg());

        HttpResponse<String> small = send(TestUsers.as(req(APP + "/echo"), "admin").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream("{\"chunked\": true}".getBytes(StandardCharsets.UTF_8)))));
        assertEquals(200, small.statusCode(), small.body());
        assertTrue(small.body().contains("chunked"), small.body());
    }

    @Test
    void usersFileChangesApplyWithoutARestart() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream sink = new PrintStream(out, true);
        int code = UserPasswordTool.run(List.of("--users", usersFile.toString(), "ops", "--role", "viewer"),
                new ByteArrayInputStream("ops-password\n".getBytes(StandardCharsets.UTF_8)), sink, sink);
        assertEquals(0, code, out.toString());
        assertEquals(200, send(req(NETCFG).header("Authorization", TestUsers.basic("ops", "ops-password")).GET())
                .statusCode());
        code = UserPasswordTool.run(List.of("--users", usersFile.toString(), "ops", "--remove"),
                new ByteArrayInputStream(new byte[0]), sink, sink);
        assertEquals(0, code, out.toString());
        assertEquals(401, send(req(NETCFG).header("Authorization", TestUsers.basic("ops", "ops-password")).GET())
                .statusCode(), "a removed user is refused at once");
        assertEquals(200, get(NETCFG, "viewer").statusCode(), "the other users stay");
    }
}
