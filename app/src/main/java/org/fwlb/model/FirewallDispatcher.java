package org.fwlb.model;

import com.google.common.base.MoreObjects;
import org.onlab.packet.IpAddress;
import org.onlab.packet.IpPrefix;
import org.onlab.packet.MacAddress;
import org.onosproject.net.DeviceId;

import java.util.Objects;

import static com.google.common.base.Preconditions.checkNotNull;

/**
 * One side of the firewall sandwich: the switch that realizes the external or internal firewall
 * dispatcher (FLB) and the virtual gateway its hosts route through.
 */
public final class FirewallDispatcher {

    /**
     * Which side of the sandwich.
     */
    public enum Role {
        /** Public side: between the external network and the firewalls' outside interfaces. */
        EXTERNAL,
        /** Private side: between the firewalls' inside interfaces and the private network. */
        INTERNAL
    }

    private final Role role;
    private final DeviceId deviceId;
    private final IpAddress gatewayIp;
    private final MacAddress gatewayMac;
    private final IpPrefix subnet;

    private FirewallDispatcher(Role role, DeviceId deviceId, IpAddress gatewayIp, MacAddress gatewayMac,
                               IpPrefix subnet) {
        this.role = checkNotNull(role, "role");
        this.deviceId = checkNotNull(deviceId, "deviceId");
        this.gatewayIp = checkNotNull(gatewayIp, "gatewayIp");
        this.gatewayMac = checkNotNull(gatewayMac, "gatewayMac");
        this.subnet = checkNotNull(subnet, "subnet");
    }

    /**
     * Creates a firewall dispatcher description.
     *
     * @param role       external or internal
     * @param deviceId   switch realizing it
     * @param gatewayIp  virtual gateway IP answered by the controller
     * @param gatewayMac virtual gateway MAC
     * @param subnet     the subnet of this side
     * @return the description
     */
    public static FirewallDispatcher of(Role role, DeviceId deviceId, IpAddress gatewayIp, MacAddress gatewayMac,
                                        IpPrefix subnet) {
        return new FirewallDispatcher(role, deviceId, gatewayIp, gatewayMac, subnet);
    }

    /**
     * Returns the role.
     *
     * @return external or internal
     */
    public Role role() {
        return role;
    }

    /**
     * Returns the switch realizing this dispatcher.
     *
     * @return device id
     */
    public DeviceId deviceId() {
        return deviceId;
    }

    /**
     * Returns the virtual gateway IP.
     *
     * @return IP address
     */
    public IpAddress gatewayIp() {
        return gatewayIp;
    }

    /**
     * Returns the virtual gateway MAC.
     *
     * @return MAC address
     */
    public MacAddress gatewayMac() {
        return gatewayMac;
    }

    /**
     * Returns the subnet of this side.
     *
     * @return IP prefix
     */
    public IpPrefix subnet() {
        return subnet;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof FirewallDispatcher)) {
            return false;
        }
        FirewallDispatcher f = (FirewallDispatcher) o;
        return role == f.role && deviceId.equals(f.deviceId) && gatewayIp.equals(f.gatewayIp)
                && gatewayMac.equals(f.gatewayMac) && subnet.equals(f.subnet);
    }

    @Override
    public int hashCode() {
        return Objects.hash(role, deviceId, gatewayIp, gatewayMac, subnet);
    }

    @Override
    public String toString() {
        return MoreObjects.toStringHelper("FirewallDispatcher").add("role", role).add("deviceId", deviceId)
                .add("gatewayIp", gatewayIp).add("gatewayMac", gatewayMac).add("subnet", subnet).toString();
    }
}
