package org.fwlb.engine;

import org.fwlb.packet.PacketParser;
import org.fwlb.packet.PacketSummary;
import org.onosproject.net.packet.PacketContext;
import org.onosproject.net.packet.PacketProcessor;
import org.slf4j.Logger;

import static org.slf4j.LoggerFactory.getLogger;

/**
 * A packet processor that never throws into ONOS's packet service and skips packets another processor
 * handled: every processor of fwlb (the engine's and the applications' ARP and probe processors) is one.
 */
public abstract class GuardedProcessor implements PacketProcessor {

    private final Logger log = getLogger(getClass());

    @Override
    public final void process(PacketContext pc) {
        try {
            if (!pc.isHandled()) {
                handle(pc);
            }
        } catch (RuntimeException e) {
            failed();
            log.warn("packet from {} not processed: {}", pc.inPacket().receivedFrom(), e.toString(), e);
        }
    }

    /**
     * Handles a packet no earlier processor handled.
     *
     * @param pc packet context
     */
    protected abstract void handle(PacketContext pc);

    /** Counts a packet whose handling threw (the default counts nothing). */
    protected void failed() {
    }

    /**
     * Parses a packet's frame.
     *
     * @param pc packet context
     * @return the summary, or null when the frame does not parse
     */
    protected static PacketSummary parse(PacketContext pc) {
        PacketSummary p = new PacketSummary();
        return PacketParser.parse(pc.inPacket().unparsed(), p).isParsed() ? p : null;
    }
}
