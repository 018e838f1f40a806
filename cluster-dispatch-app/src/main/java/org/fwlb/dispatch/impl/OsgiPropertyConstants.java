package org.fwlb.dispatch.impl;

/**
 * Names and defaults of the dispatch component's properties.
 */
public final class OsgiPropertyConstants {

    private OsgiPropertyConstants() {
    }

    /** Whether servers behind L4/3 switch stages are probed (TCP SYN from the stage). */
    public static final String SERVER_PROBE_ENABLED = "serverProbeEnabled";
    /** Default: probe. */
    public static final boolean SERVER_PROBE_ENABLED_DEFAULT = true;

    /** Period of the server probes, ms (0 = the topology's probe interval). */
    public static final String SERVER_PROBE_INTERVAL_MS = "serverProbeIntervalMs";
    /** Default: the topology's probe interval. */
    public static final int SERVER_PROBE_INTERVAL_MS_DEFAULT = 0;
}
