package org.fwlb.engine;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.fwlb.config.ExampleConfigs;
import org.fwlb.model.ConnectionEntry;
import org.fwlb.model.FirewallDispatcher.Role;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.TcpState;
import org.fwlb.packet.PacketSummary;
import org.fwlb.testing.RecordingFlowRules;
import org.fwlb.testing.RecordingPackets;
import org.fwlb.testing.TcpFrames;
import org.fwlb.testing.Treats;
import org.junit.jupiter.api.Test;
import org.onlab.packet.MacAddress;
import org.onosproject.net.PortNumber;
import org.onosproject.net.flow.FlowRule;
import org.onosproject.net.flow.FlowRuleEvent;
import org.onosproject.net.packet.OutboundPacket;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.fwlb.engine.EnginePlanTest.D01;
import static org.fwlb.engine.EnginePlanTest.F01;
import static org.fwlb.engine.EnginePlanTest.F02;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Non-SYN segments punted at a decision point: of a known connection (passed on along it), of no connection
 * (seed [0011]: the class's or service's action, once per 5-tuple), and FIN/RST in the optional tcp_flags mode.
 */
class SegmentsTest {

    private static final MacAddress CLIENT = MacAddress.valueOf("02:00:00:00:01:0b");
    private static final MacAddress SERVER = MacAddress.valueOf("02:00:00:00:02:15");

    private static byte[] fromClient(FwlbTopology t, int sp, int dp, int flags) {
        return TcpFrames.tcp().from(CLIENT, "10.0.1.11", sp).to(t.external().get().gatewayMac(), "10.0.2.21", dp)
                .flags(flags).bytes();
    }

    private static byte[] fromServer(FwlbTopology t, int sp, int dp, int flags) {
        return TcpFrames.tcp().from(SERVER, "10.0.2.21", sp).to(t.internal().get().gatewayMac(), "10.0.1.11", dp)
                .flags(flags).bytes();
    }

    private static List<FlowRule> holds(EngineRig rig) {
        return rig.flows.applied.stream().filter(r -> r.priority() == Priorities.HOLD).collect(Collectors.toList());
    }

    // ---- segments of no connection ----------------------------------------------------------------

    @Test
    void dropHoldsTheTupleInTheSwitchSoItIsNotPuntedAgain() {
        FwlbTopology t = ExampleConfigs.topology(1);
        EngineRig rig = new EngineRig(t);
        byte[] ack = fromClient(t, 40000, 8080, TcpFrames.ACK);
        assertTrue(rig.punt(F01, 9, ack).isHandled());
        List<FlowRule> h = holds(rig);
        assertEquals(1, h.size());
        assertEquals(PathRules.hold(EngineRig.SANDWICH_APP, F01, EngineRig.parse(ack).flowKey(),
                                    rig.ctx.settings().holdSeconds), h.get(0));
        assertEquals(rig.ctx.settings().holdSeconds, h.get(0).timeout());
        assertTrue(Treats.drops(h.get(0).treatment()));
        assertTrue(rig.packets.emitted.isEmpty(), "default class: dropped, no RST");
        assertEquals(0, rig.store.size());
        assertEquals(1, rig.count(Owner.SANDWICH, EngineCounters.UNKNOWN_PUNTS));
        assertEquals(1, rig.count(Owner.SANDWICH, EngineCounters.HELD));
    }

    @Test
    void dropRstAnswersTheSenderWithARstAndHoldsTheTuple() {
        FwlbTopology t = ExampleConfigs.topology(1);
        EngineRig rig = new EngineRig(t);
        byte[] ack = TcpFrames.tcp().from(CLIENT, "10.0.1.11", 40000).to(t.external().get().gatewayMac(),
                                                                         "10.0.2.21", 443)
                .flags(TcpFrames.ACK | TcpFrames.PSH).seq(5000).ack(777).bytes();
        rig.punt(F01, 9, ack);
        assertEquals(1, rig.packets.emitted.size());
        OutboundPacket out = rig.lastEmitted();
        assertEquals(F01, out.sendThrough());
        assertEquals(PortNumber.portNumber(9), Treats.output(out.treatment()), "back out the port it came in");
        PacketSummary rst = EngineRig.parse(RecordingPackets.bytes(out));
        assertTrue(rst.isRst());
        assertEquals(EngineRig.parse(ack).flowKey().reverse(), rst.flowKey(), "from the server to the client");
        assertEquals(777, rst.seq(), "RFC 793: SEQ = the segment's ACK");
        assertEquals(1, holds(rig).size());
        assertEquals(1, rig.count(Owner.SANDWICH, EngineCounters.RST_SENT));
        // a RST of no connection is never answered
        rig.punt(F01, 9, fromClient(t, 40001, 443, TcpFrames.RST));
        assertEquals(1, rig.packets.emitted.size());
        assertEquals(2, holds(rig).size());
    }

