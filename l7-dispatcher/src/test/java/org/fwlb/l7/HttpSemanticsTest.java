package org.fwlb.l7;

import org.fwlb.l7.bench.BenchBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** HTTP/1.1 front semantics through one dispatcher to one real server: framing, keep-alive, pipelining. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpSemanticsTest {
    private final Fixture fx = new Fixture();
    private BenchBackend s1;
    private Dispatcher d;

    @BeforeAll
    void start() throws Exception {
        s1 = fx.backend("s1");
        d = fx.dispatcher(Fixture.config("d1", List.of(Fixture.server(s1)), "\"health\":{\"intervalMs\":600000}"));
    }

    @AfterAll
    void stop() {
        fx.close();
    }

    @Test
    void severalRequestsOnOneKeepAliveConnection() throws Exception {
        try (RawHttp c = new RawHttp(d.listenAddress())) {
            for (int i = 0; i < 5; i++) {
                RawHttp.Response r = c.exchange(RawHttp.get("/"));
                assertEquals(200, r.status());
                assertEquals("s1\n", r.body());
                assertNull(r.header("connection"));
            }
            assertFalse(c.closedByPeerQuick());
        }
    }

    @Test
    void chunkedRequestBodyReachesServerWithContentLength() throws Exception {
        try (RawHttp c = new RawHttp(d.listenAddress())) {
            RawHttp.Response r = c.exchange("POST /echo HTTP/1.1\r\nHost: vip.example\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\nX-Trailer: t\r\n\r\n");
            assertEquals(200, r.status());
            assertTrue(r.body().contains("body=hello, world\n"), r.body());
            assertTrue(r.body().contains("method=POST"), r.body());
            // and the connection is still usable
            assertEquals(200, c.exchange(RawHttp.get("/")).status());
        }
    }

    @Test
    void contentLengthBodyAndExpectContinue() throws Exception {
        try (RawHttp c = new RawHttp(d.listenAddress())) {
            c.send("PUT /echo HTTP/1.1\r\nHost: vip.example\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
            RawHttp.Response cont = c.read();
            assertEquals(100, cont.status());
            c.send("data");
            RawHttp.Response r = c.read();
            assertEquals(200, r.status());
            assertTrue(r.body().contains("body=data\n"), r.body());
        }
    }

    @Test
    void chunkedResponseStaysChunkedForHttp11AndIsCloseDelimitedForHttp10() throws Exception {
        try (RawHttp c = new RawHttp(d.listenAddress())) {
            RawHttp.Response r = c.exchange(RawHttp.get("/chunked"));
            assertEquals("chunked", r.header("transfer-encoding"));
            assertEquals("part1-part2-s1", r.body());
            assertEquals(200, c.exchange(RawHttp.get("/")).status());
        }
        try (RawHttp c = new RawHttp(d.listenAddress())) {
            c.send("GET /chunked HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            RawHttp.Response r = c.read();
            assertNull(r.header("transfer-encoding"));
            assertEquals("close", r.header("connection"));
            assertEquals("part1-part2-s1", r.body());
        }
    }

    @Test
    void closeDelimitedServerResponseIsChunkedToTheClient() throws Exception {
        try (RawHttp c = new RawHttp(d.listenAddress())) {
            RawHttp.Response r = c.exchange(RawHttp.get("/nolength"));
            assertEquals(200, r.status());
            assertEquals("chunked", r.header("transfer-encoding"));
            assertEquals("nolength s1", r.body());
            assertEquals(200, c.exchange(RawHttp.get("/")).status());
        }
    }

    @Test
    void headAnd204And304HaveNoBodyAndKeepFraming() throws Exception {
        try (RawHttp c = new RawHttp(d.listenAddress())) {
            RawHttp.Response h = c.exchange("HEAD / HTTP/1.1\r\nHost: vip.example\r\n\r\n");
            assertEquals(200, h.status());
            assertEquals("3", h.header("content-length"));
            assertEquals("", h.body());
            assertEquals(204, c.exchange(RawHttp.get("/status/204")).status());
            RawHttp.Response nm = c.exchange(RawHttp.get("/status/304"));
            assertEquals(304, nm.status());
            assertNull(nm.header("transfer-encoding"));
            // if any of these had leaked a body byte, this response would be garbled
            RawHttp.Response r = c.exchange(RawHttp.get("/"));
            assertEquals("s1\n", r.body());
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        try (RawHttp c = new RawHttp(d.listenAddress())) {
            c.send(RawHttp.get("/echo?1") + RawHttp.get("/slow/100") + RawHttp.get("/echo?3"));
            assertTrue(c.read().body().contains("uri=/echo?1"));
            assertEquals("slow s1", c.read().body());
            assertTrue(c.read().body().contains("uri=/echo?3"));
        }
    }

    @Test
    void halfClosingClientStillGetsItsAnswers() throws Exception {
        try (RawHttp c = new RawHttp(d.listenAddress())) {
            c.send(RawHttp.get("/slow/100") + RawHttp.get("/echo?2"));
            c.socket.shutdownOutput(); // like "nc -N": request sent, then EOF
            assertEquals("slow s1", c.read().body());
            assertTrue(c.read().body().contains("uri=/echo?2"));
            assertTrue(c.closedByPeer());
        }
    }

    @Test
    void connectionCloseFromClientClosesAfterTheResponse() throws Exception {
        try (RawHttp c = new RawHttp(d.listenAddress())) {
            RawHttp.Response r = c.exchange(RawHttp.get("/", "Connection: close"));
            assertEquals(200, r.status());
            assertEquals("close", r.header("connection"));
            assertTrue(c.closedByPeer());
        }
    }

    @Test
    void http10WithoutAndWithKeepAlive() throws Exception {
        try (RawHttp c = new RawHttp(d.listenAddress())) {
            RawHttp.Response r = c.exchange("GET / HTTP/1.0\r\n\r\n");
            assertEquals(200, r.status());
            assertEquals("close", r.header("connection"));
            assertTrue(c.closedByPeer());
        }
        try (RawHttp c = new RawHttp(d.listenAddress())) {
            RawHttp.Response r = c.exchange("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            assertEquals("keep-alive", r.header("connection"));
            assertEquals(200, c.exchange("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").status());
        }
    }

    @Test
    void serverClosingItsConnectionDoesNotCloseTheClients() throws Exception {
        try (RawHttp c = new RawHttp(d.listenAddress())) {
            RawHttp.Response r = c.exchange(RawHttp.get("/close"));
            assertEquals(200, r.status());
            assertNull(r.header("connection"));
            assertEquals("closing s1", r.body());
            assertEquals(200, c.exchange(RawHttp.get("/")).status());
        }
    }

    @Test
    void hopByHopHeadersAreRemovedAndForwardedForAdded() throws Exception {
        try (RawHttp c = new RawHttp(d.listenAddress())) {
            RawHttp.Response r = c.exchange(RawHttp.get("/echo", "Connection: X-Secret", "X-Secret: 1",
                    "Cookie: a=1; FWLBSRV=junk; b=2"));
            assertTrue(r.body().contains("xff=127.0.0.1\n"), r.body());
            assertTrue(r.body().contains("cookie=[a=1; b=2]"), r.body()); // our cookie never reaches a server
            assertFalse(r.body().contains("X-Secret"));
        }
    }

    @Test
    void absoluteFormTargetBecomesOriginForm() throws Exception {
        try (RawHttp c = new RawHttp(d.listenAddress())) {
            RawHttp.Response r = c.exchange("GET http://other.example/echo?x HTTP/1.1\r\nHost: vip.example\r\n\r\n");
            assertTrue(r.body().contains("uri=/echo?x\n"), r.body());
            assertTrue(r.body().contains("host=other.example\n"), r.body());
        }
    }
}
