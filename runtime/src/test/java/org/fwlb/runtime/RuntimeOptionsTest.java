package org.fwlb.runtime;

import org.fwlb.runtime.openflow.OpenFlowOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RuntimeOptionsTest {

    @Test
    void defaultsAndValues() {
        RuntimeOptions d = RuntimeOptions.parse(List.of("--config", "n.json"));
        assertEquals(Path.of("n.json"), d.config());
        assertEquals(6653, d.ofPort());
        assertEquals(8181, d.restPort());
        assertEquals("127.0.0.1", d.restAddress());
        assertEquals("INFO", d.logLevel());
        assertEquals(Path.of("fwlb-runtime.log"), d.logFile());
        assertTrue(d.openflow() && d.serializeStores());
        assertFalse(d.keepFlowsOnExit() || d.strict());
        assertEquals(5, d.flowPollFrequency(), "ONOS's default");
        assertFalse(d.allowExtraneousRules() || d.importExtraneousRules() || d.tcpFlagsMatch(), "ONOS's defaults");

        RuntimeOptions o = RuntimeOptions.parse(List.of("--config=x.json", "--of-port", "6633", "--rest-port=0",
                "--log-file", "none", "--log-level", "debug", "--keep-flows-on-exit", "--strict",
                "--no-store-serialization", "--flow-poll-frequency", "2", "--allow-extraneous-rules",
                "--import-extraneous-rules", "--of-tcp-flags"));
        assertEquals(6633, o.ofPort());
        assertEquals(0, o.restPort());
        assertNull(o.logFile());
        assertEquals("DEBUG", o.logLevel());
        assertTrue(o.keepFlowsOnExit() && o.strict() && !o.serializeStores());
        assertEquals(2, o.flowPollFrequency());
        assertTrue(o.allowExtraneousRules() && o.importExtraneousRules() && o.tcpFlagsMatch());
    }

    @Test
    void errorsNameTheProblem() {
        assertEquals("--config <netcfg.json> is required",
                     assertThrows(RuntimeOptions.UsageException.class, () -> RuntimeOptions.parse(List.of())).getMessage());
        assertTrue(assertThrows(RuntimeOptions.UsageException.class,
                () -> RuntimeOptions.parse(List.of("--config", "x", "--of-port", "70000"))).getMessage()
                .contains("--of-port: '70000' is not a port number"));
        assertEquals("unknown option --of-prot", assertThrows(RuntimeOptions.UsageException.class,
                () -> RuntimeOptions.parse(List.of("--config", "x", "--of-prot", "1"))).getMessage());
        assertEquals("--rest-port needs a value", assertThrows(RuntimeOptions.UsageException.class,
                () -> RuntimeOptions.parse(List.of("--config", "x", "--rest-port"))).getMessage());
        assertTrue(assertThrows(RuntimeOptions.UsageException.class,
                () -> RuntimeOptions.parse(List.of("--config", "x", "--log-level", "loud"))).getMessage()
                .contains("unknown level loud"));
        assertTrue(RuntimeOptions.parse(List.of("--help")).help());
        assertTrue(assertThrows(RuntimeOptions.UsageException.class,
                () -> RuntimeOptions.parse(List.of("--config", "x", "--flow-poll-frequency", "0.5"))).getMessage()
                .contains("--flow-poll-frequency: '0.5' is not a whole number of seconds"));
        assertTrue(assertThrows(RuntimeOptions.UsageException.class,
                () -> RuntimeOptions.parse(List.of("--config", "x", "--import-extraneous-rules"))).getMessage()
                .contains("needs --allow-extraneous-rules"));
        assertEquals("unknown option --adoption-grace", assertThrows(RuntimeOptions.UsageException.class,
                () -> RuntimeOptions.parse(List.of("--config", "x", "--adoption-grace", "15"))).getMessage());
    }

    private static String usage(List<String> args, Map<String, String> env) {
        List<String> all = new java.util.ArrayList<>(List.of("--config", "x"));
        all.addAll(args);
        return assertThrows(RuntimeOptions.UsageException.class, () -> RuntimeOptions.parse(all, env)).getMessage();
    }

    @Test
    void securityDefaultsAreSecure() {
        RuntimeOptions.Security s = RuntimeOptions.parse(List.of("--config", "n.json")).security();
        assertEquals(Path.of(System.getProperty("user.home"), ".fwlb", "users.properties"), s.users());
        assertNull(s.restKeyStore(), "HTTPS needs a key store the operator gives");
        assertEquals(1 << 20, s.maxDocumentBytes());
        assertEquals(OpenFlowOptions.TlsMode.DISABLED, s.ofTlsMode());
        assertEquals(128L << 20, s.ofMaxMultipartBytes());
    }

    @Test
    void securityOptionsAndTheirPasswords(@TempDir Path dir) throws Exception {
        Path pw = dir.resolve("pw");
        Files.writeString(pw, "from-file\nignored\n");
        RuntimeOptions.Security s = RuntimeOptions.parse(List.of("--config", "n.json", "--users", "u.properties",
                "--rest-key-store", "k.p12", "--rest-key-store-password", "env:KS_PW", "--rest-key-store-type", "jks",
                "--max-document-size", "2048", "--of-tls-mode", "STRICT", "--of-key-store", "of.jks",
                "--of-key-store-password", "file:" + pw, "--of-trust-store", "trust.jks",
                "--of-trust-store-password", "literal", "--of-max-multipart-bytes", "1000000"),
                Map.of("KS_PW", "from-env")).security();
        assertEquals(Path.of("u.properties"), s.users());
        assertEquals("from-env", new String(s.restKeyStore().password()));
        assertEquals("JKS", s.restKeyStore().type());
        assertEquals(2048, s.maxDocumentBytes());
        assertEquals(OpenFlowOptions.TlsMode.STRICT, s.ofTlsMode());
        assertEquals("from-file", new String(s.ofKeyStore().password()));
        assertEquals("literal", new String(s.ofTrustStore().password()));
        assertEquals(1_000_000, s.ofMaxMultipartBytes());
    }

    @Test
    void badSecurityOptionsNameTheProblem() {
        Map<String, String> env = Map.of();
        assertEquals("--rest-key-store needs --rest-key-store-password", usage(List.of("--rest-key-store", "k"), env));
        assertEquals("--rest-key-store-password and --rest-key-store-type need --rest-key-store",
                     usage(List.of("--rest-key-store-password", "p"), env));
        assertEquals("--rest-key-store-password: environment variable NOPE is not set",
                     usage(List.of("--rest-key-store", "k", "--rest-key-store-password", "env:NOPE"), env));
        assertTrue(usage(List.of("--rest-key-store", "k", "--rest-key-store-password", "file:/no/such/file"), env)
                   .startsWith("--rest-key-store-password: cannot read /no/such/file"));
        assertTrue(usage(List.of("--rest-key-store", "k", "--rest-key-store-password", "p", "--rest-key-store-type",
                                 "pem"), env).contains("PEM is not one of [PKCS12, JKS]"));
        assertEquals("--of-tls-mode: 'on' is not disabled, enabled or strict", usage(List.of("--of-tls-mode", "on"), env));
        assertEquals("--of-tls-mode enabled needs --of-key-store-password, --of-trust-store, --of-trust-store-password",
                     usage(List.of("--of-tls-mode", "enabled", "--of-key-store", "k"), env));
        assertEquals("--of-key-store and --of-trust-store need --of-tls-mode enabled or strict",
                     usage(List.of("--of-key-store", "k", "--of-key-store-password", "p"), env));
        assertTrue(usage(List.of("--max-document-size", "10"), env).contains("at least 1024"));
        assertTrue(usage(List.of("--of-max-multipart-bytes", "-1"), env).contains("is not a number of bytes"));
    }
}
