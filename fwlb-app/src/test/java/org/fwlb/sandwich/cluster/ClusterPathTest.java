package org.fwlb.sandwich.cluster;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.fwlb.config.ExampleConfigs;
import org.fwlb.config.FwlbConfigParser;
import org.fwlb.connection.impl.DistributedConnectionStore;
import org.fwlb.engine.EngineCounters;
import org.fwlb.engine.Owner;
import org.fwlb.engine.Priorities;
import org.fwlb.model.AdminState;
import org.fwlb.model.ConnectionEntry;
import org.fwlb.model.ConnectionKey;
import org.fwlb.model.Firewall;
import org.fwlb.model.FirewallDispatcher.Role;
import org.fwlb.model.FlowKey;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.Ip4;
import org.fwlb.model.Server;
import org.fwlb.packet.PacketParser;
import org.fwlb.packet.PacketSummary;
import org.fwlb.sandwich.cluster.SimNetwork.FlowMod;
import org.fwlb.sandwich.cluster.SimNetwork.Forwarding;
import org.fwlb.sandwich.cluster.SimNetwork.PacketOut;
import org.fwlb.testing.TcpFrames;
import org.fwlb.testing.Treats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.onlab.packet.IPv4;
import org.onlab.packet.Ip4Address;
import org.onlab.packet.MacAddress;
import org.onosproject.net.DeviceId;
import org.onosproject.net.PortNumber;
import org.onosproject.net.flow.FlowRule;
import org.onosproject.store.service.ConsistentMap;
import org.onosproject.store.service.Versioned;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * FIG 8 in a simulated 3-instance cluster: the sandwich (external and internal firewall dispatcher), the first
 * stage on the internal dispatcher and the L4/3 stage l4c on its own switch. Where one instance masters every
 * switch of a connection's path, its first punt decides the whole path (firewall, stage, server) and the SYN then
 * crosses every switch by the rules alone; where the L4/3 stage's switch has another master, the first stage tags
 * the SYN with the firewall's path tag and the L4/3 stage's master reads it and sends the replies to that firewall.
 * Frames are followed from switch to switch as the firewall and the links would carry them.
 */
class ClusterPathTest {

    private static final PortNumber CLIENT_PORT = PortNumber.portNumber(10);
    private static final MacAddress CLIENT_MAC = MacAddress.valueOf("02:00:00:00:01:0a");
    private static final String CLIENT = "198.51.100.7";
    private static final String VIP = "10.0.2.100";
    private static final PortNumber L4C_UPLINK = PortNumber.portNumber(1);

    private FwlbTopology t;
    private SimNetwork net;
    private final List<SimInstance> instances = new ArrayList<>();
    private SimInstance a;
    private SimInstance b;
    private DeviceId ext;
    private DeviceId in;
    private DeviceId d04;

    @BeforeEach
    void startCluster() {
        ObjectNode fwlb = ExampleConfigs.fwlb(8).deepCopy();
        ((ObjectNode) fwlb.path("sandwich").path("probe")).put("intervalMs", 200).put("downAfter", 5)
                .put("upAfter", 1);
        ExampleConfigs.dispatcher(fwlb, "l4c").put("uplink", L4C_UPLINK.toLong());
        t = FwlbConfigParser.parse(fwlb).topologyOrThrow();
        net = new SimNetwork(t);
        ext = net.device(Role.EXTERNAL);
        in = net.device(Role.INTERNAL);
        d04 = t.dispatcher("l4c").deviceId().get();
        for (String n : List.of("A", "B", "C")) {
            // nobody answers server probes here: the dispatch application does not probe
            SimInstance i = new SimInstance(n, net, fwlb, Map.of(), Map.of("serverProbeEnabled", "false"));
            i.start();
            instances.add(i);
        }
        a = instances.get(0);
        b = instances.get(1);
        // the L7 hosts are out of service: stage1 hands every connection to l4c
        a.members.setAdminState("l7a", AdminState.DOWN);
        a.members.setAdminState("l7b", AdminState.DOWN);
    }

    @AfterEach
    void stopCluster() {
        for (SimInstance i : instances) {
            if (i.state() == SimInstance.State.UP) {
                i.crash();
            }
        }
    }

