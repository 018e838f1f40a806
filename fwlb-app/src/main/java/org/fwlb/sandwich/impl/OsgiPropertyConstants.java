package org.fwlb.sandwich.impl;

/**
 * Names and defaults of the sandwich's component properties (the punt meters, path decisions and the rest of the
 * packet path are the connection engine's: {@code org.fwlb.engine.impl.ConnectionEngineManager}).
 */
public final class OsgiPropertyConstants {

    private OsgiPropertyConstants() {
    }

    /** Whether firewalls are probed (ARP through both interfaces). */
    public static final String PROBE_ENABLED = "probeEnabled";
    /** Default: probed. */
    public static final boolean PROBE_ENABLED_DEFAULT = true;
}