    @Test
    void aServersSegmentIsOfItsServicePortsClassEvenWhenItsClientPortFallsIntoTheCatchAll() {
        // FIG 1: web (80, 443) is drop-rst, the catch-all default class is drop; a stray segment from the web
        // server's port 443 to a client's port is web's (the switch's punt rules rank web's src-port match higher)
        FwlbTopology t = ExampleConfigs.topology(1);
        EngineRig rig = new EngineRig(t);
        rig.punt(F02, 5, fromServer(t, 443, 40000, TcpFrames.ACK));
        assertEquals(1, rig.count(Owner.SANDWICH, EngineCounters.RST_SENT), "answered as web's: with a RST");
        PacketSummary rst = EngineRig.parse(RecordingPackets.bytes(rig.lastEmitted()));
        assertEquals(443, rst.dstPort());
        assertEquals(1, holds(rig).size());
    }

    @Test
    void forwardPinsTheSegmentToTheFirewallOfItsClientPortsBucketAndPassesItOn() {
        FwlbTopology t = ExampleConfigs.topology(1, (ObjectNode f) -> ((ObjectNode) f.path("sandwich")
                .path("trafficClasses").get(0)).put("unknownNonSyn", "forward"));
        EngineRig rig = new EngineRig(t);
        byte[] ack = fromClient(t, 40006, 80, TcpFrames.ACK);
        rig.punt(F01, 9, ack);
        ConnectionEntry e = rig.only();
        String fw = rig.ctx.firewallBuckets().ownerOf(40006);
        assertEquals(fw, e.path().firewallId().get());
        assertEquals(EngineRig.parse(ack).flowKey(), e.flow());
        assertEquals(TcpState.ESTABLISHED, e.state(), "it is mid-stream: no handshake to wait for");
        assertTrue(rig.ctx.openings.isEmpty());
        assertEquals(2, rig.flows.applied.size(), "both directions pinned");
        OutboundPacket out = rig.lastEmitted();
        assertArrayEquals(ack, RecordingPackets.bytes(out));
        assertEquals(Treatments.towardsFirewall(t, t.firewall(fw), Role.EXTERNAL), out.treatment());
        assertEquals(1, rig.count(Owner.SANDWICH, EngineCounters.FORWARDED));
        assertTrue(holds(rig).isEmpty());
        // the server's segment of a connection the engine lost comes to the internal dispatcher: the service
        // port names the client, whose port gives the same bucket, hence the same firewall
        EngineRig other = new EngineRig(t);
        other.punt(F02, 5, fromServer(t, 80, 40006, TcpFrames.ACK));
        ConnectionEntry viaServer = other.only();
        assertEquals(e.flow(), viaServer.flow(), "keyed client to server");
        assertEquals(fw, viaServer.path().firewallId().get());
    }

    @Test
    void heldTuplesHaveABudgetAndTheirExpiryFreesIt() {
        FwlbTopology t = ExampleConfigs.topology(1);
        EngineRig rig = new EngineRig(t, EngineRig.settings().maxHolds(2).build());
        for (int i = 0; i < 3; i++) {
            rig.punt(F01, 9, fromClient(t, 40000 + i, 8080, TcpFrames.ACK));
        }
        assertEquals(2, holds(rig).size());
        assertEquals(3, rig.count(Owner.SANDWICH, EngineCounters.UNKNOWN_PUNTS));
        assertEquals(2, rig.count(Owner.SANDWICH, EngineCounters.HELD));
        FlowRuleEvent ev = RecordingFlowRules.removedEvent(holds(rig).get(0), 0);
        rig.lifecycle.onRuleRemoved(rig.plan, ev.subject(), ev.time());
        rig.punt(F01, 9, fromClient(t, 40010, 8080, TcpFrames.ACK));
        assertEquals(3, holds(rig).size());
    }

