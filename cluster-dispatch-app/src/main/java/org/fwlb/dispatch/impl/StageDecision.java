package org.fwlb.dispatch.impl;

import org.fwlb.model.Dispatcher;
import org.fwlb.model.Firewall;
import org.fwlb.model.FlowKey;
import org.onosproject.net.DeviceId;
import org.onosproject.net.PortNumber;

/**
 * One stage's decision for one connection: where the stage sends it next and, for replies, through which
 * port and to which firewall.
 */
final class StageDecision {
    final DeviceId device;
    final Dispatcher stage;
    final boolean df;
    final FlowKey flow;
    final String nextId;
    final PortNumber inPort;
    final Firewall firewall;

    /**
     * Creates a decision.
     *
     * @param device   where the stage's rules go
     * @param stage    the stage
     * @param df       whether this is the DF of a host-realized stage
     * @param flow     the connection, client to VIP
     * @param nextId   next dispatcher or server (null for a DF)
     * @param inPort   where the SYN came in (replies leave there)
     * @param firewall the firewall replies must go to (FIG 7/8), or null
     */
    StageDecision(DeviceId device, Dispatcher stage, boolean df, FlowKey flow, String nextId, PortNumber inPort,
                  Firewall firewall) {
        this.device = device;
        this.stage = stage;
        this.df = df;
        this.flow = flow;
        this.nextId = nextId;
        this.inPort = inPort;
        this.firewall = firewall;
    }
}
