package org.fwlb.model;

import com.google.common.base.MoreObjects;
import com.google.common.collect.ImmutableList;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import static com.google.common.base.Preconditions.checkNotNull;

/**
 * Sandwich traffic selected by protocol and (destination) ports, with the mode, policy and unknown
 * non-SYN action the firewall dispatchers apply to it. An empty port list matches every port.
 */
public final class TrafficClass {
    private final String id;
    private final Protocol protocol;
    private final ImmutableList<Integer> ports;
    private final int[] sortedPorts;
    private final DispatchMode mode;
    private final String policy;
    private final UnknownNonSynAction unknownNonSyn;

    private TrafficClass(String id, Protocol protocol, List<Integer> ports, DispatchMode mode, String policy,
                         UnknownNonSynAction unknownNonSyn) {
        this.id = checkNotNull(id, "id");
        this.protocol = checkNotNull(protocol, "protocol");
        this.ports = ImmutableList.copyOf(ports);
        this.sortedPorts = this.ports.stream().mapToInt(Integer::intValue).sorted().toArray();
        this.mode = checkNotNull(mode, "mode");
        this.policy = checkNotNull(policy, "policy");
        this.unknownNonSyn = checkNotNull(unknownNonSyn, "unknownNonSyn");
    }

    /**
     * Creates a traffic class.
     *
     * @param id            id
     * @param protocol      protocol
     * @param ports         destination ports (empty = all)
     * @param mode          dispatch mode
     * @param policy        firewall selection policy name
     * @param unknownNonSyn action for unknown non-SYN packets
     * @return the traffic class
     */
    public static TrafficClass of(String id, Protocol protocol, List<Integer> ports, DispatchMode mode,
                                  String policy, UnknownNonSynAction unknownNonSyn) {
        return new TrafficClass(id, protocol, ports, mode, policy, unknownNonSyn);
    }

    /**
     * Returns the default class: all TCP, pinned, round robin, drop.
     *
     * @return default traffic class
     */
    public static TrafficClass defaultClass() {
        return of("default", Protocol.TCP, ImmutableList.of(), DispatchMode.PINNED, "round-robin",
                  UnknownNonSynAction.DROP);
    }

    /**
     * Returns true when a packet of this protocol to this destination port belongs to the class.
     *
     * @param protocolNumber IP protocol number
     * @param dstPort        destination port
     * @return true when it matches
     */
    public boolean matches(int protocolNumber, int dstPort) {
        return protocolNumber == protocol.number()
                && (sortedPorts.length == 0 || Arrays.binarySearch(sortedPorts, dstPort) >= 0);
    }

    /**
     * Returns the id.
     *
     * @return id
     */
    public String id() {
        return id;
    }

    /**
     * Returns the protocol.
     *
     * @return protocol
     */
    public Protocol protocol() {
        return protocol;
    }

    /**
     * Returns the destination ports (empty = all).
     *
     * @return ports
     */
    public List<Integer> ports() {
        return ports;
    }

    /**
     * Returns the mode.
     *
     * @return mode
     */
    public DispatchMode mode() {
        return mode;
    }

    /**
     * Returns the firewall selection policy name.
     *
     * @return policy name
     */
    public String policy() {
        return policy;
    }

    /**
     * Returns the unknown non-SYN action.
     *
     * @return action
     */
    public UnknownNonSynAction unknownNonSyn() {
        return unknownNonSyn;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof TrafficClass)) {
            return false;
        }
        TrafficClass t = (TrafficClass) o;
        return id.equals(t.id) && protocol == t.protocol && ports.equals(t.ports) && mode == t.mode
                && policy.equals(t.policy) && unknownNonSyn == t.unknownNonSyn;
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, protocol, ports, mode, policy, unknownNonSyn);
    }

    @Override
    public String toString() {
        return MoreObjects.toStringHelper("TrafficClass").add("id", id).add("protocol", protocol.jsonName())
                .add("ports", ports).add("mode", mode.jsonName()).add("policy", policy)
                .add("unknownNonSyn", unknownNonSyn.jsonName()).toString();
    }
}
