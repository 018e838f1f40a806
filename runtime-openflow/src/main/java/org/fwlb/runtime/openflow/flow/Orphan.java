package org.fwlb.runtime.openflow.flow;

import org.onosproject.net.flow.FlowEntry;
import org.projectfloodlight.openflow.protocol.OFFlowStatsEntry;

/** A rule found on a switch that no application owns (view is null if ONOS cannot express it). */
final class Orphan {
    final OFFlowStatsEntry stats;
    final FlowEntry view;

    Orphan(OFFlowStatsEntry stats, FlowEntry view) {
        this.stats = stats;
        this.view = view;
    }
}
