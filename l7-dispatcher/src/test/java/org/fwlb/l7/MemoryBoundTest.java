package org.fwlb.l7;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 14: request bodies stream with back-pressure, so the dispatcher's memory does not grow with body
 * size. 30 connections upload 10 MiB each through a dispatcher in its own JVM (-Xmx64m,
 * -XX:MaxDirectMemorySize=64m: buffering the 300 MiB would fail there) to a server that reads slowly; all
 * succeed, the pooled direct memory in use stays under {@link #BOUND} and the process's resident set (VmRSS,
 * what the issue measured: 383 MB when bodies were held whole) under {@link #RSS_BOUND} (README "HTTP handling").
 */
class MemoryBoundTest {
    static final int CLIENTS = 30;
    static final int BODY = 10 << 20;
    static final long BOUND = 32L << 20;
    static final long RSS_BOUND = 192L << 20;
    private ServerSocket slow;
    private Process proc;
    private final List<Socket> accepted = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        if (proc != null) {
            proc.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        if (slow != null) {
            slow.close();
        }
        synchronized (accepted) {
            for (Socket s : accepted) {
                s.close();
            }
        }
    }

    /** Reads each request body 32 KiB at a time with a pause (a slow server), answers the byte count. */
    private void startSlowServer() throws IOException {
        slow = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!slow.isClosed()) {
                try {
                    Socket s = slow.accept();
                    synchronized (accepted) {
                        accepted.add(s);
                    }
                    Thread c = new Thread(() -> serve(s), "slow-server");
                    c.setDaemon(true);
                    c.start();
                } catch (IOException e) {
                    return;
                }
            }
        }, "slow-accept");
        t.setDaemon(true);
        t.start();
    }

    private static void serve(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            byte[] buf = new byte[32 * 1024];
            while (true) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                long len = 0;
                for (String line : head.split("\r\n")) {
                    if (line.toLowerCase().startsWith("content-length:")) {
                        len = Long.parseLong(line.substring(15).trim());
                    }
                }
                long got = 0;
                while (got < len) {
                    int n = in.read(buf, 0, (int) Math.min(buf.length, len - got));
                    if (n < 0) {
                        return;
                    }
                    got += n;
                    LockSupport.parkNanos(1_000_000); // a slow reader: ~32 MB/s at most
                }
                byte[] body = Long.toString(got).getBytes(StandardCharsets.US_ASCII);
                out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
            }
        } catch (IOException e) {
            // the dispatcher closed it
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            b.append((char) c);
            if (b.length() >= 4 && b.substring(b.length() - 4).equals("\r\n\r\n")) {
                return b.toString();
            }
        }
        return null;
    }

    private static String upload(InetSocketAddress addr, byte[] piece) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(addr, 5000);
            s.setSoTimeout(120_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: " + BODY + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            for (int sent = 0; sent < BODY; sent += piece.length) {
                out.write(piece); // blocks while the dispatcher does not read: back-pressure reaches us
            }
            out.flush();
            InputStream in = s.getInputStream();
            String head = readHead(in);
            if (head == null || !head.startsWith("HTTP/1.1 200")) {
                return "status: " + head;
            }
            return new String(in.readNBytes(8), StandardCharsets.US_ASCII);
        }
    }

    @Test
    void thirtyTenMegabyteUploadsToASlowServerStayWithinTheBound(@TempDir Path tmp) throws Exception {
        startSlowServer();
        Path cfg = tmp.resolve("d.json");
        Files.writeString(cfg, Fixture.config("dM", List.of(Fixture.server("slow", slow.getLocalPort(), 1, "up")),
                Fixture.NO_HEALTH + ",\"pool\":{\"maxPerServer\":" + CLIENTS + "},"
                        + "\"timeouts\":{\"queueMs\":60000,\"responseMs\":60000},\"limits\":{\"maxBodyBytes\":" + (16 << 20) + "}"));
        Path log = tmp.resolve("d.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        proc = new ProcessBuilder(java, "-Xmx64m", "-XX:MaxDirectMemorySize=64m", "-cp",
                System.getProperty("java.class.path"), "org.fwlb.l7.Main", "--config", cfg.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Fixture.eventually(20000, () -> Files.readString(log).contains("event=started"));
        String started = Files.readAllLines(log).stream().filter(l -> l.contains("event=started")).findFirst().orElseThrow();
        InetSocketAddress listen = addr(started, "listen");
        InetSocketAddress control = addr(started, "control");

        AtomicLong maxDirect = new AtomicLong();
        AtomicLong maxHeap = new AtomicLong();
        AtomicLong maxRss = new AtomicLong();
        long startRss = rss(proc.pid());
        AtomicBoolean uploading = new AtomicBoolean(true);
        HttpClient http = HttpClient.newHttpClient();
        Thread monitor = new Thread(() -> {
            while (uploading.get()) {
                try {
                    JsonNode m = new ObjectMapper().readTree(http.send(HttpRequest.newBuilder(URI.create(
                            "http://127.0.0.1:" + control.getPort() + "/stats")).header("Authorization", Fixture.READ_AUTH)
                            .build(), HttpResponse.BodyHandlers.ofString()).body()).get("memory");
                    maxDirect.accumulateAndGet(m.get("pooledDirectBytes").asLong(), Math::max);
                    maxHeap.accumulateAndGet(m.get("heapUsedBytes").asLong(), Math::max);
                    maxRss.accumulateAndGet(rss(proc.pid()), Math::max);
                } catch (Exception e) {
                    return;
                }
            }
        }, "memory-monitor");
        monitor.start();

        byte[] piece = new byte[64 * 1024];
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        List<String> results = new ArrayList<>();
        try {
            List<Future<String>> fs = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                fs.add(clients.submit(() -> upload(listen, piece)));
            }
            for (Future<String> f : fs) {
                results.add(f.get(180, TimeUnit.SECONDS));
            }
        } finally {
            uploading.set(false);
            clients.shutdownNow();
            monitor.join(5000);
        }
        String out = Files.readString(log);
        System.out.printf("memory bound: %d uploads of %d bytes, max pooled direct %d bytes, max heap used %d bytes,"
                + " RSS %d bytes at start, %d at most%n", CLIENTS, BODY, maxDirect.get(), maxHeap.get(), startRss, maxRss.get());
        for (String r : results) {
            assertEquals(Integer.toString(BODY), r, "every upload reached the server whole\n" + out);
        }
        assertTrue(proc.isAlive(), out);
        assertFalse(out.contains("allocation_failed") || out.contains("OutOfMemory"), out);
        assertTrue(maxDirect.get() > 0, "measured");
        assertTrue(maxDirect.get() <= BOUND, "pooled direct memory " + maxDirect.get() + " > " + BOUND);
        assertTrue(maxRss.get() >= startRss, "RSS measured during the uploads");
        assertTrue(maxRss.get() <= RSS_BOUND, "resident set " + maxRss.get() + " > " + RSS_BOUND);
    }

    /** The resident set of a process, bytes (Linux: VmRSS of /proc/PID/status). */
    private static long rss(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) << 10;
            }
        }
        throw new IOException("no VmRSS in /proc/" + pid + "/status");
    }

    private static InetSocketAddress addr(String logLine, String key) {
        String v = logLine.replaceAll(".* " + key + "=/?([0-9.]+:[0-9]+).*", "$1");
        String[] hp = v.split(":");
        return new InetSocketAddress(hp[0], Integer.parseInt(hp[1]));
    }
}
