package org.fwlb.l7;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** The controller side of the L7 contract, as small as a test needs: canned answers, recorded reports. */
final class FakeController implements AutoCloseable {
    final HttpServer server;
    final Map<String, String> answers = new ConcurrentHashMap<>();
    final CopyOnWriteArrayList<String> reports = new CopyOnWriteArrayList<>();
    volatile String directory = "{\"directory\":[],\"dispatchers\":[]}";
    final AtomicInteger directoryGets = new AtomicInteger();
    final AtomicInteger reportAttempts = new AtomicInteger();

    FakeController() throws IOException {
        this(null);
    }

    /** {@code tls}: HTTPS with this server context (see {@link TestCerts}), else plain HTTP. */
    FakeController(javax.net.ssl.SSLContext tls) throws IOException {
        InetSocketAddress bind = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        if (tls == null) {
            server = HttpServer.create(bind, 16);
        } else {
            com.sun.net.httpserver.HttpsServer s = com.sun.net.httpserver.HttpsServer.create(bind, 16);
            s.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(tls));
            server = s;
        }
        server.createContext("/onos/cluster-dispatch/", this::handle);
        server.start();
    }

    String url() {
        return (server instanceof com.sun.net.httpserver.HttpsServer ? "https" : "http") + "://127.0.0.1:"
                + server.getAddress().getPort() + "/onos/cluster-dispatch";
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath().substring("/onos/cluster-dispatch".length());
        byte[] in = ex.getRequestBody().readAllBytes();
        if (path.equals("/directory") && ex.getRequestMethod().equals("GET")) {
            directoryGets.incrementAndGet();
            reply(ex, 200, directory);
            return;
        }
        if (path.startsWith("/l7/") && path.endsWith("/report") && ex.getRequestMethod().equals("POST")) {
            reportAttempts.incrementAndGet();
            String id = path.substring(4, path.length() - 7);
            String answer = answers.get(id);
            if (answer == null) {
                reply(ex, 404, "{\"error\":\"unknown L7 dispatcher " + id + "\"}");
                return;
            }
            reports.add(new String(in, StandardCharsets.UTF_8));
            reply(ex, 200, answer);
            return;
        }
        reply(ex, 404, "{\"error\":\"no such resource\"}");
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
        ex.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
