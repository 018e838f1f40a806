/**
 * Built-in ONOS core services of the runtime: CoreService, ClusterService (one node), MastershipService
 * (local node master of every device), AuditService, and the event dispatcher they post through.
 * Each is a plain class taking its collaborators, so a test can build several instances that share
 * state (a simulated cluster) or replace any of them.
 */
package org.fwlb.runtime.core;
