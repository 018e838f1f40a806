/**
 * Distributed implementation of the connection table on an ONOS ConsistentMap.
 */
package org.fwlb.connection.impl;
