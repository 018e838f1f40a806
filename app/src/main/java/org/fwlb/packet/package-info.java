/**
 * Packet handling for the controller: an allocation-free parser of raw Ethernet frames into a reusable
 * {@link org.fwlb.packet.PacketSummary} that never throws on malformed input, and builders (not on the
 * hot path) for the packets the controller originates: TCP RST answers and ARP replies/requests.
 */
package org.fwlb.packet;
