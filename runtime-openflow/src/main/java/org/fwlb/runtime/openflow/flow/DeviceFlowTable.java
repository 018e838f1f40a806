package org.fwlb.runtime.openflow.flow;

import org.onosproject.net.flow.FlowId;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Rules of one device: those applications own, and those found on the switch that nobody owns.
 * Guarded by its own monitor.
 */
final class DeviceFlowTable {
    final Map<FlowId, StoredEntry> entries = new LinkedHashMap<>();
    /** Found on the switch, non-zero cookie, not (yet) adopted: keyed by cookie. */
    final Map<Long, Orphan> orphans = new LinkedHashMap<>();
    /** Found on the switch with cookie 0: not ours to delete; reported, never adopted. */
    final Map<Object, Orphan> foreign = new LinkedHashMap<>();
    /** FLOW_MODs of batches awaiting their barrier, by xid. */
    final Map<Long, FlowRuleManager.Batch> pendingMods = new HashMap<>();
    boolean pollInFlight;
}
