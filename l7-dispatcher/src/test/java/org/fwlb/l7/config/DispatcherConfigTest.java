package org.fwlb.l7.config;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DispatcherConfigTest {
    static final String MIN = "{\"id\":\"d7a\",\"cookie\":{\"key\":\"0123456789abcdef\"},"
            + "\"servers\":[{\"id\":\"srv1\",\"ip\":\"10.0.11.21\"}]}";

    @Test
    void defaultsFillAMinimalConfig() {
        DispatcherConfig c = DispatcherConfig.parse(MIN);
        assertEquals(80, c.listen().getPort());
        assertEquals(8081, c.relay().getPort());
        assertEquals(8082, c.control().getPort());
        assertEquals("FWLBSRV", c.cookie().name());
        assertEquals("round-robin", c.policy());
        assertEquals(8, c.pool().maxPerServer());
        assertEquals(AdminState.UP, c.servers().get(0).adminState());
        assertEquals(java.util.List.of("http"), c.servers().get(0).serviceTypes());
        assertEquals("controller", c.directory().mode());
        assertEquals(null, c.directory().controllerUrl());
        // secure defaults (issue 14)
        assertEquals("127.0.0.1", c.control().getHostString());
        assertTrue(c.controlAuth().credentials().isEmpty());
        assertEquals(1800, c.cookie().maxIdleS());
        assertEquals(86400, c.cookie().maxLifeS());
        assertEquals("0123456789abcdef", c.relayAuth().key());
        assertEquals(10_000, c.relayAuth().maxSkewMs());
        assertEquals(4096, c.limits().maxClientConnections());
        assertEquals(1024, c.limits().minBodyRateBps());
        assertEquals(65536, c.limits().bodyBufferBytes());
        assertTrue(!c.directory().allowInsecureController());
    }

    @Test
    void fullContractExampleParses() {
        String json = "{\"id\":\"d7a\",\"listen\":{\"ip\":\"0.0.0.0\",\"port\":80},"
                + "\"relay\":{\"ip\":\"0.0.0.0\",\"port\":8081},\"control\":{\"ip\":\"0.0.0.0\",\"port\":8082},"
                + "\"cookie\":{\"name\":\"FWLBSRV\",\"key\":\"secret-string-at-least-16-chars\"},"
                + "\"policy\":\"weighted-round-robin\",\"servers\":[{\"id\":\"srv1\",\"ip\":\"10.0.11.21\",\"port\":80,"
                + "\"weight\":1,\"adminState\":\"up\",\"serviceTypes\":[\"http\"]}],"
                + "\"routes\":[{\"pathPrefix\":\"/ftp-gw/\",\"serviceType\":\"static\"},{\"host\":\"img.example\",\"serviceType\":\"img\"}],"
                + "\"defaultServiceType\":\"http\",\"pool\":{\"maxPerServer\":8,\"idleMs\":30000},"
                + "\"timeouts\":{\"clientHeaderMs\":10000,\"clientIdleMs\":60000,\"connectMs\":1000,\"responseMs\":10000},"
                + "\"limits\":{\"maxHeaderBytes\":16384,\"maxRequestLineBytes\":8192,\"maxBodyBytes\":10485760},"
                + "\"health\":{\"intervalMs\":500,\"downAfter\":3,\"upAfter\":2,\"kind\":\"http\",\"path\":\"/\"},"
                + "\"directory\":{\"mode\":\"broadcast\",\"controllerUrl\":\"http://10.254.0.254:18181/onos/cluster-dispatch\","
                + "\"reportIntervalMs\":500,\"allowInsecureController\":true,\"peers\":[{\"id\":\"d7b\",\"relay\":\"10.0.1.32:8081\"}]}}";
        DispatcherConfig c = DispatcherConfig.parse(json);
        assertEquals(2, c.routes().size());
        assertEquals("img.example", c.routes().get(1).host());
        assertEquals("d7b", c.directory().peers().get(0).id());
        assertEquals(8081, c.directory().peers().get(0).relay().getPort());
        assertTrue(c.directory().broadcast());
    }

    private static void rejects(String json, String fieldPath) {
        ConfigException e = assertThrows(ConfigException.class, () -> DispatcherConfig.parse(json));
        assertTrue(e.getMessage().startsWith(fieldPath), e.getMessage() + " should name " + fieldPath);
    }

    @Test
    void badConfigsAreRefusedNamingTheField() {
        rejects(MIN.replace("\"id\":\"d7a\",", "\"id\":\"d7a\",\"colour\":1,"), "colour");
        rejects(MIN.replace("\"ip\":\"10.0.11.21\"", "\"ip\":\"10.0.11.21\",\"wieght\":2"), "servers[0].wieght");
        rejects(MIN.replace("\"ip\":\"10.0.11.21\"", "\"ip\":\"10.0.11.21\",\"port\":70000"), "servers[0].port");
        rejects(MIN.replace("srv1", "srv.1"), "servers[0].id");
        rejects(MIN.replace("0123456789abcdef", "short"), "cookie.key");
        rejects(MIN.replace("\"servers\"", "\"policy\":\"random\",\"servers\""), "policy");
        rejects(MIN.replace("\"servers\"", "\"directory\":{\"mode\":\"gossip\"},\"servers\""), "directory.mode");
        rejects(MIN.replace("\"servers\"", "\"directory\":{\"peers\":[{\"id\":\"p\",\"relay\":\"10.0.0.1\"}]},\"servers\""),
                "directory.peers[0].relay");
        rejects(MIN.replace("\"servers\"", "\"routes\":[{\"serviceType\":\"x\"}],\"servers\""), "routes[0].pathPrefix");
        rejects(MIN.replace("\"servers\"", "\"pool\":{\"maxPerServer\":0},\"servers\""), "pool.maxPerServer");
        rejects(MIN.replace("\"servers\"", "\"directory\":{\"controllerUrl\":\"ftp://x\"},\"servers\""),
                "directory.controllerUrl");
        ConfigException e = assertThrows(ConfigException.class, () -> DispatcherConfig.parse(MIN.replace("\"servers\"",
                "\"directory\":{\"controllerUrl\":\"ftp://l7:s3cret@x/c\"},\"servers\"")));
        assertFalse(e.getMessage().contains("s3cret"), "the controller password is not echoed: " + e.getMessage());
        assertFalse(assertThrows(ConfigException.class, () -> DispatcherConfig.parse(MIN.replace("\"servers\"",
                "\"directory\":{\"controllerUrl\":\"http://l7:s3 cret@x\"},\"servers\""))).getMessage()
                .contains("s3"), "nor in a URL that does not parse");
        rejects(MIN.replace("}]}", "},{\"id\":\"srv1\",\"ip\":\"10.0.11.22\"}]}"), "servers[1].id");
        // issue 14: security settings are checked as strictly
        String at = "\"servers\"";
        rejects(MIN.replace(at, "\"control\":{\"users\":[{\"user\":\"ops\",\"password\":\"short\"}]}," + at),
                "control.users[0].password");
        rejects(MIN.replace(at, "\"control\":{\"users\":[{\"user\":\"o p\",\"password\":\"long-enough-pw\"}]}," + at),
                "control.users[0].user");
        rejects(MIN.replace(at, "\"control\":{\"tokens\":[{\"token\":\"too-short\"}]}," + at), "control.tokens[0].token");
        rejects(MIN.replace(at, "\"control\":{\"tokens\":[{\"token\":\"0123456789abcdef0123456789\",\"role\":\"root\"}]},"
                + at), "control.tokens[0].role");
        rejects(MIN.replace(at, "\"relay\":{\"key\":\"short\"}," + at), "relay.key");
        rejects(MIN.replace("\"key\":\"0123456789abcdef\"", "\"key\":\"0123456789abcdef\",\"maxAgeS\":60"), "cookie.maxAgeS");
        rejects(MIN.replace(at, "\"directory\":{\"controllerUrl\":\"http://10.0.0.1/x\"}," + at), "directory.controllerUrl");
        rejects(MIN.replace(at, "\"limits\":{\"bodyBufferBytes\":10}," + at), "limits.bodyBufferBytes");
        rejects("{\"id\":\"d\"", "config");
        rejects("[]", "config");
    }

    @Test
    void theControllerMayBeReachedOverHttps() {
        DispatcherConfig c = DispatcherConfig.parse(MIN.replace("\"servers\"",
                "\"directory\":{\"controllerUrl\":\"https://l7:pw@ctl:8443/onos/cluster-dispatch\"},\"servers\""));
        assertEquals("https", c.directory().controllerUrl().getScheme());
    }
}
