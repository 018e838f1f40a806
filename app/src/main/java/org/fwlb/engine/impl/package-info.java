/**
 * The connection engine's ONOS component: wires the engine's workers to ONOS's packet, flow rule, meter, device,
 * mastership and storage services.
 */
package org.fwlb.engine.impl;
