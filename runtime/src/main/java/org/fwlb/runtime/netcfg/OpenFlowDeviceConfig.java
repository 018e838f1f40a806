package org.fwlb.runtime.netcfg;

import org.onosproject.net.DeviceId;
import org.onosproject.net.config.Config;
import org.onosproject.net.config.ConfigFactory;
import org.onosproject.net.config.basics.SubjectFactories;

import java.util.Optional;

/**
 * The OpenFlow settings of one device, ONOS's {@code devices/<id>/openflow} netcfg (registered by ONOS's
 * OpenFlow controller, here by the runtime): {@code keyAlias}, the alias under which the controller's key
 * store holds the certificate that switch must present when the OpenFlow TLS mode is strict.
 */
public final class OpenFlowDeviceConfig extends Config<DeviceId> {

    /** Config key, as in ONOS. */
    public static final String CONFIG_KEY = "openflow";
    /** Field: key store alias of the switch's certificate. */
    public static final String KEY_ALIAS = "keyAlias";

    /** Registers this config class for the devices subject. */
    public static final ConfigFactory<DeviceId, OpenFlowDeviceConfig> FACTORY =
            new ConfigFactory<>(SubjectFactories.DEVICE_SUBJECT_FACTORY, OpenFlowDeviceConfig.class, CONFIG_KEY) {
                @Override
                public OpenFlowDeviceConfig createConfig() {
                    return new OpenFlowDeviceConfig();
                }
            };

    @Override
    public boolean isValid() {
        return hasOnlyFields(KEY_ALIAS) && (!object.has(KEY_ALIAS) || object.get(KEY_ALIAS).isTextual());
    }

    /** @return the alias, if one is set */
    public Optional<String> keyAlias() {
        String a = get(KEY_ALIAS, "");
        return a.isEmpty() ? Optional.empty() : Optional.of(a);
    }
}
