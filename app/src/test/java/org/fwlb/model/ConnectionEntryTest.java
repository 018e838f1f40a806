package org.fwlb.model;

import com.google.common.collect.ImmutableList;
import org.junit.jupiter.api.Test;

import static org.fwlb.model.ConnectionKeyTest.CLIENT;
import static org.fwlb.model.ConnectionKeyTest.SERVER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConnectionEntryTest {
    private final FlowKey syn = FlowKey.of(6, CLIENT, 40000, SERVER, 80);

    @Test
    void pathMembersAndInvolvement() {
        ConnectionPath p = ConnectionPath.viaFirewall("fw2").withNextDispatcher("d1").withNextDispatcher("d2a")
                .withServer("srv1").withPathTag(PathTag.of(2));
        assertEquals(ImmutableList.of("fw2", "d1", "d2a", "srv1"), p.members());
        assertEquals(ImmutableList.of("d1", "d2a"), p.dispatcherIds());
        assertTrue(p.involves("d2a"));
        assertTrue(p.involves("fw2"));
        assertTrue(p.involves("srv1"));
        assertFalse(p.involves("srv2"));
        assertEquals("[fw=fw2 > d1 > d2a > srv=srv1 tag2]", p.toString());
        assertEquals(ConnectionPath.of("fw2", ImmutableList.of("d1", "d2a"), "srv1", PathTag.of(2)), p);
    }

    @Test
    void emptyPath() {
        assertTrue(ConnectionPath.empty().members().isEmpty());
        assertFalse(ConnectionPath.empty().firewallId().isPresent());
        assertFalse(ConnectionPath.empty().serverId().isPresent());
        assertFalse(ConnectionPath.empty().pathTag().isPresent());
    }

    @Test
    void pinnedEntryStartsInSynSeenWithCanonicalKey() {
        ConnectionEntry e = ConnectionEntry.pinned(syn.reverse(), ConnectionPath.viaFirewall("fw1"), 1000,
                                                   "org.fwlb.sandwich");
        assertEquals(TcpState.SYN_SEEN, e.state());
        assertEquals(syn.canonical(), e.key());
        assertEquals(syn.reverse(), e.flow());
        assertEquals(SERVER, e.clientIp());
        assertEquals(1000, e.createdMillis());
        assertEquals(1000, e.lastSeenMillis());
    }

    @Test
    void withersKeepIdentityAndNeverMoveTimeBackwards() {
        ConnectionEntry e = ConnectionEntry.pinned(syn, ConnectionPath.viaFirewall("fw1"), 1000, "app");
        ConnectionEntry est = e.withState(TcpState.ESTABLISHED, 2000);
        assertEquals(TcpState.ESTABLISHED, est.state());
        assertEquals(2000, est.lastSeenMillis());
        assertEquals(1000, est.createdMillis());
        assertEquals(2000, est.withLastSeen(1500).lastSeenMillis());
        ConnectionEntry counted = est.withCounters(10, 1500, 3000);
        assertEquals(10, counted.packets());
        assertEquals(1500, counted.bytes());
        assertEquals(3000, counted.lastSeenMillis());
        assertEquals(e.key(), counted.key());
        assertNotEquals(e, est);
        assertEquals("srv9", e.withPath(e.path().withServer("srv9")).path().serverId().get());
    }
}
