package org.fwlb.runtime.registry;

import org.onlab.osgi.ServiceDirectory;
import org.onlab.osgi.ServiceNotFoundException;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * The runtime's service registry: built-in services and the services of active components. Lookups
 * follow OSGi's rule: highest {@code service.ranking}, then lowest registration id.
 * One registry per runtime instance (several can live in one JVM, e.g. a simulated cluster).
 */
public final class ServiceRegistry implements ServiceDirectory {

    /** Provider name of services registered by the runtime itself. */
    public static final String RUNTIME = "runtime";

    private static final Comparator<ServiceRegistration> BEST_FIRST =
            Comparator.comparingInt(ServiceRegistration::ranking).reversed()
                    .thenComparingLong(ServiceRegistration::id);

    private final AtomicLong ids = new AtomicLong();
    private final List<ServiceRegistration> registrations = new CopyOnWriteArrayList<>();
    private final List<Consumer<ServiceRegistration>> registeredListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<ServiceRegistration>> unregisteredListeners = new CopyOnWriteArrayList<>();
    private volatile org.osgi.framework.Bundle bundle;

    /**
     * Registers a service under the given interfaces.
     *
     * @param interfaces interface names
     * @param service    the service object; must implement every interface it is registered under
     * @param properties service properties
     * @param provider   "runtime" or the providing component's name
     * @return the registration
     */
    public ServiceRegistration register(List<String> interfaces, Object service,
                                        Map<String, Object> properties, String provider) {
        requireNonNull(service, "service");
        if (interfaces.isEmpty()) {
            throw new IllegalArgumentException("a service needs at least one interface: " + service);
        }
        for (String itf : interfaces) {
            if (!implementsType(service.getClass(), itf)) {
                throw new IllegalArgumentException(service.getClass().getName() + " (from " + provider
                        + ") does not implement " + itf);
            }
        }
        ServiceRegistration reg = new ServiceRegistration(ids.incrementAndGet(), interfaces, service,
                                                          properties, provider);
        registrations.add(reg);
        registeredListeners.forEach(l -> l.accept(reg));
        return reg;
    }

    /**
     * Registers a built-in runtime service under one interface.
     *
     * @param type    the interface
     * @param service the implementation
     * @param <T>     service type
     * @return the registration
     */
    public <T> ServiceRegistration registerBuiltIn(Class<T> type, T service) {
        return register(List.of(type.getName()), service, Map.of(), RUNTIME);
    }

    /**
     * Removes a registration (no-op if already removed).
     *
     * @param registration what to remove
     */
    public void unregister(ServiceRegistration registration) {
        if (registrations.remove(registration)) {
            unregisteredListeners.forEach(l -> l.accept(registration));
        }
    }

    /**
     * @param interfaceName interface name
     * @return all registrations for it, best first
     */
    public List<ServiceRegistration> lookupAll(String interfaceName) {
        List<ServiceRegistration> result = new ArrayList<>();
        for (ServiceRegistration r : registrations) {
            if (r.interfaces().contains(interfaceName)) {
                result.add(r);
            }
        }
        result.sort(BEST_FIRST);
        return result;
    }

    /**
     * @param interfaceName interface name
     * @return the best registration for it
     */
    public Optional<ServiceRegistration> lookup(String interfaceName) {
        List<ServiceRegistration> all = lookupAll(interfaceName);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(0));
    }

    /**
     * @param type service interface
     * @param <T>  service type
     * @return the best service for it, if any
     */
    public <T> Optional<T> find(Class<T> type) {
        return lookup(type.getName()).map(r -> type.cast(r.service()));
    }

    /** @return every registration, in registration order */
    public List<ServiceRegistration> registrations() {
        return List.copyOf(registrations);
    }

    @Override
    public <T> T get(Class<T> serviceClass) {
        return find(serviceClass).orElseThrow(() -> new ServiceNotFoundException(
                "Service " + serviceClass.getName() + " not found"));
    }

    /**
     * @param listener called after each registration
     */
    public void addRegisteredListener(Consumer<ServiceRegistration> listener) {
        registeredListeners.add(listener);
    }

    /**
     * @param listener called after each unregistration
     */
    public void addUnregisteredListener(Consumer<ServiceRegistration> listener) {
        unregisteredListeners.add(listener);
    }

    /** @return the OSGi bundle view of this registry (its context serves these services) */
    public org.osgi.framework.Bundle bundle() {
        if (bundle == null) {
            synchronized (this) {
                if (bundle == null) {
                    bundle = OsgiSurface.bundle(this);
                }
            }
        }
        return bundle;
    }

    private static boolean implementsType(Class<?> cls, String typeName) {
        for (Class<?> c = cls; c != null; c = c.getSuperclass()) {
            if (c.getName().equals(typeName)) {
                return true;
            }
            for (Class<?> i : c.getInterfaces()) {
                if (implementsType(i, typeName)) {
                    return true;
                }
            }
        }
        return false;
    }
}
