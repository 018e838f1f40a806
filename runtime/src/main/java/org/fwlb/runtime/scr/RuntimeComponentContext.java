package org.fwlb.runtime.scr;

import org.fwlb.runtime.registry.OsgiSurface;
import org.fwlb.runtime.registry.ServiceRegistration;
import org.fwlb.runtime.registry.ServiceRegistry;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.ComponentInstance;

import java.util.Collections;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;

/**
 * The {@link ComponentContext} handed to activate/modified/deactivate: read-only properties (as a
 * Dictionary), the component's bound services by reference name, the runtime's bundle context and the
 * component instance. Enabling/disabling other components is not supported.
 */
final class RuntimeComponentContext implements ComponentContext {

    private final ComponentHolder holder;
    private final ServiceRegistry registry;

    RuntimeComponentContext(ComponentHolder holder, ServiceRegistry registry) {
        this.holder = holder;
        this.registry = registry;
    }

    @Override
    public Dictionary<String, Object> getProperties() {
        return new ReadOnlyDictionary(holder.properties);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <S> S locateService(String name) {
        List<ServiceRegistration> regs = holder.bound.get(name);
        return regs == null || regs.isEmpty() ? null : (S) regs.get(0).service();
    }

    @Override
    @SuppressWarnings("unchecked")
    public <S> S locateService(String name, ServiceReference<S> reference) {
        List<ServiceRegistration> regs = holder.bound.get(name);
        if (regs == null || reference == null) {
            return null;
        }
        Object id = reference.getProperty("service.id");
        for (ServiceRegistration r : regs) {
            if (Long.valueOf(r.id()).equals(id)) {
                return (S) r.service();
            }
        }
        return null;
    }

    @Override
    public Object[] locateServices(String name) {
        List<ServiceRegistration> regs = holder.bound.get(name);
        return regs == null || regs.isEmpty() ? null : regs.stream().map(ServiceRegistration::service).toArray();
    }

    @Override
    public BundleContext getBundleContext() {
        return registry.bundle().getBundleContext();
    }

    @Override
    public Bundle getUsingBundle() {
        return null; // only set for bundle-scoped services, which the runtime treats as singletons
    }

    @Override
    @SuppressWarnings("unchecked")
    public <S> ComponentInstance<S> getComponentInstance() {
        Object instance = holder.instance;
        return new ComponentInstance<S>() {
            @Override
            public void dispose() {
                throw new UnsupportedOperationException("ComponentInstance.dispose is not supported by the fwlb runtime");
            }

            @Override
            public S getInstance() {
                return (S) instance;
            }
        };
    }

    @Override
    public void enableComponent(String name) {
        throw new UnsupportedOperationException("ComponentContext.enableComponent(" + name
                + ") is not supported by the fwlb runtime");
    }

    @Override
    public void disableComponent(String name) {
        throw new UnsupportedOperationException("ComponentContext.disableComponent(" + name
                + ") is not supported by the fwlb runtime");
    }

    @Override
    public ServiceReference<?> getServiceReference() {
        ServiceRegistration reg = holder.registration;
        return reg == null ? null : OsgiSurface.reference(reg, registry.bundle());
    }

    /** A Dictionary view that refuses changes, as DS's component properties are read-only. */
    private static final class ReadOnlyDictionary extends Dictionary<String, Object> {
        private final Map<String, Object> map;

        ReadOnlyDictionary(Map<String, Object> map) {
            this.map = map;
        }

        @Override
        public int size() {
            return map.size();
        }

        @Override
        public boolean isEmpty() {
            return map.isEmpty();
        }

        @Override
        public Enumeration<String> keys() {
            return Collections.enumeration(map.keySet());
        }

        @Override
        public Enumeration<Object> elements() {
            return Collections.enumeration(map.values());
        }

        @Override
        public Object get(Object key) {
            return map.get(key);
        }

        @Override
        public Object put(String key, Object value) {
            throw new UnsupportedOperationException("component properties are read-only");
        }

        @Override
        public Object remove(Object key) {
            throw new UnsupportedOperationException("component properties are read-only");
        }

        @Override
        public String toString() {
            return map.toString();
        }
    }
}
