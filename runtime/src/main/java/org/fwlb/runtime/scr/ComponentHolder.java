package org.fwlb.runtime.scr;

import org.fwlb.runtime.registry.ServiceRegistration;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Mutable runtime state of one component (guarded by the owning {@link ComponentRuntime}'s lock).
 */
final class ComponentHolder {

    final ComponentDescription description;
    final long id;
    ComponentState state = ComponentState.PENDING;
    String reason;
    Class<?> implClass;
    Object instance;
    RuntimeComponentContext context;
    ServiceRegistration registration;
    volatile Map<String, Object> properties = Map.of();
    Map<String, Object> configuration;
    final Map<String, List<ServiceRegistration>> bound = new LinkedHashMap<>();

    ComponentHolder(ComponentDescription description, long id) {
        this.description = description;
        this.id = id;
    }

    ComponentStatus status() {
        return new ComponentStatus(description.name(), description.implementationClass(),
                                   description.bundle().name(), state, reason, description.services());
    }

    @Override
    public String toString() {
        return description.name() + "[" + state + "]";
    }
}
