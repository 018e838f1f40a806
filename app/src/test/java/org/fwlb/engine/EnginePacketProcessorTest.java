package org.fwlb.engine;

import org.fwlb.config.ExampleConfigs;
import org.fwlb.model.FwlbTopology;
import org.fwlb.testing.RecordingPackets;
import org.fwlb.testing.TcpFrames;
import org.junit.jupiter.api.Test;
import org.onlab.packet.Ethernet;
import org.onlab.packet.IPv4;
import org.onlab.packet.MacAddress;
import org.onlab.packet.UDP;
import org.onosproject.net.ConnectPoint;
import org.onosproject.net.DeviceId;
import org.onosproject.net.PortNumber;
import org.onosproject.net.packet.DefaultPacketContext;
import org.onosproject.net.packet.InboundPacket;
import org.onosproject.net.packet.PacketContext;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;

import static org.fwlb.engine.EnginePlanTest.D01;
import static org.fwlb.engine.EnginePlanTest.F01;
import static org.fwlb.engine.EnginePlanTest.F02;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What opens a connection and what does not: only a SYN with no other of the six classic flags, correct
 * checksums and, where a firewall routes it next, a TTL above 1. Anything else opens nothing (no entry, no
 * per-connection rule, no packet-out) and is counted; nothing punted ever escapes the processor as an exception,
 * which the counters, not the absence of a throw (the processor catches everything), have to show.
 */
class EnginePacketProcessorTest {

    private static final MacAddress CLIENT = MacAddress.valueOf("02:00:00:00:01:0b");

    private final FwlbTopology t = ExampleConfigs.topology(1);
    private final EngineRig rig = new EngineRig(t);

    private TcpFrames.Builder toGateway(int sp) {
        return TcpFrames.tcp().from(CLIENT, "10.0.1.11", sp).to(t.external().get().gatewayMac(), "10.0.2.21", 80);
    }

    private void assertNothingOpened() {
        assertEquals(0, rig.store.size(), "no entry");
        assertTrue(rig.flows.applied.stream().noneMatch(r -> Priorities.isPinned(r.priority())),
                   "no per-connection rule: " + rig.flows.applied);
        assertTrue(rig.packets.emitted.isEmpty(), "nothing released: " + rig.packets.emitted);
    }

    private long invalid() {
        return rig.count(Owner.SANDWICH, EngineCounters.INVALID_SYN);
    }

    @Test
    void synCombinedWithFinRstPshOrUrgOpensNothing() {
        int[] bad = {TcpFrames.SYN | TcpFrames.FIN, TcpFrames.SYN | TcpFrames.RST, TcpFrames.SYN | TcpFrames.PSH,
                     TcpFrames.SYN | TcpFrames.URG, TcpFrames.SYN | TcpFrames.FIN | TcpFrames.RST};
        for (int i = 0; i < bad.length; i++) {
            RecordingPackets.Context pc = rig.punt(F01, 9, toGateway(40000 + i).flags(bad[i]).bytes());
            assertTrue(pc.isHandled(), "consumed: it was punted to a decision point");
            assertEquals(i + 1, invalid(), "flags " + Integer.toHexString(bad[i]));
        }
        assertNothingOpened();
        assertEquals(0, rig.count(Owner.SANDWICH, EngineCounters.SYN_PUNTS));
        assertEquals(0, rig.count(Owner.SANDWICH, EngineCounters.ERRORS));
    }

    @Test
    void aSynAckOfNoConnectionIsASegmentNotAnOpening() {
        rig.punt(F01, 9, TcpFrames.tcp().from(CLIENT, "10.0.1.11", 40000).to(t.external().get().gatewayMac(),
                "10.0.2.21", 8080).flags(TcpFrames.SYN_ACK).bytes());
        assertNothingOpened();
        assertEquals(0, invalid());
        assertEquals(1, rig.count(Owner.SANDWICH, EngineCounters.UNKNOWN_PUNTS));
        assertEquals(0, rig.count(Owner.SANDWICH, EngineCounters.SYN_PUNTS));
    }

