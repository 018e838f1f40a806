package org.fwlb.l7;

import org.fwlb.l7.bench.BenchBackend;
import org.fwlb.l7.config.ConfigException;
import org.fwlb.l7.config.DispatcherConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 14: the server list comes only from a controller the dispatcher authenticated (HTTPS, a trusted
 * certificate, the right host name); plain HTTP only when explicitly allowed; credentials never logged.
 */
class ControllerTlsTest {
    @TempDir
    static Path dir;
    static TestCerts good;      // SAN IP:127.0.0.1
    static TestCerts stranger;  // another key: not trusted
    static TestCerts wrongName; // trusted, but for other.example

    private final Fixture fx = new Fixture();
    private FakeController ctl;

    @BeforeAll
    static void certs() throws Exception {
        good = TestCerts.make(dir, "controller", "IP:127.0.0.1");
        stranger = TestCerts.make(dir, "stranger", "IP:127.0.0.1");
        wrongName = TestCerts.make(dir, "other", "DNS:other.example");
    }

    @AfterEach
    void stop() {
        fx.close();
        if (ctl != null) {
            ctl.close();
        }
    }

    private Dispatcher start(TestCerts served, TestCerts trusted, BenchBackend s1, BenchBackend s2) throws Exception {
        ctl = new FakeController(served.serverContext());
        ctl.answers.put("dA", "{\"servers\":[" + Fixture.server(s1) + "," + Fixture.server(s2) + "]}");
        String url = ctl.url().replace("https://", "https://onos:rocks-secret-pw@");
        return fx.dispatcher(Fixture.config("dA", List.of(Fixture.server(s1)), Fixture.NO_HEALTH
                + ",\"directory\":{\"controllerUrl\":\"" + url + "\",\"reportIntervalMs\":50,"
                + "\"controllerCaFile\":\"" + trusted.pem + "\"}"));
    }

    @Test
    void aTrustedControllerOverHttpsSetsTheServers() throws Exception {
        BenchBackend s1 = fx.backend("s1");
        BenchBackend s2 = fx.backend("s2");
        Dispatcher a = start(good, good, s1, s2);
        Fixture.eventually(5000, () -> a.registry().get("s2") != null);
        assertTrue(a.link().connected());
        assertFalse(ctl.reports.isEmpty());
    }

    @Test
    void anUntrustedCertificateOrAWrongHostNameChangesNothingAndLeaksNoCredentials() throws Exception {
        PrintStream old = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        System.setErr(new PrintStream(log, true));
        try {
            for (TestCerts[] c : new TestCerts[][]{{stranger, good}, {wrongName, wrongName}}) {
                BenchBackend s1 = fx.backend("s1");
                BenchBackend s2 = fx.backend("s2");
                Dispatcher a = start(c[0], c[1], s1, s2);
                Fixture.eventually(5000, () -> a.stats().controllerFailures.sum() >= 3);
                assertNull(a.registry().get("s2"), "the answer of an unauthenticated controller is never applied");
                assertFalse(a.link().connected());
                assertTrue(ctl.reports.isEmpty(), "no report reached it: the handshake failed");
                ctl.close();
                fx.close();
            }
        } finally {
            System.setErr(old);
        }
        String out = log.toString();
        assertTrue(out.contains("event=started") && out.contains("event=controller_unreachable"), out);
        assertTrue(out.contains("controller=https://***@127.0.0.1:"), out);
        assertFalse(out.contains("rocks-secret-pw") || out.contains("onos:"), "credentials in the log:\n" + out);
    }

    @Test
    void plainHttpNeedsAnExplicitOptInAndIsWarnedAbout() throws Exception {
        java.util.function.Function<String, String> cfg = more -> Fixture.config("dA", List.of(),
                "\"directory\":{\"controllerUrl\":\"http://onos:rocks-secret-pw@127.0.0.1:1/onos/cluster-dispatch\""
                + more + "}");
        ConfigException e = assertThrows(ConfigException.class, () -> DispatcherConfig.parse(cfg.apply("")));
        assertTrue(e.getMessage().startsWith("directory.controllerUrl") && e.getMessage().contains("allowInsecureController"),
                e.getMessage());
        assertFalse(e.getMessage().contains("rocks-secret-pw"), e.getMessage());
        DispatcherConfig ok = DispatcherConfig.parse(cfg.apply(",\"allowInsecureController\":true"));
        assertNotNull(ok.directory().controllerUrl());
        assertFalse(ok.toString().contains("rocks-secret-pw") || ok.toString().contains(Fixture.KEY),
                "no secret in the config's toString: " + ok);
        PrintStream old = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        System.setErr(new PrintStream(log, true));
        try {
            fx.dispatcher(cfg.apply(",\"allowInsecureController\":true,\"reportIntervalMs\":60000"));
        } finally {
            System.setErr(old);
        }
        assertTrue(log.toString().contains("level=warn event=controller_insecure url=http://***@127.0.0.1:1/"), log.toString());
        assertFalse(log.toString().contains("rocks-secret-pw"), log.toString());
    }

    @Test
    void aMissingOrEmptyCaFileIsAConfigError() {
        String cfg = Fixture.config("dA", List.of(), "\"directory\":{\"controllerUrl\":\"https://127.0.0.1:1/x\","
                + "\"controllerCaFile\":\"" + dir.resolve("nope.pem") + "\"}");
        assertEquals("directory.controllerCaFile", assertThrows(ConfigException.class,
                () -> DispatcherConfig.parse(cfg)).getMessage().split(":")[0]);
    }
}
