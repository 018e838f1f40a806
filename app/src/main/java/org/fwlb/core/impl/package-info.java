/**
 * Core components: the topology in force (netcfg) and the members' run-time state.
 */
package org.fwlb.core.impl;
