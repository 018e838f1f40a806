package org.fwlb.api;

import org.onosproject.event.EventListener;

/**
 * Listens for topology changes.
 */
public interface FwlbTopologyListener extends EventListener<FwlbTopologyEvent> {
}
