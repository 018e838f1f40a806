package org.fwlb.policy;

import org.fwlb.model.Eligibility;

import java.util.Objects;

import static com.google.common.base.Preconditions.checkNotNull;

/**
 * An immutable {@link Member} value.
 */
public final class SimpleMember implements Member {
    private final String id;
    private final int weight;
    private final Eligibility eligibility;
    private final long activeConnections;
    private final double packetRate;

    private SimpleMember(String id, int weight, Eligibility eligibility, long activeConnections,
                         double packetRate) {
        this.id = checkNotNull(id, "id");
        this.weight = weight;
        this.eligibility = checkNotNull(eligibility, "eligibility");
        this.activeConnections = activeConnections;
        this.packetRate = packetRate;
    }

    /**
     * Creates an eligible member with no load.
     *
     * @param id     id
     * @param weight weight
     * @return member
     */
    public static SimpleMember of(String id, int weight) {
        return new SimpleMember(id, weight, Eligibility.ELIGIBLE, 0, 0);
    }

    /**
     * Creates a member with every attribute.
     *
     * @param id                id
     * @param weight            weight
     * @param eligibility       eligibility
     * @param activeConnections live connections
     * @param packetRate        packets per second
     * @return member
     */
    public static SimpleMember of(String id, int weight, Eligibility eligibility, long activeConnections,
                                  double packetRate) {
        return new SimpleMember(id, weight, eligibility, activeConnections, packetRate);
    }

    /**
     * Returns a copy with another eligibility.
     *
     * @param e eligibility
     * @return member
     */
    public SimpleMember withEligibility(Eligibility e) {
        return new SimpleMember(id, weight, e, activeConnections, packetRate);
    }

    /**
     * Returns a copy with another connection count.
     *
     * @param active live connections
     * @return member
     */
    public SimpleMember withActiveConnections(long active) {
        return new SimpleMember(id, weight, eligibility, active, packetRate);
    }

    /**
     * Returns a copy with another packet rate.
     *
     * @param rate packets per second
     * @return member
     */
    public SimpleMember withPacketRate(double rate) {
        return new SimpleMember(id, weight, eligibility, activeConnections, rate);
    }

    /**
     * Returns a copy with another weight.
     *
     * @param w weight
     * @return member
     */
    public SimpleMember withWeight(int w) {
        return new SimpleMember(id, w, eligibility, activeConnections, packetRate);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public int weight() {
        return weight;
    }

    @Override
    public Eligibility eligibility() {
        return eligibility;
    }

    @Override
    public long activeConnections() {
        return activeConnections;
    }

    @Override
    public double packetRate() {
        return packetRate;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof SimpleMember)) {
            return false;
        }
        SimpleMember m = (SimpleMember) o;
        return weight == m.weight && activeConnections == m.activeConnections
                && Double.compare(packetRate, m.packetRate) == 0 && id.equals(m.id) && eligibility == m.eligibility;
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, weight, eligibility, activeConnections, packetRate);
    }

    @Override
    public String toString() {
        return id + "{w=" + weight + ", " + eligibility + ", conns=" + activeConnections + ", pps=" + packetRate + "}";
    }
}
