package org.fwlb.testing;

import org.onlab.packet.DeserializationException;
import org.onlab.packet.Ethernet;
import org.onlab.packet.IPv4;
import org.onlab.packet.TCP;
import org.onosproject.net.flow.TrafficTreatment;
import org.onosproject.net.flow.instructions.Instruction;
import org.onosproject.net.flow.instructions.L2ModificationInstruction;
import org.onosproject.net.flow.instructions.L2ModificationInstruction.L2SubType;
import org.onosproject.net.flow.instructions.L3ModificationInstruction;
import org.onosproject.net.flow.instructions.L3ModificationInstruction.L3SubType;
import org.onosproject.net.packet.OutboundPacket;

/**
 * What a switch does to a frame when it executes a treatment's actions (MAC and IPv4 rewrites, VLAN push/set/pop;
 * IPv4 and TCP checksums redone), with onlab's packet classes: tests follow a packet from switch to switch.
 */
public final class PacketActions {

    private PacketActions() {
    }

    /**
     * The frame as a treatment's actions leave it.
     *
     * @param frame bytes
     * @param t     treatment
     * @return bytes
     */
    public static byte[] apply(byte[] frame, TrafficTreatment t) {
        Ethernet eth;
        try {
            eth = Ethernet.deserializer().deserialize(frame, 0, frame.length);
        } catch (DeserializationException e) {
            throw new IllegalArgumentException(e);
        }
        for (Instruction i : t.allInstructions()) {
            if (i instanceof L2ModificationInstruction.ModEtherInstruction) {
                L2ModificationInstruction.ModEtherInstruction m = (L2ModificationInstruction.ModEtherInstruction) i;
                if (m.subtype() == L2SubType.ETH_DST) {
                    eth.setDestinationMACAddress(m.mac());
                } else {
                    eth.setSourceMACAddress(m.mac());
                }
            } else if (i instanceof L2ModificationInstruction.ModVlanIdInstruction) {
                eth.setVlanID(((L2ModificationInstruction.ModVlanIdInstruction) i).vlanId().toShort());
            } else if (i instanceof L2ModificationInstruction
                    && ((L2ModificationInstruction) i).subtype() == L2SubType.VLAN_POP) {
                eth.setVlanID(Ethernet.VLAN_UNTAGGED);
            } else if (i instanceof L3ModificationInstruction.ModIPInstruction) {
                L3ModificationInstruction.ModIPInstruction m = (L3ModificationInstruction.ModIPInstruction) i;
                IPv4 ip = (IPv4) eth.getPayload();
                int addr = m.ip().getIp4Address().toInt();
                if (m.subtype() == L3SubType.IPV4_DST) {
                    ip.setDestinationAddress(addr);
                } else {
                    ip.setSourceAddress(addr);
                }
                ip.resetChecksum();
                if (ip.getPayload() instanceof TCP) {
                    ((TCP) ip.getPayload()).resetChecksum();
                }
            }
        }
        return eth.serialize();
    }

    /**
     * The frame a packet-out sends.
     *
     * @param p packet-out
     * @return bytes
     */
    public static byte[] sent(OutboundPacket p) {
        return apply(RecordingPackets.bytes(p), p.treatment());
    }
}