    @Test
    void aStagesUnknownSegmentTakesItsServicesActionUnderItsOwnersId() {
        FwlbTopology t = ExampleConfigs.topology(2);
        EngineRig rig = new EngineRig(t);
        rig.punt(D01, 1, TcpFrames.tcp().from(CLIENT, "10.0.1.11", 40000).to(t.dispatcher("d1").mac(),
                "10.0.2.100", 80).flags(TcpFrames.ACK).bytes());
        List<FlowRule> h = holds(rig);
        assertEquals(1, h.size());
        assertEquals(D01, h.get(0).deviceId());
        assertEquals(EngineRig.DISPATCH_APP.id(), h.get(0).appId());
        assertEquals(1, rig.count(Owner.DISPATCH, EngineCounters.UNKNOWN_PUNTS));
        assertEquals(0, rig.count(Owner.SANDWICH, EngineCounters.UNKNOWN_PUNTS));
    }

    // ---- segments of known connections ----------------------------------------------------------------

    @Test
    void aSegmentOfAKnownConnectionWhoseRulesTheCoreHoldsIsPassedOnWithoutSendingThemAgain() {
        // OVS answers the barrier when its table has the rule, but its datapath flow cache may still punt the
        // connection's next segments until it revalidates: re-sending the rules would only trigger another round
        FwlbTopology t = ExampleConfigs.topology(1);
        EngineRig rig = new EngineRig(t);
        rig.punt(F01, 9, fromClient(t, 40000, 80, TcpFrames.SYN));
        ConnectionEntry e = rig.only();
        List<FlowRule> rules = rig.rulesOf(e);
        int applied = rig.flows.applied.size();
        rig.punt(F01, 9, fromClient(t, 40000, 80, TcpFrames.ACK));
        rig.punt(F02, 5, fromServer(t, 80, 40000, TcpFrames.SYN_ACK));
        assertEquals(applied, rig.flows.applied.size(), rig.flows.applied.toString());
        assertEquals(3, rig.packets.emitted.size(), "the SYN, then both segments passed on");
        assertEquals(rules.get(1).treatment(), rig.lastEmitted().treatment());
        assertEquals(0, rig.count(Owner.SANDWICH, EngineCounters.UNKNOWN_PUNTS));
        assertEquals(2, rig.count(Owner.SANDWICH, EngineCounters.KNOWN_PUNTS));
    }

    @Test
    void aReusedPortsNewHandshakeIsNotEndedByTheEarlierConnectionsRuleRemovals() {
        // seen on OVS: a client reused a port while the earlier connection's origin rule was still on 'so' (its SYN
        // needed no punt); the reply rule had just been removed, so the server's SYN-ACK was punted at 'si'; then
        // the earlier removal's RULE_REMOVED (queued) ended the entry the new connection runs on
        FwlbTopology t = ExampleConfigs.topology(1);
        EngineRig rig = new EngineRig(t);
        rig.punt(F01, 9, fromClient(t, 40000, 80, TcpFrames.SYN));
        ConnectionEntry e = rig.only();
        FlowRule reply = rig.rulesOf(e).get(1);
        long removedAt = e.createdMillis();
        while (System.currentTimeMillis() <= removedAt) {
            Thread.onSpinWait();        // the reopening comes at least a clock tick after the removal was posted
        }
        rig.punt(F02, 5, fromServer(t, 80, 40000, TcpFrames.SYN_ACK));
        rig.lifecycle.onRuleRemoved(rig.plan, RecordingFlowRules.removedEvent(reply, 9).subject(), removedAt);
        assertNotNull(rig.store.get(e.key()), "the earlier connection's removal does not end the reopened one");
        assertEquals(0, rig.count(Owner.SANDWICH, EngineCounters.REMOVED));
        rig.lifecycle.onRuleRemoved(rig.plan, RecordingFlowRules.removedEvent(reply, 9).subject(),
                                    System.currentTimeMillis());
        assertNull(rig.store.get(e.key()), "a removal posted after the reopening still ends it");
    }

    @Test
    void aSegmentOfAKnownConnectionFollowsItAndItsRulesAreAppliedAgain() {
        FwlbTopology t = ExampleConfigs.topology(1);
        EngineRig rig = new EngineRig(t);
        rig.punt(F01, 9, fromClient(t, 40000, 80, TcpFrames.SYN));
        ConnectionEntry e = rig.only();
        List<FlowRule> rules = rig.rulesOf(e);
        rig.flows.removeFlowRules(rules.toArray(new FlowRule[0]));     // the core no longer holds them
        int applied = rig.flows.applied.size();
        // the server's SYN-ACK reached the internal dispatcher, whose reply rule is gone
        rig.punt(F02, 5, fromServer(t, 80, 40000, TcpFrames.SYN_ACK));
        assertEquals(applied + 2, rig.flows.applied.size());
        assertEquals(rules.stream().map(FlowRule::id).collect(Collectors.toList()),
                     rig.flows.applied.subList(applied, applied + 2).stream().map(FlowRule::id)
                             .collect(Collectors.toList()));
        OutboundPacket out = rig.lastEmitted();
        assertEquals(F02, out.sendThrough());
        assertEquals(rules.get(1).treatment(), out.treatment(), "along the reply rule, to the same firewall");
        assertEquals(0, rig.count(Owner.SANDWICH, EngineCounters.UNKNOWN_PUNTS));
        assertTrue(holds(rig).isEmpty());
        // a SYN-ACK is no opening: it never re-places anything
        assertEquals(e.path(), rig.only().path());
    }

