package org.fwlb.dispatch.rest;

import org.onlab.rest.AbstractWebApplication;
import org.onlab.rest.AuthorizationFilter;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The hierarchical dispatch app's REST application (/onos/cluster-dispatch).
 */
public class ClusterDispatchWebApplication extends AbstractWebApplication {
    @Override
    public Set<Class<?>> getClasses() {
        Set<Class<?>> classes = new LinkedHashSet<>(getClasses(DispatchTreeWebResource.class,
                DispatchWebResource.class, L7WebResource.class, org.fwlb.api.ReadinessWebResource.class,
                MetricsWebResource.class));
        // ONOS's rules plus the L7/3 reporters' role (see DispatchAuthorizationFilter)
        classes.remove(AuthorizationFilter.class);
        classes.add(DispatchAuthorizationFilter.class);
        return classes;
    }
}
