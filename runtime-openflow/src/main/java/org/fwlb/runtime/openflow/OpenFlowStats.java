package org.fwlb.runtime.openflow;

import org.onosproject.net.DeviceId;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Message counters per switch (kept across reconnects of the same datapath id). Thread-safe;
 * readers get snapshots.
 */
public final class OpenFlowStats {

    private final Map<DeviceId, Counters> perSwitch = new ConcurrentHashMap<>();

    /** Live counters of one switch. */
    public static final class Counters {
        private final LongAdder packetIns = new LongAdder();
        private final LongAdder packetInsDropped = new LongAdder();
        private final LongAdder packetOuts = new LongAdder();
        private final LongAdder flowMods = new LongAdder();
        private final LongAdder flowRemoved = new LongAdder();
        private final LongAdder errors = new LongAdder();
        private final LongAdder connects = new LongAdder();

        public void packetIn() {
            packetIns.increment();
        }

        public void packetInDropped() {
            packetInsDropped.increment();
        }

        public void packetOut() {
            packetOuts.increment();
        }

        public void flowMod() {
            flowMods.increment();
        }

        public void flowRemoved() {
            flowRemoved.increment();
        }

        public void error() {
            errors.increment();
        }

        public void connected() {
            connects.increment();
        }

        Snapshot snapshot() {
            return new Snapshot(packetIns.sum(), packetInsDropped.sum(), packetOuts.sum(), flowMods.sum(),
                    flowRemoved.sum(), errors.sum(), connects.sum());
        }
    }

    /** Values of one switch's counters at one moment. */
    public static final class Snapshot {
        private final long packetIns;
        private final long packetInsDropped;
        private final long packetOuts;
        private final long flowMods;
        private final long flowRemoved;
        private final long errors;
        private final long connects;

        Snapshot(long packetIns, long packetInsDropped, long packetOuts, long flowMods, long flowRemoved,
                 long errors, long connects) {
            this.packetIns = packetIns;
            this.packetInsDropped = packetInsDropped;
            this.packetOuts = packetOuts;
            this.flowMods = flowMods;
            this.flowRemoved = flowRemoved;
            this.errors = errors;
            this.connects = connects;
        }

        public static Snapshot zero() {
            return new Snapshot(0, 0, 0, 0, 0, 0, 0);
        }

        /** PACKET_IN messages received. */
        public long packetIns() {
            return packetIns;
        }

        /** PACKET_INs dropped because the processing queue was full (or the frame did not parse). */
        public long packetInsDropped() {
            return packetInsDropped;
        }

        /** PACKET_OUT messages sent. */
        public long packetOuts() {
            return packetOuts;
        }

        /** FLOW_MOD messages sent. */
        public long flowMods() {
            return flowMods;
        }

        /** FLOW_REMOVED messages received. */
        public long flowRemoved() {
            return flowRemoved;
        }

        /** OpenFlow ERROR messages received. */
        public long errors() {
            return errors;
        }

        /** Completed handshakes. */
        public long connects() {
            return connects;
        }

        Snapshot plus(Snapshot o) {
            return new Snapshot(packetIns + o.packetIns, packetInsDropped + o.packetInsDropped,
                    packetOuts + o.packetOuts, flowMods + o.flowMods, flowRemoved + o.flowRemoved,
                    errors + o.errors, connects + o.connects);
        }

        @Override
        public String toString() {
            return "packetIns=" + packetIns + " packetInsDropped=" + packetInsDropped + " packetOuts=" + packetOuts
                    + " flowMods=" + flowMods + " flowRemoved=" + flowRemoved + " errors=" + errors
                    + " connects=" + connects;
        }
    }

    /**
     * Live counters of a switch, created on first use.
     *
     * @param deviceId the switch
     * @return its counters
     */
    public Counters counters(DeviceId deviceId) {
        return perSwitch.computeIfAbsent(deviceId, d -> new Counters());
    }

    /**
     * Current values for one switch (zeros if never seen).
     *
     * @param deviceId the switch
     * @return snapshot
     */
    public Snapshot forDevice(DeviceId deviceId) {
        Counters c = perSwitch.get(deviceId);
        return c == null ? Snapshot.zero() : c.snapshot();
    }

    /** @return current values of every switch seen, ordered by device id */
    public Map<DeviceId, Snapshot> perSwitch() {
        Map<DeviceId, Snapshot> out = new TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));
        perSwitch.forEach((d, c) -> out.put(d, c.snapshot()));
        return Collections.unmodifiableMap(out);
    }

    /** @return sums over all switches */
    public Snapshot total() {
        Snapshot s = Snapshot.zero();
        for (Counters c : perSwitch.values()) {
            s = s.plus(c.snapshot());
        }
        return s;
    }

    @Override
    public String toString() {
        return "OpenFlowStats" + perSwitch();
    }
}
