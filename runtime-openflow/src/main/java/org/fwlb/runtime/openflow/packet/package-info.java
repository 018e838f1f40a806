/** PacketService: processors, packet-in contexts, packet-out, punt requests. */
package org.fwlb.runtime.openflow.packet;
