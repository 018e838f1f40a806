package org.fwlb.dispatch.rest;

import org.onlab.rest.AbstractWebApplication;

import java.util.Set;

/**
 * The hierarchical dispatch app's REST application (/onos/cluster-dispatch).
 */
public class ClusterDispatchWebApplication extends AbstractWebApplication {
    @Override
    public Set<Class<?>> getClasses() {
        return getClasses(DispatchTreeWebResource.class, DispatchWebResource.class, L7WebResource.class,
                          org.fwlb.api.ReadinessWebResource.class);
    }
}
