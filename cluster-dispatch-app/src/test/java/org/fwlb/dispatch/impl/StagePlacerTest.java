package org.fwlb.dispatch.impl;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.fwlb.model.AdminState;
import org.fwlb.model.ConnectionEntry;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.HealthState;
import org.fwlb.model.PathTag;
import org.fwlb.packet.PacketSummary;
import org.junit.jupiter.api.Test;
import org.onlab.packet.MacAddress;
import org.onosproject.net.DeviceId;
import org.onosproject.net.PortNumber;
import org.onosproject.net.flow.FlowRule;
import org.onosproject.net.flow.instructions.L3ModificationInstruction.L3SubType;
import org.onosproject.net.packet.OutboundPacket;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.fwlb.dispatch.impl.DispatchRig.dev;
import static org.fwlb.dispatch.impl.DispatchRig.ethDst;
import static org.fwlb.dispatch.impl.DispatchRig.ipMod;
import static org.fwlb.dispatch.impl.DispatchRig.output;
import static org.fwlb.dispatch.impl.DispatchRig.popsVlan;
import static org.fwlb.dispatch.impl.DispatchRig.pushedVlan;
import static org.fwlb.dispatch.impl.DispatchRig.pushesAnything;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StagePlacerTest {

    private static final DeviceId D01 = dev("0000000000000d01");
    private static final DeviceId D21 = dev("0000000000000d21");
    private static final DeviceId D22 = dev("0000000000000d22");
    private static final DeviceId D23 = dev("0000000000000d23");
    private static final DeviceId D31 = dev("0000000000000d31");
    private static final DeviceId E21 = dev("0000000000000e21");
    private static final MacAddress C1 = MacAddress.valueOf("02:fb:00:10:01:0b");

    private static MacAddress mac(FwlbTopology t, String id) {
        return StageRules.macOf(t, id);
    }

    /** A client SYN as the first stage's switch punts it (fig2/fig4/three-stage: flat subnet). */
    private static byte[] syn(FwlbTopology t, String stage, int cport, String vip, int port) {
        return TcpFrames.segment(C1, mac(t, stage), "10.0.1.11", cport, vip, port, TcpFrames.SYN);
    }

    /** The SYN a packet-out sent on, as the next switch punts it. */
    private static byte[] asForwarded(OutboundPacket p) {
        return DispatchRig.bytes(p);
    }

    private static void forwardedAgain(DispatchRig rig, DeviceId nextDev, OutboundPacket out, MacAddress newDst,
                                       int vlan) {
        PacketSummary p = DispatchRig.parse(asForwarded(out));
        byte[] f = TcpFrames.segment(p.ethSrcMac(), newDst, ip(p.ipSrc()), p.srcPort(), ip(p.ipDst()), p.dstPort(),
                                     p.tcpFlags(), vlan);
        rig.placeSyn(nextDev, 1, f);
    }

    private static String ip(int v) {
        return org.fwlb.model.Ip4.toAddress(v).toString();
    }

    // ---- fig2 -----------------------------------------------------------------------------------

    @Test
    void firstStageSpreadsByRoundRobinRecordsThePathAndRewritesOnlyTheMac() {
        DispatchRig rig = new DispatchRig("fig2");
        FwlbTopology t = rig.topology;
        List<String> chosen = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            rig.placeSyn(D01, 1, syn(t, "d1", 40000 + i, "10.0.1.100", 80));
            OutboundPacket out = rig.lastEmitted();
            assertEquals(D01, out.sendThrough());
            assertEquals(PortNumber.portNumber(1), output(out.treatment()));
            assertFalse(pushesAnything(out.treatment()), "no sandwich, no tag");
            assertNull(ipMod(out.treatment(), L3SubType.IPV4_DST));
            chosen.add(t.dispatcher("d2a").mac().equals(ethDst(out.treatment())) ? "d2a" : "d2b");
        }
        assertEquals(Arrays.asList("d2a", "d2b", "d2a", "d2b", "d2a", "d2b"), chosen);
        assertEquals(6, rig.store.size());
        assertEquals(6, rig.appliedOn(D01).size(), "one rule per connection on the L4/2 stage");
        for (ConnectionEntry e : rig.store.connections(x -> true)) {
            assertEquals(2, e.path().dispatcherIds().size());
            assertEquals("d1", e.path().dispatcherIds().get(0));
            assertFalse(e.path().serverId().isPresent());
            assertEquals(DispatchContext.APP_NAME, e.appName());
        }
        assertEquals(6, rig.counters.get(DispatchCounters.PLACED));
        assertEquals(3, rig.counters.get(DispatchCounters.PLACED + ":d2a"));
    }

    @Test
    void secondStageChoosesAServerAndTheWholePathIsRecorded() {
        DispatchRig rig = new DispatchRig("fig2");
        FwlbTopology t = rig.topology;
        Map<String, Integer> perServer = new HashMap<>();
        for (int i = 0; i < 8; i++) {
            rig.placeSyn(D01, 1, syn(t, "d1", 40000 + i, "10.0.1.100", 80));
            OutboundPacket out = rig.lastEmitted();
            boolean toA = t.dispatcher("d2a").mac().equals(ethDst(out.treatment()));
            DeviceId next = toA ? D21 : D22;
            forwardedAgain(rig, next, out, ethDst(out.treatment()), -1);
            OutboundPacket toServer = rig.lastEmitted();
            assertEquals(next, toServer.sendThrough());
            String srvIp = ipMod(toServer.treatment(), L3SubType.IPV4_DST);
            String srv = t.serverByIp(org.onlab.packet.IpAddress.valueOf(srvIp)).id();
            assertEquals(t.server(srv).mac(), ethDst(toServer.treatment()));
            assertEquals(t.server(srv).location().port(), output(toServer.treatment()));
            perServer.merge(srv, 1, Integer::sum);
        }
        assertEquals(8, rig.store.size());
        Map<String, Integer> expected = new HashMap<>();
        for (String s : Arrays.asList("srv1", "srv2", "srv3", "srv4")) {
            expected.put(s, 2);
        }
        assertEquals(expected, perServer);
        for (ConnectionEntry e : rig.store.connections(x -> true)) {
            String stage2 = e.path().dispatcherIds().get(1);
            String srv = e.path().serverId().get();
            assertTrue(t.childServers(stage2).contains(t.server(srv)), e.toString());
        }
        assertEquals(8 + 16, rig.flows.applied.size(), "1 rule at d1, 2 at the L4/3 stage per connection");
    }

    @Test
    void retransmittedSynFollowsTheRecordedDecisionAndOnlyRefreshesItsRules() {
        DispatchRig rig = new DispatchRig("fig2");
        FwlbTopology t = rig.topology;
        rig.placeSyn(D01, 1, syn(t, "d1", 40000, "10.0.1.100", 80));
        MacAddress first = ethDst(rig.lastEmitted().treatment());
        forwardedAgain(rig, first.equals(mac(t, "d2a")) ? D21 : D22, rig.lastEmitted(), first, -1);
        String srvIp = ipMod(rig.lastEmitted().treatment(), L3SubType.IPV4_DST);
        java.util.Set<Object> ruleIds = ruleIds(rig);
        long placed = rig.counters.get(DispatchCounters.PLACED);
        for (int i = 0; i < 3; i++) {
            rig.placeSyn(D01, 1, syn(t, "d1", 40000, "10.0.1.100", 80));
            assertEquals(first, ethDst(rig.lastEmitted().treatment()), "same second stage");
            forwardedAgain(rig, first.equals(mac(t, "d2a")) ? D21 : D22, rig.lastEmitted(), first, -1);
            assertEquals(srvIp, ipMod(rig.lastEmitted().treatment(), L3SubType.IPV4_DST), "same server");
        }
        // the same rules again (a SYN on the tuple of a connection that just ended may find them idled out)
        assertEquals(ruleIds, ruleIds(rig));
        assertEquals(placed, rig.counters.get(DispatchCounters.PLACED), "no new decision");
        assertEquals(1, rig.store.size());
        assertEquals(6, rig.counters.get(DispatchCounters.SYN_RETRANSMITS));
    }

    private static java.util.Set<Object> ruleIds(DispatchRig rig) {
        java.util.Set<Object> out = new java.util.HashSet<>();
        rig.flows.applied.forEach(r -> out.add(r.id()));
        return out;
    }

    @Test
    void synIsReleasedOnlyWhenTheRulesAreConfirmed() {
        DispatchRig rig = new DispatchRig("fig2");
        rig.flows.confirmAtOnce = false;
        rig.placeSyn(D01, 1, syn(rig.topology, "d1", 40000, "10.0.1.100", 80));
        rig.placeSyn(D01, 1, syn(rig.topology, "d1", 40000, "10.0.1.100", 80));
        assertEquals(0, rig.packets.emitted.size(), "neither the SYN nor its retransmission outruns the rule");
        assertEquals(1, rig.flows.pending.size());
        rig.flows.confirmAll();
        assertEquals(1, rig.packets.emitted.size());
    }

    @Test
    void failedInstallationDropsTheConnection() {
        DispatchRig rig = new DispatchRig("fig2");
        rig.flows.fail = true;
        rig.placeSyn(D01, 1, syn(rig.topology, "d1", 40000, "10.0.1.100", 80));
        assertEquals(0, rig.store.size());
        assertEquals(0, rig.packets.emitted.size());
        assertEquals(rig.flows.applied.size(), rig.flows.removed.size(), "what was tried is withdrawn");
        assertEquals(1, rig.counters.get(DispatchCounters.INSTALL_FAILED));
    }

    @Test
    void noEligibleMemberDropsTheSynAndPinsNothing() {
        DispatchRig rig = new DispatchRig("fig2");
        rig.members.setAdminState("d2a", AdminState.DOWN);
        rig.members.reportHealth("d2b", HealthState.DOWN);
        rig.placeSyn(D01, 1, syn(rig.topology, "d1", 40000, "10.0.1.100", 80));
        assertEquals(0, rig.store.size());
        assertTrue(rig.flows.applied.isEmpty());
        assertTrue(rig.packets.emitted.isEmpty());
        assertEquals(1, rig.counters.get(DispatchCounters.NO_MEMBER));
    }

    @Test
    void fullConnectionTableDropsNewSyns() {
        DispatchRig rig = new DispatchRig("fig2");
        rig.store.setMaxConnections(1);
        rig.placeSyn(D01, 1, syn(rig.topology, "d1", 40000, "10.0.1.100", 80));
        rig.placeSyn(D01, 1, syn(rig.topology, "d1", 40001, "10.0.1.100", 80));
        assertEquals(1, rig.store.size());
        assertEquals(1, rig.packets.emitted.size());
        assertEquals(1, rig.flows.applied.size());
        assertEquals(1, rig.counters.get(DispatchCounters.TABLE_FULL));
    }

    @Test
    void drainedDownAndSwitchlessMembersGetNoNewConnections() {
        DispatchRig rig = new DispatchRig("fig2");
        FwlbTopology t = rig.topology;
        rig.members.setAdminState("srv1", AdminState.DRAINING);
        rig.members.reportHealth("srv3", HealthState.DOWN);
        rig.downDevices.add(D21);                  // d2a's switch is gone: d2a is down
        for (int i = 0; i < 4; i++) {
            rig.placeSyn(D01, 1, syn(t, "d1", 40000 + i, "10.0.1.100", 80));
            assertEquals(mac(t, "d2b"), ethDst(rig.lastEmitted().treatment()));
            forwardedAgain(rig, D22, rig.lastEmitted(), mac(t, "d2b"), -1);
            assertEquals("10.0.1.24", ipMod(rig.lastEmitted().treatment(), L3SubType.IPV4_DST), "srv3 is down");
        }
        rig.downDevices.clear();
        rig.members.setAdminState("srv2", AdminState.DRAINING);
        rig.placeSyn(D01, 1, syn(t, "d1", 41000, "10.0.1.100", 80));
        rig.placeSyn(D01, 1, syn(t, "d1", 41001, "10.0.1.100", 80));
        OutboundPacket toA = ethDst(rig.packets.emitted.get(rig.packets.emitted.size() - 2).treatment())
                .equals(mac(t, "d2a")) ? rig.packets.emitted.get(rig.packets.emitted.size() - 2) : rig.lastEmitted();
        int before = rig.packets.emitted.size();
        forwardedAgain(rig, D21, toA, mac(t, "d2a"), -1);
        assertEquals(before, rig.packets.emitted.size(), "every server of d2a drains: the SYN is dropped there");
    }

    @Test
    void weightZeroMemberGetsNoShareUnderWeightedRoundRobin() {
        FwlbTopology t = DispatchRig.preset("fig2", (ObjectNode f) ->
                ((ObjectNode) f.path("dispatchers").get(0)).put("policy", "weighted-round-robin"));
        DispatchRig rig = new DispatchRig(t);
        rig.members.setWeight("d2a", 0);
        rig.members.setWeight("d2b", 3);
        for (int i = 0; i < 6; i++) {
            rig.placeSyn(D01, 1, syn(t, "d1", 40000 + i, "10.0.1.100", 80));
        }
        assertEquals(0, rig.counters.get(DispatchCounters.PLACED + ":d2a"),
                     "docs/DISPATCH-OPS.md: weight 0 gives no share under weighted policies");
    }

    @Test
    void weightsChangedAtRuntimeShiftNewConnectionsOnly() {
        FwlbTopology t = DispatchRig.preset("fig2", (ObjectNode f) ->
                ((ObjectNode) f.path("dispatchers").get(0)).put("policy", "weighted-round-robin"));
        DispatchRig rig = new DispatchRig(t);
        for (int i = 0; i < 4; i++) {
            rig.placeSyn(D01, 1, syn(t, "d1", 40000 + i, "10.0.1.100", 80));
        }
        assertEquals(2, rig.counters.get(DispatchCounters.PLACED + ":d2a"));
        Map<String, String> pinned = new HashMap<>();
        rig.store.connections(x -> true).forEach(e -> pinned.put(e.key().toString(), e.path().dispatcherIds().get(1)));
        rig.members.setWeight("d2b", 3);
        for (int i = 0; i < 8; i++) {
            rig.placeSyn(D01, 1, syn(t, "d1", 41000 + i, "10.0.1.100", 80));
        }
        assertEquals(2 + 2, rig.counters.get(DispatchCounters.PLACED + ":d2a"), "weights 1:3 over 8 new ones");
        assertEquals(2 + 6, rig.counters.get(DispatchCounters.PLACED + ":d2b"));
        rig.store.connections(x -> pinned.containsKey(x.key().toString()))
                .forEach(e -> assertEquals(pinned.get(e.key().toString()), e.path().dispatcherIds().get(1)));
    }

    @Test
    void synToAPortOfNoServiceIsIgnored() {
        DispatchRig rig = new DispatchRig("fig2");
        rig.placeSyn(D01, 1, syn(rig.topology, "d1", 40000, "10.0.1.100", 8080));
        assertEquals(0, rig.store.size());
        assertTrue(rig.packets.emitted.isEmpty());
        assertEquals(1, rig.counters.get(DispatchCounters.NO_SERVICE));
    }

    @Test
    void newSynOnTheTupleOfAClosingConnectionIsPlacedAnew() {
        DispatchRig rig = new DispatchRig("fig2");
        rig.placeSyn(D01, 1, syn(rig.topology, "d1", 40000, "10.0.1.100", 80));
        ConnectionEntry e = rig.only();
        rig.store.markClosing(e.key());
        byte[] again = syn(rig.topology, "d1", 40000, "10.0.1.100", 80);
        java.nio.ByteBuffer.wrap(again).putInt(14 + 20 + 4, 7777);   // a new connection: another ISN
        rig.placeSyn(D01, 1, again);
        assertEquals(org.fwlb.model.TcpState.ESTABLISHED, rig.store.get(e.key()).state());
        assertEquals(2, rig.flows.applied.size());
        assertEquals(0, rig.counters.get(DispatchCounters.SYN_RETRANSMITS));
    }

    // ---- fig4 -----------------------------------------------------------------------------------

    private static String serverOf(DispatchRig rig, FwlbTopology t, int cport, int port) {
        rig.placeSyn(D01, 1, syn(t, "d1", cport, "10.0.1.100", port));
        MacAddress next = ethDst(rig.lastEmitted().treatment());
        int before = rig.packets.emitted.size();
        forwardedAgain(rig, next.equals(mac(t, "d2a")) ? D21 : D22, rig.lastEmitted(), next, -1);
        if (rig.packets.emitted.size() == before) {
            return null;
        }
        return t.serverByIp(org.onlab.packet.IpAddress.valueOf(ipMod(rig.lastEmitted().treatment(),
                                                                           L3SubType.IPV4_DST))).id();
    }

    @Test
    void fig4ServiceTypesGoToTheirOwnServers() {
        DispatchRig rig = new DispatchRig("fig4");
        FwlbTopology t = rig.topology;
        for (int i = 0; i < 8; i++) {
            String http = serverOf(rig, t, 40000 + i, 80);
            assertTrue(t.server(http).offers("http"), http);
            String ftp = serverOf(rig, t, 45000 + i, 21);
            assertTrue(t.server(ftp).offers("ftp"), ftp);
        }
    }

    @Test
    void fig4FtpDataConnectionFollowsTheControlConnectionOfTheSameClient() {
        DispatchRig rig = new DispatchRig("fig4");
        FwlbTopology t = rig.topology;
        List<String> servers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            // a new client each time, so both second stages and several servers get used
            MacAddress cm = MacAddress.valueOf("02:fb:00:10:01:2" + i);
            String client = "10.0.1.3" + i;
            rig.placeSyn(D01, 1, TcpFrames.segment(cm, mac(t, "d1"), client, 40000, "10.0.1.100", 21, TcpFrames.SYN));
            MacAddress next = ethDst(rig.lastEmitted().treatment());
            DeviceId nextDev = next.equals(mac(t, "d2a")) ? D21 : D22;
            forwardedAgain(rig, nextDev, rig.lastEmitted(), next, -1);
            String control = ipMod(rig.lastEmitted().treatment(), L3SubType.IPV4_DST);
            servers.add(control);
            for (int j = 0; j < 3; j++) {
                rig.placeSyn(D01, 1, TcpFrames.segment(cm, mac(t, "d1"), client, 41000 + j, "10.0.1.100",
                                                       30000 + 7 * j, TcpFrames.SYN));
                assertEquals(next, ethDst(rig.lastEmitted().treatment()), "data follows control at d1");
                forwardedAgain(rig, nextDev, rig.lastEmitted(), next, -1);
                assertEquals(control, ipMod(rig.lastEmitted().treatment(), L3SubType.IPV4_DST),
                             "data follows control at the second stage");
            }
        }
        assertTrue(new java.util.HashSet<>(servers).size() > 1, "the test used more than one server: " + servers);
        assertEquals(4 * 3 * 2, rig.counters.get(DispatchCounters.FTP_DATA));
    }

    @Test
    void fig4FtpDataConnectionWithoutControlConnectionIsDropped() {
        DispatchRig rig = new DispatchRig("fig4");
        rig.placeSyn(D01, 1, syn(rig.topology, "d1", 41000, "10.0.1.100", 30001));
        assertEquals(0, rig.store.size());
        assertTrue(rig.packets.emitted.isEmpty());
    }

    // ---- fig7 / fig8: path tags -----------------------------------------------------------------

    private static byte[] synFromFirewall(FwlbTopology t, String fw, String stage, int cport, int vlan) {
        return TcpFrames.segment(t.firewall(fw).inside().mac(), mac(t, stage), "10.0.1.11", cport, "10.0.2.100", 80,
                                 TcpFrames.SYN, vlan);
    }

    @Test
    void fig7FirstStageTagsTheSynWithItsFirewallAndTheL43StageReadsAndStripsIt() {
        DispatchRig rig = new DispatchRig("fig7");
        FwlbTopology t = rig.topology;
        rig.placeSyn(D01, 1, synFromFirewall(t, "fw2", "d1", 40000, -1));
        OutboundPacket out = rig.lastEmitted();
        assertEquals(Integer.valueOf(2), pushedVlan(out.treatment()), "fw2's path tag on the SYN");
        for (FlowRule r : rig.appliedOn(D01)) {
            assertFalse(pushesAnything(r.treatment()), "the tag is pushed on the SYN only, never by a rule");
        }
        assertEquals(1, rig.counters.get(DispatchCounters.TAGGED));
        assertEquals(mac(t, "d2a"), ethDst(out.treatment()), "round robin starts at d2a");

        rig.placeSyn(D21, 1, synFromFirewall(t, "fw2", "d2a", 40000, 2));
        OutboundPacket toServer = rig.lastEmitted();
        assertTrue(popsVlan(toServer.treatment()), "the L4/3 stage strips the tag");
        assertFalse(pushesAnything(toServer.treatment()));
        ConnectionEntry e = rig.only();
        assertEquals(PathTag.of(2), e.path().pathTag().get());
        assertEquals(Arrays.asList("d1", "d2a"), e.path().dispatcherIds());
        List<FlowRule> atD21 = rig.appliedOn(D21);
        assertEquals(2, atD21.size());
        assertEquals(t.firewall("fw2").inside().mac(), ethDst(atD21.get(1).treatment()),
                     "replies go straight to fw2's inside interface");
        assertEquals(1, rig.counters.get(DispatchCounters.PATH_TAGS));
    }

    @Test
    void fig7TagWinsOverTheSourceMacAtTheSecondStage() {
        DispatchRig rig = new DispatchRig("fig7");
        FwlbTopology t = rig.topology;
        rig.placeSyn(D01, 1, synFromFirewall(t, "fw3", "d1", 40000, -1));
        assertEquals(Integer.valueOf(3), pushedVlan(rig.lastEmitted().treatment()));
        // eth_src rewritten on the way (e.g. a routed hop): the tag still names fw3
        rig.placeSyn(D21, 1, TcpFrames.segment(MacAddress.valueOf("02:00:00:00:99:99"), mac(t, "d2a"), "10.0.1.11",
                                               40000, "10.0.2.100", 80, TcpFrames.SYN, 3));
        assertEquals(t.firewall("fw3").inside().mac(), ethDst(rig.appliedOn(D21).get(1).treatment()));
    }

    @Test
    void fig7RetransmittedSynAtTheSecondStageKeepsTheFirewall() {
        DispatchRig rig = new DispatchRig("fig7");
        FwlbTopology t = rig.topology;
        rig.placeSyn(D01, 1, synFromFirewall(t, "fw1", "d1", 40000, -1));
        rig.placeSyn(D21, 1, synFromFirewall(t, "fw1", "d2a", 40000, 1));
        java.util.Set<Object> rules = ruleIds(rig);
        rig.placeSyn(D01, 1, synFromFirewall(t, "fw1", "d1", 40000, -1));
        assertEquals(Integer.valueOf(1), pushedVlan(rig.lastEmitted().treatment()), "a retransmission is tagged too");
        rig.placeSyn(D21, 1, synFromFirewall(t, "fw1", "d2a", 40000, 1));
        assertTrue(popsVlan(rig.lastEmitted().treatment()));
        assertEquals(rules, ruleIds(rig));
        assertEquals(t.firewall("fw1").inside().mac(), ethDst(rig.appliedOn(D21).get(rig.appliedOn(D21).size() - 1)
                .treatment()), "the refreshed reply rule still goes to the firewall");
    }

    @Test
    void fig8DfOnTheAttachmentSwitchReadsTheTagAndSteersTheHostsReplies() {
        DispatchRig rig = new DispatchRig("fig8");
        FwlbTopology t = rig.topology;
        rig.placeSyn(D01, 1, synFromFirewall(t, "fw1", "d1", 40000, -1));
        OutboundPacket out = rig.lastEmitted();
        assertEquals(mac(t, "d7a"), ethDst(out.treatment()));
        assertEquals(Integer.valueOf(1), pushedVlan(out.treatment()));

        rig.placeSyn(E21, 1, synFromFirewall(t, "fw1", "d7a", 40000, 1));
        OutboundPacket toHost = rig.lastEmitted();
        assertEquals(E21, toHost.sendThrough());
        assertTrue(popsVlan(toHost.treatment()));
        assertEquals(PortNumber.portNumber(2), output(toHost.treatment()), "to the L7 host's port");
        assertNull(ipMod(toHost.treatment(), L3SubType.IPV4_DST), "the L7 host owns the VIP");
        List<FlowRule> df = rig.appliedOn(E21);
        assertEquals(1, df.size());
        assertEquals(t.firewall("fw1").inside().mac(), ethDst(df.get(0).treatment()));
        assertEquals(PortNumber.portNumber(1), output(df.get(0).treatment()));
        ConnectionEntry e = rig.only();
        assertEquals(PathTag.of(1), e.path().pathTag().get());
        assertEquals(Arrays.asList("d1", "d7a"), e.path().dispatcherIds());
        assertFalse(e.path().serverId().isPresent(), "the L7 host picks the server itself");

        // its retransmission follows, refreshing the same reply rule
        rig.placeSyn(E21, 1, synFromFirewall(t, "fw1", "d7a", 40000, 1));
        assertEquals(2, rig.appliedOn(E21).size());
        assertEquals(df.get(0).id(), rig.appliedOn(E21).get(1).id());
        assertTrue(popsVlan(rig.lastEmitted().treatment()));
    }

    @Test
    void fig8L43SwitchStageNextToTheHostsIsFirewallAwareToo() {
        DispatchRig rig = new DispatchRig("fig8");
        FwlbTopology t = rig.topology;
        for (int i = 0; i < 3; i++) {
            rig.placeSyn(D01, 1, synFromFirewall(t, "fw3", "d1", 40000 + i, -1));
        }
        assertEquals(mac(t, "d2c"), ethDst(rig.lastEmitted().treatment()));
        rig.placeSyn(D23, 1, synFromFirewall(t, "fw3", "d2c", 40002, 3));
        assertEquals(t.firewall("fw3").inside().mac(), ethDst(rig.appliedOn(D23).get(1).treatment()));
    }

    // ---- three stages ---------------------------------------------------------------------------

    @Test
    void threeStagesChainL42ToL42ToL43AndTheFirstStageReturnsDirectlyFromSrv7() {
        DispatchRig rig = new DispatchRig("three-stage");
        FwlbTopology t = rig.topology;
        // round robin at d1 over d2a, d2b, srv7
        rig.placeSyn(D01, 1, syn(t, "d1", 40000, "10.0.1.100", 80));
        assertEquals(mac(t, "d2a"), ethDst(rig.lastEmitted().treatment()));
        rig.placeSyn(D21, 1, syn(t, "d2a", 40000, "10.0.1.100", 80));
        OutboundPacket atD2a = rig.lastEmitted();
        assertEquals(mac(t, "d3a"), ethDst(atD2a.treatment()));
        assertNull(ipMod(atD2a.treatment(), L3SubType.IPV4_DST), "d2a is L4/2");
        FlowRule d2aRule = rig.appliedOn(D21).get(0);
        assertEquals(PortNumber.IN_PORT, output(d2aRule.treatment()), "d3a is behind d2a's arm");
        rig.placeSyn(D31, 1, syn(t, "d3a", 40000, "10.0.1.100", 80));
        assertEquals("10.0.1.21", ipMod(rig.lastEmitted().treatment(), L3SubType.IPV4_DST));
        ConnectionEntry e = rig.store.connections(x -> x.flow().srcPort() == 40000).get(0);
        assertEquals(Arrays.asList("d1", "d2a", "d3a"), e.path().dispatcherIds());
        assertEquals("srv1", e.path().serverId().get());

        rig.placeSyn(D01, 1, syn(t, "d1", 40001, "10.0.1.100", 80));
        assertEquals(mac(t, "d2b"), ethDst(rig.lastEmitted().treatment()));

        rig.placeSyn(D01, 1, syn(t, "d1", 40002, "10.0.1.100", 80));
        OutboundPacket dsr = rig.lastEmitted();
        assertEquals(mac(t, "srv7"), ethDst(dsr.treatment()), "d1 sends straight to srv7 (L4/2: MAC only)");
        assertNull(ipMod(dsr.treatment(), L3SubType.IPV4_DST));
        assertEquals(PortNumber.portNumber(1), output(dsr.treatment()));
        ConnectionEntry direct = rig.store.connections(x -> x.flow().srcPort() == 40002).get(0);
        assertEquals(Arrays.asList("d1"), direct.path().dispatcherIds());
        assertEquals("srv7", direct.path().serverId().get());
        List<FlowRule> d1Rules = rig.appliedOn(D01);
        FlowRule toSrv7 = d1Rules.get(d1Rules.size() - 1);
        assertEquals(mac(t, "srv7"), ethDst(toSrv7.treatment()));
        assertEquals(PortNumber.IN_PORT, output(toSrv7.treatment()));
    }
}
