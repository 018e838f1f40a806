package org.fwlb.dispatch.rest;

import org.fwlb.testing.DispatchFixtures;
import org.fwlb.testing.FakeDispatchService;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.fwlb.api.DispatchService;
import org.fwlb.api.FwlbTopologyService;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.TcpState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every fixture in src/test/resources/invalid/ is a refused request: {"request": "METHOD path", "body":
 * raw text (optional), "status": 400 or 404, "error": text the message must contain}. Each must get that
 * status with {"code", "message"} and change nothing (no call reached the service's setters, and every
 * member reads the same as before).
 */
class InvalidRequestTest {

    // one Jersey application for every fixture (services are looked up per request)
    private static RestHarness rest;
    private FakeDispatchService dispatch;

    @BeforeAll
    static void startJersey() {
        rest = new RestHarness();
    }

    @BeforeEach
    void setUp() {
        FwlbTopology topology = DispatchFixtures.topology();
        dispatch = new FakeDispatchService(topology);
        dispatch.connections.add(DispatchFixtures.connection(1, 40001, 80, TcpState.ESTABLISHED, null, null, "srv1",
                                                     "d1", "d2a"));
        TestServices.register(DispatchService.class, dispatch);
        TestServices.register(FwlbTopologyService.class, DispatchFixtures.topologyService(topology));
    }

    @AfterEach
    void tearDown() {
        TestServices.clear();
    }

    static Stream<String> fixtures() throws IOException, URISyntaxException {
        Path dir = Paths.get(InvalidRequestTest.class.getResource("/invalid").toURI());
        try (Stream<Path> files = Files.list(dir)) {
            List<String> names = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json"))
                    .sorted().collect(Collectors.toList());
            return names.stream();
        }
    }

    @Test
    void thereAreFixtures() throws Exception {
        assertTrue(fixtures().count() >= 20, "fixtures in src/test/resources/invalid");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void refusedWithNothingChanged(String fixture) throws IOException {
        JsonNode f = new ObjectMapper().readTree(DispatchFixtures.resource("invalid/" + fixture));
        String[] request = f.get("request").asText().split(" ", 2);
        String body = f.has("body") ? f.get("body").asText() : null;
        String before = snapshot();

        RestHarness.Reply r = rest.call(request[0], request[1], body);

        assertEquals(f.get("status").asInt(), r.status, fixture + ": " + r);
        assertEquals(r.status, r.json.get("code").asInt(), r.toString());
        String error = r.json.get("message").asText();
        assertTrue(error.contains(f.get("error").asText()), fixture + ": error was: " + error);
        assertEquals(List.of(), dispatch.changes, fixture + " changed something");
        assertEquals(before, snapshot(), fixture + " changed a member");
    }

    private String snapshot() {
        RestHarness.Reply d = rest.get("dispatchers");
        RestHarness.Reply s = rest.get("servers");
        assertEquals(200, d.status);
        assertEquals(200, s.status);
        return d.body + s.body;
    }
}
