package org.fwlb.runtime.openflow.translate;

import org.onosproject.net.PortNumber;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * Port numbers between OpenFlow and ONOS. ONOS keeps OpenFlow's reserved ports (CONTROLLER
 * 0xfffffffd, LOCAL, NORMAL, ...) as the sign-extended 32-bit value (CONTROLLER is -3), so the
 * conversion is a signed one, as in ONOS's OpenFlow provider.
 */
public final class Ports {
    private Ports() {
    }

    /**
     * @param p OpenFlow port
     * @return ONOS port number (equal to PortNumber.CONTROLLER etc. for reserved ports)
     */
    public static PortNumber onos(OFPort p) {
        return PortNumber.portNumber(p.getPortNumber());
    }

    /**
     * @param p    OpenFlow port
     * @param name port name
     * @return ONOS port number carrying the name
     */
    public static PortNumber onos(OFPort p, String name) {
        return PortNumber.portNumber(p.getPortNumber(), name);
    }

    /**
     * @param p ONOS port number
     * @return OpenFlow port
     */
    public static OFPort of(PortNumber p) {
        return OFPort.of((int) p.toLong());
    }
}
