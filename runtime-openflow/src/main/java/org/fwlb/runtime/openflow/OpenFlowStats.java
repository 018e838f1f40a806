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
        private final LongAdder barriers = new LongAdder();
        private final LongAdder[] packetInsByKind = new LongAdder[PacketInKind.values().length];

        Counters() {
            for (int i = 0; i < packetInsByKind.length; i++) {
                packetInsByKind[i] = new LongAdder();
            }
        }

        public void packetIn() {
            packetIns.increment();
        }

        /**
         * Counts a parsed PACKET_IN by what it carries.
         *
         * @param kind its kind
         */
        public void packetIn(PacketInKind kind) {
            packetInsByKind[kind.ordinal()].increment();
        }

        public void barrier() {
            barriers.increment();
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
            long[] kinds = new long[packetInsByKind.length];
            for (int i = 0; i < kinds.length; i++) {
                kinds[i] = packetInsByKind[i].sum();
            }
            return new Snapshot(packetIns.sum(), packetInsDropped.sum(), packetOuts.sum(), flowMods.sum(),
                    flowRemoved.sum(), errors.sum(), connects.sum(), barriers.sum(), kinds);
        }
    }

    /** What a parsed PACKET_IN carries (the ones that did not parse count only as dropped). */
    public enum PacketInKind {
        /** IPv4 TCP (the SYNs and segments of the decision points). */
        TCP,
        /** ARP (virtual gateways, VIPs, probe answers). */
        ARP,
        /** Anything else (LLDP, IPv6, UDP, ICMP, ...). */
        OTHER;

        /** @return lower-case name, as in REST and metric labels */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
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
        private final long barriers;
        private final long[] packetInsByKind;

        Snapshot(long packetIns, long packetInsDropped, long packetOuts, long flowMods, long flowRemoved,
                 long errors, long connects, long barriers, long[] packetInsByKind) {
            this.barriers = barriers;
            this.packetInsByKind = packetInsByKind;
            this.packetIns = packetIns;
            this.packetInsDropped = packetInsDropped;
            this.packetOuts = packetOuts;
            this.flowMods = flowMods;
            this.flowRemoved = flowRemoved;
            this.errors = errors;
            this.connects = connects;
        }

        public static Snapshot zero() {
            return new Snapshot(0, 0, 0, 0, 0, 0, 0, 0, new long[PacketInKind.values().length]);
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

        /** BARRIER_REQUEST messages sent. */
        public long barriers() {
            return barriers;
        }

        /**
         * @param kind what the PACKET_INs carried
         * @return parsed PACKET_INs of that kind
         */
        public long packetIns(PacketInKind kind) {
            return packetInsByKind[kind.ordinal()];
        }

        Snapshot plus(Snapshot o) {
            long[] kinds = new long[packetInsByKind.length];
            for (int i = 0; i < kinds.length; i++) {
                kinds[i] = packetInsByKind[i] + o.packetInsByKind[i];
            }
            return new Snapshot(packetIns + o.packetIns, packetInsDropped + o.packetInsDropped,
                    packetOuts + o.packetOuts, flowMods + o.flowMods, flowRemoved + o.flowRemoved,
                    errors + o.errors, connects + o.connects, barriers + o.barriers, kinds);
        }

        @Override
        public String toString() {
            return "packetIns=" + packetIns + " packetInsDropped=" + packetInsDropped + " packetOuts=" + packetOuts
                    + " flowMods=" + flowMods + " flowRemoved=" + flowRemoved + " errors=" + errors
                    + " connects=" + connects + " barriers=" + barriers + " packetInsTcp=" + packetIns(PacketInKind.TCP)
                    + " packetInsArp=" + packetIns(PacketInKind.ARP) + " packetInsOther=" + packetIns(PacketInKind.OTHER);
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
