package org.fwlb.runtime.core;

import org.onosproject.core.ApplicationId;
import org.onosproject.core.CoreService;
import org.onosproject.core.IdGenerator;
import org.onosproject.core.Version;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import static java.util.Objects.requireNonNull;

/**
 * CoreService: application ids from an {@link ApplicationIdTable} (the core app
 * {@code org.onosproject.core} is registered first, as in ONOS), the ONOS API version the runtime
 * implements, id generators, and the pre-deactivate hooks of applications (run by
 * {@link #runPreDeactivateHooks()} before components are deactivated at shutdown).
 */
public final class RuntimeCoreService implements CoreService {

    /** The ONOS API version the runtime implements. */
    public static final Version VERSION = Version.version("2.7.0");

    private static final Logger log = LoggerFactory.getLogger(RuntimeCoreService.class);

    private final ApplicationIdTable table;
    private final Map<String, AtomicLong> idBlocks = new ConcurrentHashMap<>();
    private final Map<String, List<Runnable>> preDeactivate = new LinkedHashMap<>();

    /**
     * @param table application id table (shared by the instances of a simulated cluster)
     */
    public RuntimeCoreService(ApplicationIdTable table) {
        this.table = requireNonNull(table);
        table.register(CORE_APP_NAME);
    }

    /** A core service with its own table. */
    public RuntimeCoreService() {
        this(new ApplicationIdTable());
    }

    @Override
    public Version version() {
        return VERSION;
    }

    @Override
    public Set<ApplicationId> getAppIds() {
        return new LinkedHashSet<>(table.all());
    }

    @Override
    public ApplicationId getAppId(Short id) {
        return id == null ? null : table.byId(id).orElse(null);
    }

    @Override
    public ApplicationId getAppId(String name) {
        return name == null ? null : table.byName(name).orElse(null);
    }

    @Override
    public ApplicationId registerApplication(String name) {
        requireNonNull(name, "Application ID cannot be null");
        return table.register(name);
    }

    @Override
    public ApplicationId registerApplication(String name, Runnable preDeactivate) {
        ApplicationId id = registerApplication(name);
        synchronized (this.preDeactivate) {
            this.preDeactivate.computeIfAbsent(name, n -> new ArrayList<>()).add(requireNonNull(preDeactivate));
        }
        return id;
    }

    @Override
    public IdGenerator getIdGenerator(String topic) {
        AtomicLong counter = idBlocks.computeIfAbsent(requireNonNull(topic), t -> new AtomicLong());
        return counter::incrementAndGet;
    }

    /** Runs every registered pre-deactivate hook once (application shutdown). */
    public void runPreDeactivateHooks() {
        List<Map.Entry<String, List<Runnable>>> hooks;
        synchronized (preDeactivate) {
            hooks = new ArrayList<>(preDeactivate.entrySet());
            preDeactivate.clear();
        }
        for (Map.Entry<String, List<Runnable>> e : hooks) {
            for (Runnable r : e.getValue()) {
                try {
                    r.run();
                } catch (RuntimeException ex) {
                    log.error("pre-deactivate hook of {} failed", e.getKey(), ex);
                }
            }
        }
    }
}
