package org.fwlb.l7.relay;

import java.net.InetSocketAddress;

/** A peer L7 dispatcher and the address of its relay port. */
public record PeerRef(String id, InetSocketAddress relay) { }
