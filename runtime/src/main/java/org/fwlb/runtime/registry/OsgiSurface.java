package org.fwlb.runtime.registry;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The sliver of OSGi the hosted code may touch, answered from a {@link ServiceRegistry}: a {@link Bundle}
 * whose {@link BundleContext} finds services ({@code getServiceReference}, {@code getService},
 * {@code getServiceReferences}, {@code ungetService}, {@code getProperty}, {@code getBundle}). Every other
 * method throws {@link UnsupportedOperationException} naming itself: the runtime is not an OSGi framework.
 */
public final class OsgiSurface {

    private static final String SYMBOLIC_NAME = "org.fwlb.runtime";

    private OsgiSurface() {
    }

    /**
     * @param registry source of services
     * @return a bundle whose context serves the registry's services
     */
    public static Bundle bundle(ServiceRegistry registry) {
        Holder holder = new Holder();
        holder.context = proxy(BundleContext.class, new ContextHandler(registry, holder));
        holder.bundle = proxy(Bundle.class, new BundleHandler(holder));
        return holder.bundle;
    }

    /**
     * @param registry source of services
     * @return a bundle context serving the registry's services
     */
    public static BundleContext bundleContext(ServiceRegistry registry) {
        return bundle(registry).getBundleContext();
    }

    /**
     * @param registration a registration
     * @param bundle       the bundle to report as owner
     * @return an OSGi service reference for it
     */
    public static ServiceReference<?> reference(ServiceRegistration registration, Bundle bundle) {
        return proxy(ServiceReference.class, new ReferenceHandler(registration, bundle));
    }

    private static final class Holder {
        Bundle bundle;
        BundleContext context;
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, InvocationHandler handler) {
        return (T) Proxy.newProxyInstance(OsgiSurface.class.getClassLoader(), new Class<?>[]{type}, handler);
    }

    private abstract static class Handler implements InvocationHandler {
        @Override
        public Object invoke(Object proxy, Method method, Object[] args) {
            Object[] a = args == null ? new Object[0] : args;
            switch (method.getName()) {
                case "equals":
                    if (a.length == 1) {
                        return proxy == a[0];
                    }
                    break;
                case "hashCode":
                    if (a.length == 0) {
                        return System.identityHashCode(proxy);
                    }
                    break;
                case "toString":
                    if (a.length == 0) {
                        return describe();
                    }
                    break;
                default:
                    break;
            }
            return handle(method, a);
        }

        abstract String describe();

        abstract Object handle(Method method, Object[] args);

        static UnsupportedOperationException unsupported(Method method) {
            return new UnsupportedOperationException(method.getDeclaringClass().getSimpleName() + "."
                    + method.getName() + Arrays.toString(method.getParameterTypes())
                    + " is not supported by the fwlb runtime (no OSGi framework)");
        }
    }

    private static final class BundleHandler extends Handler {
        private final Holder holder;

        BundleHandler(Holder holder) {
            this.holder = holder;
        }

        @Override
        String describe() {
            return SYMBOLIC_NAME + " [0]";
        }

        @Override
        Object handle(Method method, Object[] args) {
            switch (method.getName()) {
                case "getBundleContext":
                    return holder.context;
                case "getSymbolicName":
                    return SYMBOLIC_NAME;
                case "getBundleId":
                    return 0L;
                case "getState":
                    return Bundle.ACTIVE;
                case "getLocation":
                    return "fwlb-runtime";
                case "getHeaders":
                    return new Hashtable<String, String>();
                default:
                    throw unsupported(method);
            }
        }
    }

    private static final class ContextHandler extends Handler {
        private final ServiceRegistry registry;
        private final Holder holder;

        ContextHandler(ServiceRegistry registry, Holder holder) {
            this.registry = registry;
            this.holder = holder;
        }

        @Override
        String describe() {
            return "BundleContext of " + SYMBOLIC_NAME;
        }

        @Override
        Object handle(Method method, Object[] args) {
            String name = method.getName();
            if (name.equals("getServiceReference") && args.length == 1) {
                String itf = typeName(args[0]);
                return registry.lookup(itf).map(r -> reference(r, holder.bundle)).orElse(null);
            }
            if ((name.equals("getServiceReferences") || name.equals("getAllServiceReferences"))
                    && args.length == 2) {
                if (args[1] != null) {
                    // the runtime has no LDAP filter support: refuse rather than return unfiltered results
                    throw new UnsupportedOperationException("BundleContext." + name
                            + " with a filter is not supported by the fwlb runtime: " + args[1]);
                }
                List<ServiceRegistration> all = registry.lookupAll(typeName(args[0]));
                if (method.getReturnType().isArray()) {
                    return all.isEmpty() ? null : all.stream().map(r -> reference(r, holder.bundle))
                            .toArray(ServiceReference[]::new);
                }
                return all.stream().map(r -> reference(r, holder.bundle)).collect(java.util.stream.Collectors.toList());
            }
            if (name.equals("getService") && args.length == 1 && args[0] instanceof ServiceReference) {
                Object proxyTarget = Proxy.isProxyClass(args[0].getClass())
                        ? Proxy.getInvocationHandler(args[0]) : null;
                if (proxyTarget instanceof ReferenceHandler) {
                    ServiceRegistration reg = ((ReferenceHandler) proxyTarget).registration;
                    return registry.registrations().contains(reg) ? reg.service() : null;
                }
                throw new IllegalArgumentException("not a service reference of this runtime: " + args[0]);
            }
            if (name.equals("ungetService") && args.length == 1) {
                return Boolean.TRUE;
            }
            if (name.equals("getProperty") && args.length == 1) {
                return System.getProperty((String) args[0]);
            }
            if (name.equals("getBundle") && args.length == 0) {
                return holder.bundle;
            }
            throw unsupported(method);
        }

        private static String typeName(Object classOrName) {
            return classOrName instanceof Class ? ((Class<?>) classOrName).getName()
                    : Objects.toString(classOrName);
        }
    }

    private static final class ReferenceHandler extends Handler {
        private final ServiceRegistration registration;
        private final Bundle bundle;

        ReferenceHandler(ServiceRegistration registration, Bundle bundle) {
            this.registration = registration;
            this.bundle = bundle;
        }

        @Override
        String describe() {
            return "ServiceReference" + registration.interfaces();
        }

        @Override
        Object handle(Method method, Object[] args) {
            switch (method.getName()) {
                case "getProperty":
                    return property((String) args[0]);
                case "getPropertyKeys":
                    return properties().keySet().toArray(new String[0]);
                case "getProperties":
                    return new Hashtable<>(properties());
                case "getBundle":
                    return bundle;
                case "compareTo":
                    // OSGi order: higher ranking first, then lower id
                    ReferenceHandler other = (ReferenceHandler) Proxy.getInvocationHandler(args[0]);
                    int byRank = Integer.compare(registration.ranking(), other.registration.ranking());
                    return byRank != 0 ? byRank
                            : Long.compare(other.registration.id(), registration.id());
                default:
                    throw unsupported(method);
            }
        }

        private Map<String, Object> properties() {
            Map<String, Object> p = new java.util.LinkedHashMap<>(registration.properties());
            p.put("objectClass", registration.interfaces().toArray(new String[0]));
            p.put("service.id", registration.id());
            return p;
        }

        private Object property(String key) {
            return properties().get(key);
        }
    }

    /**
     * @param map a map
     * @return the same entries as an OSGi-style dictionary
     */
    public static Dictionary<String, Object> dictionary(Map<String, Object> map) {
        return new Hashtable<>(map);
    }
}
