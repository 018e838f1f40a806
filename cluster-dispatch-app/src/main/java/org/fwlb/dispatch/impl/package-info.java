/**
 * Hierarchical dispatch (seed FIG 2-8): the dispatch stages' components. {@link DispatchManager} is the only
 * DS component; it wires the workers (placer, life cycle, VIP ARP responder, server prober) to ONOS.
 */
package org.fwlb.dispatch.impl;
