package org.fwlb.runtime.rest.sample;

import org.onlab.rest.AbstractWebApplication;

import java.util.Set;

/** An ONOS app's JAX-RS application. */
public class SampleWebApplication extends AbstractWebApplication {
    @Override
    public Set<Class<?>> getClasses() {
        return getClasses(SampleResource.class);
    }
}