    @Test
    void oneInstanceMasteringEverySwitchDecidesTheWholePathAtTheFirstPunt() {
        net.moveMastership(ext, a.id, true);
        net.moveMastership(in, a.id, true);
        net.moveMastership(d04, a.id, true);
        settle();
        int punts = punts();
        int mods = net.flowMods.size();

        Forwarding atExt = net.receive(ext, CLIENT_PORT, syn());
        assertEquals(a.id, atExt.puntedTo);
        settle();
        ConnectionEntry e = connection();
        assertNotNull(e, "placed: " + a.engine.counters(Owner.SANDWICH).snapshot());
        Firewall fw = t.firewall(e.path().firewallId().get());
        assertEquals(List.of("stage1", "l4c"), e.path().dispatcherIds());
        Server srv = t.server(e.path().serverId().get());
        assertEquals(fw.pathTag(), e.path().pathTag().get());
        List<FlowMod> placed = net.flowMods.subList(mods, net.flowMods.size());
        assertEquals(Set.of(ext, in, d04), placed.stream().map(FlowMod::device).collect(Collectors.toSet()),
                     "rules on every switch of the path, from the first punt: " + placed);
        assertTrue(placed.stream().allMatch(m -> m.issuer.equals(a.id) && m.op == FlowMod.Op.ADD));
        assertEquals(5, placed.size(), "ext: 1, in: reply and stage1, l4c: 2");

        // the SYN goes to the firewall, which routes it to the VIP (answered with stage1's MAC) ...
        PacketOut released = lastTcpPacketOut();
        assertEquals(a.id, released.issuer);
        assertEquals(fw.outside().mac(), Treats.ethDst(released.treatment));
        byte[] routed = TcpFrames.tcp().from(fw.inside().mac(), CLIENT, 40000)
                .to(t.dispatcher("stage1").mac(), VIP, 80).ttl(63).bytes();
        Forwarding atIn = net.receive(in, fw.inside().port(), routed);
        assertFalse(atIn.punted(), "stage1 decided already: its rule forwards the SYN " + atIn);
        assertEquals(PortNumber.portNumber(14), atIn.outPort());
        // ... and from there to l4c, whose rule sends it to the server
        Forwarding atL4c = net.receive(d04, L4C_UPLINK, atIn.out);
        assertFalse(atL4c.punted(), "l4c decided already: " + atL4c);
        assertEquals(srv.location().port(), atL4c.outPort());
        PacketSummary toServer = parse(atL4c.out);
        assertEquals(Ip4.toInt(srv.ip().getIp4Address()), toServer.ipDst());
        assertEquals(srv.mac().toLong(), toServer.ethDst());
        assertEquals(punts + 1, punts(), "one punt for the whole path");
        assertEquals(0, a.engine.counters(Owner.DISPATCH).get(EngineCounters.SYN_PUNTS));
        assertEquals(2, a.engine.counters(Owner.DISPATCH).get(EngineCounters.PLACED), "stage1 and l4c decided");

        // the server's SYN-ACK: back to the VIP at l4c, then at the internal dispatcher to the same firewall
        byte[] synAck = TcpFrames.tcp().from(srv.mac(), srv.ip().toString(), 80)
                .to(t.dispatcher("l4c").mac(), CLIENT, 40000).flags(TcpFrames.SYN_ACK).bytes();
        Forwarding back = net.receive(d04, srv.location().port(), synAck);
        assertFalse(back.punted());
        assertEquals(L4C_UPLINK, back.outPort());
        PacketSummary reply = parse(back.out);
        assertEquals(Ip4.toInt(Ip4Address.valueOf(VIP)), reply.ipSrc(), "from the VIP");
        assertEquals(fw.inside().mac().toLong(), reply.ethDst(), "straight to the connection's firewall");
        Forwarding viaIn = net.receive(in, PortNumber.portNumber(14), back.out);
        assertEquals(fw.inside().port(), viaIn.outPort(), "the internal dispatcher agrees: " + viaIn);
        assertMastershipRespected();
    }

