package org.fwlb.dispatch.impl;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.fwlb.engine.EngineCounters;
import org.fwlb.engine.EngineRig;
import org.fwlb.engine.Owner;
import org.fwlb.model.AdminState;
import org.fwlb.model.ConnectionEntry;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.HealthState;
import org.fwlb.model.PathTag;
import org.fwlb.model.TcpState;
import org.fwlb.testing.PacketActions;
import org.fwlb.testing.Presets;
import org.fwlb.testing.TcpFrames;
import org.fwlb.testing.Treats;
import org.junit.jupiter.api.Test;
import org.onlab.packet.MacAddress;
import org.onosproject.net.DeviceId;
import org.onosproject.net.PortNumber;
import org.onosproject.net.flow.FlowRule;
import org.onosproject.net.packet.OutboundPacket;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dispatch stages' decisions on the connection engine, on the Mininet presets' netcfg (ported from
 * StagePlacerTest). Until an answering stage's uplink is known (its first SYN teaches it), each stage decides
 * when its own SYN arrives; afterwards the first stage's punt decides the whole path.
 */
class StagePlacementTest {

    static final DeviceId D01 = dev("0000000000000d01");
    static final DeviceId D21 = dev("0000000000000d21");
    static final DeviceId D22 = dev("0000000000000d22");
    static final DeviceId D23 = dev("0000000000000d23");
    static final DeviceId D31 = dev("0000000000000d31");
    static final DeviceId E21 = dev("0000000000000e21");
    static final MacAddress C1 = MacAddress.valueOf("02:fb:00:10:01:0b");

    static DeviceId dev(String hex) {
        return DeviceId.deviceId("of:" + hex);
    }

    static MacAddress mac(FwlbTopology t, String id) {
        return t.isServer(id) ? t.server(id).mac() : t.dispatcher(id).mac();
    }

    /** A client SYN as the first stage's switch punts it (fig2/fig4/three-stage: flat subnet). */
    static byte[] syn(FwlbTopology t, String stage, int cport, String vip, int port) {
        return TcpFrames.segment(C1, mac(t, stage), "10.0.1.11", cport, vip, port, TcpFrames.SYN);
    }

    /** The frame a packet-out sent, as the next switch receives it. */
    static byte[] sent(OutboundPacket p) {
        return PacketActions.sent(p);
    }

    static String server(FwlbTopology t, OutboundPacket toServer) {
        return t.serverByIp(org.onlab.packet.IpAddress.valueOf(Treats.ipDst(toServer.treatment()))).id();
    }

    private static DeviceId deviceOf(FwlbTopology t, String stage) {
        return t.dispatcher(stage).deviceId().get();
    }

    private static long count(EngineRig rig, String c) {
        return rig.count(Owner.DISPATCH, c);
    }

    // ---- fig2 -----------------------------------------------------------------------------------

