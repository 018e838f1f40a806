package org.fwlb.runtime;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

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
}
