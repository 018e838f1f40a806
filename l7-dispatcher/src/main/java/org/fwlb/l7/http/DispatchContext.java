package org.fwlb.l7.http;

import org.fwlb.l7.Stats;
import org.fwlb.l7.backend.ServerRegistry;
import org.fwlb.l7.config.DispatcherConfig;
import org.fwlb.l7.cookie.CookieSigner;
import org.fwlb.l7.relay.Directory;
import org.fwlb.l7.relay.MatchingTable;
import org.fwlb.l7.relay.PeerPools;

import java.util.function.BooleanSupplier;

/** What a client or relay connection needs of the dispatcher; shared, thread-safe parts only. */
public record DispatchContext(DispatcherConfig config, ServerRegistry registry, CookieSigner signer,
                              Directory directory, PeerPools peers, Stats stats, MatchingTable table,
                              Router router, RequestValidator validator, BooleanSupplier draining,
                              org.fwlb.l7.relay.RelaySigner relaySigner) {
}
