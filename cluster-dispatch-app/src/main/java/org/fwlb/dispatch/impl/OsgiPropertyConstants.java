package org.fwlb.dispatch.impl;

/**
 * Names and defaults of the dispatch application's component properties (the packet path's are the connection
 * engine's: {@code org.fwlb.engine.impl.ConnectionEngineManager}).
 */
public final class OsgiPropertyConstants {

    private OsgiPropertyConstants() {
    }

    /** Whether the servers behind L4/3 stage switches are probed. */
    public static final String SERVER_PROBE_ENABLED = "serverProbeEnabled";
    /** Default: probed. */
    public static final boolean SERVER_PROBE_ENABLED_DEFAULT = true;

    /** Server probe period, ms; 0 = the topology's probe interval. */
    public static final String SERVER_PROBE_INTERVAL_MS = "serverProbeIntervalMs";
    /** Default: the topology's. */
    public static final int SERVER_PROBE_INTERVAL_MS_DEFAULT = 0;
}
