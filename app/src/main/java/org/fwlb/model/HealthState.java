package org.fwlb.model;

/**
 * Operational health of a member as seen by probes and port status; independent of {@link AdminState}.
 */
public enum HealthState {
    /** Probes succeed. */
    UP,
    /** Probes fail (or its port is down). */
    DOWN
}