    @Test
    void firstStageSpreadsByRoundRobinRecordsThePathAndRewritesOnlyTheMac() {
        EngineRig rig = new EngineRig(Presets.topology("fig2"));
        FwlbTopology t = rig.topology;
        List<String> chosen = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            rig.punt(D01, 1, syn(t, "d1", 40000 + i, "10.0.1.100", 80));
            OutboundPacket out = rig.lastEmitted();
            assertEquals(D01, out.sendThrough());
            assertEquals(PortNumber.portNumber(1), Treats.output(out.treatment()), "a packet-out names the arm");
            assertFalse(Treats.tags(out.treatment()), "no sandwich, no tag");
            assertNull(Treats.ipDst(out.treatment()));
            chosen.add(rig.plan.memberByMac(Treats.ethDst(out.treatment())));
        }
        assertEquals(Arrays.asList("d2a", "d2b", "d2a", "d2b", "d2a", "d2b"), chosen);
        assertEquals(6, rig.store.size());
        List<FlowRule> atD1 = rig.appliedOn(D01);
        assertEquals(6, atD1.size(), "one rule per connection on the L4/2 stage");
        assertTrue(atD1.stream().allMatch(r -> PortNumber.IN_PORT.equals(Treats.output(r.treatment()))),
                   "back out the arm it came in by");
        assertEquals(6, rig.flows.applied.size(), "the second stages decide on their own SYNs (uplink unknown)");
        for (ConnectionEntry e : rig.connections()) {
            assertEquals(2, e.path().dispatcherIds().size());
            assertEquals("d1", e.path().dispatcherIds().get(0));
            assertFalse(e.path().serverId().isPresent());
            assertEquals(Owner.DISPATCH.appName(), e.appName());
        }
        assertEquals(6, count(rig, EngineCounters.PLACED));
        assertEquals(3, rig.ctx.counters(Owner.DISPATCH).placedOn("d2a"));
    }

    @Test
    void secondStagesChooseServersAndOnceTheirUplinksAreKnownTheFirstPuntDecidesTheWholePath() {
        EngineRig rig = new EngineRig(Presets.topology("fig2"));
        FwlbTopology t = rig.topology;
        Map<String, Integer> perServer = new HashMap<>();
        int wholePaths = 0;
        for (int i = 0; i < 8; i++) {
            int batches = rig.flows.batches.size();
            int cport = 40000 + i;
            rig.punt(D01, 1, syn(t, "d1", cport, "10.0.1.100", 80));
            ConnectionEntry e = rig.store.connections(x -> x.flow().srcPort() == cport).get(0);
            String second = e.path().dispatcherIds().get(1);
            if (e.path().serverId().isPresent()) {
                wholePaths++;
                assertEquals(batches + 1, rig.flows.batches.size());
                assertEquals(Set.of(D01, deviceOf(t, second)), rig.flows.batches.get(batches).stages().get(0)
                        .stream().map(op -> op.rule().deviceId()).collect(Collectors.toSet()), "one batch");
            } else {
                OutboundPacket out = rig.lastEmitted();
                rig.punt(deviceOf(t, second), 1, sent(out));
                OutboundPacket toServer = rig.lastEmitted();
                String srv = server(t, toServer);
                assertEquals(t.server(srv).mac(), Treats.ethDst(toServer.treatment()));
                assertEquals(t.server(srv).location().port(), Treats.output(toServer.treatment()));
                assertEquals(srv, rig.store.get(e.key()).path().serverId().get());
            }
            String srv = rig.store.get(e.key()).path().serverId().get();
            assertTrue(t.childServers(second).contains(t.server(srv)), e.toString());
            perServer.merge(srv, 1, Integer::sum);
        }
        assertEquals(Map.of("srv1", 2, "srv2", 2, "srv3", 2, "srv4", 2), perServer);
        assertEquals(6, wholePaths, "after one SYN through each second stage, its uplink is known");
        assertEquals(8 + 16, rig.flows.applied.size(), "1 rule at d1, 2 at the L4/3 stage per connection");
        assertEquals(PortNumber.portNumber(1), rig.ctx.uplink(t.dispatcher("d2a")));
    }

    @Test
    void retransmittedSynFollowsTheRecordedDecisionAndOnlyRefreshesItsRules() {
        EngineRig rig = new EngineRig(Presets.topology("fig2"));
        FwlbTopology t = rig.topology;
        rig.punt(D01, 1, syn(t, "d1", 40000, "10.0.1.100", 80));
        OutboundPacket first = rig.lastEmitted();
        String second = rig.plan.memberByMac(Treats.ethDst(first.treatment()));
        rig.punt(deviceOf(t, second), 1, sent(first));
        String srv = server(t, rig.lastEmitted());
        Set<Object> ruleIds = ids(rig.flows.applied);
        long placed = count(rig, EngineCounters.PLACED);
        for (int i = 0; i < 3; i++) {
            rig.punt(D01, 1, syn(t, "d1", 40000, "10.0.1.100", 80));
            assertEquals(mac(t, second), Treats.ethDst(rig.lastEmitted().treatment()), "same second stage");
            rig.punt(deviceOf(t, second), 1, sent(rig.lastEmitted()));
            assertEquals(srv, server(t, rig.lastEmitted()), "same server");
        }
        assertEquals(ruleIds, ids(rig.flows.applied), "the same rules again");
        assertEquals(placed, count(rig, EngineCounters.PLACED), "no new decision");
        assertEquals(1, rig.store.size());
        assertEquals(6, count(rig, EngineCounters.SYN_FOLLOWED));
    }

    private static Set<Object> ids(List<FlowRule> rules) {
        return rules.stream().map(r -> r.deviceId() + "/" + r.id()).collect(Collectors.toSet());
    }

    @Test
    void synIsReleasedOnlyWhenTheRulesAreConfirmedAndAFailureDropsTheConnection() {
        EngineRig rig = new EngineRig(Presets.topology("fig2"));
        rig.flows.confirmAtOnce = false;
        rig.punt(D01, 1, syn(rig.topology, "d1", 40000, "10.0.1.100", 80));
        rig.punt(D01, 1, syn(rig.topology, "d1", 40000, "10.0.1.100", 80));
        assertTrue(rig.packets.emitted.isEmpty(), "neither the SYN nor its retransmission outruns the rule");
        assertEquals(1, rig.flows.pendingBatches());
        rig.flows.confirm();
        assertEquals(1, rig.packets.emitted.size());

        EngineRig failing = new EngineRig(Presets.topology("fig2"));
        failing.flows.failAtOnce = true;
        failing.punt(D01, 1, syn(failing.topology, "d1", 40000, "10.0.1.100", 80));
        assertEquals(0, failing.store.size());
        assertTrue(failing.packets.emitted.isEmpty());
        assertEquals(ids(failing.flows.applied), ids(failing.flows.removed), "what was tried is withdrawn");
        assertEquals(1, count(failing, EngineCounters.INSTALL_FAILED));
    }

    @Test
    void noEligibleMemberOrAFullTableOrAPortOfNoServicePinsNothing() {
        EngineRig rig = new EngineRig(Presets.topology("fig2"));
        rig.states.setAdminState("d2a", AdminState.DOWN);
        rig.states.reportHealth("d2b", HealthState.DOWN);
        rig.punt(D01, 1, syn(rig.topology, "d1", 40000, "10.0.1.100", 80));
        assertEquals(0, rig.store.size());
        assertTrue(rig.flows.applied.isEmpty());
        assertTrue(rig.packets.emitted.isEmpty());
        assertEquals(1, count(rig, EngineCounters.NO_MEMBER));

        EngineRig full = new EngineRig(Presets.topology("fig2"));
        full.store.setMaxConnections(1);
        full.punt(D01, 1, syn(full.topology, "d1", 40000, "10.0.1.100", 80));
        full.punt(D01, 1, syn(full.topology, "d1", 40001, "10.0.1.100", 80));
        assertEquals(1, full.store.size());
        assertEquals(1, full.packets.emitted.size());
        assertEquals(1, full.flows.applied.size());
        assertEquals(1, count(full, EngineCounters.TABLE_FULL));

        EngineRig other = new EngineRig(Presets.topology("fig2"));
        other.punt(D01, 1, syn(other.topology, "d1", 40000, "10.0.1.100", 8080));
        assertEquals(0, other.store.size());
        assertTrue(other.packets.emitted.isEmpty());
        assertEquals(1, count(other, EngineCounters.NO_SERVICE));
    }

    @Test
    void drainedDownAndSwitchlessMembersGetNoNewConnections() {
        EngineRig rig = new EngineRig(Presets.topology("fig2"));
        FwlbTopology t = rig.topology;
        rig.states.setAdminState("srv1", AdminState.DRAINING);
        rig.states.reportHealth("srv3", HealthState.DOWN);
        rig.disconnected.add(D21);                  // d2a's switch is gone: d2a is down
        for (int i = 0; i < 4; i++) {
            int cport = 40000 + i;
            rig.punt(D01, 1, syn(t, "d1", cport, "10.0.1.100", 80));
            assertEquals(mac(t, "d2b"), Treats.ethDst(rig.lastEmitted().treatment()));
            ConnectionEntry e = rig.store.connections(x -> x.flow().srcPort() == cport).get(0);
            if (!e.path().serverId().isPresent()) {
                rig.punt(D22, 1, sent(rig.lastEmitted()));
            }
            assertEquals(List.of("d1", "d2b"), e.path().dispatcherIds());
        }
        assertEquals(Set.of("srv4"), rig.connections().stream().map(x -> x.path().serverId().get())
                .collect(Collectors.toSet()), "srv3 is down");
        rig.disconnected.clear();
        rig.states.setAdminState("srv2", AdminState.DRAINING);
        rig.punt(D01, 1, syn(t, "d1", 41000, "10.0.1.100", 80));
        rig.punt(D01, 1, syn(t, "d1", 41001, "10.0.1.100", 80));
        ConnectionEntry toA = rig.store.connections(x -> x.flow().srcPort() >= 41000
                && x.path().dispatcherIds().contains("d2a")).get(0);
        int before = rig.packets.emitted.size();
        rig.punt(D21, 1, syn(t, "d2a", toA.flow().srcPort(), "10.0.1.100", 80));
        assertEquals(before, rig.packets.emitted.size(), "every server of d2a drains: the SYN is dropped there");
        assertFalse(rig.store.get(toA.key()).path().serverId().isPresent());
        assertEquals(1, count(rig, EngineCounters.NO_MEMBER), "refused at d2a");
    }

    @Test
    void weightZeroGetsNoShareAndChangedWeightsShiftNewConnectionsOnly() {
        FwlbTopology t = Presets.topology("fig2", (ObjectNode f) ->
                ((ObjectNode) f.path("dispatchers").get(0)).put("policy", "weighted-round-robin"));
        EngineRig zero = new EngineRig(t);
        zero.states.setWeight("d2a", 0);
        zero.states.setWeight("d2b", 3);
        for (int i = 0; i < 6; i++) {
            zero.punt(D01, 1, syn(t, "d1", 40000 + i, "10.0.1.100", 80));
        }
        assertEquals(0, zero.ctx.counters(Owner.DISPATCH).placedOn("d2a"), "weight 0: no share");

        EngineRig rig = new EngineRig(t);
        for (int i = 0; i < 4; i++) {
            rig.punt(D01, 1, syn(t, "d1", 40000 + i, "10.0.1.100", 80));
        }
        assertEquals(2, rig.ctx.counters(Owner.DISPATCH).placedOn("d2a"));
        Map<String, String> pinned = new HashMap<>();
        rig.connections().forEach(e -> pinned.put(e.key().toString(), e.path().dispatcherIds().get(1)));
        rig.states.setWeight("d2b", 3);
        for (int i = 0; i < 8; i++) {
            rig.punt(D01, 1, syn(t, "d1", 41000 + i, "10.0.1.100", 80));
        }
        assertEquals(2 + 2, rig.ctx.counters(Owner.DISPATCH).placedOn("d2a"), "weights 1:3 over 8 new ones");
        assertEquals(2 + 6, rig.ctx.counters(Owner.DISPATCH).placedOn("d2b"));
        rig.store.connections(x -> pinned.containsKey(x.key().toString()))
                .forEach(e -> assertEquals(pinned.get(e.key().toString()), e.path().dispatcherIds().get(1)));
    }

    @Test
    void aSynOnTheTupleOfAClosingConnectionFollowsItsDecision() {
        EngineRig rig = new EngineRig(Presets.topology("fig2"));
        rig.punt(D01, 1, syn(rig.topology, "d1", 40000, "10.0.1.100", 80));
        ConnectionEntry e = rig.only();
        rig.store.markClosing(e.key());
        byte[] again = TcpFrames.tcp().from(C1, "10.0.1.11", 40000).to(mac(rig.topology, "d1"), "10.0.1.100", 80)
                .seq(7777).bytes();
        rig.punt(D01, 1, again);
        assertEquals(e.path(), rig.only().path());
        assertEquals(TcpState.CLOSING, rig.only().state());
        assertEquals(1, count(rig, EngineCounters.SYN_FOLLOWED));
        assertEquals(2, rig.flows.applied.size(), "its rule applied again");
    }

    // ---- fig4 -----------------------------------------------------------------------------------

    /** Places a connection through both stages; returns its server. */
    private static String place(EngineRig rig, MacAddress client, String clientIp, int cport, int port) {
        FwlbTopology t = rig.topology;
        rig.punt(D01, 1, TcpFrames.segment(client, mac(t, "d1"), clientIp, cport, "10.0.1.100", port,
                                           TcpFrames.SYN));
        List<ConnectionEntry> e = rig.store.connections(x -> x.flow().srcPort() == cport
                && x.flow().srcIp() == org.fwlb.model.Ip4.toInt(org.onlab.packet.Ip4Address.valueOf(clientIp)));
        if (e.isEmpty()) {
            return null;
        }
        if (!e.get(0).path().serverId().isPresent()) {
            String second = e.get(0).path().dispatcherIds().get(1);
            rig.punt(deviceOf(t, second), 1, sent(rig.lastEmitted()));
        }
        return rig.store.get(e.get(0).key()).path().serverId().orElse(null);
    }

    @Test
    void fig4ServiceTypesGoToTheirOwnServers() {
        EngineRig rig = new EngineRig(Presets.topology("fig4"));
        FwlbTopology t = rig.topology;
        for (int i = 0; i < 8; i++) {
            String http = place(rig, C1, "10.0.1.11", 40000 + i, 80);
            assertTrue(t.server(http).offers("http"), http);
            String ftp = place(rig, C1, "10.0.1.11", 45000 + i, 21);
            assertTrue(t.server(ftp).offers("ftp"), ftp);
        }
    }

    @Test
    void fig4FtpDataConnectionFollowsTheControlConnectionOfTheSameClient() {
        EngineRig rig = new EngineRig(Presets.topology("fig4"));
        List<String> servers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            // a new client each time, so both second stages and several servers get used
            MacAddress cm = MacAddress.valueOf("02:fb:00:10:01:2" + i);
            String client = "10.0.1.3" + i;
            String control = place(rig, cm, client, 40000, 21);
            servers.add(control);
            for (int j = 0; j < 3; j++) {
                assertEquals(control, place(rig, cm, client, 41000 + j, 30000 + 7 * j),
                             "data follows control at every stage");
            }
        }
        assertTrue(new HashSet<>(servers).size() > 1, "the test used more than one server: " + servers);
        assertEquals(4 * 3 * 2, count(rig, EngineCounters.FTP_DATA));
        EngineRig none = new EngineRig(Presets.topology("fig4"));
        assertNull(place(none, C1, "10.0.1.11", 41000, 30001), "no control connection: dropped");
        assertEquals(0, none.store.size());
        assertTrue(none.packets.emitted.isEmpty());
    }

    // ---- fig7 / fig8: path tags -----------------------------------------------------------------

    private static byte[] synFromFirewall(FwlbTopology t, String fw, String stage, int cport, int vlan) {
        return TcpFrames.segment(t.firewall(fw).inside().mac(), mac(t, stage), "10.0.1.11", cport, "10.0.2.100", 80,
                                 TcpFrames.SYN, vlan);
    }

    @Test
    void fig7FirstStageTagsTheSynWithItsFirewallAndTheL43StageReadsAndStripsIt() {
        EngineRig rig = new EngineRig(Presets.topology("fig7"));
        FwlbTopology t = rig.topology;
        rig.punt(D01, 1, synFromFirewall(t, "fw2", "d1", 40000, -1));
        OutboundPacket out = rig.lastEmitted();
        assertEquals(Integer.valueOf(2), Treats.pushedVlan(out.treatment()), "fw2's path tag on the SYN");
        for (FlowRule r : rig.appliedOn(D01)) {
            assertFalse(Treats.tags(r.treatment()), "the tag is pushed on the SYN only, never by a rule");
        }
        assertEquals(1, count(rig, EngineCounters.TAGGED));
        assertEquals(mac(t, "d2a"), Treats.ethDst(out.treatment()), "round robin starts at d2a");

        rig.punt(D21, 1, sent(out));
        OutboundPacket toServer = rig.lastEmitted();
        assertTrue(Treats.popsVlan(toServer.treatment()), "the L4/3 stage strips the tag");
        assertFalse(Treats.pushedVlan(toServer.treatment()) != null);
        ConnectionEntry e = rig.only();
        assertEquals(PathTag.of(2), e.path().pathTag().get());
        assertEquals(Arrays.asList("d1", "d2a"), e.path().dispatcherIds());
        List<FlowRule> atD21 = rig.appliedOn(D21);
        assertEquals(2, atD21.size());
        assertEquals(t.firewall("fw2").inside().mac(), Treats.ethDst(atD21.get(1).treatment()),
                     "replies go straight to fw2's inside interface");
        assertEquals(1, count(rig, EngineCounters.TAGS_READ));
    }

    @Test
    void fig7TagWinsOverTheSourceMacAtTheSecondStage() {
        EngineRig rig = new EngineRig(Presets.topology("fig7"));
        FwlbTopology t = rig.topology;
        rig.punt(D01, 1, synFromFirewall(t, "fw3", "d1", 40000, -1));
        assertEquals(Integer.valueOf(3), Treats.pushedVlan(rig.lastEmitted().treatment()));
        // eth_src rewritten on the way (e.g. a routed hop): the tag still names fw3
        rig.punt(D21, 1, TcpFrames.segment(MacAddress.valueOf("02:00:00:00:99:99"), mac(t, "d2a"), "10.0.1.11",
                                           40000, "10.0.2.100", 80, TcpFrames.SYN, 3));
        assertEquals(t.firewall("fw3").inside().mac(), Treats.ethDst(rig.appliedOn(D21).get(1).treatment()));
    }

    @Test
    void fig7RetransmittedSynsKeepTheFirewall() {
        EngineRig rig = new EngineRig(Presets.topology("fig7"));
        FwlbTopology t = rig.topology;
        rig.punt(D01, 1, synFromFirewall(t, "fw1", "d1", 40000, -1));
        rig.punt(D21, 1, synFromFirewall(t, "fw1", "d2a", 40000, 1));
        Set<Object> rules = ids(rig.flows.applied);
        rig.punt(D01, 1, synFromFirewall(t, "fw1", "d1", 40000, -1));
        assertNull(Treats.pushedVlan(rig.lastEmitted().treatment()),
                   "the answering stage decided: its rules carry the firewall, no tag is needed");
        rig.punt(D21, 1, synFromFirewall(t, "fw1", "d2a", 40000, 1));
        assertTrue(Treats.popsVlan(rig.lastEmitted().treatment()));
        assertEquals(rules, ids(rig.flows.applied));
        assertEquals(t.firewall("fw1").inside().mac(), Treats.ethDst(rig.appliedOn(D21)
                .get(rig.appliedOn(D21).size() - 1).treatment()), "the refreshed reply rule still goes to the firewall");
    }

    @Test
    void fig8DfOnTheAttachmentSwitchReadsTheTagAndSteersTheHostsReplies() {
        EngineRig rig = new EngineRig(Presets.topology("fig8"));
        FwlbTopology t = rig.topology;
        rig.punt(D01, 1, synFromFirewall(t, "fw1", "d1", 40000, -1));
        OutboundPacket out = rig.lastEmitted();
        assertEquals(mac(t, "d7a"), Treats.ethDst(out.treatment()));
        assertEquals(Integer.valueOf(1), Treats.pushedVlan(out.treatment()));

        rig.punt(E21, 1, sent(out));
        OutboundPacket toHost = rig.lastEmitted();
        assertEquals(E21, toHost.sendThrough());
        assertTrue(Treats.popsVlan(toHost.treatment()));
        assertEquals(PortNumber.portNumber(2), Treats.output(toHost.treatment()), "to the L7 host's port");
        assertNull(Treats.ipDst(toHost.treatment()), "the L7 host owns the VIP");
        List<FlowRule> df = rig.appliedOn(E21);
        assertEquals(2, df.size(), "the connection to the host, the host's replies to the firewall");
        assertEquals(PortNumber.portNumber(2), Treats.output(df.get(0).treatment()));
        assertEquals(t.firewall("fw1").inside().mac(), Treats.ethDst(df.get(1).treatment()));
        assertEquals(PortNumber.portNumber(1), Treats.output(df.get(1).treatment()), "by the port its SYN came in");
        ConnectionEntry e = rig.only();
        assertEquals(PathTag.of(1), e.path().pathTag().get());
        assertEquals(Arrays.asList("d1", "d7a"), e.path().dispatcherIds());
        assertFalse(e.path().serverId().isPresent(), "the L7 host picks the server itself");

        // its retransmission follows, refreshing the same rules
        rig.punt(E21, 1, synFromFirewall(t, "fw1", "d7a", 40000, 1));
        assertEquals(4, rig.appliedOn(E21).size());
        assertEquals(ids(df), ids(rig.appliedOn(E21)));
        assertTrue(Treats.popsVlan(rig.lastEmitted().treatment()));
    }

    @Test
    void fig8L43SwitchStageNextToTheHostsIsFirewallAwareToo() {
        EngineRig rig = new EngineRig(Presets.topology("fig8"));
        FwlbTopology t = rig.topology;
        for (int i = 0; i < 3; i++) {
            rig.punt(D01, 1, synFromFirewall(t, "fw3", "d1", 40000 + i, -1));
        }
        assertEquals(mac(t, "d2c"), Treats.ethDst(rig.lastEmitted().treatment()));
        rig.punt(D23, 1, sent(rig.lastEmitted()));
        assertEquals(t.firewall("fw3").inside().mac(), Treats.ethDst(rig.appliedOn(D23).get(1).treatment()));
    }

    // ---- three stages ---------------------------------------------------------------------------

    @Test
    void threeStagesChainL42ToL42ToL43AndTheFirstStageSendsStraightToSrv7() {
        EngineRig rig = new EngineRig(Presets.topology("three-stage"));
        FwlbTopology t = rig.topology;
        // round robin at d1 over d2a, d2b, srv7
        rig.punt(D01, 1, syn(t, "d1", 40000, "10.0.1.100", 80));
        assertEquals(mac(t, "d2a"), Treats.ethDst(rig.lastEmitted().treatment()));
        rig.punt(D21, 1, sent(rig.lastEmitted()));
        OutboundPacket atD2a = rig.lastEmitted();
        assertEquals(mac(t, "d3a"), Treats.ethDst(atD2a.treatment()));
        assertNull(Treats.ipDst(atD2a.treatment()), "d2a is L4/2");
        FlowRule d2aRule = rig.appliedOn(D21).get(0);
        assertEquals(PortNumber.IN_PORT, Treats.output(d2aRule.treatment()), "d3a is behind d2a's arm");
        rig.punt(D31, 1, sent(atD2a));
        assertEquals("10.0.1.21", Treats.ipDst(rig.lastEmitted().treatment()));
        ConnectionEntry e = rig.store.connections(x -> x.flow().srcPort() == 40000).get(0);
        assertEquals(Arrays.asList("d1", "d2a", "d3a"), e.path().dispatcherIds());
        assertEquals("srv1", e.path().serverId().get());

        rig.punt(D01, 1, syn(t, "d1", 40001, "10.0.1.100", 80));
        assertEquals(mac(t, "d2b"), Treats.ethDst(rig.lastEmitted().treatment()));

        rig.punt(D01, 1, syn(t, "d1", 40002, "10.0.1.100", 80));
        OutboundPacket direct = rig.lastEmitted();
        assertEquals(mac(t, "srv7"), Treats.ethDst(direct.treatment()), "d1 sends straight to srv7 (L4/2: MAC only)");
        assertNull(Treats.ipDst(direct.treatment()));
        assertEquals(PortNumber.portNumber(1), Treats.output(direct.treatment()));
        ConnectionEntry toSrv7 = rig.store.connections(x -> x.flow().srcPort() == 40002).get(0);
        assertEquals(Arrays.asList("d1"), toSrv7.path().dispatcherIds());
        assertEquals("srv7", toSrv7.path().serverId().get());
        List<FlowRule> d1Rules = rig.appliedOn(D01);
        FlowRule rule = d1Rules.get(d1Rules.size() - 1);
        assertEquals(mac(t, "srv7"), Treats.ethDst(rule.treatment()));
        assertEquals(PortNumber.IN_PORT, Treats.output(rule.treatment()));
    }

    // ---- the optional tcp_flags mode (ported from StageLifecycleTest) ----------------------------------

    @Test
    void tcpFlagsModeClientFinAndRstMoveEachStagesRulesAlongThePath() {
        EngineRig rig = new EngineRig(Presets.topology("fig2"), EngineRig.settings().tcpFlags(true).build());
        FwlbTopology t = rig.topology;
        String srv = place(rig, C1, "10.0.1.11", 40000, 80);
        ConnectionEntry e = rig.only();
        assertEquals("d2a", e.path().dispatcherIds().get(1));
        int applied = rig.flows.applied.size();
        rig.punt(D01, 1, TcpFrames.segment(C1, mac(t, "d1"), "10.0.1.11", 40000, "10.0.1.100", 80,
                                           TcpFrames.FIN_ACK));
        assertEquals(TcpState.FIN_FROM_CLIENT, rig.store.get(e.key()).state());
        assertEquals(mac(t, "d2a"), Treats.ethDst(rig.lastEmitted().treatment()), "the FIN goes on to d2a");
        assertEquals(PortNumber.IN_PORT, Treats.output(rig.lastEmitted().treatment()),
                     "along d1's rule (IN_PORT: back out the arm)");
        assertEquals(applied, rig.flows.applied.size(),
                     "half-closed keeps the idle timeout: the rules the core holds are not sent again");

        applied = rig.flows.applied.size();
        rig.punt(D01, 1, TcpFrames.segment(C1, mac(t, "d1"), "10.0.1.11", 40000, "10.0.1.100", 80, TcpFrames.RST));
        assertEquals(TcpState.CLOSING, rig.store.get(e.key()).state());
        List<FlowRule> closing = rig.flows.applied.subList(applied, rig.flows.applied.size());
        assertEquals(3, closing.size());
        assertTrue(closing.stream().allMatch(r -> r.timeout() == t.timeouts().closingSeconds()));
        assertEquals(2, count(rig, EngineCounters.CLOSE_PUNTS));
        assertTrue(t.server(srv).offers("http"), "placed on a web server: " + srv);
    }
}
