package org.fwlb.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.fwlb.api.FwlbTopologyListener;
import org.fwlb.api.FwlbTopologyService;
import org.fwlb.config.FwlbConfigParser;
import org.fwlb.model.ConnectionEntry;
import org.fwlb.model.ConnectionPath;
import org.fwlb.model.FlowKey;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.Ip4;
import org.fwlb.model.PathTag;
import org.fwlb.model.TcpState;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The test topology (src/test/resources/topology.json: d1 → d2a, d2b → d3; http and ftp server sets) and
 * connections through it.
 */
public final class DispatchFixtures {

    public static final int VIP = Ip4.toInt(org.onlab.packet.Ip4Address.valueOf("10.0.2.100"));

    private DispatchFixtures() {
    }

    public static String resource(String name) {
        try (InputStream in = DispatchFixtures.class.getResourceAsStream("/" + name)) {
            if (in == null) {
                throw new IllegalStateException("no test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static FwlbTopology topology() {
        try {
            return FwlbConfigParser.parse(new ObjectMapper().readTree(resource("org/fwlb/testing/dispatch-topology.json"))).topologyOrThrow();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A connection from 10.0.0.{client}:{port} to the VIP's {vipPort} through the given path. */
    public static ConnectionEntry connection(int client, int port, int vipPort, TcpState state, String firewall,
                                      Integer tag, String server, String... dispatchers) {
        ConnectionPath path = ConnectionPath.empty();
        if (firewall != null) {
            path = path.withFirewall(firewall);
        }
        for (String d : dispatchers) {
            path = path.withNextDispatcher(d);
        }
        path = path.withServer(server);
        if (tag != null) {
            path = path.withPathTag(PathTag.of(tag));
        }
        FlowKey flow = FlowKey.of(6, Ip4.toInt(org.onlab.packet.Ip4Address.valueOf("10.0.0." + client)), port,
                                  VIP, vipPort);
        long now = System.currentTimeMillis();
        return ConnectionEntry.of(flow, path, state, now - 5000, now - 1000, "org.fwlb.clusterdispatch", 7, 900);
    }

    public static FwlbTopologyService topologyService(FwlbTopology t) {
        return new FwlbTopologyService() {
            @Override
            public FwlbTopology topology() {
                return t;
            }

            @Override
            public void addListener(FwlbTopologyListener listener) {
            }

            @Override
            public void removeListener(FwlbTopologyListener listener) {
            }
        };
    }
}
