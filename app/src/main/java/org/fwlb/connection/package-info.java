/**
 * The connection table: canonical connection key to pinned path, kept in an ONOS distributed map so an
 * ONOS cluster shares it, with the TCP life-cycle, idle expiry, live counts per member derived from map
 * events, and a hard cap.
 */
package org.fwlb.connection;
