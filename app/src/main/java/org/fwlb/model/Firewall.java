package org.fwlb.model;

import com.google.common.base.MoreObjects;

import java.util.Objects;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

/**
 * One of the parallel stateful firewalls of the sandwich, with its outside (public side, on the external
 * firewall dispatcher) and inside (private side, on the internal firewall dispatcher) attachments.
 */
public final class Firewall {
    private final String id;
    private final int weight;
    private final int maxConnections;
    private final AdminState adminState;
    private final Attachment outside;
    private final Attachment inside;
    private final PathTag pathTag;

    private Firewall(Builder b) {
        this.id = checkNotNull(b.id, "id");
        checkArgument(b.weight >= 0, "weight must be >= 0");
        checkArgument(b.maxConnections >= 0, "maxConnections must be >= 0");
        this.weight = b.weight;
        this.maxConnections = b.maxConnections;
        this.adminState = checkNotNull(b.adminState, "adminState");
        this.outside = checkNotNull(b.outside, "outside");
        this.inside = checkNotNull(b.inside, "inside");
        this.pathTag = checkNotNull(b.pathTag, "pathTag");
    }

    /**
     * Returns a new builder (weight 1, unlimited connections, admin UP).
     *
     * @return builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns a builder initialised from this firewall.
     *
     * @return builder
     */
    public Builder toBuilder() {
        return new Builder().id(id).weight(weight).maxConnections(maxConnections).adminState(adminState)
                .outside(outside).inside(inside).pathTag(pathTag);
    }

    /**
     * Returns the firewall id.
     *
     * @return id
     */
    public String id() {
        return id;
    }

    /**
     * Returns the weight used by weighted policies.
     *
     * @return weight
     */
    public int weight() {
        return weight;
    }

    /**
     * Returns the connection limit.
     *
     * @return max connections, 0 = unlimited
     */
    public int maxConnections() {
        return maxConnections;
    }

    /**
     * Returns the configured administrative state.
     *
     * @return admin state
     */
    public AdminState adminState() {
        return adminState;
    }

    /**
     * Returns the outside (public side) attachment.
     *
     * @return attachment on the external firewall dispatcher
     */
    public Attachment outside() {
        return outside;
    }

    /**
     * Returns the inside (private side) attachment.
     *
     * @return attachment on the internal firewall dispatcher
     */
    public Attachment inside() {
        return inside;
    }

    /**
     * Returns the path tag identifying this firewall in tagged SYNs (FIG 8).
     *
     * @return path tag
     */
    public PathTag pathTag() {
        return pathTag;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Firewall)) {
            return false;
        }
        Firewall f = (Firewall) o;
        return weight == f.weight && maxConnections == f.maxConnections && id.equals(f.id)
                && adminState == f.adminState && outside.equals(f.outside) && inside.equals(f.inside)
                && pathTag.equals(f.pathTag);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, weight, maxConnections, adminState, outside, inside, pathTag);
    }

    @Override
    public String toString() {
        return MoreObjects.toStringHelper("Firewall").add("id", id).add("weight", weight)
                .add("maxConnections", maxConnections).add("adminState", adminState)
                .add("outside", outside).add("inside", inside).add("pathTag", pathTag).toString();
    }

    /**
     * Builder of {@link Firewall}.
     */
    public static final class Builder {
        private String id;
        private int weight = 1;
        private int maxConnections;
        private AdminState adminState = AdminState.UP;
        private Attachment outside;
        private Attachment inside;
        private PathTag pathTag = PathTag.of(1);

        private Builder() {
        }

        /**
         * Sets the id.
         *
         * @param id firewall id
         * @return this
         */
        public Builder id(String id) {
            this.id = id;
            return this;
        }

        /**
         * Sets the weight.
         *
         * @param weight weight
         * @return this
         */
        public Builder weight(int weight) {
            this.weight = weight;
            return this;
        }

        /**
         * Sets the connection limit.
         *
         * @param maxConnections limit, 0 = unlimited
         * @return this
         */
        public Builder maxConnections(int maxConnections) {
            this.maxConnections = maxConnections;
            return this;
        }

        /**
         * Sets the admin state.
         *
         * @param adminState admin state
         * @return this
         */
        public Builder adminState(AdminState adminState) {
            this.adminState = adminState;
            return this;
        }

        /**
         * Sets the outside attachment.
         *
         * @param outside attachment
         * @return this
         */
        public Builder outside(Attachment outside) {
            this.outside = outside;
            return this;
        }

        /**
         * Sets the inside attachment.
         *
         * @param inside attachment
         * @return this
         */
        public Builder inside(Attachment inside) {
            this.inside = inside;
            return this;
        }

        /**
         * Sets the path tag.
         *
         * @param pathTag tag
         * @return this
         */
        public Builder pathTag(PathTag pathTag) {
            this.pathTag = pathTag;
            return this;
        }

        /**
         * Builds the firewall.
         *
         * @return firewall
         */
        public Firewall build() {
            return new Firewall(this);
        }
    }
}
