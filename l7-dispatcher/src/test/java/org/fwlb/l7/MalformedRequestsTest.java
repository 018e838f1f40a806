package org.fwlb.l7;

import org.fwlb.l7.bench.BenchBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Replays every raw request of src/test/resources/malformed/ (the same files an end-to-end test sends with
 * netcat): each must get its status, the connection must close, and the server must see nothing at all.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MalformedRequestsTest {
    /** The table: case → expected status. The data files must be exactly these. */
    static final Map<String, Integer> EXPECTED = new TreeMap<>(Map.ofEntries(
            Map.entry("400-garbage", 400), Map.entry("400-tls-hello", 400),
            Map.entry("400-http09-no-version", 400), Map.entry("400-bad-protocol-name", 400),
            Map.entry("505-http-2-0", 505), Map.entry("505-http-1-2", 505),
            Map.entry("501-unknown-method", 501), Map.entry("400-method-bad-char", 400),
            Map.entry("501-connect", 501), Map.entry("400-missing-host", 400),
            Map.entry("400-duplicate-host", 400), Map.entry("400-target-no-slash", 400),
            Map.entry("400-target-control-char", 400), Map.entry("400-duplicate-content-length", 400),
            Map.entry("400-repeated-content-length", 400), Map.entry("400-content-length-not-a-number", 400),
            Map.entry("400-content-length-negative", 400), Map.entry("400-content-length-plus-sign", 400),
            Map.entry("400-content-length-and-chunked", 400), Map.entry("501-transfer-encoding-gzip", 501),
            Map.entry("400-transfer-encoding-twice", 400), Map.entry("400-chunked-in-http-1-0", 400),
            Map.entry("400-chunk-size-not-hex", 400), Map.entry("400-chunk-size-negative", 400),
            Map.entry("400-chunk-size-overflow", 400),
            Map.entry("400-chunk-bare-lf", 400), Map.entry("400-chunk-size-overflow-smuggle", 400),
            Map.entry("400-chunk-junk-after-data", 400), Map.entry("400-absolute-form-userinfo", 400),
            Map.entry("400-absolute-form-empty-authority", 400), Map.entry("400-absolute-form-bad-port", 400),
            Map.entry("400-host-userinfo", 400), Map.entry("400-header-name-with-space", 400),
            Map.entry("400-header-name-bad-char", 400), Map.entry("400-space-before-colon", 400),
            Map.entry("400-nul-in-header-value", 400), Map.entry("400-header-without-colon", 400),
            Map.entry("413-body-too-large", 413), Map.entry("417-unknown-expectation", 417),
            Map.entry("414-request-line-too-long", 414), Map.entry("431-headers-too-large", 431)));

    private final Fixture fx = new Fixture();
    private BenchBackend backend;
    private Dispatcher d;

    @BeforeAll
    void start() throws Exception {
        backend = fx.backend("s1");
        // no health probes here: they are TCP connections the server would count
        d = fx.dispatcher(Fixture.config("d1", List.of(Fixture.server(backend)), "\"health\":{\"intervalMs\":600000}"));
    }

    @AfterAll
    void stop() {
        fx.close();
    }

    static Path dir() throws URISyntaxException {
        return Path.of(MalformedRequestsTest.class.getResource("/malformed").toURI());
    }

    static Stream<String> cases() throws Exception {
        try (Stream<Path> s = Files.list(dir())) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".txt"))
                    .map(n -> n.substring(0, n.length() - 4)).sorted().toList().stream();
        }
    }

    @Test
    void dataFilesAreTheTable() throws Exception {
        assertEquals(EXPECTED.keySet(), cases().collect(Collectors.toCollection(java.util.TreeSet::new)));
        assertTrue(EXPECTED.size() >= 20, "at least 20 malformed cases");
        EXPECTED.forEach((name, status) -> assertTrue(name.startsWith(status + "-"), name));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void answeredClosedAndNeverForwarded(String name) throws Exception {
        byte[] raw = Files.readAllBytes(dir().resolve(name + ".txt"));
        long badBefore = d.stats().badRequests.sum();
        try (RawHttp c = new RawHttp(d.listenAddress())) {
            c.send(raw);
            if (name.hashCode() % 2 == 0) {
                c.socket.shutdownOutput(); // half of the cases as "nc -N" sends them
            }
            RawHttp.Response r;
            try {
                r = c.read();
            } catch (IOException e) {
                throw new AssertionError(name + ": no response: " + e.getMessage(), e);
            }
            assertEquals(EXPECTED.get(name).intValue(), r.status(), name);
            assertEquals("close", r.header("connection"), name);
            assertTrue(c.closedByPeer(), name + ": connection must be closed");
        }
        assertEquals(badBefore + 1, d.stats().badRequests.sum(), name);
        assertEquals(0, backend.requests.sum(), name + ": the server saw a request");
        assertEquals(0, backend.connectionsAccepted.get(), name + ": the server saw a connection");
    }
}
