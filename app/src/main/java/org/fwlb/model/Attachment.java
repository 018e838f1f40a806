package org.fwlb.model;

import org.onlab.packet.IpAddress;
import org.onlab.packet.MacAddress;
import org.onosproject.net.PortNumber;

import java.util.Objects;

import static com.google.common.base.Preconditions.checkNotNull;

/**
 * Where one interface of a firewall attaches to a firewall dispatcher: switch port, MAC and IP.
 */
public final class Attachment {
    private final PortNumber port;
    private final MacAddress mac;
    private final IpAddress ip;

    private Attachment(PortNumber port, MacAddress mac, IpAddress ip) {
        this.port = checkNotNull(port, "port");
        this.mac = checkNotNull(mac, "mac");
        this.ip = checkNotNull(ip, "ip");
    }

    /**
     * Creates an attachment.
     *
     * @param port switch port on the firewall dispatcher's device
     * @param mac  MAC of the firewall interface
     * @param ip   IP of the firewall interface
     * @return the attachment
     */
    public static Attachment of(PortNumber port, MacAddress mac, IpAddress ip) {
        return new Attachment(port, mac, ip);
    }

    /**
     * Returns the switch port.
     *
     * @return port number
     */
    public PortNumber port() {
        return port;
    }

    /**
     * Returns the interface MAC.
     *
     * @return MAC address
     */
    public MacAddress mac() {
        return mac;
    }

    /**
     * Returns the interface IP.
     *
     * @return IP address
     */
    public IpAddress ip() {
        return ip;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Attachment)) {
            return false;
        }
        Attachment that = (Attachment) o;
        return port.equals(that.port) && mac.equals(that.mac) && ip.equals(that.ip);
    }

    @Override
    public int hashCode() {
        return Objects.hash(port, mac, ip);
    }

    @Override
    public String toString() {
        return "port " + port + " " + mac + " " + ip;
    }
}
