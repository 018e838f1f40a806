package org.fwlb.runtime.netcfg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.fwlb.runtime.core.EventDispatcher;
import org.onosproject.core.CoreService;
import org.onosproject.event.ListenerRegistry;
import org.onosproject.net.config.Config;
import org.onosproject.net.config.ConfigApplyDelegate;
import org.onosproject.net.config.ConfigFactory;
import org.onosproject.net.config.InvalidConfigException;
import org.onosproject.net.config.NetworkConfigEvent;
import org.onosproject.net.config.NetworkConfigListener;
import org.onosproject.net.config.NetworkConfigRegistry;
import org.onosproject.net.config.SubjectFactory;
import org.onosproject.net.config.basics.SubjectFactories;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;
import static org.onosproject.net.config.NetworkConfigEvent.Type.CONFIG_ADDED;
import static org.onosproject.net.config.NetworkConfigEvent.Type.CONFIG_REGISTERED;
import static org.onosproject.net.config.NetworkConfigEvent.Type.CONFIG_REMOVED;
import static org.onosproject.net.config.NetworkConfigEvent.Type.CONFIG_UNREGISTERED;
import static org.onosproject.net.config.NetworkConfigEvent.Type.CONFIG_UPDATED;

/**
 * NetworkConfigRegistry and NetworkConfigService with ONOS's semantics:
 * <ul>
 * <li>a config is applied only if {@code isValid()}; otherwise an {@link InvalidConfigException} names the
 * subject, the config key and the reason (from {@code validationErrors()} when the config has it) and the
 * previous config stays;</li>
 * <li>a config posted for a (subject class, config key) no factory is registered for is queued, and
 * validated and applied when that factory registers (an invalid queued config is dropped with a warning,
 * as ONOS does);</li>
 * <li>CONFIG_REGISTERED/UNREGISTERED/ADDED/UPDATED/REMOVED events are delivered to listeners on the
 * event dispatcher thread; writing an identical config produces no event.</li>
 * </ul>
 * The subject factories of ONOS's basic subjects (apps, devices, ports, hosts, links, regions, layouts)
 * are known from the start; factories of other subject classes register with their config factories.
 */
public final class RuntimeNetworkConfigManager implements NetworkConfigRegistry {

    private static final Logger log = LoggerFactory.getLogger(RuntimeNetworkConfigManager.class);

    /** Key of an applied config. */
    private record Applied(Object subject, Class<? extends Config> configClass) {
    }

    /** Key of a queued config. */
    private record Queued(String subjectClassKey, Object subject, String configKey) {
    }

    /**
     * A queued config that was dropped when its factory registered because it was invalid.
     *
     * @param path   subjectClassKey/subjectKey/configKey
     * @param reason why
     */
    public record Rejection(String path, String reason) {
    }

    private final ObjectMapper mapper = new ObjectMapper();
    private final EventDispatcher dispatcher;
    private final ListenerRegistry<NetworkConfigEvent, NetworkConfigListener> listeners = new ListenerRegistry<>();
    private final Map<String, SubjectFactory> subjectFactoriesByKey = new LinkedHashMap<>();
    private final Map<Class, SubjectFactory> subjectFactoriesByClass = new LinkedHashMap<>();
    private final Map<String, ConfigFactory> factoriesByConfigClass = new LinkedHashMap<>();
    private final Map<String, Class<? extends Config>> configClasses = new LinkedHashMap<>();
    private final Map<Applied, JsonNode> configs = new LinkedHashMap<>();
    private final Map<Queued, JsonNode> queued = new LinkedHashMap<>();
    private final List<Rejection> rejections = new ArrayList<>();
    private final ConfigApplyDelegate delegate = this::onApply;

