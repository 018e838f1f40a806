package org.fwlb.runtime.cfg.sample;

import org.onosproject.cfg.ComponentConfigService;
import org.osgi.service.component.ComponentContext;

import java.util.Dictionary;

/** An ONOS-style configurable component: registers its properties in activate, re-reads them in modified. */
public class Tunable {
    protected ComponentConfigService cfgService;
    public volatile Dictionary<String, Object> props;
    public volatile int modifiedCount;

    protected void activate(ComponentContext ctx) {
        cfgService.registerProperties(getClass());
        props = ctx.getProperties();
    }

    protected void modified(ComponentContext ctx) {
        props = ctx.getProperties();
        modifiedCount++;
    }

    protected void deactivate() {
        cfgService.unregisterProperties(getClass(), false);
    }
}
