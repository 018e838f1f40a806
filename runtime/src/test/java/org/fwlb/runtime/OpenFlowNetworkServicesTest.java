package org.fwlb.runtime;

import org.fwlb.runtime.openflow.OpenFlowOptions;
import org.fwlb.runtime.openflow.flow.FlowRuleManager;
import org.junit.jupiter.api.Test;
import org.onosproject.cfg.ConfigProperty;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ONOS component properties the OpenFlow southbound offers (cfg set ... FlowRuleManager ...). */
class OpenFlowNetworkServicesTest {

    @Test
    void flowRuleManagerAndOpenFlowRuleProviderPropertiesDriveTheSouthbound() {
        try (OpenFlowNetworkServices of = new OpenFlowNetworkServices(OpenFlowOptions.builder().port(0)
                .flowPollFrequency(Duration.ofSeconds(2)).allowExtraneousRules(true).build())) {
            List<ConfigurableComponent> comps = of.configurableComponents();
            ConfigurableComponent manager = comps.get(0);
            ConfigurableComponent provider = comps.get(1);
            assertEquals("org.onosproject.net.flow.impl.FlowRuleManager", manager.name());
            assertEquals("org.onosproject.provider.of.flow.impl.OpenFlowRuleProvider", provider.name());
            ConfigProperty allow = manager.properties().get(0);
            assertEquals("allowExtraneousRules", allow.name());
            assertEquals("false", allow.defaultValue(), "ONOS's default");
            assertEquals("true", allow.value(), "the value the runtime was started with");
            ConfigProperty poll = provider.properties().get(0);
            assertEquals("5", poll.defaultValue());
            assertEquals("2", poll.value());

            manager.apply().accept(Map.of("allowExtraneousRules", "false", "importExtraneousRules", "true",
                    "purgeOnDisconnection", "true"));
            provider.apply().accept(Map.of("flowPollFrequency", "7"));
            FlowRuleManager f = of.openflow().flowRuleManager();
            assertFalse(f.allowExtraneousRules());
            assertTrue(f.importExtraneousRules());
            assertTrue(f.purgeOnDisconnection());
            assertEquals(Duration.ofSeconds(7), f.flowPollFrequency());
        }
    }
}
