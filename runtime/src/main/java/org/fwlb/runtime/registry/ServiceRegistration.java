package org.fwlb.runtime.registry;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One registered service object under one or more interface names, like an OSGi service registration.
 */
public final class ServiceRegistration {

    private final long id;
    private final List<String> interfaces;
    private final Object service;
    private final Map<String, Object> properties;
    private final String provider;

    ServiceRegistration(long id, List<String> interfaces, Object service,
                        Map<String, Object> properties, String provider) {
        this.id = id;
        this.interfaces = List.copyOf(interfaces);
        this.service = service;
        this.properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
        this.provider = provider;
    }

    /** @return registration id; lower ids were registered first */
    public long id() {
        return id;
    }

    /** @return interface names the service is registered under */
    public List<String> interfaces() {
        return interfaces;
    }

    /** @return the service object */
    public Object service() {
        return service;
    }

    /** @return service properties (read-only) */
    public Map<String, Object> properties() {
        return properties;
    }

    /** @return who registered it: "runtime" or a component name */
    public String provider() {
        return provider;
    }

    /** @return service.ranking property, 0 when absent (OSGi rule) */
    public int ranking() {
        Object r = properties.get("service.ranking");
        return r instanceof Integer ? (Integer) r : 0;
    }

    @Override
    public String toString() {
        return "ServiceRegistration{" + id + " " + interfaces + " by " + provider + "}";
    }
}
