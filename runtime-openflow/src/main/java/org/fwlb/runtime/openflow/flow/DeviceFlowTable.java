package org.fwlb.runtime.openflow.flow;

import org.onosproject.net.DeviceId;
import org.onosproject.net.flow.FlowRule;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The flow rule store of one device, and FlowRuleManager's liveness bookkeeping for it. Guarded by
 * its own monitor, except {@link #pendingMods}.
 */
final class DeviceFlowTable {
    final DeviceId deviceId;
    final Map<StoredEntry.Key, StoredEntry> entries = new LinkedHashMap<>();
    /**
     * FlowRuleManager's {@code firstSeen}/{@code lastSeen} maps (ms), keyed by FlowEntry equality and
     * cleared only when a FLOW_REMOVED for the rule arrives, as in ONOS.
     */
    final Map<StoredEntry.Eq, Long> firstSeen = new HashMap<>();
    final Map<StoredEntry.Eq, Long> lastSeen = new HashMap<>();
    /**
     * FLOW_MODs of batches awaiting their barrier, by xid (errors are charged to their batch). Concurrent: the
     * switch's I/O thread settles barriers and errors without the table's monitor.
     */
    final Map<Long, FlowRuleManager.PendingMod> pendingMods = new ConcurrentHashMap<>();
    /** Read-back of the switch's flows at the last poll, by cookie (used by the polling thread only). */
    volatile Map<Long, FlowRuleManager.ReadBack> readBack = Map.of();

    DeviceFlowTable(DeviceId deviceId) {
        this.deviceId = deviceId;
    }

    StoredEntry get(FlowRule r) {
        return entries.get(StoredEntry.Key.of(r));
    }

    void put(StoredEntry e) {
        entries.remove(e.key); // a replaced entry goes to the end, as a new one
        entries.put(e.key, e);
    }

    void remove(StoredEntry e) {
        entries.remove(e.key, e);
    }
}
