package org.fwlb.connection;

import com.google.common.collect.ImmutableList;
import org.fwlb.model.ConnectionEntry;
import org.fwlb.model.ConnectionKey;
import org.fwlb.model.ConnectionPath;
import org.fwlb.model.FlowKey;
import org.fwlb.model.PathTag;
import org.fwlb.model.TcpState;
import org.junit.jupiter.api.Test;
import org.onlab.packet.Ip4Address;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every stored type survives the Kryo serializer the distributed map uses (so a cluster peer reads
 * exactly what was written).
 */
class ConnectionSerializerTest {
    private static final FlowKey FLOW = FlowKey.of(6, Ip4Address.valueOf("10.0.1.5").toInt(), 40000,
                                                   Ip4Address.valueOf("10.0.2.100").toInt(), 80);

    private static <T> T roundTrip(T value) {
        byte[] bytes = ConnectionSerializer.SERIALIZER.encode(value);
        return ConnectionSerializer.SERIALIZER.decode(bytes);
    }

    @Test
    void keysRoundTrip() {
        ConnectionKey k = FLOW.canonical();
        assertEquals(k, roundTrip(k));
        assertEquals(k.hashCode(), roundTrip(k).hashCode());
        assertEquals(FLOW, roundTrip(FLOW));
    }

    @Test
    void entriesWithEveryPathShapeRoundTrip() {
        List<ConnectionPath> paths = new ArrayList<>();
        paths.add(ConnectionPath.empty());
        paths.add(ConnectionPath.viaFirewall("fw1"));
        paths.add(ConnectionPath.viaFirewall("fw2").withNextDispatcher("d1").withPathTag(PathTag.of(4094)));
        paths.add(ConnectionPath.of(null, ImmutableList.of("d1", "d2", "d3"), "srv1", null));
        paths.add(ConnectionPath.of("fw3", new ArrayList<>(List.of("a", "b")), "s", PathTag.of(1)));
        for (ConnectionPath p : paths) {
            for (TcpState s : TcpState.values()) {
                ConnectionEntry e = ConnectionEntry.of(FLOW, p, s, 1_000, 2_000, "org.fwlb.sandwich", 12, 3456);
                ConnectionEntry back = roundTrip(e);
                assertEquals(e, back);
                assertEquals(e.key(), back.key());
                assertEquals(p.members(), back.path().members());
            }
        }
    }
}
