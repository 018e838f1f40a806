package org.fwlb.api;

import org.fwlb.model.FwlbTopology;
import org.onosproject.event.ListenerService;

/**
 * The system description in force: the last valid fwlb netcfg, parsed. An invalid config never
 * replaces it.
 */
public interface FwlbTopologyService extends ListenerService<FwlbTopologyEvent, FwlbTopologyListener> {

    /**
     * Returns the topology in force (empty until a valid config arrives).
     *
     * @return the topology, never null
     */
    FwlbTopology topology();
}
