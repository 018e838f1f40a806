package org.fwlb.runtime.openflow.channel;

import org.onosproject.net.DeviceId;

import java.util.Collection;

/** Lookup of the active switch connections. */
public interface Switches {

    /**
     * @param deviceId device
     * @return its active connection, or null if it is not connected
     */
    SwitchConnection get(DeviceId deviceId);

    /** @return every active connection */
    Collection<SwitchConnection> all();
}
