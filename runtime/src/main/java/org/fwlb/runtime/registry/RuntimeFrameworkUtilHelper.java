package org.fwlb.runtime.registry;

import org.osgi.framework.Bundle;
import org.osgi.framework.connect.FrameworkUtilHelper;

import java.util.Optional;

/**
 * Answers {@code FrameworkUtil.getBundle(Class)} (OSGi core R8 asks {@link FrameworkUtilHelper}s found by
 * {@link java.util.ServiceLoader} when a class was not loaded by a bundle class loader) with a bundle
 * whose context serves the current runtime's registry ({@link RuntimeDirectories#current()}).
 * This is what makes onlab-osgi {@code DefaultServiceDirectory.getService}, and so ONOS's
 * {@code AbstractShellCommand.get} and {@code BaseResource.get}, work unchanged in the runtime.
 * Outside a runtime it answers nothing, so lookups fail with ONOS's own ServiceNotFoundException.
 */
public final class RuntimeFrameworkUtilHelper implements FrameworkUtilHelper {

    @Override
    public Optional<Bundle> getBundle(Class<?> classFromBundle) {
        return RuntimeDirectories.current().map(ServiceRegistry::bundle);
    }
}
