package org.fwlb.engine;

/**
 * The one flow-priority table of every device fwlb programs (firewall dispatchers, dispatch stages, DF
 * switches). Per-connection rules sit above the metered punt of unknown TCP, so a connection reaches the
 * controller once, at its first packet.
 */
public final class Priorities {

    /** ARP for virtual gateways, VIPs and stage addresses; probe answers (ARP meter). */
    public static final int ARP = 45000;
    /** Static-hash buckets (+ rank for sandwich traffic classes; +1 for a stage's in-port variant). */
    public static final int HASH = 41000;
    /** Optional tcp_flags mode only: FIN/RST of pinned connections to the controller (+ rank). */
    public static final int CLOSE = 40000;
    /** Per-connection rule on the device where the connection entered (records its direction). */
    public static final int PINNED_ORIGIN = 30001;
    /** Per-connection rules elsewhere on the path. */
    public static final int PINNED = 30000;
    /** A held 5-tuple: an unknown non-SYN segment's action, kept so it is not punted again. */
    public static final int HOLD = 28000;
    /** Overload only: traffic the hash rules must not carry keeps its metered punt (a sandwich VIP's, whose
     *  stage decides the server; both ports below 1024, where the service port is ambiguous). */
    public static final int OVERLOAD_PUNT = 27000;
    /** Overload only: unknown TCP of a pinned class carried by static-hash buckets, without punts (+ rank). */
    public static final int OVERLOAD = 26000;
    /** Unknown TCP of a trusted client source (one that completed a connection), own meter (+ rank). */
    public static final int TRUSTED = 25000;
    /** Unknown TCP of pinned classes and services to the controller, metered (+ rank). */
    public static final int PUNT = 20000;
    /** Optional tcp_flags mode only: unknown non-SYN segments handled in the switch (+ rank). */
    public static final int UNKNOWN = 10000;
    /** Other IP traffic through a gateway (ICMP, UDP): one firewall by static hash. */
    public static final int OTHER_IP = 5000;
    /** Frames to a first stage at the device in front of it. */
    public static final int STEER = 1000;
    /** Plain L2 switching. */
    public static final int BASE = 0;
    /** Most traffic classes with distinct ranks; later ones share the lowest rank. */
    public static final int MAX_RANK = 999;

    private Priorities() {
    }

    /**
     * Tells whether a priority is a per-connection rule's.
     *
     * @param priority priority
     * @return true for pinned rules
     */
    public static boolean isPinned(int priority) {
        return priority == PINNED || priority == PINNED_ORIGIN;
    }

    /**
     * Returns the rank of the k-th of n traffic classes: earlier classes rank higher, so a packet meets the
     * rules of the first class that matches it, as {@code trafficClassFor} classifies it.
     *
     * @param k position, 0-based
     * @param n number of classes
     * @return rank, 1..MAX_RANK
     */
    public static int rank(int k, int n) {
        return Math.max(1, Math.min(MAX_RANK, n - k));
    }
}