    @Test
    void badChecksumsOpenNothing() {
        rig.punt(F01, 9, toGateway(40000).badIpChecksum().bytes());
        rig.punt(F01, 9, toGateway(40001).badTcpChecksum().bytes());
        assertNothingOpened();
        assertEquals(2, invalid());
        // the same SYNs with their checksums intact are placed
        rig.punt(F01, 9, toGateway(40001).bytes());
        assertEquals(1, rig.store.size());
        assertEquals(2, invalid());
    }

    @Test
    void ttlOneAtAFirewallChoiceOpensNothingButAStageDoesNotRouteIt() {
        rig.punt(F01, 9, toGateway(40000).ttl(1).bytes());
        assertNothingOpened();
        assertEquals(1, invalid());
        rig.punt(F01, 9, toGateway(40000).ttl(2).bytes());
        assertEquals(1, rig.store.size(), "TTL 2 survives the firewall's hop");

        FwlbTopology t2 = ExampleConfigs.topology(2);
        EngineRig stage = new EngineRig(t2);
        stage.punt(D01, 1, TcpFrames.tcp().from(CLIENT, "10.0.1.11", 40000).to(t2.dispatcher("d1").mac(),
                "10.0.2.100", 80).ttl(1).bytes());
        assertEquals(1, stage.store.size(), "an L4/2 stage forwards at layer 2");
        assertEquals(0, stage.count(Owner.DISPATCH, EngineCounters.INVALID_SYN));
    }

    @Test
    void ecnSetupFlagsDoNotSpoilASyn() {
        rig.punt(F01, 9, toGateway(40000).flags(TcpFrames.SYN | 0x40 | 0x80).bytes());
        assertEquals(1, rig.store.size());
        assertEquals(0, invalid());
    }

    @Test
    void packetsThatAreNotTheEnginesAreLeftToTheOtherProcessors() {
        // a device with no decision point
        assertFalse(rig.punt(DeviceId.deviceId("of:0000000000000aaa"), 1, toGateway(40000).bytes()).isHandled());
        // a frame to no decision point's MAC (a host's) on a firewall dispatcher
        assertFalse(rig.punt(F01, 9, TcpFrames.tcp().from(CLIENT, "10.0.1.11", 40000)
                .to(MacAddress.valueOf("02:00:00:00:00:77"), "10.0.1.12", 80).bytes()).isHandled());
        // the other side's gateway MAC
        assertFalse(rig.punt(F01, 9, TcpFrames.tcp().from(CLIENT, "10.0.1.11", 40000)
                .to(t.internal().get().gatewayMac(), "10.0.2.21", 80).bytes()).isHandled());
        // UDP through the gateway
        byte[] udp = new Ethernet().setSourceMACAddress(CLIENT).setDestinationMACAddress(t.external().get()
                .gatewayMac()).setEtherType(Ethernet.TYPE_IPV4).setPayload(new IPv4().setSourceAddress("10.0.1.11")
                .setDestinationAddress("10.0.2.53").setProtocol(IPv4.PROTOCOL_UDP)
                .setPayload(new UDP().setSourcePort(5000).setDestinationPort(53))).serialize();
        assertFalse(rig.punt(F01, 9, udp).isHandled());
        // a device another instance masters
        rig.elsewhere.add(F02);
        assertFalse(rig.punt(F02, 5, TcpFrames.tcp().from(CLIENT, "10.0.2.11", 40000)
                .to(t.internal().get().gatewayMac(), "10.0.1.11", 80).bytes()).isHandled());
        // a packet another processor already handled
        RecordingPackets.Context done = RecordingPackets.context(F01, 9, toGateway(40000).bytes());
        done.block();
        rig.processor.process(done);
        assertNothingOpened();
        assertEquals(0, rig.count(Owner.SANDWICH, EngineCounters.SYN_PUNTS));
    }

