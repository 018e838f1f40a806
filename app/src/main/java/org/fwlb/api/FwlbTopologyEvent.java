package org.fwlb.api;

import org.fwlb.model.FwlbTopology;
import org.onosproject.event.AbstractEvent;

/**
 * A new topology came into force.
 */
public class FwlbTopologyEvent extends AbstractEvent<FwlbTopologyEvent.Type, FwlbTopology> {

    /** Event types. */
    public enum Type {
        /** A valid config replaced the previous topology. */
        TOPOLOGY_CHANGED
    }

    private final FwlbTopology previous;

    /**
     * Creates an event.
     *
     * @param current  the topology now in force
     * @param previous the topology it replaced
     */
    public FwlbTopologyEvent(FwlbTopology current, FwlbTopology previous) {
        super(Type.TOPOLOGY_CHANGED, current);
        this.previous = previous;
    }

    /**
     * Returns the topology that was replaced.
     *
     * @return previous topology
     */
    public FwlbTopology previous() {
        return previous;
    }
}
