package org.fwlb.runtime.registry;

import java.util.Optional;

/**
 * Which runtime's registry answers static, OSGi-style lookups ({@code DefaultServiceDirectory.getService},
 * used by ONOS's {@code AbstractShellCommand.get} and {@code BaseResource.get}). A thread bound to a
 * runtime (REST and CLI request threads) uses that runtime; any other thread uses the process default
 * (the runtime started last). This keeps several runtimes in one JVM apart.
 */
public final class RuntimeDirectories {

    private static final ThreadLocal<ServiceRegistry> BOUND = new ThreadLocal<>();
    private static volatile ServiceRegistry processDefault;

    private RuntimeDirectories() {
    }

    /**
     * @param registry the registry that answers lookups from unbound threads, or null for none
     */
    public static void setProcessDefault(ServiceRegistry registry) {
        processDefault = registry;
    }

    /**
     * Clears the process default if it is the given registry (a stopping runtime).
     *
     * @param registry the registry of the stopping runtime
     */
    public static void clearProcessDefault(ServiceRegistry registry) {
        if (processDefault == registry) {
            processDefault = null;
        }
    }

    /**
     * Binds the current thread to a registry until {@link #unbind()}.
     *
     * @param registry the registry
     */
    public static void bind(ServiceRegistry registry) {
        BOUND.set(registry);
    }

    /** Unbinds the current thread. */
    public static void unbind() {
        BOUND.remove();
    }

    /** @return the registry lookups from this thread should use */
    public static Optional<ServiceRegistry> current() {
        ServiceRegistry bound = BOUND.get();
        return Optional.ofNullable(bound != null ? bound : processDefault);
    }
}