    @Test
    void aClosingConnectionsRulesAreReappliedWithTheClosingTimeout() {
        FwlbTopology t = ExampleConfigs.topology(1);
        EngineRig rig = new EngineRig(t);
        rig.punt(F01, 9, fromClient(t, 40000, 80, TcpFrames.SYN));
        rig.store.markClosing(rig.only().key());
        int applied = rig.flows.applied.size();
        rig.punt(F01, 9, fromClient(t, 40000, 80, TcpFrames.ACK));
        List<FlowRule> again = rig.flows.applied.subList(applied, rig.flows.applied.size());
        assertEquals(2, again.size());
        assertTrue(again.stream().allMatch(r -> r.timeout() == t.timeouts().closingSeconds()));
    }

    // ---- the optional tcp_flags mode ---------------------------------------------------------------

    @Test
    void tcpFlagsModeFinsOfBothSidesOrARstMoveTheConnectionToTheClosingTimeout() {
        FwlbTopology t = ExampleConfigs.topology(1);
        EngineRig rig = new EngineRig(t, EngineRig.settings().tcpFlags(true).build());
        rig.punt(F01, 9, fromClient(t, 40000, 80, TcpFrames.SYN));
        ConnectionEntry e = rig.only();
        int applied = rig.flows.applied.size();
        rig.punt(F01, 9, fromClient(t, 40000, 80, TcpFrames.FIN_ACK));
        assertEquals(TcpState.FIN_FROM_CLIENT, rig.store.get(e.key()).state(), "half-closed");
        assertTrue(rig.flows.applied.subList(applied, rig.flows.applied.size()).stream()
                           .allMatch(r -> r.timeout() == t.timeouts().idleSeconds()),
                   "the other side may still send: the idle timeout stays");
        applied = rig.flows.applied.size();
        rig.punt(F02, 5, fromServer(t, 80, 40000, TcpFrames.FIN_ACK));
        assertEquals(TcpState.CLOSING, rig.store.get(e.key()).state());
        List<FlowRule> closing = rig.flows.applied.subList(applied, rig.flows.applied.size());
        assertEquals(2, closing.size());
        assertTrue(closing.stream().allMatch(r -> r.timeout() == t.timeouts().closingSeconds()));
        assertEquals(2, rig.count(Owner.SANDWICH, EngineCounters.CLOSE_PUNTS));
        assertEquals(3, rig.packets.emitted.size(), "the SYN and both FINs went on");

        rig.punt(F01, 9, fromClient(t, 40001, 80, TcpFrames.SYN));
        ConnectionEntry second = rig.store.connections(x -> x.flow().srcPort() == 40001).get(0);
        rig.punt(F01, 9, fromClient(t, 40001, 80, TcpFrames.RST));
        assertEquals(TcpState.CLOSING, rig.store.get(second.key()).state(), "a RST closes at once");
        assertTrue(rig.ctx.openings.isEmpty() || !rig.ctx.openings.containsKey(second.key()));
    }

    @Test
    void withoutTcpFlagsAFinIsJustASegmentOfItsConnection() {
        FwlbTopology t = ExampleConfigs.topology(1);
        EngineRig rig = new EngineRig(t);
        rig.punt(F01, 9, fromClient(t, 40000, 80, TcpFrames.SYN));
        rig.punt(F01, 9, fromClient(t, 40000, 80, TcpFrames.FIN_ACK));
        assertEquals(TcpState.OPENING, rig.only().state());
        assertEquals(0, rig.count(Owner.SANDWICH, EngineCounters.CLOSE_PUNTS));
        assertEquals(2, rig.packets.emitted.size());
        assertEquals(Set.of(F01), rig.packets.emitted.stream().map(OutboundPacket::sendThrough)
                .collect(Collectors.toSet()));
    }
}
