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

        RuntimeOptions o = RuntimeOptions.parse(List.of("--config=x.json", "--of-port", "6633", "--rest-port=0",
                "--log-file", "none", "--log-level", "debug", "--keep-flows-on-exit", "--strict",
                "--no-store-serialization", "--adoption-grace", "0", "--stats-interval", "0.5"));
        assertEquals(6633, o.ofPort());
        assertEquals(0, o.restPort());
        assertNull(o.logFile());
        assertEquals("DEBUG", o.logLevel());
        assertTrue(o.keepFlowsOnExit() && o.strict() && !o.serializeStores());
        assertEquals(0.0, o.adoptionSeconds());
        assertEquals(0.5, o.statsSeconds());
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
    }
}
