package org.fwlb.model;

/**
 * The identity of a firewall carried in a SYN from the first stage to a firewall-aware second stage
 * (seed FIG 8). A small integer 1..4094, so that it fits every encoding the apps may choose
 * (a VLAN id, an MPLS label, bits of a MAC); this class is encoding-neutral.
 */
public final class PathTag {
    /** Smallest tag value. */
    public static final int MIN = 1;
    /** Largest tag value (the largest usable VLAN id). */
    public static final int MAX = 4094;

    private static final PathTag[] CACHE = new PathTag[MAX + 1];

    static {
        for (int i = MIN; i <= MAX; i++) {
            CACHE[i] = new PathTag(i);
        }
    }

    private final int value;

    private PathTag(int value) {
        this.value = value;
    }

    /**
     * Returns the tag with the given value (cached; no allocation).
     *
     * @param value 1..4094
     * @return the tag
     * @throws IllegalArgumentException when the value is out of range
     */
    public static PathTag of(int value) {
        if (value < MIN || value > MAX) {
            throw new IllegalArgumentException("path tag " + value + " is out of range " + MIN + ".." + MAX);
        }
        return CACHE[value];
    }

    /**
     * Returns true when the value is a valid tag.
     *
     * @param value candidate
     * @return true when 1..4094
     */
    public static boolean isValid(int value) {
        return value >= MIN && value <= MAX;
    }

    /**
     * Returns the default tag of the firewall at a position in the configuration (position + 1).
     *
     * @param position zero-based position of the firewall
     * @return the tag
     */
    public static PathTag forPosition(int position) {
        return of(position + 1);
    }

    /**
     * Returns the tag value.
     *
     * @return 1..4094
     */
    public int value() {
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PathTag && ((PathTag) o).value == value;
    }

    @Override
    public int hashCode() {
        return value;
    }

    @Override
    public String toString() {
        return "tag" + value;
    }
}
