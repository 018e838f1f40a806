package org.fwlb.config;

import org.fwlb.model.FwlbTopology;
import org.onosproject.core.ApplicationId;
import org.onosproject.net.config.Config;
import org.onosproject.net.config.ConfigFactory;

import java.util.List;

import static org.onosproject.net.config.basics.SubjectFactories.APP_SUBJECT_FACTORY;

/**
 * The fwlb netcfg: {@code apps / org.fwlb.core / fwlb} describes the whole system (firewall sandwich,
 * servers, dispatchers, virtual services, timeouts, connection table). {@link #isValid()} runs the full
 * validation; {@link #validationErrors()} says what is wrong, naming each field path and value.
 */
public class FwlbConfig extends Config<ApplicationId> {
    /** Config key under the application subject. */
    public static final String CONFIG_KEY = "fwlb";
    /** Name of the application that is the config subject. */
    public static final String APP_NAME = "org.fwlb.core";

    /**
     * Creates the factory to register with the NetworkConfigRegistry.
     *
     * @return config factory for key "fwlb" on application subjects
     */
    public static ConfigFactory<ApplicationId, FwlbConfig> factory() {
        return new ConfigFactory<ApplicationId, FwlbConfig>(APP_SUBJECT_FACTORY, FwlbConfig.class, CONFIG_KEY) {
            @Override
            public FwlbConfig createConfig() {
                return new FwlbConfig();
            }
        };
    }

    @Override
    public boolean isValid() {
        return parse().isValid();
    }

    /**
     * Returns every validation error, e.g.
     * {@code sandwich.firewalls[1].outside.mac: "zz" is not a MAC address}.
     *
     * @return errors; empty when valid
     */
    public List<String> validationErrors() {
        return parse().errors();
    }

    /**
     * Parses the configuration.
     *
     * @return the topology or the errors
     */
    public ParseResult parse() {
        return FwlbConfigParser.parse(node());
    }

    /**
     * Returns the system description of a valid configuration.
     *
     * @return topology
     * @throws InvalidConfigException listing every error when the configuration is invalid
     */
    public FwlbTopology topology() {
        return parse().topologyOrThrow();
    }
}
