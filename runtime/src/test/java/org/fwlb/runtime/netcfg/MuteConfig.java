package org.fwlb.runtime.netcfg;

import org.onosproject.net.DeviceId;
import org.onosproject.net.config.Config;

/** A config that only says yes or no (most ONOS configs). */
public class MuteConfig extends Config<DeviceId> {
    @Override
    public boolean isValid() {
        return !object.has("bad");
    }
}
