package org.fwlb.runtime.core;

import org.onosproject.core.ApplicationId;
import org.onosproject.core.DefaultApplicationId;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Application name → id table (short ids from 1, in registration order). ONOS keeps this cluster-wide;
 * instances of a simulated cluster share one table.
 */
public final class ApplicationIdTable {

    private final Map<String, ApplicationId> byName = new LinkedHashMap<>();

    /**
     * @param name application name
     * @return its id, registered now if new
     */
    public synchronized ApplicationId register(String name) {
        return byName.computeIfAbsent(name, n -> {
            if (byName.size() >= Short.MAX_VALUE) {
                throw new IllegalStateException("too many applications");
            }
            return new DefaultApplicationId(byName.size() + 1, n);
        });
    }

    /**
     * @param name application name
     * @return its id if registered
     */
    public synchronized Optional<ApplicationId> byName(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /**
     * @param id short id
     * @return the application if registered
     */
    public synchronized Optional<ApplicationId> byId(short id) {
        return byName.values().stream().filter(a -> a.id() == id).findFirst();
    }

    /** @return every registered application */
    public synchronized List<ApplicationId> all() {
        return List.copyOf(byName.values());
    }
}
