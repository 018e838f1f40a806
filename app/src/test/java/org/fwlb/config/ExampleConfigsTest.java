package org.fwlb.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.fwlb.model.FwlbTopology;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.onosproject.TestApplicationId;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every documented example (docs/examples/figN.json) and every test fixture of FIG 1-8 is a valid netcfg.
 */
class ExampleConfigsTest {

    @ParameterizedTest(name = "FIG {0}")
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void documentedExampleIsValid(int fig) {
        valid(fig, ExampleConfigs.docsNetcfg(fig).path("apps").path(FwlbConfig.APP_NAME).path(FwlbConfig.CONFIG_KEY));
    }

    @ParameterizedTest(name = "FIG {0}")
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void exampleIsValidThroughOnosConfigMachinery(int fig) {
        valid(fig, ExampleConfigs.fwlb(fig));
    }

    private static void valid(int fig, JsonNode node) {
        assertFalse(node.isMissingNode(), "fig" + fig + " has apps/org.fwlb.core/fwlb");
        FwlbConfig cfg = new FwlbConfig();
        cfg.init(new TestApplicationId(FwlbConfig.APP_NAME), FwlbConfig.CONFIG_KEY, node, new ObjectMapper(),
                 c -> { });
        assertEquals("[]", cfg.validationErrors().toString(), "fig" + fig + " errors");
        assertTrue(cfg.isValid());
        FwlbTopology t = cfg.topology();
        // every server is reachable and every service can be served
        t.services().forEach(s -> assertFalse(t.serversReachable(s.firstStage(), s.serviceType()).isEmpty()));
        t.servers().forEach(s -> assertFalse(t.parents(s.id()).isEmpty()));
    }

    @ParameterizedTest(name = "FIG {0}")
    @ValueSource(ints = {1, 6, 7, 8})
    void sandwichFiguresHaveThreeFirewalls(int fig) {
        FwlbTopology t = ExampleConfigs.topology(fig);
        assertTrue(t.hasSandwich());
        assertEquals(3, t.firewalls().size());
    }

    @ParameterizedTest(name = "FIG {0}")
    @ValueSource(ints = {2, 3, 4, 5, 7, 8})
    void dispatchFiguresHaveTwoStages(int fig) {
        FwlbTopology t = ExampleConfigs.topology(fig);
        String first = t.services().get(0).firstStage();
        assertEquals(1, t.stageDepth(first));
        t.childDispatchers(first).forEach(d -> assertEquals(2, t.stageDepth(d.id())));
        assertFalse(t.childDispatchers(first).isEmpty());
    }
}
