package org.fwlb.runtime.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.fwlb.runtime.FwlbRuntime;
import org.fwlb.runtime.cfg.sample.Tunable;
import org.fwlb.runtime.cli.CliClient;
import org.fwlb.runtime.rest.sample.NetcfgUser;
import org.fwlb.runtime.scr.BundleInfo;
import org.fwlb.runtime.security.Credentials;
import org.fwlb.runtime.openflow.OpenFlowStats;
import org.fwlb.runtime.testutil.FakeNetworkServices;
import org.fwlb.runtime.testutil.TestUsers;
import org.fwlb.runtime.testutil.TestBundles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A runtime with REST on an ephemeral port, hosting sample app bundles (components, netcfg, web). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RuntimeRestTest {

    private static final ObjectMapper M = new ObjectMapper();
    private static final String SAMPLE = "/onos/v1/network/configuration/apps/org.fwlb.test/sample";
    private static final String TUNABLE = Tunable.class.getName();
    private static final Map<String, String> ADMIN_ENV = Map.of("FWLB_WEB_USER", "admin", "FWLB_WEB_PASS", "admin-secret");

    @TempDir
    static Path dir;

    private FwlbRuntime runtime;
    private final HttpClient http = HttpClient.newHttpClient();
    private final FakeNetworkServices network = new FakeNetworkServices();
    private String base;

    @BeforeAll
    void start() throws Exception {
        String ns = "http://www.osgi.org/xmlns/scr/v1.3.0";
        BundleInfo app = TestBundles.bundle("rest-sample").header("Service-Component", "OSGI-INF/*.xml")
                .resource("OSGI-INF/netcfg-user.xml", """
                    <scr:component xmlns:scr="%s" name="sample.NetcfgUser" immediate="true">
                      <reference name="cfgRegistry" interface="org.onosproject.net.config.NetworkConfigRegistry" field="cfgRegistry"/>
                      <reference name="coreService" interface="org.onosproject.core.CoreService" field="coreService"/>
                      <implementation class="org.fwlb.runtime.rest.sample.NetcfgUser"/>
                    </scr:component>""".formatted(ns))
                .resource("OSGI-INF/tunable.xml", """
                    <scr:component xmlns:scr="%s" name="%s" immediate="true" modified="modified">
                      <property name="maxConnections" type="Integer" value="100"/>
                      <property name="mode" value="pinned"/>
                      <reference name="cfgService" interface="org.onosproject.cfg.ComponentConfigService" field="cfgService"/>
                      <implementation class="%s"/>
                    </scr:component>""".formatted(ns, TUNABLE, TUNABLE))
                .build(dir);
        BundleInfo web = TestBundles.bundle("web-sample").header("Web-ContextPath", "/onos/sample")
                .resource("WEB-INF/web.xml", """
                    <?xml version="1.0" encoding="UTF-8"?>
                    <web-app xmlns="http://java.sun.com/xml/ns/javaee" version="2.5">
                      <display-name>Sample REST API</display-name>
                      <security-constraint><web-resource-collection><web-resource-name>Secured</web-resource-name>
                        <url-pattern>/*</url-pattern></web-resource-collection></security-constraint>
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
        runtime = FwlbRuntime.builder().name("rest-test").bundles(List.of(app, web))
                .networkServices(network).rest("127.0.0.1", 0)
                .restSecurity(TestUsers.security()).build();
        runtime.start();
        base = "http://127.0.0.1:" + runtime.restPort();
    }

    @AfterAll
    void stop() {
        runtime.close();
    }

    @BeforeEach
    void resetConfig() throws Exception {
        assertEquals(200, send("DELETE", "/onos/v1/network/configuration", null).statusCode());
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = TestUsers.as(HttpRequest.newBuilder(URI.create(base + path)), "admin")
                .header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private NetcfgUser user() {
        return (NetcfgUser) runtime.components().instance("sample.NetcfgUser").orElseThrow();
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return M.readTree(r.body());
    }

    @Test
    void readyLineNamesSouthboundRestAndComponents() {
        String ready = runtime.readyLine();
        assertTrue(ready.startsWith("fwlb runtime ready: fake southbound, rest :" + runtime.restPort()), ready);
        assertTrue(ready.contains("2 components active") && !ready.contains("NOT active"), ready);
    }

    @Test
    void postsAndReadsNetworkConfiguration() throws Exception {
        HttpResponse<String> post = send("POST", "/onos/v1/network/configuration",
                "{\"apps\": {\"org.fwlb.test\": {\"sample\": {\"port\": 8080}}}}");
        assertEquals(200, post.statusCode(), post.body());
        assertEquals("apps/org.fwlb.test/sample", json(post).path("applied").get(0).asText());
        assertEquals(8080, user().port());
        HttpResponse<String> all = send("GET", "/onos/v1/network/configuration", null);
        assertEquals(8080, json(all).path("apps").path("org.fwlb.test").path("sample").path("port").asInt());
        assertEquals("{\"port\":8080}", send("GET", SAMPLE, null).body());

        assertEquals(200, send("POST", SAMPLE, "{\"port\": 9090}").statusCode());
        assertEquals(9090, user().port());
        assertEquals(204, send("DELETE", SAMPLE, null).statusCode());
        assertEquals(-1, user().port());
        assertEquals(404, send("GET", SAMPLE, null).statusCode());
        assertEquals(404, send("GET", "/onos/v1/network/configuration/nonsense", null).statusCode());
    }

    @Test
    void badJsonAndInvalidConfigsAre400AndChangeNothing() throws Exception {
        send("POST", SAMPLE, "{\"port\": 8080}");

        HttpResponse<String> badJson = send("POST", "/onos/v1/network/configuration", "{\"apps\": {");
        assertEquals(400, badJson.statusCode());
        assertEquals(400, json(badJson).path("code").asInt());
        assertTrue(json(badJson).path("message").asText().startsWith("invalid JSON"), badJson.body());

        HttpResponse<String> invalid = send("POST", SAMPLE, "{\"port\": 0}");
        assertEquals(400, invalid.statusCode());
        assertTrue(json(invalid).path("message").asText().contains("port: 0 is not a port number"), invalid.body());

        HttpResponse<String> mixed = send("POST", "/onos/v1/network/configuration",
                "{\"apps\": {\"org.fwlb.test\": {\"sample\": {\"port\": 70000}}},"
                + " \"devices\": {\"of:0000000000000001\": {\"basic\": {}}}}");
        assertEquals(400, mixed.statusCode());
        assertTrue(json(mixed).path("message").asText().contains("apps/org.fwlb.test/sample: port: 70000"),
                   mixed.body());

        assertEquals(8080, user().port(), "nothing changed");
        assertTrue(runtime.netcfg().queuedConfigs().isEmpty(), "the valid part was not queued either");
    }

    @Test
    void componentConfigurationThroughRest() throws Exception {
        Tunable t = (Tunable) runtime.components().instance(TUNABLE).orElseThrow();
        int before = t.modifiedCount;
        HttpResponse<String> get = send("GET", "/onos/v1/configuration/" + TUNABLE, null);
        assertEquals("100", json(get).path(TUNABLE).path("maxConnections").asText());

        HttpResponse<String> bad = send("POST", "/onos/v1/configuration/" + TUNABLE,
                                        "{\"mode\": \"static-hash\", \"maxConnections\": \"many\"}");
        assertEquals(400, bad.statusCode());
        assertTrue(json(bad).path("message").asText().contains("'many'"), bad.body());
        assertEquals(before, t.modifiedCount);
        assertEquals("pinned", runtime.componentConfig().getProperty(TUNABLE, "mode").value(), "nothing set");

        assertEquals(204, send("POST", "/onos/v1/configuration/" + TUNABLE, "{\"maxConnections\": 300}").statusCode());
        assertEquals(before + 1, t.modifiedCount);
        assertEquals("300", t.props.get("maxConnections"));
        assertEquals(204, send("DELETE", "/onos/v1/configuration/" + TUNABLE, "{\"maxConnections\": 0}").statusCode());
        assertEquals("100", t.props.get("maxConnections"));
        assertEquals(404, send("GET", "/onos/v1/configuration/no.Such", null).statusCode());
    }

    @Test
    void servesAppWebContextsWithRuntimeServices() throws Exception {
        HttpResponse<String> get = send("GET", "/onos/sample/sample", null);
        assertEquals(200, get.statusCode(), get.body());
        assertEquals(1, json(get).path("coreAppId").asInt());
        HttpResponse<String> post = send("POST", "/onos/sample/sample/echo", "{\"a\": 1}");
        assertEquals(200, post.statusCode(), "AuthorizationFilter admits writes: " + post.body());
        assertEquals(1, json(post).path("a").asInt());
        assertEquals("web-sample", runtime.rest().webContexts().get("/onos/sample"));
    }

    @Test
    void cliOverHttpAndTheClient() throws Exception {
        HttpResponse<String> r = send("POST", "/fwlb-runtime/cli", "{\"args\": [\"runtime:components\"]}");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(0, json(r).path("exitCode").asInt(), r.body());
        assertTrue(json(r).path("stdout").asText().contains("ACTIVE       sample.NetcfgUser"), r.body());

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = CliClient.run(List.of("--rest", "127.0.0.1:" + runtime.restPort(), "runtime:components", "--bogus"),
                                 ADMIN_ENV, new PrintStream(out, true), new PrintStream(err, true));
        assertEquals(2, code);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("undefined option --bogus"));

        out.reset();
        code = CliClient.run(List.of("--rest", "127.0.0.1:" + runtime.restPort(), "runtime:status"),
                             ADMIN_ENV, new PrintStream(out, true), new PrintStream(err, true));
        assertEquals(0, code);
        assertEquals("fake southbound", M.readTree(out.toString(StandardCharsets.UTF_8)).path("southbound").asText());
    }

    @Test
    void openflowCountersInRestMetricsAndCli() throws Exception {
        org.onosproject.net.DeviceId dev = org.onosproject.net.DeviceId.deviceId("of:00000000000000a1");
        long before = json(send("GET", "/fwlb-runtime/openflow", null)).path("total").path("barriers").asLong();
        OpenFlowStats.Counters c = network.stats.counters(dev);
        c.packetIn();
        c.packetIn(OpenFlowStats.PacketInKind.TCP);
        c.barrier();
        c.barrier();

        JsonNode of = json(send("GET", "/fwlb-runtime/openflow", null));
        assertEquals(before + 2, of.path("total").path("barriers").asLong(), of.toString());
        assertEquals(1, of.path("switches").path(dev.toString()).path("packetInsTcp").asLong(), of.toString());
        assertEquals(0, of.path("switches").path(dev.toString()).path("packetInsArp").asLong(), of.toString());

        // ONOS's /onos/v1/metrics shape, the same numbers as gauges of the runtime's MetricsService
        JsonNode m = json(send("GET", "/onos/v1/metrics", null));
        JsonNode barriers = null;
        for (JsonNode x : m.path("metrics")) {
            if (x.path("name").asText().equals("openflow.messages.barriers")) {
                barriers = x;
            }
        }
        assertNotNull(barriers, m.toString());
        assertEquals(before + 2, barriers.path("metric").path("gauge").asLong());
        HttpResponse<String> one = send("GET", "/onos/v1/metrics/openflow.messages.packetInsTcp", null);
        assertEquals(200, one.statusCode(), one.body());
        assertEquals(1, json(one).path("metric").path("gauge").asLong(), one.body());
        HttpResponse<String> none = send("GET", "/onos/v1/metrics/no.such.metric", null);
        assertEquals(404, none.statusCode());
        assertEquals(404, json(none).path("code").asInt(), none.body());
        assertTrue(json(none).path("message").asText().contains("no.such.metric"), none.body());

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(0, cli(ADMIN_ENV, out, err, "runtime:openflow"), err.toString(StandardCharsets.UTF_8));
        String table = out.toString(StandardCharsets.UTF_8);
        assertTrue(table.contains(dev.toString()) && table.contains("barriers"), table);
    }

    private int cli(Map<String, String> env, ByteArrayOutputStream out, ByteArrayOutputStream err, String... args) {
        out.reset();
        err.reset();
        List<String> argv = new java.util.ArrayList<>(List.of("--rest", "127.0.0.1:" + runtime.restPort()));
        argv.addAll(List.of(args));
        return CliClient.run(argv, env, new PrintStream(out, true), new PrintStream(err, true));
    }

    @Test
    void theClientNeedsAnAdminsCredentials() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Path none = dir.resolve("no-such-credentials");
        assertEquals(CliClient.REFUSED, cli(Map.of("FWLB_CREDENTIALS", none.toString()), out, err, "runtime:status"),
                     "a named credentials file that does not exist");
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("no-such-credentials"), err.toString());

        assertEquals(CliClient.REFUSED, cli(Map.of("FWLB_CREDENTIALS", ""), out, err, "runtime:status"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("answered 401: it needs credentials"), err.toString());

        assertEquals(CliClient.REFUSED, cli(Map.of("FWLB_WEB_USER", "admin", "FWLB_WEB_PASS", "wrong"), out, err,
                                            "runtime:status"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("answered 401: it refused the user name or password"
                                                                 + " of admin"), err.toString());
        assertEquals("", out.toString(StandardCharsets.UTF_8));

        assertEquals(CliClient.REFUSED, cli(Map.of("FWLB_WEB_USER", "viewer", "FWLB_WEB_PASS", "viewer-secret"), out, err,
                                            "runtime:status"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("answered 403: user viewer may not run commands"),
                   err.toString());

        assertEquals(CliClient.REFUSED, cli(Map.of("FWLB_WEB_USER", "admin"), out, err, "runtime:status"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("set both FWLB_WEB_USER and FWLB_WEB_PASS"));

        // from a credentials file, as the runtime writes it on first start
        Path creds = dir.resolve("cli-credentials");
        new Credentials("admin", "admin-secret").write(creds, List.of("test"));
        assertEquals(0, cli(Map.of("FWLB_CREDENTIALS", creds.toString()), out, err, "runtime:status"), err.toString());

        // usage needs no runtime, so no credentials either
        assertEquals(0, cli(Map.of("FWLB_CREDENTIALS", none.toString()), out, err, "runtime:status", "--help"),
                     err.toString());
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("runtime:status"), out.toString());
    }
}
