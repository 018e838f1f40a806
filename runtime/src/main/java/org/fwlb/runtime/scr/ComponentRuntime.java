package org.fwlb.runtime.scr;

import org.fwlb.runtime.registry.OsgiSurface;
import org.fwlb.runtime.registry.ServiceRegistration;
import org.fwlb.runtime.registry.ServiceRegistry;
import org.osgi.service.component.ComponentConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * The runtime's Service Component Runtime. Components are added from bundles (or descriptions), then
 * {@link #activateAll()} instantiates them in dependency order: references are bound from the
 * {@link ServiceRegistry} (built-in services and the services of components activated before), activate
 * is called with the component properties, and the component's services are registered. Dynamic
 * references follow services that come and go; configuration changes call the modified method (or
 * reactivate the component and the components statically bound to it when it has none);
 * {@link #deactivateAll()} deactivates in reverse order.
 */
public final class ComponentRuntime {

    private static final Logger log = LoggerFactory.getLogger(ComponentRuntime.class);

    private final ServiceRegistry registry;
    private final Object lock = new Object();
    private final Map<String, ComponentHolder> components = new LinkedHashMap<>();
    private final List<ComponentHolder> activated = new ArrayList<>();
    private final List<String> bundleErrors = new ArrayList<>();
    private final AtomicLong ids = new AtomicLong();
    private volatile ConfigurationSource configurationSource = name -> Optional.empty();

    /**
     * @param registry where references are satisfied from and services are registered
     */
    public ComponentRuntime(ServiceRegistry registry) {
        this.registry = registry;
        registry.addRegisteredListener(this::serviceRegistered);
        registry.addUnregisteredListener(this::serviceUnregistered);
    }

    /**
     * @param source configurations merged over declared properties (ComponentConfigService values)
     */
    public void setConfigurationSource(ConfigurationSource source) {
        this.configurationSource = source;
    }

    /**
     * Adds the components of bundles (their Service-Component header). A bundle whose component XML is
     * broken is reported and skipped; the others are still added.
     *
     * @param bundles bundles to read
     */
    public void addBundles(List<BundleInfo> bundles) {
        ComponentXmlParser parser = new ComponentXmlParser();
        for (BundleInfo b : bundles) {
            if (b.header(BundleInfo.SERVICE_COMPONENT).isEmpty()) {
                continue;
            }
            try {
                parser.parseBundle(b).forEach(this::add);
            } catch (ComponentDescriptionException e) {
                log.error("bundle {}: components not loaded: {}", b.name(), e.getMessage());
                synchronized (lock) {
                    bundleErrors.add(e.getMessage());
                }
            }
        }
    }

    /**
     * @param description a component to manage
     */
    public void add(ComponentDescription description) {
        synchronized (lock) {
            if (components.containsKey(description.name())) {
                String msg = "duplicate component name " + description.name() + " in " + description.origin()
                        + " (already declared in " + components.get(description.name()).description.origin()
                        + "); ignored";
                log.error(msg);
                bundleErrors.add(msg);
                return;
            }
            components.put(description.name(), new ComponentHolder(description, ids.incrementAndGet()));
        }
    }

    /**
     * Activates every pending component that can be satisfied, in dependency order.
     *
     * @return number of active components afterwards
     */
    public int activateAll() {
        synchronized (lock) {
            List<ComponentDescription> candidates = new ArrayList<>();
            for (ComponentHolder h : components.values()) {
                if (h.state != ComponentState.PENDING) {
                    continue;
                }
                if (!precheck(h)) {
                    continue;
                }
                candidates.add(h.description);
            }
            ActivationPlanner.Plan plan = ActivationPlanner.plan(candidates, itf -> registry.lookup(itf).isPresent());
            plan.unsatisfied().forEach((name, reason) -> {
                ComponentHolder h = components.get(name);
                h.state = ComponentState.UNSATISFIED;
                h.reason = reason;
                log.warn("component {} not activated: {}", name, reason);
            });
            for (String name : plan.brokenAt()) {
                log.info("component {} activated before the providers of some optional references (cycle)", name);
            }
            for (ComponentDescription d : plan.order()) {
                activate(components.get(d.name()));
            }
            return (int) components.values().stream().filter(h -> h.state == ComponentState.ACTIVE).count();
        }
    }

    // States that need no wiring: disabled, unsupported features, configuration required.
    private boolean precheck(ComponentHolder h) {
        ComponentDescription d = h.description;
        String unsupported = null;
        if (d.factory() != null) {
            unsupported = "factory components (factory=\"" + d.factory() + "\") are not supported by the fwlb runtime";
        } else if (d.init() > 0) {
            unsupported = "constructor injection (init=\"" + d.init() + "\") is not supported by the fwlb runtime";
        } else {
            for (ReferenceDescription r : d.references()) {
                if (r.field() != null && !"service".equals(r.collectionType())) {
                    unsupported = "reference " + r.name() + ": field-collection-type \"" + r.collectionType()
                            + "\" is not supported by the fwlb runtime";
                }
            }
        }
        if (unsupported != null) {
            h.state = ComponentState.UNSUPPORTED;
            h.reason = unsupported;
            log.error("component {} ({}) not activated: {}", d.name(), d.origin(), unsupported);
            return false;
        }
        if (!d.enabled()) {
            h.state = ComponentState.DISABLED;
            h.reason = "enabled=\"false\"";
            log.info("component {} is disabled", d.name());
            return false;
        }
        if (!"singleton".equals(d.serviceScope())) {
            log.warn("component {}: service scope {} is treated as singleton by the fwlb runtime",
                     d.name(), d.serviceScope());
        }
        if ("require".equals(d.configurationPolicy()) && configurationSource.configurationFor(d.name()).isEmpty()) {
            h.state = ComponentState.UNSATISFIED;
            h.reason = "configuration-policy=\"require\" and no configuration is set for " + d.name();
            log.warn("component {} not activated: {}", d.name(), h.reason);
            return false;
        }
        return true;
    }

    /**
     * Deactivates every active component, last activated first.
     */
    public void deactivateAll() {
        synchronized (lock) {
            List<ComponentHolder> order = new ArrayList<>(activated);
            for (int i = order.size() - 1; i >= 0; i--) {
                deactivate(order.get(i), ComponentConstants.DEACTIVATION_REASON_BUNDLE_STOPPED,
                           ComponentState.DEACTIVATED, null);
            }
        }
    }

    /** @return status of every component, in discovery order */
    public List<ComponentStatus> status() {
        synchronized (lock) {
            return components.values().stream().map(ComponentHolder::status).collect(Collectors.toList());
        }
    }

    /** @return bundle-level problems (unreadable component XML, duplicate names) */
    public List<String> bundleErrors() {
        synchronized (lock) {
            return List.copyOf(bundleErrors);
        }
    }

    /**
     * @param nameOrClass component name or implementation class name
     * @return its description
     */
    public Optional<ComponentDescription> description(String nameOrClass) {
        synchronized (lock) {
            return holder(nameOrClass).map(h -> h.description);
        }
    }

    /**
     * @param nameOrClass component name or implementation class name
     * @return the component instance while it is active
     */
    public Optional<Object> instance(String nameOrClass) {
        synchronized (lock) {
            return holder(nameOrClass).map(h -> h.instance);
        }
    }

    /**
     * @param nameOrClass component name or implementation class name
     * @return its current component properties (declared + configuration + component.name/id)
     */
    public Optional<Map<String, Object>> properties(String nameOrClass) {
        synchronized (lock) {
            return holder(nameOrClass).map(h -> h.state == ComponentState.ACTIVE ? h.properties : computeProperties(h));
        }
    }

    /**
     * A component's configuration changed (ComponentConfigService): DS calls the modified method with the
     * new properties, or, without one, deactivates the component (and the components statically bound to
     * its services) and activates it again.
     *
     * @param nameOrClass   component name or implementation class name
     * @param configuration the new configuration (null: deleted)
     * @throws IllegalArgumentException if there is no such component
     */
    public void configurationChanged(String nameOrClass, Map<String, Object> configuration) {
        synchronized (lock) {
            ComponentHolder h = holder(nameOrClass).orElseThrow(
                    () -> new IllegalArgumentException("no component named " + nameOrClass));
            ComponentDescription d = h.description;
            if ("ignore".equals(d.configurationPolicy())) {
                log.info("component {} ignores configuration (configuration-policy=ignore)", d.name());
                return;
            }
            h.configuration = configuration == null ? null : new LinkedHashMap<>(configuration);
            if (h.state != ComponentState.ACTIVE) {
                if ("require".equals(d.configurationPolicy()) && h.state == ComponentState.UNSATISFIED
                        && configuration != null) {
                    h.state = ComponentState.PENDING;
                    activateAll();
                }
                return;
            }
            Optional<Method> modified = Optional.empty();
            if (d.modified() != null) {
                modified = DsMethods.lifecycle(h.implClass, d.modified(), DsMethods.LifecycleKind.ACTIVATE);
                if (modified.isEmpty()) {
                    log.error("component {}: modified method {} not found; reactivating instead", d.name(), d.modified());
                }
            }
            if (modified.isPresent()) {
                h.properties = computeProperties(h);
                try {
                    DsMethods.invokeLifecycle(modified.get(), h.instance, h.context, h.properties, 0);
                    log.info("component {} modified", d.name());
                } catch (Exception | LinkageError e) {
                    // DS logs and carries on with the component as it is
                    log.error("component {}: {} failed", d.name(), d.modified(), e);
                }
                return;
            }
            reactivate(h);
        }
    }

    // Deactivates h and everything statically bound to it (last first), then activates them again.
    private void reactivate(ComponentHolder h) {
        List<ComponentHolder> closure = new ArrayList<>();
        collectStaticDependents(h, closure);
        closure.sort((a, b) -> Integer.compare(activated.indexOf(a), activated.indexOf(b)));
        for (int i = closure.size() - 1; i >= 0; i--) {
            deactivate(closure.get(i), ComponentConstants.DEACTIVATION_REASON_CONFIGURATION_MODIFIED,
                       ComponentState.PENDING, null);
        }
        for (ComponentHolder c : closure) {
            activate(c);
        }
    }

    private void collectStaticDependents(ComponentHolder h, List<ComponentHolder> out) {
        if (out.contains(h)) {
            return;
        }
        out.add(h);
        if (h.registration == null) {
            return;
        }
        for (ComponentHolder c : activated) {
            for (ReferenceDescription r : c.description.references()) {
                List<ServiceRegistration> b = c.bound.get(r.name());
                if (!r.dynamic() && b != null && b.contains(h.registration)) {
                    collectStaticDependents(c, out);
                }
            }
        }
    }

    private Optional<ComponentHolder> holder(String nameOrClass) {
        ComponentHolder h = components.get(nameOrClass);
        if (h != null) {
            return Optional.of(h);
        }
        return components.values().stream()
                .filter(c -> c.description.implementationClass().equals(nameOrClass)).findFirst();
    }

    private Map<String, Object> computeProperties(ComponentHolder h) {
        Map<String, Object> props = new LinkedHashMap<>(h.description.properties());
        if (!"ignore".equals(h.description.configurationPolicy())) {
            Map<String, Object> cfg = h.configuration != null ? h.configuration
                    : configurationSource.configurationFor(h.description.name()).orElse(null);
            if (cfg != null) {
                props.putAll(cfg);
            }
        }
        props.put(ComponentConstants.COMPONENT_NAME, h.description.name());
        props.put(ComponentConstants.COMPONENT_ID, h.id);
        return java.util.Collections.unmodifiableMap(props);
    }

    private void activate(ComponentHolder h) {
        ComponentDescription d = h.description;
        try {
            if (h.implClass == null) {
                h.implClass = Class.forName(d.implementationClass(), true, d.bundle().classLoader());
            }
            Constructor<?> ctor = h.implClass.getDeclaredConstructor();
            ctor.setAccessible(true);
            Object instance = ctor.newInstance();
            h.instance = instance;
            h.properties = computeProperties(h);
            h.bound.clear();
            for (ReferenceDescription r : d.references()) {
                List<ServiceRegistration> regs = candidates(r, h);
                if (regs.isEmpty() && r.mandatory()) {
                    h.instance = null;
                    h.state = ComponentState.UNSATISFIED;
                    h.reason = "missing mandatory reference " + r.name() + " (" + r.interfaceName() + ")"
                            + providerProblems(r.interfaceName());
                    log.warn("component {} not activated: {}", d.name(), h.reason);
                    return;
                }
                if (!r.multiple() && regs.size() > 1) {
                    regs = List.of(regs.get(0));
                }
                bindInitial(h, r, regs);
            }
            h.context = new RuntimeComponentContext(h, registry);
            Optional<Method> activate = DsMethods.lifecycle(h.implClass, d.activate(), DsMethods.LifecycleKind.ACTIVATE);
            if (activate.isEmpty() && d.activateExplicit()) {
                throw new ComponentDescriptionException("activate method " + d.activate() + " not found in "
                        + d.implementationClass());
            }
            if (activate.isPresent()) {
                DsMethods.invokeLifecycle(activate.get(), instance, h.context, h.properties, 0);
            }
            if (!d.services().isEmpty()) {
                try {
                    h.registration = registry.register(d.services(), instance, serviceProperties(h), d.name());
                } catch (RuntimeException e) {
                    // undo the activation before reporting: the component may have started work
                    DsMethods.lifecycle(h.implClass, d.deactivate(), DsMethods.LifecycleKind.DEACTIVATE)
                            .ifPresent(m -> {
                                try {
                                    DsMethods.invokeLifecycle(m, instance, h.context, h.properties,
                                            ComponentConstants.DEACTIVATION_REASON_UNSPECIFIED);
                                } catch (Exception ex) {
                                    log.warn("component {}: deactivate after failed registration failed", d.name(), ex);
                                }
                            });
                    throw e;
                }
            }
            h.state = ComponentState.ACTIVE;
            h.reason = null;
            activated.remove(h);
            activated.add(h);
            log.info("component {} activated", d.name());
        } catch (Exception | LinkageError e) {
            Throwable cause = e instanceof java.lang.reflect.InvocationTargetException ? e.getCause() : e;
            h.instance = null;
            h.state = ComponentState.FAILED;
            h.reason = cause.getClass().getSimpleName() + ": " + cause.getMessage();
            unbindAllQuietly(h);
            log.error("component {} failed to activate", d.name(), cause);
        }
    }

    private String providerProblems(String itf) {
        List<String> problems = new ArrayList<>();
        for (ComponentHolder p : components.values()) {
            if (p.description.services().contains(itf) && p.state != ComponentState.ACTIVE) {
                problems.add(p.description.name() + " is " + p.state + (p.reason != null ? ": " + p.reason : ""));
            }
        }
        return problems.isEmpty() ? "" : " (" + String.join("; ", problems) + ")";
    }

    private List<ServiceRegistration> candidates(ReferenceDescription r, ComponentHolder h) {
        List<ServiceRegistration> regs = new ArrayList<>(registry.lookupAll(r.interfaceName()));
        // a component never satisfies its own references
        regs.removeIf(reg -> reg.provider().equals(h.description.name()));
        return regs;
    }

    private Map<String, Object> serviceProperties(ComponentHolder h) {
        Map<String, Object> p = new LinkedHashMap<>();
        h.properties.forEach((k, v) -> {
            if (!k.startsWith(".")) {
                p.put(k, v);
            }
        });
        return p;
    }

    // Field first, then bind method, as DS does for a reference that uses both.
    private void bindInitial(ComponentHolder h, ReferenceDescription r, List<ServiceRegistration> regs)
            throws Exception {
        Class<?> serviceClass = serviceClass(h, r);
        h.bound.put(r.name(), new ArrayList<>(regs));
        if (r.field() != null) {
            setField(h, r, regs);
        }
        if (r.bind() != null) {
            Method bind = DsMethods.bindMethod(h.implClass, r.bind(), serviceClass).orElseThrow(
                    () -> new ComponentDescriptionException("bind method " + r.bind() + "(" + r.interfaceName()
                            + ") of reference " + r.name() + " not found in " + h.description.implementationClass()));
            for (ServiceRegistration reg : regs) {
                DsMethods.invokeBind(bind, h.instance, reg.service(),
                                     OsgiSurface.reference(reg, registry.bundle()), reg.properties());
            }
        }
    }

    private Class<?> serviceClass(ComponentHolder h, ReferenceDescription r) throws ClassNotFoundException {
        return Class.forName(r.interfaceName(), false, h.description.bundle().classLoader());
    }

    private void setField(ComponentHolder h, ReferenceDescription r, List<ServiceRegistration> regs)
            throws IllegalAccessException {
        Field f = DsMethods.field(h.implClass, r.field()).orElseThrow(
                () -> new ComponentDescriptionException("field " + r.field() + " of reference " + r.name()
                        + " not found in " + h.description.implementationClass()));
        if (r.multiple()) {
            List<Object> services = regs.stream().map(ServiceRegistration::service).collect(Collectors.toList());
            Object current = f.get(h.instance);
            if (r.fieldUpdate() && current instanceof Collection) {
                @SuppressWarnings("unchecked")
                Collection<Object> c = (Collection<Object>) current;
                c.clear();
                c.addAll(services);
            } else if (f.getType().isAssignableFrom(ArrayList.class)) {
                // replace: a new collection each time, as DS does for field-option replace
                f.set(h.instance, new java.util.concurrent.CopyOnWriteArrayList<>(services));
            } else {
                throw new ComponentDescriptionException("field " + r.field() + " of multiple reference "
                        + r.name() + " must be a Collection or List, not " + f.getType().getName());
            }
        } else {
            Object value = regs.isEmpty() ? null : regs.get(0).service();
            if (value != null && !f.getType().isInstance(value)) {
                throw new ComponentDescriptionException("field " + r.field() + " (" + f.getType().getName()
                        + ") cannot hold " + value.getClass().getName());
            }
            f.set(h.instance, value);
        }
    }

    private void deactivate(ComponentHolder h, int reason, ComponentState after, String why) {
        if (h.state != ComponentState.ACTIVE) {
            return;
        }
        ComponentDescription d = h.description;
        ServiceRegistration reg = h.registration;
        h.registration = null;
        if (reg != null) {
            registry.unregister(reg);
        }
        try {
            Optional<Method> deactivate = DsMethods.lifecycle(h.implClass, d.deactivate(), DsMethods.LifecycleKind.DEACTIVATE);
            if (deactivate.isEmpty() && d.deactivateExplicit()) {
                log.error("component {}: deactivate method {} not found", d.name(), d.deactivate());
            }
            if (deactivate.isPresent()) {
                DsMethods.invokeLifecycle(deactivate.get(), h.instance, h.context, h.properties, reason);
            }
        } catch (Exception | LinkageError e) {
            log.error("component {}: deactivate failed", d.name(), e);
        }
        unbindAllQuietly(h);
        h.instance = null;
        h.context = null;
        h.state = after;
        h.reason = why;
        activated.remove(h);
        log.info("component {} deactivated", d.name());
    }

    private void unbindAllQuietly(ComponentHolder h) {
        if (h.instance == null && h.implClass == null) {
            h.bound.clear();
            return;
        }
        for (ReferenceDescription r : h.description.references()) {
            List<ServiceRegistration> regs = h.bound.get(r.name());
            if (r.unbind() == null || regs == null || h.instance == null) {
                continue;
            }
            try {
                Optional<Method> unbind = DsMethods.bindMethod(h.implClass, r.unbind(), serviceClass(h, r));
                if (unbind.isEmpty()) {
                    log.error("component {}: unbind method {} not found", h.description.name(), r.unbind());
                    continue;
                }
                for (ServiceRegistration reg : regs) {
                    DsMethods.invokeBind(unbind.get(), h.instance, reg.service(),
                                         OsgiSurface.reference(reg, registry.bundle()), reg.properties());
                }
            } catch (Exception | LinkageError e) {
                log.error("component {}: unbind {} failed", h.description.name(), r.unbind(), e);
            }
        }
        h.bound.clear();
    }

    // A new service: bind it to active components whose dynamic references want it.
    private void serviceRegistered(ServiceRegistration reg) {
        synchronized (lock) {
            for (ComponentHolder h : new ArrayList<>(activated)) {
                if (reg.provider().equals(h.description.name()) || h.state != ComponentState.ACTIVE) {
                    continue;
                }
                for (ReferenceDescription r : h.description.references()) {
                    if (!reg.interfaces().contains(r.interfaceName())) {
                        continue;
                    }
                    List<ServiceRegistration> bound = h.bound.computeIfAbsent(r.name(), k -> new ArrayList<>());
                    if (!r.dynamic()) {
                        if (r.greedy()) {
                            log.info("component {}: static greedy reference {} would rebind to a new service;"
                                     + " the fwlb runtime keeps the current binding", h.description.name(), r.name());
                        }
                        continue;
                    }
                    try {
                        if (r.multiple()) {
                            bound.add(reg);
                            dynamicBind(h, r, reg, bound);
                        } else if (bound.isEmpty()) {
                            bound.add(reg);
                            dynamicBind(h, r, reg, bound);
                        } else if (r.greedy() && reg.ranking() > bound.get(0).ranking()) {
                            ServiceRegistration old = bound.get(0);
                            bound.set(0, reg);
                            dynamicBind(h, r, reg, bound);
                            dynamicUnbind(h, r, old, bound);
                        }
                    } catch (Exception | LinkageError e) {
                        log.error("component {}: binding {} to reference {} failed", h.description.name(),
                                  reg, r.name(), e);
                    }
                }
            }
        }
    }

    // A service went away: unbind it from dynamic references (replacing it if another provider exists);
    // a component that loses a mandatory static reference is deactivated, as DS does.
    private void serviceUnregistered(ServiceRegistration reg) {
        synchronized (lock) {
            for (ComponentHolder h : new ArrayList<>(activated)) {
                if (h.state != ComponentState.ACTIVE) {
                    continue;
                }
                for (ReferenceDescription r : h.description.references()) {
                    List<ServiceRegistration> bound = h.bound.get(r.name());
                    if (bound == null || !bound.contains(reg)) {
                        continue;
                    }
                    if (!r.dynamic()) {
                        if (r.mandatory()) {
                            bound.remove(reg);
                            log.warn("component {}: mandatory static reference {} lost its service; deactivating",
                                     h.description.name(), r.name());
                            deactivate(h, ComponentConstants.DEACTIVATION_REASON_REFERENCE,
                                       ComponentState.UNSATISFIED, "lost mandatory reference " + r.name()
                                               + " (" + r.interfaceName() + ") when " + reg.provider() + " stopped");
                            break;
                        }
                        continue;
                    }
                    try {
                        bound.remove(reg);
                        if (!r.multiple()) {
                            List<ServiceRegistration> others = candidates(r, h);
                            others.remove(reg);
                            if (!others.isEmpty()) {
                                bound.add(others.get(0));
                                dynamicBind(h, r, others.get(0), bound);
                            } else if (r.mandatory()) {
                                dynamicUnbind(h, r, reg, bound);
                                deactivate(h, ComponentConstants.DEACTIVATION_REASON_REFERENCE,
                                           ComponentState.UNSATISFIED, "lost mandatory reference " + r.name()
                                                   + " (" + r.interfaceName() + ") when " + reg.provider() + " stopped");
                                break;
                            }
                        }
                        dynamicUnbind(h, r, reg, bound);
                    } catch (Exception | LinkageError e) {
                        log.error("component {}: unbinding {} from reference {} failed", h.description.name(),
                                  reg, r.name(), e);
                    }
                }
            }
        }
    }

    private void dynamicBind(ComponentHolder h, ReferenceDescription r, ServiceRegistration reg,
                             List<ServiceRegistration> bound) throws Exception {
        if (r.field() != null) {
            setField(h, r, bound);
        }
        if (r.bind() != null) {
            Method m = DsMethods.bindMethod(h.implClass, r.bind(), serviceClass(h, r)).orElseThrow(
                    () -> new ComponentDescriptionException("bind method " + r.bind() + " not found"));
            DsMethods.invokeBind(m, h.instance, reg.service(), OsgiSurface.reference(reg, registry.bundle()),
                                 reg.properties());
        }
        log.debug("component {}: bound {} to {}", h.description.name(), reg, r.name());
    }

    private void dynamicUnbind(ComponentHolder h, ReferenceDescription r, ServiceRegistration reg,
                               List<ServiceRegistration> bound) throws Exception {
        if (r.field() != null) {
            setField(h, r, bound);
        }
        if (r.unbind() != null) {
            Method m = DsMethods.bindMethod(h.implClass, r.unbind(), serviceClass(h, r)).orElseThrow(
                    () -> new ComponentDescriptionException("unbind method " + r.unbind() + " not found"));
            DsMethods.invokeBind(m, h.instance, reg.service(), OsgiSurface.reference(reg, registry.bundle()),
                                 reg.properties());
        }
        log.debug("component {}: unbound {} from {}", h.description.name(), reg, r.name());
    }
}