    @Test
    void answeringStageMasteredElsewhereDecidesOnItsOwnSynReadingThePathTag() {
        net.moveMastership(ext, a.id, true);
        net.moveMastership(in, a.id, true);
        net.moveMastership(d04, b.id, true);
        settle();

        assertEquals(a.id, net.receive(ext, CLIENT_PORT, syn()).puntedTo);
        settle();
        ConnectionEntry e = connection();
        Firewall fw = t.firewall(e.path().firewallId().get());
        assertTrue(e.path().dispatcherIds().isEmpty(), "A may not decide l4c, so not stage1 either: " + e);

        // the firewall routes the SYN to the VIP: stage1 punts it (its rule does not exist yet) to A
        byte[] routed = TcpFrames.tcp().from(fw.inside().mac(), CLIENT, 40000)
                .to(t.dispatcher("stage1").mac(), VIP, 80).ttl(63).bytes();
        Forwarding atIn = net.receive(in, fw.inside().port(), routed);
        assertEquals(a.id, atIn.puntedTo, atIn.toString());
        settle();
        PacketOut tagged = lastTcpPacketOut();
        assertEquals(in, tagged.device);
        assertEquals(a.id, tagged.issuer);
        assertEquals(Integer.valueOf(fw.pathTag().value()), Treats.pushedVlan(tagged.treatment),
                     "stage1 writes the firewall's path tag into the SYN");
        assertEquals(1, a.engine.counters(Owner.DISPATCH).get(EngineCounters.TAGGED));
        assertEquals(List.of("stage1", "l4c"), connection().path().dispatcherIds());

        // l4c's switch punts the tagged SYN to its master B, which reads the tag
        Forwarding atL4c = net.receive(d04, L4C_UPLINK, tagged.sent());
        assertEquals(b.id, atL4c.puntedTo, atL4c.toString());
        settle();
        assertEquals(1, b.engine.counters(Owner.DISPATCH).get(EngineCounters.TAGS_READ));
        ConnectionEntry done = connection();
        assertEquals(fw.pathTag(), done.path().pathTag().get());
        Server srv = t.server(done.path().serverId().get());
        PacketOut toServer = lastTcpPacketOut();
        assertEquals(b.id, toServer.issuer);
        assertTrue(Treats.popsVlan(toServer.treatment), "the tag never reaches the server");
        assertEquals(srv.ip().toString(), Treats.ipDst(toServer.treatment));
        List<FlowRule> atD04 = net.rules(d04, r -> Priorities.isPinned(r.priority()));
        assertEquals(2, atD04.size());
        assertTrue(net.flowMods.stream().filter(m -> m.device().equals(d04) && Priorities.isPinned(m.rule.priority()))
                           .allMatch(m -> m.issuer.equals(b.id)), "l4c's rules come from its master");
        FlowRule replyRule = atD04.stream().filter(r -> Treats.ipSrc(r.treatment()) != null).findFirst().get();
        assertEquals(fw.inside().mac(), Treats.ethDst(replyRule.treatment()), "replies to the tag's firewall");

        // the connection idles out at l4c: B ends it everywhere, A's switches included (ONOS forwards)
        assertTrue(net.expire(replyRule));
        settle();
        assertNull(connection());
        for (DeviceId d : List.of(ext, in, d04)) {
            assertEquals(List.of(), net.rules(d, r -> Priorities.isPinned(r.priority())), "rules left on " + d);
        }
        assertMastershipRespected();
    }

    // ---- helpers -----------------------------------------------------------------------------------

    private byte[] syn() {
        return TcpFrames.tcp().from(CLIENT_MAC, CLIENT, 40000).to(net.side(Role.EXTERNAL).gatewayMac(), VIP, 80)
                .bytes();
    }

    private ConnectionEntry connection() {
        ConsistentMap<ConnectionKey, ConnectionEntry> m = net.storage.map(DistributedConnectionStore.MAP_NAME);
        ConnectionKey k = FlowKey.of(IPv4.PROTOCOL_TCP, Ip4.toInt(Ip4Address.valueOf(CLIENT)), 40000,
                                     Ip4.toInt(Ip4Address.valueOf(VIP)), 80).canonical();
        return m == null ? null : Versioned.valueOrNull(m.get(k));
    }

    private int punts() {
        return (int) net.receptions.stream().filter(r -> r.contains("punted to")).count();
    }

    private PacketOut lastTcpPacketOut() {
        List<PacketOut> tcp = net.packetOuts.stream().filter(p -> parse(p.frame).isTcp())
                .collect(Collectors.toList());
        assertFalse(tcp.isEmpty(), "no TCP packet-out");
        return tcp.get(tcp.size() - 1);
    }

    private static PacketSummary parse(byte[] frame) {
        PacketSummary p = new PacketSummary();
        PacketParser.parse(frame, p);
        return p;
    }

    private void settle() {
        long last = -1;
        for (int round = 0; round < 50; round++) {
            for (SimInstance i : instances) {
                i.drain();
            }
            ConsistentMap<ConnectionKey, ConnectionEntry> m = net.storage.map(DistributedConnectionStore.MAP_NAME);
            long now = net.flowMods.size() * 1_000_003L
                    + (m == null ? 0 : m.values().stream().mapToLong(Versioned::version).sum() + m.size());
            if (now == last) {
                return;
            }
            last = now;
        }
        fail("the cluster did not settle");
    }

    private void assertMastershipRespected() {
        for (FlowMod m : net.flowMods) {
            if (!Priorities.isPinned(m.rule.priority())) {
                assertTrue(m.byMaster(), "base rule sent by a non-master: " + m);
            } else if (m.op == FlowMod.Op.ADD) {
                assertTrue(m.byMaster(), "per-connection rule installed by a non-master: " + m);
            }
        }
        assertEquals(List.of(), net.packetOuts.stream().filter(p -> !p.byMaster).collect(Collectors.toList()));
        assertEquals(List.of(), net.deadActions);
    }
}
