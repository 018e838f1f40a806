package org.fwlb.connection.impl;

import org.fwlb.connection.ConnectionEvent;
import org.fwlb.connection.ConnectionFilter;
import org.fwlb.connection.PinResult;
import org.fwlb.model.ConnectionEntry;
import org.fwlb.model.ConnectionKey;
import org.fwlb.model.ConnectionPath;
import org.fwlb.model.FlowKey;
import org.fwlb.model.TcpState;
import org.fwlb.testing.SharedTestStorageService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.onlab.packet.Ip4Address;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DistributedConnectionStoreTest {
    private static final int SERVER = Ip4Address.valueOf("10.0.2.100").toInt();
    private static final String APP = "org.fwlb.sandwich";

    private SharedTestStorageService storage;
    private DistributedConnectionStore store;
    private final List<ConnectionEvent> events = new ArrayList<>();
    private long now = 1_000_000;

    private static int client(int n) {
        return Ip4Address.valueOf("10.0.1." + n).toInt();
    }

    private static FlowKey flow(int clientHost, int clientPort) {
        return FlowKey.of(6, client(clientHost), clientPort, SERVER, 80);
    }

    private ConnectionEntry entry(FlowKey f, ConnectionPath p) {
        return ConnectionEntry.pinned(f, p, now, APP);
    }

    private DistributedConnectionStore newInstance() {
        DistributedConnectionStore s = new DistributedConnectionStore();
        s.storageService = storage;
        s.clock = () -> now;
        s.activate();
        return s;
    }

    @BeforeEach
    void setUp() {
        storage = new SharedTestStorageService();
        store = newInstance();
        store.setDelegate(events::add);
    }

    @AfterEach
    void tearDown() {
        store.deactivate();
    }

    private List<ConnectionEvent.Type> eventTypes() {
        return events.stream().map(ConnectionEvent::type).collect(Collectors.toList());
    }

    @Test
    void pinStoresTheEntryCountsItsMembersAndRaisesPinned() {
        ConnectionEntry e = entry(flow(5, 40000), ConnectionPath.viaFirewall("fw1"));
        PinResult r = store.pin(e);
        assertTrue(r.isPinned());
        assertEquals(PinResult.Status.PINNED, r.status());
        assertSame(e, r.entry());
        assertEquals(e, store.get(flow(5, 40000).canonical()));
        assertEquals(e, store.get(flow(5, 40000).reverse().canonical()), "reply direction finds it too");
        assertEquals(1, store.size());
        assertEquals(1, store.connectionCount("fw1"));
        assertEquals(List.of(ConnectionEvent.Type.PINNED), eventTypes());
        assertEquals(e, events.get(0).subject());
    }

    @Test
    void firstWriterWinsOnADuplicateKey() {
        ConnectionEntry first = entry(flow(5, 40000), ConnectionPath.viaFirewall("fw1"));
        store.pin(first);
        // the reply direction racing on another instance would compute the same key
        PinResult r = store.pin(entry(flow(5, 40000).reverse(), ConnectionPath.viaFirewall("fw2")));
        assertEquals(PinResult.Status.DUPLICATE, r.status());
        assertFalse(r.isPinned());
        assertEquals(first, r.entry());
        assertEquals(1, store.connectionCount("fw1"));
        assertEquals(0, store.connectionCount("fw2"));
        assertEquals(1, store.size());
        assertTrue(r.message().startsWith("already pinned tcp 10.0.1.5:40000 <-> 10.0.2.100:80"));
    }

    @Test
    void hardCapRefusesClearlyAndChangesNothing() {
        store.setMaxConnections(2);
        assertTrue(store.pin(entry(flow(1, 1000), ConnectionPath.viaFirewall("fw1"))).isPinned());
        assertTrue(store.pin(entry(flow(2, 1000), ConnectionPath.viaFirewall("fw1"))).isPinned());
        PinResult full = store.pin(entry(flow(3, 1000), ConnectionPath.viaFirewall("fw1")));
        assertEquals(PinResult.Status.TABLE_FULL, full.status());
        assertNull(full.entry());
        assertEquals("connection table full: 2 connections (connectionTable.maxConnections); new connection "
                             + "refused", full.message());
        assertEquals(2, store.size());
        assertNull(store.get(flow(3, 1000).canonical()));
        // a duplicate of a pinned connection is still answered with its entry when full
        assertEquals(PinResult.Status.DUPLICATE,
                     store.pin(entry(flow(1, 1000), ConnectionPath.viaFirewall("fw2"))).status());
        store.remove(flow(1, 1000).canonical());
        assertTrue(store.pin(entry(flow(3, 1000), ConnectionPath.viaFirewall("fw1"))).isPinned());
    }

    @Test
    void capMustBePositive() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> store.setMaxConnections(0));
        assertTrue(e.getMessage().contains("got 0"));
        assertEquals(200_000, store.maxConnections());
    }

    @Test
    void tcpLifeCycle() {
        ConnectionKey k = flow(5, 40000).canonical();
        store.pin(entry(flow(5, 40000), ConnectionPath.viaFirewall("fw1")));
        now += 50;
        ConnectionEntry est = store.markEstablished(k);
        assertEquals(TcpState.ESTABLISHED, est.state());
        assertEquals(now, est.lastSeenMillis());
        assertEquals(TcpState.ESTABLISHED, store.markEstablished(k).state(), "idempotent");
        ConnectionEntry closing = store.markClosing(k);
        assertEquals(TcpState.CLOSING, closing.state());
        assertEquals(TcpState.CLOSING, store.markEstablished(k).state(), "never back from closing");
        assertEquals(TcpState.CLOSING, store.markClosing(k).state());
        assertEquals(closing, store.remove(k));
        assertNull(store.get(k));
        assertEquals(List.of(ConnectionEvent.Type.PINNED, ConnectionEvent.Type.STATE_CHANGED,
                             ConnectionEvent.Type.STATE_CHANGED, ConnectionEvent.Type.REMOVED), eventTypes());
        assertEquals(TcpState.SYN_SEEN, events.get(1).previous().state());
        assertEquals(TcpState.ESTABLISHED, events.get(1).subject().state());
        assertEquals(0, store.size());
        assertEquals(0, store.connectionCount("fw1"));
    }

    @Test
    void unknownKeysAnswerNull() {
        ConnectionKey k = flow(9, 9).canonical();
        assertNull(store.get(k));
        assertNull(store.markEstablished(k));
        assertNull(store.markClosing(k));
        assertNull(store.touch(k, now));
        assertNull(store.updateCounters(k, 1, 1, now));
        assertNull(store.updatePath(k, p -> p));
        assertNull(store.remove(k));
        assertTrue(events.isEmpty());
    }

    @Test
    void countsPerFirewallDispatcherAndServer() {
        store.pin(entry(flow(1, 1), ConnectionPath.viaFirewall("fw1").withNextDispatcher("d1").withServer("s1")));
        store.pin(entry(flow(2, 1), ConnectionPath.viaFirewall("fw1").withNextDispatcher("d1").withServer("s2")));
        store.pin(entry(flow(3, 1), ConnectionPath.viaFirewall("fw2").withNextDispatcher("d1")
                .withNextDispatcher("d2").withServer("s2")));
        assertEquals(Map.of("fw1", 2, "fw2", 1, "d1", 3, "d2", 1, "s1", 1, "s2", 2), store.connectionCounts());
        store.remove(flow(2, 1).canonical());
        assertEquals(Map.of("fw1", 1, "fw2", 1, "d1", 2, "d2", 1, "s1", 1, "s2", 1), store.connectionCounts());
    }

    @Test
    void removeByMemberClearsOnlyThatMembersConnections() {
        for (int i = 1; i <= 6; i++) {
            store.pin(entry(flow(i, 1000), ConnectionPath.viaFirewall(i % 2 == 0 ? "fw2" : "fw1")));
        }
        events.clear();
        List<ConnectionEntry> removed = store.removeByMember("fw2");
        assertEquals(3, removed.size());
        assertTrue(removed.stream().allMatch(e -> e.path().involves("fw2")));
        assertEquals(0, store.connectionCount("fw2"));
        assertEquals(3, store.connectionCount("fw1"));
        assertEquals(3, store.size());
        assertEquals(3, events.stream().filter(e -> e.type() == ConnectionEvent.Type.REMOVED).count());
    }

    @Test
    void expireIdleRemovesOnlyIdleEntries() {
        store.pin(entry(flow(1, 1), ConnectionPath.viaFirewall("fw1")));
        store.pin(entry(flow(2, 1), ConnectionPath.viaFirewall("fw1")));
        now += 5_000;
        store.touch(flow(2, 1).canonical(), now);
        now += 6_000;
        List<ConnectionEntry> expired = store.expireIdle(now, 10_000);
        assertEquals(1, expired.size());
        assertEquals(flow(1, 1), expired.get(0).flow());
        assertEquals(1, store.size());
        assertTrue(store.expireIdle(now, 10_000).isEmpty());
        assertEquals(1, store.expireIdle(now + 4_000, 10_000).size());
        assertEquals(0, store.size());
    }

    @Test
    void touchAndCountersNeverMoveTimeBackwards() {
        ConnectionKey k = flow(1, 1).canonical();
        store.pin(entry(flow(1, 1), ConnectionPath.viaFirewall("fw1")));
        assertEquals(now + 10, store.touch(k, now + 10).lastSeenMillis());
        assertEquals(now + 10, store.touch(k, now + 5).lastSeenMillis());
        ConnectionEntry c = store.updateCounters(k, 7, 900, now + 20);
        assertEquals(7, c.packets());
        assertEquals(900, c.bytes());
        assertEquals(now + 20, c.lastSeenMillis());
    }

    @Test
    void updatePathMovesCountsAndRaisesPathChanged() {
        ConnectionKey k = flow(1, 1).canonical();
        store.pin(entry(flow(1, 1), ConnectionPath.viaFirewall("fw1").withNextDispatcher("stage1")));
        ConnectionEntry e = store.updatePath(k, p -> p.withNextDispatcher("l4c").withServer("srv5"));
        assertEquals(List.of("stage1", "l4c"), e.path().dispatcherIds());
        assertEquals(1, store.connectionCount("srv5"));
        assertEquals(1, store.connectionCount("l4c"));
        assertEquals(1, store.connectionCount("fw1"));
        assertEquals(ConnectionEvent.Type.PATH_CHANGED, events.get(events.size() - 1).type());
        assertEquals(1, store.size());
    }

    @Test
    void listingWithFilters() {
        store.pin(entry(flow(1, 1), ConnectionPath.viaFirewall("fw1").withServer("s1")));
        store.pin(entry(flow(1, 2), ConnectionPath.viaFirewall("fw2").withServer("s2")));
        store.pin(ConnectionEntry.pinned(flow(2, 1), ConnectionPath.viaFirewall("fw1").withServer("s2"), now,
                                         "org.fwlb.clusterdispatch"));
        store.markEstablished(flow(1, 2).canonical());
        assertEquals(3, store.connections(ConnectionFilter.all()).size());
        assertEquals(2, store.connections(ConnectionFilter.all().member("fw1")).size());
        assertEquals(2, store.connections(ConnectionFilter.all().clientIp(client(1))).size());
        assertEquals(2, store.connections(ConnectionFilter.all().server("s2")).size());
        assertEquals(1, store.connections(ConnectionFilter.all().state(TcpState.ESTABLISHED)).size());
        assertEquals(1, store.connections(ConnectionFilter.all().app("org.fwlb.clusterdispatch")).size());
        assertEquals(1, store.connections(ConnectionFilter.all().member("fw1").server("s2")).size());
        assertEquals(0, store.connections(ConnectionFilter.all().clientIp(client(1)).member("s1")
                                                  .state(TcpState.CLOSING)).size());
    }

    @Test
    void everyInstanceOfTheClusterSeesTheSameTableAndCounts() {
        DistributedConnectionStore peer = newInstance();
        List<ConnectionEvent> peerEvents = new ArrayList<>();
        peer.setDelegate(peerEvents::add);
        store.pin(entry(flow(1, 1), ConnectionPath.viaFirewall("fw1")));
        peer.pin(entry(flow(2, 1), ConnectionPath.viaFirewall("fw2")));
        // the peer's own pin loses against a pin made on the first instance
        assertEquals(PinResult.Status.DUPLICATE,
                     peer.pin(entry(flow(1, 1), ConnectionPath.viaFirewall("fw3"))).status());
        for (DistributedConnectionStore s : List.of(store, peer)) {
            assertEquals(2, s.size());
            assertEquals(1, s.connectionCount("fw1"));
            assertEquals(1, s.connectionCount("fw2"));
            assertEquals(0, s.connectionCount("fw3"));
        }
        assertEquals(2, events.size());
        assertEquals(2, peerEvents.size());
        peer.deactivate();
    }

    @Test
    void anInstanceStartingLaterDerivesCountsFromTheExistingTable() {
        store.pin(entry(flow(1, 1), ConnectionPath.viaFirewall("fw1")));
        store.pin(entry(flow(2, 1), ConnectionPath.viaFirewall("fw1")));
        DistributedConnectionStore late = newInstance();
        assertEquals(2, late.size());
        assertEquals(2, late.connectionCount("fw1"));
        store.remove(flow(1, 1).canonical());
        assertEquals(1, late.size());
        late.deactivate();
        store.remove(flow(2, 1).canonical());
        assertEquals(0, late.size(), "a stopped instance forgets its derived counts");
    }

    @Test
    void theMapIsNamedAndSerialized() {
        assertTrue(storage.map(DistributedConnectionStore.MAP_NAME) != null);
    }

    @Test
    void removeIfReChecksTheCurrentEntry() {
        ConnectionKey k = flow(1, 1).canonical();
        store.pin(entry(flow(1, 1), ConnectionPath.viaFirewall("fw1")));
        // the predicate turns false for the current entry: nothing must be removed
        List<ConnectionEntry> removed = store.removeIf(e -> {
            boolean stale = e.state() == TcpState.SYN_SEEN;
            if (stale && store.get(k).state() == TcpState.SYN_SEEN) {
                store.markEstablished(k); // concurrent change between snapshot and removal
            }
            return stale;
        });
        assertTrue(removed.isEmpty());
        assertEquals(TcpState.ESTABLISHED, store.get(k).state());
    }
}
