package org.fwlb.cli;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.connect.FrameworkUtilHelper;

import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The services ONOS's static lookups ({@code BaseResource.get}, {@code AbstractShellCommand.get}, both
 * through onlab's {@code DefaultServiceDirectory} and OSGi's {@code FrameworkUtil}) find in these tests.
 * OSGi R8's FrameworkUtil asks the {@link FrameworkUtilHelper}s named in META-INF/services when a class was
 * not loaded by a bundle; this one answers only for the registered service interfaces, with a bundle whose
 * context serves the registered object. Everything else (Jersey probing for OSGi) sees no bundle.
 */
public final class TestServices implements FrameworkUtilHelper {

    private static final Map<Class<?>, Object> SERVICES = new ConcurrentHashMap<>();

    /**
     * Registers a service.
     *
     * @param type service interface
     * @param impl implementation
     * @param <T>  type
     */
    public static <T> void register(Class<T> type, T impl) {
        SERVICES.put(type, impl);
    }

    /** Forgets every service. */
    public static void clear() {
        SERVICES.clear();
    }

    @Override
    public Optional<Bundle> getBundle(Class<?> classFromBundle) {
        Object impl = SERVICES.get(classFromBundle);
        return impl == null ? Optional.empty() : Optional.of(bundle(classFromBundle, impl));
    }

    private static Bundle bundle(Class<?> type, Object impl) {
        ServiceReference<?> ref = proxy(ServiceReference.class, (m, a) -> {
            throw new UnsupportedOperationException("ServiceReference." + m);
        });
        BundleContext context = proxy(BundleContext.class, (m, a) -> {
            if (m.equals("getServiceReference") && a.length == 1
                    && (type.equals(a[0]) || type.getName().equals(a[0]))) {
                return ref;
            }
            if (m.equals("getService") && a.length == 1 && a[0] == ref) {
                return impl;
            }
            if (m.equals("getServiceReference")) {
                return null;
            }
            throw new UnsupportedOperationException("BundleContext." + m);
        });
        return proxy(Bundle.class, (m, a) -> {
            if (m.equals("getBundleContext")) {
                return context;
            }
            throw new UnsupportedOperationException("Bundle." + m);
        });
    }

    private interface Handler {
        Object call(String method, Object[] args);
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, Handler h) {
        return (T) Proxy.newProxyInstance(TestServices.class.getClassLoader(), new Class<?>[]{type},
                (p, m, a) -> {
                    switch (m.getName()) {
                        case "hashCode":
                            return System.identityHashCode(p);
                        case "equals":
                            return p == a[0];
                        case "toString":
                            return "test " + type.getSimpleName();
                        default:
                            return h.call(m.getName(), a == null ? new Object[0] : a);
                    }
                });
    }
}
