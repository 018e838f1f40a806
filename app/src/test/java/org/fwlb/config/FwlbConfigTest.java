package org.fwlb.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.fwlb.model.AdminState;
import org.fwlb.model.DispatchMode;
import org.fwlb.model.Firewall;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.PathTag;
import org.fwlb.model.ProbeSettings;
import org.fwlb.model.Timeouts;
import org.fwlb.model.TrafficClass;
import org.fwlb.model.UnknownNonSynAction;
import org.junit.jupiter.api.Test;
import org.onosproject.TestApplicationId;
import org.onosproject.core.ApplicationId;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FwlbConfigTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    static FwlbConfig config(JsonNode node) {
        FwlbConfig cfg = new FwlbConfig();
        ApplicationId app = new TestApplicationId(FwlbConfig.APP_NAME);
        cfg.init(app, FwlbConfig.CONFIG_KEY, node, MAPPER, c -> { });
        return cfg;
    }

    static JsonNode json(String text) throws Exception {
        return MAPPER.readTree(text.replace('\'', '"'));
    }

    @Test
    void emptyConfigIsValidWithDefaults() throws Exception {
        FwlbTopology t = config(json("{}")).topology();
        assertFalse(t.hasSandwich());
        assertTrue(t.firewalls().isEmpty());
        assertEquals(Timeouts.defaults(), t.timeouts());
        assertEquals(FwlbTopology.DEFAULT_MAX_CONNECTIONS, t.maxConnections());
        assertEquals(FwlbTopology.empty(), t);
    }

    @Test
    void nullNodeIsTheEmptyConfig() {
        assertTrue(FwlbConfigParser.parse(null).isValid());
    }

    @Test
    void theBriefsExampleMessageIsProducedVerbatim() {
        ObjectNode c = (ObjectNode) ExampleConfigs.fwlb(1).deepCopy();
        ((ObjectNode) c.path("sandwich").path("firewalls").get(1).path("outside")).put("mac", "zz");
        List<String> errors = config(c).validationErrors();
        assertEquals(List.of("sandwich.firewalls[1].outside.mac: \"zz\" is not a MAC address"), errors);
        assertFalse(config(c).isValid());
    }

    @Test
    void allSyntaxErrorsAreReportedAtOnce() throws Exception {
        List<String> errors = config(json("{'servers': [{'id': 'a', 'ip': 'x', 'mac': 'y', 'services': ['http'],"
                + " 'location': {'deviceId': 'of:0000000000000001', 'port': 1}, 'weight': 0}],"
                + " 'timeouts': {'idleSeconds': 'ten'}}")).validationErrors();
        assertEquals(4, errors.size(), errors.toString());
        assertTrue(errors.contains("servers[0].ip: \"x\" is not an IPv4 address"));
        assertTrue(errors.contains("servers[0].mac: \"y\" is not a MAC address"));
        assertTrue(errors.contains("servers[0].weight: 0 is out of range 1..10000"));
        assertTrue(errors.contains("timeouts.idleSeconds: expected an integer, got string \"ten\""));
    }

    @Test
    void topologyOfAnInvalidConfigThrowsWithEveryError() throws Exception {
        FwlbConfig cfg = config(json("{'timeouts': {'idleSeconds': 0, 'closingSeconds': 0}}"));
        InvalidConfigException e = assertThrows(InvalidConfigException.class, cfg::topology);
        assertEquals(2, e.errors().size());
        assertTrue(e.getMessage().contains("2 errors"));
        assertTrue(e.getMessage().contains("timeouts.closingSeconds: 0 is out of range 1..65535"));
    }

    @Test
    void sandwichDefaultsApply() throws Exception {
        ObjectNode c = (ObjectNode) ExampleConfigs.fwlb(1).deepCopy();
        ObjectNode sandwich = (ObjectNode) c.get("sandwich");
        sandwich.remove("trafficClasses");
        sandwich.remove("probe");
        ObjectNode fw = (ObjectNode) sandwich.get("firewalls").get(2);
        fw.remove("weight");
        fw.remove("maxConnections");
        fw.remove("adminState");
        FwlbTopology t = config(c).topology();
        assertEquals(List.of(TrafficClass.defaultClass()), t.trafficClasses());
        assertEquals(ProbeSettings.defaults(), t.probe());
        Firewall f = t.firewall("fw3");
        assertEquals(1, f.weight());
        assertEquals(0, f.maxConnections());
        assertEquals(AdminState.UP, f.adminState());
        assertEquals(PathTag.of(3), f.pathTag(), "default path tag is the 1-based position");
    }

    @Test
    void trafficClassPolicyDefaultsFollowTheMode() throws Exception {
        ObjectNode c = (ObjectNode) ExampleConfigs.fwlb(1).deepCopy();
        ((ObjectNode) c.get("sandwich")).set("trafficClasses", json(
                "[{'id': 'hash', 'mode': 'static-hash', 'ports': [22]}, {'id': 'rest'}]"));
        FwlbTopology t = config(c).topology();
        TrafficClass hash = t.trafficClasses().get(0);
        assertEquals(DispatchMode.STATIC_HASH, hash.mode());
        assertEquals("static-hash", hash.policy());
        TrafficClass rest = t.trafficClasses().get(1);
        assertEquals("round-robin", rest.policy());
        assertEquals(UnknownNonSynAction.DROP, rest.unknownNonSyn());
        assertSame(hash, t.trafficClassFor(6, 22));
        assertSame(rest, t.trafficClassFor(6, 80));
        assertEquals(null, t.trafficClassFor(17, 53));
    }

    @Test
    void explicitNullMeansDefault() throws Exception {
        FwlbTopology t = config(json("{'timeouts': {'idleSeconds': null, 'closingSeconds': 1}}")).topology();
        assertEquals(Timeouts.of(Timeouts.DEFAULT_IDLE_SECONDS, 1), t.timeouts());
    }

    @Test
    void semanticChecksRunOnlyOnSyntacticallyValidConfigs() {
        // a bad MAC in a dispatcher must not cascade into "server in no stage" errors
        ObjectNode c = (ObjectNode) ExampleConfigs.fwlb(2).deepCopy();
        ((ObjectNode) c.get("dispatchers").get(1)).put("mac", "nope");
        List<String> errors = config(c).validationErrors();
        assertEquals(1, errors.size(), errors.toString());
    }

    @Test
    void factoryCreatesConfigsForTheFwlbKey() {
        assertEquals(FwlbConfig.CONFIG_KEY, FwlbConfig.factory().configKey());
        assertEquals(FwlbConfig.class, FwlbConfig.factory().configClass());
        assertTrue(FwlbConfig.factory().createConfig() instanceof FwlbConfig);
    }
}