    /**
     * @param coreService used by the apps subject factory to turn names into application ids
     * @param dispatcher  event delivery
     */
    public RuntimeNetworkConfigManager(CoreService coreService, EventDispatcher dispatcher) {
        this.dispatcher = requireNonNull(dispatcher);
        SubjectFactories.setCoreService(requireNonNull(coreService));
        for (SubjectFactory<?> f : List.of(SubjectFactories.APP_SUBJECT_FACTORY,
                                           SubjectFactories.DEVICE_SUBJECT_FACTORY,
                                           SubjectFactories.CONNECT_POINT_SUBJECT_FACTORY,
                                           SubjectFactories.HOST_SUBJECT_FACTORY,
                                           SubjectFactories.LINK_SUBJECT_FACTORY,
                                           SubjectFactories.REGION_SUBJECT_FACTORY,
                                           SubjectFactories.LAYOUT_SUBJECT_FACTORY)) {
            registerSubjectFactory(f);
        }
    }

    private static String id(String subjectClassKey, String configKey) {
        return subjectClassKey + "/" + configKey;
    }

    private void registerSubjectFactory(SubjectFactory<?> f) {
        subjectFactoriesByKey.putIfAbsent(f.subjectClassKey(), f);
        subjectFactoriesByClass.putIfAbsent(f.subjectClass(), f);
    }

    // ---- registry

    @Override
    @SuppressWarnings("unchecked")
    public void registerConfigFactory(ConfigFactory factory) {
        List<NetworkConfigEvent> events = new ArrayList<>();
        synchronized (this) {
            SubjectFactory sf = factory.subjectFactory();
            registerSubjectFactory(sf);
            factoriesByConfigClass.put(factory.configClass().getName(), factory);
            configClasses.put(id(sf.subjectClassKey(), factory.configKey()), factory.configClass());
            events.add(new NetworkConfigEvent(CONFIG_REGISTERED, factory.configKey(), factory.configClass()));
            for (Map.Entry<Queued, JsonNode> q : new ArrayList<>(queued.entrySet())) {
                Queued k = q.getKey();
                if (k.subjectClassKey().equals(sf.subjectClassKey()) && k.configKey().equals(factory.configKey())
                        && sf.subjectClass().isInstance(k.subject())) {
                    queued.remove(k);
                    try {
                        store(k.subject(), factory.configClass(), q.getValue(), events);
                        log.info("queued config {}/{}/{} applied", k.subjectClassKey(),
                                 sf.subjectKey(k.subject()), k.configKey());
                    } catch (RuntimeException e) {
                        String path = k.subjectClassKey() + "/" + sf.subjectKey(k.subject()) + "/" + k.configKey();
                        rejections.add(new Rejection(path, e.getMessage()));
                        log.warn("queued config {} dropped: {}", path, e.getMessage());
                    }
                }
            }
        }
        events.forEach(e -> dispatcher.post(listeners, e));
    }

    @Override
    @SuppressWarnings("unchecked")
    public void unregisterConfigFactory(ConfigFactory factory) {
        List<NetworkConfigEvent> events = new ArrayList<>();
        synchronized (this) {
            if (factoriesByConfigClass.remove(factory.configClass().getName()) == null) {
                return;
            }
            SubjectFactory sf = factory.subjectFactory();
            configClasses.remove(id(sf.subjectClassKey(), factory.configKey()));
            for (Map.Entry<Applied, JsonNode> e : new ArrayList<>(configs.entrySet())) {
                if (e.getKey().configClass() == factory.configClass()) {
                    configs.remove(e.getKey());
                    // back to the queue, as ONOS does, so re-registering the factory restores it
                    queued.put(new Queued(sf.subjectClassKey(), e.getKey().subject(), factory.configKey()),
                               e.getValue());
                    events.add(new NetworkConfigEvent(CONFIG_REMOVED, e.getKey().subject(), null,
                            detached(factory, e.getKey().subject(), e.getValue()), factory.configClass()));
                }
            }
            events.add(new NetworkConfigEvent(CONFIG_UNREGISTERED, factory.configKey(), factory.configClass()));
        }
        events.forEach(e -> dispatcher.post(listeners, e));
    }

    @Override
    public synchronized Set<ConfigFactory> getConfigFactories() {
        return new LinkedHashSet<>(factoriesByConfigClass.values());
    }

    @Override
    @SuppressWarnings("unchecked")
    public synchronized <S, C extends Config<S>> Set<ConfigFactory<S, C>> getConfigFactories(Class<S> subjectClass) {
        Set<ConfigFactory<S, C>> out = new LinkedHashSet<>();
        for (ConfigFactory f : factoriesByConfigClass.values()) {
            if (f.subjectFactory().subjectClass() == subjectClass) {
                out.add(f);
            }
        }
        return out;
    }

