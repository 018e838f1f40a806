package org.fwlb.runtime.rest;

import org.fwlb.runtime.FwlbRuntime;
import org.fwlb.runtime.cli.CliClient;
import org.fwlb.runtime.security.KeyStoreFile;
import org.fwlb.runtime.security.UserStore;
import org.fwlb.runtime.testutil.FakeNetworkServices;
import org.fwlb.runtime.testutil.KeyTool;
import org.fwlb.runtime.testutil.TestUsers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** REST over HTTPS with a self-signed key store made by keytool at test time. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RestHttpsTest {

    private static final String PW = "store-secret";

    @TempDir
    static Path dir;

    private FwlbRuntime runtime;
    private Path keyStore;
    private Path trustStore;

    @BeforeAll
    void start() throws Exception {
        keyStore = dir.resolve("rest.p12");
        trustStore = dir.resolve("trust.p12");
        KeyTool.selfSigned(keyStore, PW, "rest", "CN=localhost", "ip:127.0.0.1,dns:localhost");
        KeyTool.trust(keyStore, PW, "rest", trustStore, PW, "fwlb-rest", dir);
        runtime = FwlbRuntime.builder().name("https-test").bundles(List.of())
                .networkServices(new FakeNetworkServices()).rest("127.0.0.1", 0)
                .restSecurity(new RestSecurity(UserStore.of(TestUsers.standard()),
                        new KeyStoreFile(keyStore, PW.toCharArray(), "PKCS12"), RestSecurity.DEFAULT_MAX_BODY))
                .build();
        runtime.start();
    }

    @AfterAll
    void stop() {
        runtime.close();
    }

    private HttpClient trusting() throws Exception {
        KeyStore ts = new KeyStoreFile(trustStore, PW.toCharArray(), "PKCS12").load("trust store");
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(ctx).build();
    }

    @Test
    void servesHttpsWithTls12OrNewerAndStillAsksForCredentials() throws Exception {
        URI uri = URI.create("https://127.0.0.1:" + runtime.restPort() + "/fwlb-runtime/status");
        HttpClient client = trusting();
        HttpResponse<String> anonymous = client.send(HttpRequest.newBuilder(uri).GET().build(),
                                                     HttpResponse.BodyHandlers.ofString());
        assertEquals(401, anonymous.statusCode());
        HttpResponse<String> r = client.send(TestUsers.as(HttpRequest.newBuilder(uri), "viewer").GET().build(),
                                             HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        String protocol = r.sslSession().orElseThrow().getProtocol();
        assertTrue(protocol.equals("TLSv1.3") || protocol.equals("TLSv1.2"), protocol);
        assertTrue(r.headers().firstValue("Server").isEmpty(), "no server version is sent");
    }

    @Test
    void refusesPlainHttpAndClientsThatOnlySpeakTls11() throws Exception {
        HttpClient plain = HttpClient.newHttpClient();
        URI http = URI.create("http://127.0.0.1:" + runtime.restPort() + "/fwlb-runtime/status");
        // no HTTP answer at all on the TLS port (a TLS alert), so no password goes out in clear text twice
        assertThrows(IOException.class, () -> plain.send(TestUsers.as(HttpRequest.newBuilder(http), "admin").GET()
                .build(), HttpResponse.BodyHandlers.ofString()));

        javax.net.ssl.SSLSocketFactory f = SSLContext.getDefault().getSocketFactory();
        try (javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) f.createSocket("127.0.0.1", runtime.restPort())) {
            s.setEnabledProtocols(new String[] {"TLSv1.1"});
            // the JDK itself may refuse to offer TLS 1.1; either way no TLS 1.1 session comes up
            assertThrows(IOException.class, s::startHandshake);
        }
    }

    @Test
    void theClientTrustsTheRuntimesCertificateThroughFwlbTruststore() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String endpoint = "https://127.0.0.1:" + runtime.restPort();
        Map<String, String> env = Map.of("FWLB_WEB_USER", "admin", "FWLB_WEB_PASS", "admin-secret",
                                         "FWLB_TRUSTSTORE", trustStore.toString(), "FWLB_TRUSTSTORE_PASSWORD", PW);
        int code = CliClient.run(List.of("--rest", endpoint, "runtime:status"), env, new PrintStream(out, true),
                                 new PrintStream(err, true));
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("\"southbound\""), out.toString());

        // without the trust store the self-signed certificate is not trusted: the client does not send the password
        err.reset();
        code = CliClient.run(List.of("--rest", endpoint, "runtime:status"),
                             Map.of("FWLB_WEB_USER", "admin", "FWLB_WEB_PASS", "admin-secret"),
                             new PrintStream(out, true), new PrintStream(err, true));
        assertEquals(CliClient.UNREACHABLE, code);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("failed"), err.toString());
    }

    @Test
    void aWrongKeyStorePasswordStopsTheStartWithTheFileNamed() {
        FwlbRuntime bad = FwlbRuntime.builder().name("https-bad").bundles(List.of()).processDefaultDirectory(false)
                .networkServices(new FakeNetworkServices()).rest("127.0.0.1", 0)
                .restSecurity(new RestSecurity(UserStore.of(TestUsers.standard()),
                        new KeyStoreFile(keyStore, "wrong".toCharArray(), "PKCS12"), RestSecurity.DEFAULT_MAX_BODY))
                .build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, bad::start);
        assertTrue(e.getMessage().contains(keyStore.toString()) && e.getMessage().contains("wrong password"),
                   e.getMessage());
    }
}
