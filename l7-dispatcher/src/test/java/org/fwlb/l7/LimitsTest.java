package org.fwlb.l7;

import org.fwlb.l7.bench.BenchBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 14: connection cap, deadlines for every request of a keep-alive connection, streamed bodies. */
class LimitsTest {
    private final Fixture fx = new Fixture();
    private final ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        pacer.shutdownNow();
        fx.close();
    }

    @Test
    void connectionsBeyondTheCapAreClosedAtOnce() throws Exception {
        BenchBackend s1 = fx.backend("s1");
        Dispatcher d = fx.dispatcher(Fixture.config("d1", List.of(Fixture.server(s1)), Fixture.NO_HEALTH
                + ",\"limits\":{\"maxClientConnections\":3}"));
        List<RawHttp> held = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                RawHttp c = new RawHttp(d.listenAddress());
                assertEquals(200, c.exchange(RawHttp.get("/")).status());
                held.add(c);
            }
            assertTrue(RawHttp.closedOnArrival(d.listenAddress()), "the 4th connection is closed, not served");
            assertEquals(1, d.stats().clientConnectionsRefused.sum());
            held.remove(0).close();
            Fixture.eventually(3000, () -> d.stats().clientConnections.get() == 2);
            try (RawHttp again = new RawHttp(d.listenAddress())) {
                assertEquals(200, again.exchange(RawHttp.get("/")).status(), "room again");
            }
        } finally {
            for (RawHttp c : held) {
                c.close();
            }
        }
    }

    @Test
    void everyRequestOfAKeepAliveConnectionHasTheHeaderDeadline() throws Exception {
        BenchBackend s1 = fx.backend("s1");
        Dispatcher d = fx.dispatcher(Fixture.config("d1", List.of(Fixture.server(s1)), Fixture.NO_HEALTH
                + ",\"timeouts\":{\"clientHeaderMs\":300,\"clientIdleMs\":60000}"));
        try (RawHttp c = new RawHttp(d.listenAddress())) {
            assertEquals(200, c.exchange(RawHttp.get("/")).status());
            c.send("GET / HTTP/1.1\r\nHost: x\r\n"); // the second head never completes: 408, not 60 s idle
            assertEquals(408, c.read().status());
            assertTrue(c.closedByPeer());
        }
        // a head trickling in while the previous response is still on its way
        try (RawHttp c = new RawHttp(d.listenAddress())) {
            c.send(RawHttp.get("/slow/800") + "GET / HTTP/1.1\r\n");
            assertEquals(200, c.read().status());
            assertEquals(408, c.read().status());
            assertTrue(c.closedByPeer());
        }
        assertEquals(2, s1.requests.sum(), "only the complete requests reached the server");
        assertEquals(2, d.stats().clientTimeouts.sum());
    }

    /** Sends {@code head}, then the body one byte per 100 ms (a trickle under the stall limit). */
    private CompletableFuture<Void> trickle(RawHttp c, String head, byte[] prefix) throws IOException {
        c.send(head.getBytes(StandardCharsets.ISO_8859_1));
        c.send(prefix);
        OutputStream out = c.socket.getOutputStream();
        CompletableFuture<Void> stopped = new CompletableFuture<>();
        pacer.scheduleAtFixedRate(() -> {
            try {
                out.write('x');
                out.flush();
            } catch (IOException e) {
                stopped.complete(null);
                throw new RuntimeException(e); // cancels the schedule
            }
        }, 100, 100, TimeUnit.MILLISECONDS);
        return stopped;
    }

    @Test
    void aBodyTricklingBelowTheMinimumRateIsCutOff() throws Exception {
        BenchBackend s1 = fx.backend("s1");
        Dispatcher d = fx.dispatcher(Fixture.config("d1", List.of(Fixture.server(s1)), Fixture.NO_HEALTH
                + ",\"timeouts\":{\"clientHeaderMs\":400},\"limits\":{\"minBodyRateBps\":1024}"));
        // buffered (small) body: nothing reaches the server
        try (RawHttp c = new RawHttp(d.listenAddress())) {
            trickle(c, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n", new byte[0]);
            assertEquals(408, c.read().status());
            assertTrue(c.closedByPeer());
        }
        // streamed body (more than bodyBufferBytes arrived fast, then a trickle): the server connection is cut
        try (RawHttp c = new RawHttp(d.listenAddress())) {
            trickle(c, "POST /digest HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n", new byte[200_000]);
            assertEquals(408, c.read().status());
            assertTrue(c.closedByPeer());
        }
        Fixture.eventually(3000, () -> s1.connectionsOpen.get() == 0);
        assertEquals(0, s1.requests.sum(), "no incomplete request was answered by the server");
        assertEquals(2, d.stats().clientTimeouts.sum());
        assertEquals(0, d.registry().get("s1").active());
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Test
    void largeBodiesStreamIntactWithTheirFraming() throws Exception {
        BenchBackend s1 = fx.backend("s1");
        Dispatcher d = fx.dispatcher(Fixture.config("d1", List.of(Fixture.server(s1)), Fixture.NO_HEALTH));
        byte[] big = random(3_000_000);
        try (RawHttp c = new RawHttp(d.listenAddress())) {
            c.send("POST /digest HTTP/1.1\r\nHost: x\r\nContent-Length: " + big.length + "\r\n\r\n");
            c.send(big);
            assertEquals("len=3000000 sha256=" + sha256(big) + " te=null\n", c.read().body());
            // chunked in, chunked out (streamed: its length is not known when it starts)
            StringBuilder head = new StringBuilder("POST /digest HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
            c.send(head.toString());
            for (int off = 0; off < big.length; off += 100_000) {
                c.send(Integer.toHexString(100_000) + "\r\n");
                c.send(java.util.Arrays.copyOfRange(big, off, off + 100_000));
                c.send("\r\n");
            }
            c.send("0\r\n\r\n");
            // (the bench server's aggregator reports the assembled body, not the framing it came with)
            assertEquals("len=3000000 sha256=" + sha256(big) + " te=null\n", c.read().body());
            // and a small one is still sent whole with its length
            assertEquals("len=5 sha256=" + sha256("hello".getBytes()) + " te=null\n",
                    c.exchange("POST /digest HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n").body());
        }
        assertEquals(1, s1.connectionsAccepted.get(), "one pooled server connection carried all three");
    }

    @Test
    void aStreamedBodyIsRelayedAfterThePeerAccepted() throws Exception {
        BenchBackend s1 = fx.backend("s1");
        BenchBackend s3 = fx.backend("s3");
        Dispatcher b = fx.dispatcher(Fixture.config("dB", List.of(Fixture.server(s3)), Fixture.NO_HEALTH));
        Dispatcher a = fx.dispatcher(Fixture.config("dA", List.of(Fixture.server(s1)), Fixture.NO_HEALTH
                + ",\"directory\":{\"mode\":\"broadcast\",\"peers\":" + RelayTest.peers(b) + "}"));
        String cookie = new org.fwlb.l7.cookie.CookieSigner(Fixture.KEY).issue("s3");
        byte[] big = random(1_000_000);
        try (RawHttp c = new RawHttp(a.listenAddress())) {
            c.send("POST /digest HTTP/1.1\r\nHost: x\r\nCookie: FWLBSRV=" + cookie + "\r\nContent-Length: "
                    + big.length + "\r\n\r\n");
            c.send(big);
            RawHttp.Response r = c.read();
            assertEquals("len=1000000 sha256=" + sha256(big) + " te=null\n", r.body());
            assertEquals("dB", r.header("x-fwlb-relayed-by"));
        }
        // the peer turned s3 down: it refuses before the body, so the body still goes to the policy's server
        b.registry().override("s3", null, org.fwlb.l7.config.AdminState.DOWN);
        try (RawHttp c = new RawHttp(a.listenAddress())) {
            c.send("POST /digest HTTP/1.1\r\nHost: x\r\nCookie: FWLBSRV=" + cookie + "\r\nContent-Length: "
                    + big.length + "\r\n\r\n");
            c.send(big);
            RawHttp.Response r = c.read();
            assertEquals("len=1000000 sha256=" + sha256(big) + " te=null\n", r.body());
            assertEquals("s1", r.header("x-server"));
        }
        assertEquals(1, b.stats().relayRefused.sum());
    }

    @Test
    void runningOutOfBufferMemoryIsLoggedAtWarn() throws Exception {
        BenchBackend s1 = fx.backend("s1");
        Dispatcher d = fx.dispatcher(Fixture.config("d1", List.of(Fixture.server(s1)), Fixture.NO_HEALTH));
        io.netty.channel.embedded.EmbeddedChannel ch = new io.netty.channel.embedded.EmbeddedChannel();
        ch.pipeline().addLast(new org.fwlb.l7.http.FrontHandler(d.context(), false));
        java.io.PrintStream old = System.err;
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(log, true));
        try {
            // what the JDK throws when -XX:MaxDirectMemorySize is reached (it used to be logged at debug only)
            ch.pipeline().fireExceptionCaught(new OutOfMemoryError("Cannot reserve 65536 bytes of direct buffer memory"));
        } finally {
            System.setErr(old);
        }
        assertTrue(log.toString().contains("level=warn event=allocation_failed"), "log: [" + log + "] open=" + ch.isOpen());
        assertTrue(!ch.isOpen(), "the connection is closed");
    }
}
