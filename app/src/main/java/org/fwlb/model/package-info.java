/**
 * Immutable domain model of fwlb in the vocabulary of US 2005/0183140: firewalls and the two firewall
 * dispatchers of the firewall sandwich, dispatch stages (dispatchers and back-end servers), virtual
 * services, traffic classes, connection keys, path tags and pinned connection entries, plus
 * {@link org.fwlb.model.FwlbTopology}, the whole system description with fast lookups.
 */
package org.fwlb.model;
