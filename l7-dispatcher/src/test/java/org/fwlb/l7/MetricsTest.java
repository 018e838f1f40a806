package org.fwlb.l7;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.fwlb.l7.bench.BenchBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * GET /metrics parsed by a real Prometheus parser: the Python client library's
 * (Debian package python3-prometheus-client, installed by the project's setup).
 */
class MetricsTest {
    private static final String PARSE = String.join("\n",
            "import json, sys",
            "from prometheus_client.parser import text_string_to_metric_families",
            "out = {}",
            "for fam in text_string_to_metric_families(sys.stdin.read()):",
            "    for s in fam.samples:",
            "        key = s.name + ''.join(sorted('|%s=%s' % kv for kv in s.labels.items()))",
            "        out[key] = {'family': fam.name, 'type': fam.type, 'value': s.value}",
            "print(json.dumps(out))");
    private final Fixture fx = new Fixture();

    @AfterEach
    void stop() {
        fx.close();
    }

    private static JsonNode parse(String text) throws Exception {
        Process p = new ProcessBuilder("/usr/bin/python3", "-c", PARSE).start();
        p.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), "the Prometheus parser refused the exposition (or python3-prometheus-client "
                + "is not installed):\n" + err + "\n" + text);
        return new ObjectMapper().readTree(out);
    }

    @Test
    void metricsAreValidPrometheusTextWithUnitsTotalsAndLabels() throws Exception {
        BenchBackend s1 = fx.backend("s1");
        BenchBackend s2 = fx.backend("s2");
        Dispatcher d = fx.dispatcher(Fixture.config("d1", List.of(Fixture.server(s1), Fixture.server(s2)),
                Fixture.NO_HEALTH));
        try (RawHttp c = new RawHttp(d.listenAddress())) {
            for (int i = 0; i < 3; i++) {
                assertEquals(200, c.exchange(RawHttp.get("/")).status());
            }
        }
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + d.controlAddress().getPort() + "/metrics"))
                .header("Authorization", Fixture.READ_AUTH).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/plain; version=0.0.4"));
        JsonNode m = parse(r.body());
        JsonNode req = m.get("fwlb_l7_requests_total|dispatcher=d1");
        assertEquals("counter", req.get("type").asText());
        assertEquals("fwlb_l7_requests", req.get("family").asText());
        assertEquals(3, req.get("value").asInt());
        assertEquals(2, m.get("fwlb_l7_server_requests_total|dispatcher=d1|server=s1").get("value").asInt());
        assertEquals(1, m.get("fwlb_l7_server_requests_total|dispatcher=d1|server=s2").get("value").asInt());
        assertEquals(1, m.get("fwlb_l7_server_up|dispatcher=d1|server=s2").get("value").asInt());
        assertEquals("gauge", m.get("fwlb_l7_uptime_seconds|dispatcher=d1").get("type").asText());
        assertEquals(0, m.get("fwlb_l7_error_responses_total|dispatcher=d1|status=502").get("value").asInt());
        assertEquals(3, m.get("fwlb_l7_cookies_inserted_total|dispatcher=d1").get("value").asInt());
        for (var it = m.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            JsonNode x = m.get(key);
            assertTrue(key.contains("|dispatcher=d1"), key);
            if (x.get("type").asText().equals("counter")) {
                assertTrue(key.split("\\|")[0].endsWith("_total") || key.split("\\|")[0].endsWith("_created"), key);
            }
        }
    }
}
