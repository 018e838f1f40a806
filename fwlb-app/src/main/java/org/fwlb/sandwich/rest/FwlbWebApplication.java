package org.fwlb.sandwich.rest;

import org.onlab.rest.AbstractWebApplication;

import java.util.Set;

/**
 * The sandwich's REST application (/onos/fwlb).
 */
public class FwlbWebApplication extends AbstractWebApplication {
    @Override
    public Set<Class<?>> getClasses() {
        return getClasses(SandwichWebResource.class, org.fwlb.api.ReadinessWebResource.class,
                          MetricsWebResource.class, UiWebResource.class);
    }
}