    @Override
    @SuppressWarnings("unchecked")
    public synchronized <S, C extends Config<S>> ConfigFactory<S, C> getConfigFactory(Class<C> configClass) {
        return factoriesByConfigClass.get(configClass.getName());
    }

    // ---- service

    @Override
    public synchronized Set<Class> getSubjectClasses() {
        return new LinkedHashSet<>(subjectFactoriesByClass.keySet());
    }

    @Override
    public synchronized SubjectFactory getSubjectFactory(String subjectClassKey) {
        return subjectFactoriesByKey.get(subjectClassKey);
    }

    @Override
    public synchronized SubjectFactory getSubjectFactory(Class subjectClass) {
        return subjectFactoriesByClass.get(subjectClass);
    }

    @Override
    public synchronized Class<? extends Config> getConfigClass(String subjectClassKey, String configKey) {
        return configClasses.get(id(subjectClassKey, configKey));
    }

    @Override
    @SuppressWarnings("unchecked")
    public synchronized <S> Set<S> getSubjects(Class<S> subjectClass) {
        Set<S> out = new LinkedHashSet<>();
        configs.keySet().forEach(k -> {
            if (subjectClass.isInstance(k.subject())) {
                out.add((S) k.subject());
            }
        });
        return out;
    }

    @Override
    @SuppressWarnings("unchecked")
    public synchronized <S, C extends Config<S>> Set<S> getSubjects(Class<S> subjectClass, Class<C> configClass) {
        Set<S> out = new LinkedHashSet<>();
        configs.keySet().forEach(k -> {
            if (subjectClass.isInstance(k.subject()) && k.configClass() == configClass) {
                out.add((S) k.subject());
            }
        });
        return out;
    }

    @Override
    @SuppressWarnings("unchecked")
    public synchronized <S> Set<? extends Config<S>> getConfigs(S subject) {
        Set<Config<S>> out = new LinkedHashSet<>();
        configs.forEach((k, json) -> {
            if (Objects.equals(k.subject(), subject)) {
                out.add((Config<S>) attached(k.subject(), k.configClass(), json));
            }
        });
        return out;
    }

    @Override
    public synchronized <S, C extends Config<S>> C getConfig(S subject, Class<C> configClass) {
        JsonNode json = configs.get(new Applied(subject, configClass));
        return json == null ? null : configClass.cast(attached(subject, configClass, json));
    }

    @Override
    public <S, C extends Config<S>> C addConfig(S subject, Class<C> configClass) {
        List<NetworkConfigEvent> events = new ArrayList<>();
        C config;
        synchronized (this) {
            ConfigFactory<S, C> factory = factory(configClass);
            Applied key = new Applied(requireNonNull(subject), configClass);
            JsonNode json = configs.get(key);
            if (json == null) {
                json = factory.isList() ? mapper.createArrayNode() : mapper.createObjectNode();
                configs.put(key, json);
                events.add(new NetworkConfigEvent(CONFIG_ADDED, subject,
                        detached(factory, subject, json), null, configClass));
            }
            config = configClass.cast(attached(subject, configClass, json));
        }
        events.forEach(e -> dispatcher.post(listeners, e));
        return config;
    }

