package org.fwlb.runtime.cfg;

import org.fwlb.runtime.scr.ComponentDescription;
import org.fwlb.runtime.scr.ComponentRuntime;
import org.fwlb.runtime.scr.ConfigurationSource;
import org.onosproject.cfg.ComponentConfigService;
import org.onosproject.cfg.ConfigProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.reflect.Array;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * ComponentConfigService with ONOS semantics. {@code registerProperties(cls)} reads the property
 * definitions onos-maven-plugin's {@code cfg} goal writes next to the class ({@code Name.cfgdef}: lines
 * {@code name|TYPE|default|description}); without that file it falls back to the typed properties of the
 * class's DS component description. Setting a property checks the value against the property's type
 * (a bad value is rejected and nothing changes), then hands every property of the component (as strings,
 * as ONOS's ConfigurationAdmin bridge does) to the component runtime, which calls the component's
 * modified method.
 */
public final class RuntimeComponentConfigManager implements ComponentConfigService, ConfigurationSource {

    private static final Logger log = LoggerFactory.getLogger(RuntimeComponentConfigManager.class);
    static final String CFGDEF = ".cfgdef";

    private final ComponentRuntime runtime;
    private final Map<String, Map<String, ConfigProperty>> properties = new TreeMap<>();
    private final Map<String, Map<String, String>> presets = new LinkedHashMap<>();
    private final Map<String, Consumer<Map<String, String>>> builtIns = new LinkedHashMap<>();

    /**
     * @param runtime the component runtime (DS properties; modified calls)
     */
    public RuntimeComponentConfigManager(ComponentRuntime runtime) {
        this.runtime = requireNonNull(runtime);
    }

    @Override
    public synchronized Set<String> getComponentNames() {
        return new LinkedHashSet<>(properties.keySet());
    }

    @Override
    public void registerProperties(Class<?> componentClass) {
        String component = componentClass.getName();
        Map<String, ConfigProperty> defs = definitions(componentClass);
        if (defs.isEmpty()) {
            log.debug("component {} has no configuration properties", component);
            return;
        }
        boolean preset;
        synchronized (this) {
            Map<String, String> pre = presets.getOrDefault(component, Map.of());
            pre.forEach((name, value) -> {
                ConfigProperty p = defs.get(name);
                if (p != null) {
                    defs.put(name, ConfigProperty.setProperty(p, value));
                } else {
                    log.warn("component {}: preset value for undefined property {} ignored", component, name);
                }
            });
            properties.put(component, defs);
            preset = !pre.isEmpty();
        }
        log.debug("component {}: registered properties {}", component, defs.keySet());
        if (preset) {
            triggerUpdate(component);
        }
    }

    /**
     * Offers the properties of a component the runtime emulates without hosting it (an ONOS core
     * component inside the southbound): set/unset/preset work as for hosted components, and every
     * change hands all its values (as strings) to {@code apply} instead of a modified method.
     *
     * @param component  component name
     * @param definitions definitions (and values already in force)
     * @param apply       applies a new configuration
     */
    public void registerBuiltIn(String component, Collection<ConfigProperty> definitions,
                                Consumer<Map<String, String>> apply) {
        boolean preset;
        synchronized (this) {
            Map<String, ConfigProperty> defs = new LinkedHashMap<>();
            definitions.forEach(p -> defs.put(p.name(), p));
            Map<String, String> pre = presets.getOrDefault(component, Map.of());
            pre.forEach((name, value) -> {
                ConfigProperty p = defs.get(name);
                if (p != null) {
                    defs.put(name, ConfigProperty.setProperty(p, value));
                }
            });
            properties.put(component, defs);
            builtIns.put(component, requireNonNull(apply));
            preset = !pre.isEmpty();
        }
        if (preset) {
            triggerUpdate(component);
        }
    }

    @Override
    public void unregisterProperties(Class<?> componentClass, boolean clear) {
        synchronized (this) {
            properties.remove(componentClass.getName());
            if (clear) {
                presets.remove(componentClass.getName());
            }
        }
    }

    @Override
    public synchronized Set<ConfigProperty> getProperties(String componentName) {
        Map<String, ConfigProperty> map = properties.get(componentName);
        return map == null ? null : new LinkedHashSet<>(map.values());
    }

    @Override
    public synchronized ConfigProperty getProperty(String componentName, String attribute) {
        Map<String, ConfigProperty> map = properties.get(componentName);
        return map == null ? null : map.get(attribute);
    }

    @Override
    public void setProperty(String componentName, String name, String value) {
        requireNonNull(componentName, "component name cannot be null");
        requireNonNull(name, "property name cannot be null");
        requireNonNull(value, "property value cannot be null");
        synchronized (this) {
            ConfigProperty p = existing(componentName, name);
            checkValue(componentName, p, value);
            properties.get(componentName).put(name, ConfigProperty.setProperty(p, value));
            presets.computeIfAbsent(componentName, c -> new LinkedHashMap<>()).put(name, value);
        }
        log.info("component {}: {} set to {}", componentName, name, value);
        triggerUpdate(componentName);
    }

    /**
     * Checks that a property exists and a value suits its type, without setting it.
     *
     * @param componentName component name
     * @param name          property name
     * @param value         candidate value
     * @throws IllegalArgumentException naming the problem
     */
    public synchronized void checkProperty(String componentName, String name, String value) {
        checkValue(componentName, existing(componentName, name), requireNonNull(value, "property value cannot be null"));
    }

    @Override
    public void preSetProperty(String componentName, String name, String value) {
        preSetProperty(componentName, name, value, true);
    }

    @Override
    public void preSetProperty(String componentName, String name, String value, boolean override) {
        requireNonNull(componentName, "component name cannot be null");
        requireNonNull(name, "property name cannot be null");
        requireNonNull(value, "property value cannot be null");
        boolean registered;
        synchronized (this) {
            Map<String, String> pre = presets.computeIfAbsent(componentName, c -> new LinkedHashMap<>());
            if (!override && pre.containsKey(name)) {
                return;
            }
            Map<String, ConfigProperty> map = properties.get(componentName);
            registered = map != null && map.containsKey(name);
            if (registered) {
                ConfigProperty p = map.get(name);
                if (!override && p.isSet()) {
                    return;
                }
                checkValue(componentName, p, value);
                map.put(name, ConfigProperty.setProperty(p, value));
            }
            pre.put(name, value);
        }
        if (registered) {
            triggerUpdate(componentName);
        }
    }

    @Override
    public void unsetProperty(String componentName, String name) {
        requireNonNull(componentName, "component name cannot be null");
        requireNonNull(name, "property name cannot be null");
        synchronized (this) {
            ConfigProperty p = existing(componentName, name);
            properties.get(componentName).put(name, ConfigProperty.resetProperty(p));
            Map<String, String> pre = presets.get(componentName);
            if (pre != null) {
                pre.remove(name);
            }
        }
        log.info("component {}: {} reset to its default", componentName, name);
        triggerUpdate(componentName);
    }

    /**
     * The configuration a component activates with: every property as a string once any of them has
     * been set (what ONOS hands ConfigurationAdmin), nothing before that.
     */
    @Override
    public Optional<Map<String, Object>> configurationFor(String componentName) {
        // resolve the implementation class first, outside our lock (lock order: runtime, then this)
        String impl = runtime.description(componentName).map(ComponentDescription::implementationClass)
                .orElse(componentName);
        synchronized (this) {
            Map<String, ConfigProperty> map = properties.containsKey(componentName)
                    ? properties.get(componentName) : properties.get(impl);
            if (map != null && map.values().stream().anyMatch(ConfigProperty::isSet)) {
                Map<String, Object> cfg = new LinkedHashMap<>();
                map.values().forEach(p -> cfg.put(p.name(), p.value()));
                return Optional.of(cfg);
            }
            Map<String, String> pre = presets.containsKey(componentName)
                    ? presets.get(componentName) : presets.get(impl);
            return pre == null || pre.isEmpty() ? Optional.empty() : Optional.of(new LinkedHashMap<>(pre));
        }
    }

    private ConfigProperty existing(String componentName, String name) {
        Map<String, ConfigProperty> map = properties.get(componentName);
        if (map == null) {
            throw new IllegalArgumentException("No configuration properties are registered for component "
                    + componentName + " (known: " + String.join(", ", properties.keySet()) + ")");
        }
        ConfigProperty p = map.get(name);
        if (p == null) {
            throw new IllegalArgumentException("Component " + componentName + " has no property " + name
                    + " (it has: " + String.join(", ", map.keySet()) + ")");
        }
        return p;
    }

    private static void checkValue(String componentName, ConfigProperty p, String value) {
        String v = value.trim();
        boolean ok;
        try {
            switch (p.type()) {
                case BYTE: Byte.parseByte(v); ok = true; break;
                case INTEGER: Integer.parseInt(v); ok = true; break;
                case LONG: Long.parseLong(v); ok = true; break;
                case FLOAT: ok = !Float.isNaN(Float.parseFloat(v)); break;
                case DOUBLE: ok = !Double.isNaN(Double.parseDouble(v)); break;
                case BOOLEAN: ok = v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false"); break;
                default: ok = true;
            }
        } catch (NumberFormatException e) {
            ok = false;
        }
        if (!ok) {
            throw new IllegalArgumentException("Invalid value '" + value + "' for property " + p.name()
                    + " of component " + componentName + ": expected " + p.type());
        }
    }

    private void triggerUpdate(String componentName) {
        Map<String, Object> cfg = new LinkedHashMap<>();
        synchronized (this) {
            Map<String, ConfigProperty> map = properties.get(componentName);
            if (map == null) {
                return;
            }
            map.values().forEach(p -> cfg.put(p.name(), p.value()));
        }
        Consumer<Map<String, String>> builtIn;
        synchronized (this) {
            builtIn = builtIns.get(componentName);
        }
        if (builtIn != null) {
            Map<String, String> values = new LinkedHashMap<>();
            cfg.forEach((k, v) -> values.put(k, String.valueOf(v)));
            builtIn.accept(values);
            return;
        }
        if (runtime.description(componentName).isEmpty()) {
            log.debug("{} is not a component of this runtime; nothing to notify", componentName);
            return;
        }
        // outside our lock: the component's modified method may call back into this service
        runtime.configurationChanged(componentName, cfg);
    }

    // .cfgdef next to the class (ONOS), else the typed properties of its DS description
    private Map<String, ConfigProperty> definitions(Class<?> componentClass) {
        Map<String, ConfigProperty> defs = new LinkedHashMap<>();
        String resource = componentClass.getSimpleName() + CFGDEF;
        try (InputStream in = componentClass.getResourceAsStream(resource)) {
            if (in != null) {
                readCfgDef(componentClass.getName(), in, defs);
                return defs;
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + resource + " of " + componentClass.getName(), e);
        }
        runtime.description(componentClass.getName()).ifPresent(d -> d.properties().forEach((name, value) -> {
            if (!name.startsWith("service.") && !name.startsWith("component.") && !name.startsWith(".")) {
                defs.put(name, ConfigProperty.defineProperty(name, typeOf(value), text(value),
                        "(no .cfgdef; from the component's DS properties)"));
            }
        }));
        return defs;
    }

    static void readCfgDef(String component, InputStream in, Map<String, ConfigProperty> defs) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String line;
        int n = 0;
        while ((line = r.readLine()) != null) {
            n++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\\|", 4);
            if (f.length < 3) {
                throw new IllegalArgumentException(component + CFGDEF + " line " + n + ": expected name|TYPE|default|description");
            }
            ConfigProperty.Type type;
            try {
                type = ConfigProperty.Type.valueOf(f[1].trim().toUpperCase());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(component + CFGDEF + " line " + n + ": unknown type " + f[1]);
            }
            defs.put(f[0].trim(), ConfigProperty.defineProperty(f[0].trim(), type, f[2],
                                                                 f.length > 3 ? f[3].trim() : ""));
        }
    }

    private static ConfigProperty.Type typeOf(Object v) {
        if (v instanceof Integer || v instanceof Short) {
            return ConfigProperty.Type.INTEGER;
        }
        if (v instanceof Long) {
            return ConfigProperty.Type.LONG;
        }
        if (v instanceof Float) {
            return ConfigProperty.Type.FLOAT;
        }
        if (v instanceof Double) {
            return ConfigProperty.Type.DOUBLE;
        }
        if (v instanceof Boolean) {
            return ConfigProperty.Type.BOOLEAN;
        }
        if (v instanceof Byte) {
            return ConfigProperty.Type.BYTE;
        }
        return ConfigProperty.Type.STRING;
    }

    private static String text(Object v) {
        if (v != null && v.getClass().isArray()) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < Array.getLength(v); i++) {
                sb.append(i == 0 ? "" : ",").append(Array.get(v, i));
            }
            return sb.toString();
        }
        return String.valueOf(v);
    }
}
