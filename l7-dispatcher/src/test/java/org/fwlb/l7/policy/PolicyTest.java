package org.fwlb.l7.policy;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.fwlb.l7.backend.Backend;
import org.fwlb.l7.backend.ConnectionPool;
import org.fwlb.l7.config.AdminState;
import org.fwlb.l7.config.ServerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class PolicyTest {
    private static final NioEventLoopGroup GROUP = new NioEventLoopGroup(1);
    private static final Bootstrap BASE = new Bootstrap().group(GROUP).channel(NioSocketChannel.class);

    @AfterAll
    static void stop() {
        GROUP.shutdownGracefully();
    }

    static Backend server(String id, int weight, AdminState admin) {
        ServerConfig c = new ServerConfig(id, "127.0.0.1", 1, weight, admin, List.of("http"));
        return new Backend(c, new ConnectionPool(id, new InetSocketAddress("127.0.0.1", 1), BASE, 1, 1, 1000, 1000, 100));
    }

    static String picks(Policy p, Backend[] servers, int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            Backend x = p.choose(servers, null);
            b.append(x == null ? "-" : x.id());
        }
        return b.toString();
    }

    @Test
    void roundRobinSkipsDrainingDownAndZeroWeight() {
        Backend[] s = {server("a", 1, AdminState.UP), server("b", 1, AdminState.DRAIN), server("c", 1, AdminState.UP),
                server("d", 1, AdminState.DOWN), server("e", 0, AdminState.UP)};
        assertEquals("acacacac", picks(new RoundRobin(), s, 8), "evenly over the eligible ones only");
        Policy rr = new RoundRobin();
        Backend[] two = {server("a", 1, AdminState.UP), server("b", 1, AdminState.UP)};
        assertEquals("abab", picks(rr, two, 4));
        assertEquals(two[1], rr.choose(two, two[0]));
        assertNull(rr.choose(new Backend[]{server("x", 1, AdminState.DRAIN)}, null));
    }

    @Test
    void smoothWeightedIsProportionalAndInterleaved() {
        Backend[] s = {server("a", 5, AdminState.UP), server("b", 1, AdminState.UP), server("c", 1, AdminState.UP)};
        String seq = picks(new SmoothWeightedRoundRobin(), s, 7);
        assertEquals("aabacaa", seq);
        String many = picks(new SmoothWeightedRoundRobin(), s, 700);
        assertEquals(500, many.chars().filter(c -> c == 'a').count());
        assertEquals(100, many.chars().filter(c -> c == 'b').count());
    }

    @Test
    void leastConnectionsPrefersFewestActivePerWeight() {
        Backend a = server("a", 1, AdminState.UP);
        Backend b = server("b", 2, AdminState.UP);
        Backend[] s = {a, b};
        a.requestStarted();
        a.requestStarted();
        b.requestStarted();
        b.requestStarted();
        b.requestStarted(); // a: 2/1, b: 3/2 → b
        Policy lc = new LeastConnections();
        assertEquals(b, lc.choose(s, null));
        b.requestStarted(); // b: 4/2 = a: 2/1 → tie, either
        a.requestEnded(false); // a: 1/1 < 2 → a
        assertEquals(a, lc.choose(s, null));
        assertEquals(b, lc.choose(s, a));
    }
}
