package org.fwlb.runtime.scr;

import java.util.Map;
import java.util.Optional;

/**
 * Where component configurations come from (the runtime's ConfigurationAdmin stand-in: the
 * ComponentConfigService values).
 */
@FunctionalInterface
public interface ConfigurationSource {

    /**
     * @param componentName component name (its configuration PID)
     * @return the configuration to merge over the component's declared properties, if any
     */
    Optional<Map<String, Object>> configurationFor(String componentName);
}
