package org.fwlb.runtime.rest.sample;

import org.fwlb.runtime.netcfg.SampleConfig;
import org.onosproject.core.ApplicationId;
import org.onosproject.core.CoreService;
import org.onosproject.net.config.ConfigFactory;
import org.onosproject.net.config.NetworkConfigRegistry;
import org.onosproject.net.config.basics.SubjectFactories;

/** An app component that registers a netcfg factory, as fwlb's components do. */
public class NetcfgUser {
    protected NetworkConfigRegistry cfgRegistry;
    protected CoreService coreService;
    private ApplicationId appId;

    private final ConfigFactory<ApplicationId, SampleConfig> factory =
            new ConfigFactory<>(SubjectFactories.APP_SUBJECT_FACTORY, SampleConfig.class, "sample") {
                @Override
                public SampleConfig createConfig() {
                    return new SampleConfig();
                }
            };

    protected void activate() {
        appId = coreService.registerApplication("org.fwlb.test");
        cfgRegistry.registerConfigFactory(factory);
    }

    protected void deactivate() {
        cfgRegistry.unregisterConfigFactory(factory);
    }

    public int port() {
        SampleConfig c = cfgRegistry.getConfig(appId, SampleConfig.class);
        return c == null ? -1 : c.port();
    }
}