    @Override
    public <S, C extends Config<S>> C applyConfig(S subject, Class<C> configClass, JsonNode json) {
        requireNonNull(subject, "subject");
        requireNonNull(json, "json");
        List<NetworkConfigEvent> events = new ArrayList<>();
        C config;
        synchronized (this) {
            factory(configClass);
            store(subject, configClass, json, events);
            config = configClass.cast(attached(subject, configClass, configs.get(new Applied(subject, configClass))));
        }
        events.forEach(e -> dispatcher.post(listeners, e));
        return config;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <S, C extends Config<S>> C applyConfig(String subjectClassKey, S subject, String configKey,
                                                  JsonNode json) {
        requireNonNull(subject, "subject");
        requireNonNull(json, "json");
        Class<? extends Config> configClass = getConfigClass(subjectClassKey, configKey);
        if (configClass != null) {
            return (C) applyConfig(subject, (Class<C>) configClass, json);
        }
        synchronized (this) {
            queued.put(new Queued(subjectClassKey, subject, configKey), json.deepCopy());
        }
        log.info("config {}/{}/{} queued: no factory for it is registered yet", subjectClassKey,
                 subjectKeyOf(subjectClassKey, subject), configKey);
        return null;
    }

    @Override
    public <S, C extends Config<S>> void removeConfig(S subject, Class<C> configClass) {
        List<NetworkConfigEvent> events = new ArrayList<>();
        synchronized (this) {
            remove(new Applied(subject, configClass), events);
        }
        events.forEach(e -> dispatcher.post(listeners, e));
    }

    @Override
    @SuppressWarnings("unchecked")
    public <S> void removeConfig(String subjectClassKey, S subject, String configKey) {
        Class<? extends Config> configClass = getConfigClass(subjectClassKey, configKey);
        if (configClass != null) {
            removeConfig(subject, (Class) configClass);
        } else {
            synchronized (this) {
                queued.remove(new Queued(subjectClassKey, subject, configKey));
            }
        }
    }

    @Override
    public <S> void removeConfig(S subject) {
        List<NetworkConfigEvent> events = new ArrayList<>();
        synchronized (this) {
            for (Applied k : new ArrayList<>(configs.keySet())) {
                if (Objects.equals(k.subject(), subject)) {
                    remove(k, events);
                }
            }
            queued.keySet().removeIf(q -> Objects.equals(q.subject(), subject));
        }
        events.forEach(e -> dispatcher.post(listeners, e));
    }

    @Override
    public <S> void removeConfig() {
        List<NetworkConfigEvent> events = new ArrayList<>();
        synchronized (this) {
            for (Applied k : new ArrayList<>(configs.keySet())) {
                remove(k, events);
            }
            queued.clear();
        }
        events.forEach(e -> dispatcher.post(listeners, e));
    }

    @Override
    public void addListener(NetworkConfigListener listener) {
        listeners.addListener(listener);
    }

    @Override
    public void removeListener(NetworkConfigListener listener) {
        listeners.removeListener(listener);
    }

    // ---- extras used by the JSON/REST layer

    /**
     * Validates a config as {@link #applyConfig(String, Object, String, JsonNode)} would, without storing it.
     *
     * @param subjectClassKey subject class key
     * @param subject         subject
     * @param configKey       config key
     * @param json            config JSON
     * @return true if it would be applied now, false if it would be queued (no factory yet)
     * @throws InvalidConfigException if it would be rejected
     */
    public synchronized boolean validate(String subjectClassKey, Object subject, String configKey, JsonNode json) {
        Class<? extends Config> configClass = configClasses.get(id(subjectClassKey, configKey));
        if (configClass == null) {
            return false;
        }
        createValidated(subject, configClass, json);
        return true;
    }

    /** @return configs waiting for their factory, as subjectClassKey/subjectKey/configKey paths */
    public synchronized List<String> queuedConfigs() {
        List<String> out = new ArrayList<>();
        queued.keySet().forEach(q -> out.add(q.subjectClassKey() + "/" + subjectKeyOf(q.subjectClassKey(), q.subject())
                                             + "/" + q.configKey()));
        return out;
    }

    /** @return queued configs dropped as invalid when their factory registered */
    public synchronized List<Rejection> rejections() {
        return List.copyOf(rejections);
    }

    // ---- internals (called with the lock held)

    @SuppressWarnings("unchecked")
    private <S, C extends Config<S>> ConfigFactory<S, C> factory(Class<C> configClass) {
        ConfigFactory<S, C> f = factoriesByConfigClass.get(configClass.getName());
        if (f == null) {
            throw new IllegalArgumentException("no config factory is registered for " + configClass.getName());
        }
        return f;
    }

    @SuppressWarnings("unchecked")
    private String subjectKeyOf(String subjectClassKey, Object subject) {
        SubjectFactory sf = subjectFactoriesByKey.get(subjectClassKey);
        try {
            return sf != null ? sf.subjectKey(subject) : String.valueOf(subject);
        } catch (RuntimeException e) {
            return String.valueOf(subject);
        }
    }

    // Creates and validates the config; throws InvalidConfigException naming the problem.
    @SuppressWarnings("unchecked")
    private Config createValidated(Object subject, Class<? extends Config> configClass, JsonNode json) {
        ConfigFactory factory = factory((Class) configClass);
        String subjectClassKey = factory.subjectFactory().subjectClassKey();
        String subjectKey = subjectKeyOf(subjectClassKey, subject);
        if (factory.isList() && !(json instanceof ArrayNode)) {
            throw new InvalidConfigException(subjectClassKey, subjectKey, factory.configKey(),
                    new IllegalArgumentException("JSON node is not a list for list type config"));
        }
        if (!factory.isList() && !(json instanceof ObjectNode)) {
            throw new InvalidConfigException(subjectClassKey, subjectKey, factory.configKey(),
                    new IllegalArgumentException("JSON node is not an object for object type config"));
        }
        Config config = factory.createConfig();
        config.init(subject, factory.configKey(), json.deepCopy(), mapper, null);
        Optional<String> problem = ConfigValidation.problem(config);
        if (problem.isPresent()) {
            throw new InvalidConfigException(subjectClassKey, subjectKey, factory.configKey(),
                                             new IllegalArgumentException(problem.get()));
        }
        return config;
    }

    private void store(Object subject, Class<? extends Config> configClass, JsonNode json,
                       List<NetworkConfigEvent> events) {
        createValidated(subject, configClass, json);
        Applied key = new Applied(subject, configClass);
        JsonNode copy = json.deepCopy();
        JsonNode old = configs.put(key, copy);
        if (Objects.equals(old, copy)) {
            return; // identical: no event (ONOS's map does not change either)
        }
        ConfigFactory factory = factoriesByConfigClass.get(configClass.getName());
        events.add(new NetworkConfigEvent(old == null ? CONFIG_ADDED : CONFIG_UPDATED, subject,
                detached(factory, subject, copy), old == null ? null : detached(factory, subject, old), configClass));
    }

    private void remove(Applied key, List<NetworkConfigEvent> events) {
        JsonNode old = configs.remove(key);
        if (old != null) {
            ConfigFactory factory = factoriesByConfigClass.get(key.configClass().getName());
            events.add(new NetworkConfigEvent(CONFIG_REMOVED, key.subject(), null,
                    factory == null ? null : detached(factory, key.subject(), old), key.configClass()));
        }
    }

    @SuppressWarnings("unchecked")
    private Config attached(Object subject, Class<? extends Config> configClass, JsonNode json) {
        ConfigFactory factory = factoriesByConfigClass.get(configClass.getName());
        if (factory == null) {
            return null;
        }
        Config c = factory.createConfig();
        // a copy: editing a config changes nothing until apply(), as with ONOS's stored JSON
        c.init(subject, factory.configKey(), json.deepCopy(), mapper, delegate);
        return c;
    }

    // A config for events: its own copy of the JSON, and no apply delegate (as ONOS's "detached" configs).
    @SuppressWarnings("unchecked")
    private Config detached(ConfigFactory factory, Object subject, JsonNode json) {
        Config c = factory.createConfig();
        c.init(subject, factory.configKey(), json.deepCopy(), mapper, null);
        return c;
    }

    // Config.apply(): stores the config's (edited) JSON, as ONOS's apply delegate does, without validation.
    private void onApply(Config config) {
        List<NetworkConfigEvent> events = new ArrayList<>();
        synchronized (this) {
            Applied key = new Applied(config.subject(), config.getClass());
            JsonNode copy = config.node().deepCopy();
            JsonNode old = configs.put(key, copy);
            if (!Objects.equals(old, copy)) {
                ConfigFactory factory = factoriesByConfigClass.get(config.getClass().getName());
                events.add(new NetworkConfigEvent(old == null ? CONFIG_ADDED : CONFIG_UPDATED, config.subject(),
                        detached(factory, config.subject(), copy),
                        old == null ? null : detached(factory, config.subject(), old), config.getClass()));
            }
        }
        events.forEach(e -> dispatcher.post(listeners, e));
    }
}
