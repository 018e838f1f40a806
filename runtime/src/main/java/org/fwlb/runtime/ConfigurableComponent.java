package org.fwlb.runtime;

import org.onosproject.cfg.ConfigProperty;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * An ONOS component the runtime emulates without hosting it (e.g. {@code FlowRuleManager} inside the
 * OpenFlow southbound) whose properties are still offered through {@code ComponentConfigService}, under
 * the ONOS component name, so {@code cfg set} works as in ONOS.
 *
 * @param name       ONOS component name (its implementation class name)
 * @param properties property definitions (ONOS defaults; values already set where the runtime was started with others)
 * @param apply      receives every property's value (as strings) after a change
 */
public record ConfigurableComponent(String name, List<ConfigProperty> properties, Consumer<Map<String, String>> apply) {
}
