package org.fwlb.testing;

import org.onlab.packet.DeserializationException;
import org.onlab.packet.Ethernet;
import org.onosproject.net.ConnectPoint;
import org.onosproject.net.DeviceId;
import org.onosproject.net.PortNumber;
import org.onosproject.net.packet.DefaultInboundPacket;
import org.onosproject.net.packet.DefaultPacketContext;
import org.onosproject.net.packet.OutboundPacket;
import org.onosproject.net.packet.PacketContext;
import org.onosproject.net.packet.PacketProcessor;
import org.onosproject.net.packet.PacketServiceAdapter;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * A packet service that records packet-outs and, like ONOS's packet manager, hands a punted frame to every
 * registered processor in ascending priority order (none of them checks the others' verdict for it).
 */
public class RecordingPackets extends PacketServiceAdapter {

    /** Every packet-out, in order. */
    public final List<OutboundPacket> emitted = new CopyOnWriteArrayList<>();
    private final List<Map.Entry<Integer, PacketProcessor>> processors = new CopyOnWriteArrayList<>();

    @Override
    public void emit(OutboundPacket packet) {
        emitted.add(packet);
    }

    @Override
    public synchronized void addProcessor(PacketProcessor processor, int priority) {
        List<Map.Entry<Integer, PacketProcessor>> all = new ArrayList<>(processors);
        all.add(Map.entry(priority, processor));
        all.sort(Comparator.comparingInt(Map.Entry::getKey));
        processors.clear();
        processors.addAll(all);
    }

    @Override
    public synchronized void removeProcessor(PacketProcessor processor) {
        processors.removeIf(e -> e.getValue() == processor);
    }

    /** @return processors registered, in the order they run */
    public List<PacketProcessor> processors() {
        return processors.stream().map(Map.Entry::getValue).collect(Collectors.toList());
    }

    /**
     * A switch punts a frame: every processor gets it.
     *
     * @param device device
     * @param port   in port
     * @param frame  bytes
     * @return the context the processors saw
     */
    public Context deliver(DeviceId device, int port, byte[] frame) {
        Context pc = context(device, port, frame);
        for (Map.Entry<Integer, PacketProcessor> e : processors) {
            e.getValue().process(pc);
        }
        return pc;
    }

    /**
     * Returns a packet context as the packet service hands it to processors.
     *
     * @param device device
     * @param port   in port
     * @param frame  bytes
     * @return context
     */
    public static Context context(DeviceId device, int port, byte[] frame) {
        Ethernet eth;
        try {
            eth = Ethernet.deserializer().deserialize(frame, 0, frame.length);
        } catch (DeserializationException | RuntimeException e) {
            eth = null;
        }
        return new Context(new DefaultInboundPacket(new ConnectPoint(device, PortNumber.portNumber(port)), eth,
                                                    ByteBuffer.wrap(frame)));
    }

    /** @return the last packet-out */
    public OutboundPacket last() {
        if (emitted.isEmpty()) {
            throw new AssertionError("nothing emitted");
        }
        return emitted.get(emitted.size() - 1);
    }

    /**
     * Returns the bytes of a packet-out.
     *
     * @param p packet-out
     * @return frame
     */
    public static byte[] bytes(OutboundPacket p) {
        ByteBuffer b = p.data().duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    /** A packet context that records whether a processor sent the packet on (send() itself marks it handled). */
    public static final class Context extends DefaultPacketContext {
        /** How often send() was called. */
        public int sent;

        Context(DefaultInboundPacket in) {
            super(0L, in, null, false);
        }

        @Override
        public void send() {
            if (!block()) {
                sent++;
            }
        }
    }
}
