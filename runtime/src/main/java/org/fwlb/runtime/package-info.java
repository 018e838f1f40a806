/**
 * The fwlb standalone runtime: hosts the unchanged fwlb ONOS components outside ONOS (a mini SCR,
 * in-memory stores with real serialization, netcfg, component config, REST and the Karaf commands) on
 * top of a {@link org.fwlb.runtime.NetworkServices} southbound (OpenFlow 1.3 in production).
 */
package org.fwlb.runtime;
