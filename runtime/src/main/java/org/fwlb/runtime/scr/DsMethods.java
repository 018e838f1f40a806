package org.fwlb.runtime.scr;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.ComponentContext;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Finds and calls the methods and fields DS names, with the accessibility and signature rules of the
 * Declarative Services specification (1.3/1.4): private members only in the implementation class,
 * package-private ones only in classes of its package, searched from the implementation class upward.
 */
final class DsMethods {

    private DsMethods() {
    }

    /** Lifecycle method parameter kinds DS allows (component property types are not supported). */
    enum LifecycleKind { ACTIVATE, DEACTIVATE }

    /**
     * Finds a lifecycle (activate/modified/deactivate) method.
     *
     * @param impl implementation class
     * @param name method name
     * @param kind activate/modified or deactivate (which may also take the int reason)
     * @return the method, if one with an allowed signature exists
     * @throws ComponentDescriptionException if a method of that name takes a component property type
     */
    static Optional<Method> lifecycle(Class<?> impl, String name, LifecycleKind kind) {
        for (Class<?> c = impl; c != null && c != Object.class; c = c.getSuperclass()) {
            List<Method> candidates = new ArrayList<>();
            for (Method m : c.getDeclaredMethods()) {
                if (m.getName().equals(name) && accessible(impl, c, m.getModifiers())
                        && !m.isSynthetic() && !Modifier.isStatic(m.getModifiers())) {
                    if (lifecycleParamsOk(m, kind)) {
                        candidates.add(m);
                    } else if (m.getParameterCount() > 0 && m.getParameterTypes()[0].isAnnotation()) {
                        throw new ComponentDescriptionException(impl.getName() + "." + name
                                + ": component property type parameters are not supported by the fwlb runtime");
                    }
                }
            }
            if (!candidates.isEmpty()) {
                candidates.sort(Comparator.comparingInt(DsMethods::lifecycleRank));
                Method m = candidates.get(0);
                m.setAccessible(true);
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    // DS 112.5.8 preference: ComponentContext, BundleContext, Map, (property types), several, none.
    private static int lifecycleRank(Method m) {
        Class<?>[] p = m.getParameterTypes();
        if (p.length == 1) {
            if (p[0] == ComponentContext.class) {
                return 0;
            }
            if (p[0] == BundleContext.class) {
                return 1;
            }
            if (p[0] == Map.class) {
                return 2;
            }
            return 3; // int / Integer reason
        }
        return p.length == 0 ? 5 : 4;
    }

    private static boolean lifecycleParamsOk(Method m, LifecycleKind kind) {
        for (Class<?> p : m.getParameterTypes()) {
            boolean ok = p == ComponentContext.class || p == BundleContext.class || p == Map.class
                    || (kind == LifecycleKind.DEACTIVATE && (p == int.class || p == Integer.class)
                        && m.getParameterCount() == 1);
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /**
     * Calls a lifecycle method.
     *
     * @param m        the method
     * @param target   component instance
     * @param context  the component context
     * @param props    component properties
     * @param reason   deactivation reason (deactivate only)
     * @throws Exception whatever the method throws
     */
    static void invokeLifecycle(Method m, Object target, ComponentContext context, Map<String, Object> props,
                                int reason) throws Exception {
        Class<?>[] types = m.getParameterTypes();
        Object[] args = new Object[types.length];
        for (int i = 0; i < types.length; i++) {
            Class<?> t = types[i];
            if (t == ComponentContext.class) {
                args[i] = context;
            } else if (t == BundleContext.class) {
                args[i] = context.getBundleContext();
            } else if (t == Map.class) {
                args[i] = props;
            } else {
                args[i] = reason;
            }
        }
        invoke(m, target, args);
    }

    /**
     * Finds a bind/unbind/updated method for a reference.
     *
     * @param impl         implementation class
     * @param name         method name
     * @param serviceClass the reference's interface
     * @return the method, if one with an allowed signature exists
     */
    static Optional<Method> bindMethod(Class<?> impl, String name, Class<?> serviceClass) {
        for (Class<?> c = impl; c != null && c != Object.class; c = c.getSuperclass()) {
            List<Method> candidates = new ArrayList<>();
            for (Method m : c.getDeclaredMethods()) {
                if (m.getName().equals(name) && accessible(impl, c, m.getModifiers())
                        && !Modifier.isStatic(m.getModifiers()) && m.getParameterCount() > 0
                        && bindParamsOk(m, serviceClass)) {
                    candidates.add(m);
                }
            }
            if (!candidates.isEmpty()) {
                // prefer the service type itself (DS: ServiceReference, ComponentServiceObjects, service type,
                // service type + Map, then any combination); the runtime passes what each parameter asks for
                candidates.sort(Comparator.comparingInt(m -> m.getParameterTypes()[0] == serviceClass ? 0 : 1));
                Method m = candidates.get(0);
                m.setAccessible(true);
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    private static boolean bindParamsOk(Method m, Class<?> serviceClass) {
        for (Class<?> p : m.getParameterTypes()) {
            if (!(p == ServiceReference.class || p == Map.class || p.isAssignableFrom(serviceClass))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Calls a bind/unbind method.
     *
     * @param m          the method
     * @param target     component instance
     * @param service    the service object
     * @param reference  its service reference
     * @param properties its service properties
     * @throws Exception whatever the method throws
     */
    static void invokeBind(Method m, Object target, Object service, ServiceReference<?> reference,
                           Map<String, Object> properties) throws Exception {
        Class<?>[] types = m.getParameterTypes();
        Object[] args = new Object[types.length];
        for (int i = 0; i < types.length; i++) {
            if (types[i] == ServiceReference.class) {
                args[i] = reference;
            } else if (types[i] == Map.class) {
                args[i] = properties;
            } else {
                args[i] = service;
            }
        }
        invoke(m, target, args);
    }

    /**
     * @param impl implementation class
     * @param name field name
     * @return the field DS would inject
     */
    static Optional<Field> field(Class<?> impl, String name) {
        for (Class<?> c = impl; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (f.getName().equals(name) && accessible(impl, c, f.getModifiers())
                        && !Modifier.isStatic(f.getModifiers())) {
                    f.setAccessible(true);
                    return Optional.of(f);
                }
            }
        }
        return Optional.empty();
    }

    private static boolean accessible(Class<?> impl, Class<?> declaring, int modifiers) {
        if (declaring == impl || Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers)) {
            return true;
        }
        if (Modifier.isPrivate(modifiers)) {
            return false;
        }
        return Objects.equals(declaring.getPackageName(), impl.getPackageName());
    }

    private static void invoke(Method m, Object target, Object[] args) throws Exception {
        try {
            m.invoke(target, args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception) {
                throw (Exception) cause;
            }
            if (cause instanceof Error) {
                throw (Error) cause;
            }
            throw e;
        }
    }
}
