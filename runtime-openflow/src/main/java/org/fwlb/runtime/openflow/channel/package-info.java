/** Netty transport: framing, handshake, echo, barriers and request/reply matching per switch connection. */
package org.fwlb.runtime.openflow.channel;
