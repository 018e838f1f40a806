package org.fwlb.l7;

import org.fwlb.l7.bench.BenchBackend;
import org.fwlb.l7.config.DispatcherConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** Dispatchers and bench back-ends on loopback for integration tests; closes everything it started. */
final class Fixture implements AutoCloseable {
    static final String KEY = "test-key-0123456789abcdef";
    static final String ADMIN = "ops";
    static final String ADMIN_PASSWORD = "ops-password-0123";
    static final String READ_TOKEN = "read-token-0123456789abcdefXYZ";
    static final String ADMIN_AUTH = "Basic " + java.util.Base64.getEncoder().encodeToString(
            (ADMIN + ":" + ADMIN_PASSWORD).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    static final String READ_AUTH = "Bearer " + READ_TOKEN;
    static final String CONTROL = "\"control\":{\"ip\":\"127.0.0.1\",\"port\":0,\"users\":[{\"user\":\"" + ADMIN
            + "\",\"password\":\"" + ADMIN_PASSWORD + "\",\"role\":\"admin\"}],\"tokens\":[{\"token\":\"" + READ_TOKEN
            + "\",\"role\":\"read\"}]}";
    static final String NO_HEALTH = "\"health\":{\"intervalMs\":600000}";
    final List<BenchBackend> backends = new ArrayList<>();
    final List<Dispatcher> dispatchers = new ArrayList<>();

    BenchBackend backend(String id) throws InterruptedException {
        BenchBackend b = BenchBackend.start(id, "127.0.0.1", 0, 1);
        backends.add(b);
        return b;
    }

    static String server(BenchBackend b) {
        return server(b.id(), b.address().getPort(), 1, "up");
    }

    static String server(String id, int port, int weight, String admin) {
        return "{\"id\":\"" + id + "\",\"ip\":\"127.0.0.1\",\"port\":" + port + ",\"weight\":" + weight
                + ",\"adminState\":\"" + admin + "\"}";
    }

    /** A config on 127.0.0.1 with ephemeral ports; {@code extra} is spliced in as more top-level fields. */
    static String config(String id, List<String> servers, String extra) {
        return "{\"id\":\"" + id + "\",\"listen\":{\"ip\":\"127.0.0.1\",\"port\":0},"
                + "\"relay\":{\"ip\":\"127.0.0.1\",\"port\":0}," + CONTROL + ","
                + "\"cookie\":{\"name\":\"FWLBSRV\",\"key\":\"" + KEY + "\"},"
                + "\"servers\":[" + String.join(",", servers) + "],"
                + "\"workers\":2,\"debugHeaders\":true"
                + (extra == null || extra.isEmpty() ? "" : "," + extra) + "}";
    }

    Dispatcher dispatcher(String json) throws Exception {
        Dispatcher d = new Dispatcher(DispatcherConfig.parse(json));
        d.start();
        dispatchers.add(d);
        return d;
    }

    static void eventually(long ms, Callable<Boolean> cond) throws Exception {
        long until = System.currentTimeMillis() + ms;
        while (System.currentTimeMillis() < until) {
            if (cond.call()) {
                return;
            }
            Thread.sleep(20);
        }
        if (!cond.call()) {
            throw new AssertionError("condition not met within " + ms + " ms");
        }
    }

    @Override
    public void close() {
        dispatchers.forEach(d -> d.shutdown(0));
        backends.forEach(BenchBackend::stop);
    }
}