    @Test
    void aDetachedOwnersPointsAndAStoppedEngineTakeNothing() {
        rig.detach(Owner.SANDWICH);
        assertFalse(rig.punt(F01, 9, toGateway(40000).bytes()).isHandled());
        EngineRig stopped = new EngineRig(t);
        stopped.ctx.deactivate();
        assertFalse(stopped.punt(F01, 9, toGateway(40000).bytes()).isHandled());
        assertEquals(0, stopped.store.size());
        assertEquals(0, rig.store.size());
    }

    @Test
    void garbagePuntedToADecisionPointIsCountedAndChangesNothing() {
        byte[] syn = toGateway(40000).bytes();
        Random rnd = new Random(7);
        for (int len = 0; len < syn.length; len++) {
            rig.punt(F01, 9, Arrays.copyOf(syn, len));
        }
        for (int i = 0; i < 2000; i++) {
            byte[] noise = syn.clone();
            // flip bytes beyond the Ethernet header, keep it addressed to the gateway
            for (int k = 0; k < 4; k++) {
                noise[14 + rnd.nextInt(noise.length - 14)] = (byte) rnd.nextInt(256);
            }
            rig.punt(F01, 9, noise);
            byte[] random = new byte[rnd.nextInt(120)];
            rnd.nextBytes(random);
            rig.punt(F01, 9, random);
        }
        assertEquals(0, rig.count(Owner.SANDWICH, EngineCounters.ERRORS), "nothing reached the catch-all");
        assertTrue(rig.count(Owner.SANDWICH, EngineCounters.MALFORMED) > 0, "truncated punts are counted");
        assertTrue(rig.count(Owner.SANDWICH, EngineCounters.INVALID_SYN) > 0, "corrupted SYNs are refused");
        assertEquals(0, rig.store.size(), "corrupted SYNs open nothing: " + rig.connections());
        assertTrue(rig.flows.applied.stream().noneMatch(r -> Priorities.isPinned(r.priority())));
    }

    @Test
    void anExceptionInsideIsCountedAndNeverReachesThePacketService() {
        // the catch-all is real: a context that fails when read is counted as a processing error
        InboundPacket broken = new InboundPacket() {
            @Override
            public ConnectPoint receivedFrom() {
                return new ConnectPoint(F01, PortNumber.portNumber(9));
            }

            @Override
            public Ethernet parsed() {
                return null;
            }

            @Override
            public ByteBuffer unparsed() {
                throw new IllegalStateException("simulated");
            }

            @Override
            public java.util.Optional<Long> cookie() {
                return java.util.Optional.empty();
            }
        };
        PacketContext pc = new DefaultPacketContext(0, broken, null, false) {
            @Override
            public void send() {
            }
        };
        rig.processor.process(pc);
        assertEquals(1, rig.count(Owner.SANDWICH, EngineCounters.ERRORS));
        assertEquals(0, rig.store.size());
    }

    @Test
    void aTaggedSynAtAnAnsweringStageIsCountedAsATagRead() {
        FwlbTopology t8 = PathPlannerTest.fig8(true);
        EngineRig r8 = new EngineRig(t8);
        PathPlannerTest.onlyL4c(r8);
        r8.elsewhere.add(F01);
        r8.elsewhere.add(F02);
        r8.punt(EnginePlanTest.D04, 1, TcpFrames.tcp().from(t8.firewall("fw2").inside().mac(), "10.0.1.11", 40000)
                .to(t8.dispatcher("l4c").mac(), "10.0.2.100", 80).vlan(102).bytes());
        assertEquals(1, r8.count(Owner.DISPATCH, EngineCounters.TAGS_READ));
        assertEquals(org.fwlb.model.PathTag.of(102), r8.only().path().pathTag().get(), "the firewall named by the tag");
    }
}
