package org.fwlb.runtime.openflow.packet;

import org.onosproject.net.packet.DefaultPacketContext;
import org.onosproject.net.packet.InboundPacket;
import org.onosproject.net.packet.OutboundPacket;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * Context of one PACKET_IN. As in ONOS's OpenFlow provider, {@link #send()} emits the packet once,
 * and only if no processor blocked it before: {@code block()} marks the packet handled and returns
 * whether it already was.
 */
final class OfPacketContext extends DefaultPacketContext {
    private final PacketManager manager;
    private final OFPort inPort;
    private final byte[] data;

    OfPacketContext(long time, InboundPacket in, OutboundPacket out, PacketManager manager, OFPort inPort, byte[] data) {
        super(time, in, out, false);
        this.manager = manager;
        this.inPort = inPort;
        this.data = data;
    }

    @Override
    public void send() {
        if (!block()) {
            manager.send(inPacket().receivedFrom().deviceId(), inPort, treatmentBuilder().build(), data);
        }
    }
}
