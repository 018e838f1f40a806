package org.fwlb.l7;

import org.fwlb.l7.bench.BenchBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Server failures, retries, timeouts and saturation: the client always gets an answer, nothing hangs. */
class FailureHandlingTest {
    private static final String NO_HEALTH = "\"health\":{\"intervalMs\":600000}";
    private final Fixture fx = new Fixture();
    private ServerSocket dropper;

    @AfterEach
    void stop() throws IOException {
        fx.close();
        if (dropper != null) {
            dropper.close();
        }
    }

    /** A server that reads the request and closes without answering; counts the requests it got. */
    private int startDropper(AtomicInteger got) throws IOException {
        dropper = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!dropper.isClosed()) {
                try (Socket s = dropper.accept()) {
                    if (s.getInputStream().read(new byte[4096]) > 0) {
                        got.incrementAndGet();
                    }
                } catch (IOException e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return dropper.getLocalPort();
    }

    @Test
    void idempotentRequestsAreRetriedOnAnotherServerOthersAreNot() throws Exception {
        BenchBackend s1 = fx.backend("s1");
        AtomicInteger dropped = new AtomicInteger();
        int port = startDropper(dropped);
        Dispatcher d = fx.dispatcher(Fixture.config("d1",
                List.of(Fixture.server(s1), Fixture.server("bad", port, 1, "up")), NO_HEALTH));
        for (int i = 0; i < 6; i++) {
            try (RawHttp c = new RawHttp(d.listenAddress())) {
                RawHttp.Response r = c.exchange(RawHttp.get("/"));
                assertEquals(200, r.status());
                assertEquals("s1", r.header("x-server"));
            }
        }
        assertTrue(dropped.get() >= 2, "round robin sent some GETs to the failing server");
        assertTrue(d.stats().retries.sum() >= 2);

        int got502 = 0;
        for (int i = 0; i < 6; i++) {
            try (RawHttp c = new RawHttp(d.listenAddress())) {
                RawHttp.Response r = c.exchange("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi");
                if (r.status() == 502) {
                    got502++;
                } else {
                    assertEquals(200, r.status());
                }
            }
        }
        assertTrue(got502 >= 2, "a POST the server received is never resent: " + got502);
    }

    @Test
    void connectFailureEverywhereIs502AndNoEligibleServerIs503() throws Exception {
        BenchBackend s1 = fx.backend("s1");
        int deadPort = s1.address().getPort();
        s1.stop();
        Dispatcher d = fx.dispatcher(Fixture.config("d1", List.of(Fixture.server("s1", deadPort, 1, "up")), NO_HEALTH));
        try (RawHttp c = new RawHttp(d.listenAddress())) {
            RawHttp.Response r = c.exchange(RawHttp.get("/"));
            assertEquals(502, r.status());
            // our own failure answer keeps the client's connection
            d.registry().override("s1", null, org.fwlb.l7.config.AdminState.DOWN);
            assertEquals(503, c.exchange(RawHttp.get("/")).status());
        }
    }

    @Test
    void slowServerGets504AndItsConnectionIsDropped() throws Exception {
        BenchBackend s1 = fx.backend("s1");
        Dispatcher d = fx.dispatcher(Fixture.config("d1", List.of(Fixture.server(s1)),
                NO_HEALTH + ",\"timeouts\":{\"responseMs\":300}"));
        try (RawHttp c = new RawHttp(d.listenAddress())) {
            long t0 = System.nanoTime();
            assertEquals(504, c.exchange(RawHttp.get("/hang")).status());
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(ms >= 250 && ms < 3000, "took " + ms);
            assertEquals(200, c.exchange(RawHttp.get("/slow/50")).status());
        }
        Fixture.eventually(2000, () -> s1.connectionsOpen.get() == 1);
    }

    @Test
    void slowClientsAreCutOff() throws Exception {
        BenchBackend s1 = fx.backend("s1");
        Dispatcher d = fx.dispatcher(Fixture.config("d1", List.of(Fixture.server(s1)),
                NO_HEALTH + ",\"timeouts\":{\"clientHeaderMs\":300,\"clientIdleMs\":400}"));
        try (RawHttp c = new RawHttp(d.listenAddress())) {
            c.send("GET / HTTP/1.1\r\nHost: x\r\n"); // never finishes its head
            RawHttp.Response r = c.read();
            assertEquals(408, r.status());
            assertTrue(c.closedByPeer());
        }
        try (RawHttp c = new RawHttp(d.listenAddress())) {
            c.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc"); // body stalls
            assertEquals(408, c.read().status());
        }
        try (RawHttp c = new RawHttp(d.listenAddress())) {
            assertEquals(200, c.exchange(RawHttp.get("/")).status());
            long t0 = System.nanoTime();
            assertTrue(c.closedByPeer(), "idle keep-alive connection closed");
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(ms >= 300 && ms < 3000, "idle close after " + ms);
        }
        assertEquals(0, s1.requests.sum() - 1, "only the complete request reached the server");
        assertEquals(2, d.stats().clientTimeouts.sum());
    }

    @Test
    void fullPoolQueuesThenRefusesWith503() throws Exception {
        try (GatedBackend s1 = new GatedBackend()) {
            Dispatcher d = fx.dispatcher(Fixture.config("d1", List.of(Fixture.server("s1", s1.port(), 1, "up")),
                    NO_HEALTH + ",\"pool\":{\"maxPerServer\":1,\"maxQueue\":1},\"timeouts\":{\"queueMs\":20000}"));
            CompletableFuture<Integer> a = CompletableFuture.supplyAsync(() -> status(d, "/a"));
            Fixture.eventually(5000, () -> s1.received.get() == 1); // a holds the only connection
            CompletableFuture<Integer> b = CompletableFuture.supplyAsync(() -> status(d, "/b"));
            Fixture.eventually(5000, () -> d.registry().get("s1").pool().queued() == 1); // b waits
            assertEquals(503, status(d, "/")); // the queue is full
            s1.gate.release(2);
            assertEquals(200, a.get(10, TimeUnit.SECONDS));
            assertEquals(200, b.get(10, TimeUnit.SECONDS));
            assertEquals(1, s1.accepted.get(), "one server connection served all of them");
        }
    }

    @Test
    void clientLeavingMidRequestDoesNotCostAServerConnection() throws Exception {
        BenchBackend s1 = fx.backend("s1");
        Dispatcher d = fx.dispatcher(Fixture.config("d1", List.of(Fixture.server(s1)), NO_HEALTH));
        for (int i = 0; i < 3; i++) {
            try (RawHttp c = new RawHttp(d.listenAddress())) {
                c.send(RawHttp.get("/slow/200"));
                long before = i;
                Fixture.eventually(3000, () -> s1.requests.sum() > before); // the server has it
            } // gone before the answer
            Fixture.eventually(3000, () -> d.registry().get("s1").active() == 0);
        }
        assertEquals(200, status(d, "/"));
        assertEquals(1, s1.connectionsAccepted.get(), "the orphaned responses were drained, the connection kept");
        assertEquals(0, d.registry().get("s1").failures());
    }

    private static int status(Dispatcher d, String path) {
        try (RawHttp c = new RawHttp(d.listenAddress())) {
            return c.exchange(RawHttp.get(path)).status();
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }
}
