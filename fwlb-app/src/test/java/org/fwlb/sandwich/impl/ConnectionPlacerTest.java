package org.fwlb.sandwich.impl;

import org.fwlb.config.ExampleConfigs;
import org.fwlb.model.AdminState;
import org.fwlb.model.ConnectionEntry;
import org.fwlb.model.FirewallDispatcher.Role;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.HealthState;
import org.junit.jupiter.api.Test;
import org.onlab.packet.MacAddress;
import org.onosproject.net.DeviceId;
import org.onosproject.net.flow.instructions.Instruction;
import org.onosproject.net.flow.instructions.L2ModificationInstruction;
import org.onosproject.net.packet.OutboundPacket;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConnectionPlacerTest {

    private static final MacAddress CLIENT = MacAddress.valueOf("02:00:00:00:01:0b");

    private final FwlbTopology t = ExampleConfigs.topology(1);
    private final SandwichRig rig = new SandwichRig(t);
    private final DeviceId ext = t.external().get().deviceId();
    private final MacAddress gw = t.external().get().gatewayMac();

    private void syn(int clientPort) {
        syn(clientPort, 0);
    }

    /** A SYN with a given initial sequence number (a new connection on a reused port has another one). */
    private void syn(int clientPort, int isn) {
        byte[] f = SandwichRig.segment(CLIENT, gw, "10.0.1.11", clientPort, "10.0.2.21", 8080, 0x02);
        java.nio.ByteBuffer.wrap(f).putInt(14 + 20 + 4, isn);      // after Ethernet and a 20-byte IPv4 header
        rig.placer.placeSyn(t, ext, Role.EXTERNAL, SandwichRig.parse(f), f);
    }

    private static MacAddress ethDst(OutboundPacket p) {
        for (Instruction i : p.treatment().allInstructions()) {
            if (i instanceof L2ModificationInstruction.ModEtherInstruction
                    && ((L2ModificationInstruction) i).subtype() == L2ModificationInstruction.L2SubType.ETH_DST) {
                return ((L2ModificationInstruction.ModEtherInstruction) i).mac();
            }
        }
        return null;
    }

    @Test
    void roundRobinSpreadsConnectionsExactlyAndReleasesEachSynAfterItsRules() {
        for (int i = 0; i < 30; i++) {
            syn(40000 + i);
        }
        assertEquals(30, rig.store.size());
        assertEquals(60, rig.flows.applied.size(), "two rules per connection");
        assertEquals(30, rig.packets.emitted.size(), "each SYN released once");
        Map<String, Integer> perFw = new HashMap<>();
        for (ConnectionEntry e : rig.store.connections(x -> true)) {
            perFw.merge(e.path().firewallId().get(), 1, Integer::sum);
        }
        assertEquals(Map.of("fw1", 10, "fw2", 10, "fw3", 10), perFw);
        for (OutboundPacket p : rig.packets.emitted) {
            assertEquals(ext, p.sendThrough());
            assertTrue(t.firewallByOutsideMac(ethDst(p)) != null, "SYN goes to a firewall's outside MAC");
        }
    }

    @Test
    void synIsHeldUntilTheSwitchesConfirmTheRules() {
        rig.flows.confirmAtOnce = false;
        syn(40000);
        assertEquals(0, rig.packets.emitted.size());
        rig.flows.confirmAll();
        assertEquals(1, rig.packets.emitted.size());
    }

    @Test
    void retransmittedSynBeforeTheRulesAreConfirmedIsHeldBack() {
        rig.flows.confirmAtOnce = false;
        syn(40000);
        syn(40000);
        assertEquals(0, rig.packets.emitted.size());
        rig.flows.confirmAll();
        assertEquals(1, rig.packets.emitted.size());
    }

    @Test
    void connectionClearedDuringInstallationIsUndone() {
        rig.flows.confirmAtOnce = false;
        syn(40000);
        rig.lifecycle.clearMember(t, rig.store.connections(x -> true).get(0).path().firewallId().get());
        rig.flows.confirmAll();
        assertEquals(0, rig.packets.emitted.size());
        assertEquals(0, rig.store.size());
    }

    @Test
    void newSynOnAClosingConnectionsTupleIsPlacedAnew() {
        syn(40000);
        ConnectionEntry first = rig.store.connections(x -> true).get(0);
        rig.store.markClosing(first.key());
        syn(40000, 7777);
        ConnectionEntry second = rig.store.get(first.key());
        assertEquals(org.fwlb.model.TcpState.ESTABLISHED, second.state());
        assertEquals(2, rig.packets.emitted.size());
        assertEquals(4, rig.flows.applied.size());
    }

    @Test
    void newSynAfterOnlyTheClientsFinIsPlacedAnew() {
        // FIG 8: replies go straight to a firewall, the server's FIN never reaches the controller; a client
        // reusing the port after closing must get a fresh pin, not a resend along the old one
        syn(40000);
        ConnectionEntry first = rig.store.connections(x -> true).get(0);
        rig.store.markFin(first.key(), true);
        syn(40000, 7777);
        ConnectionEntry second = rig.store.get(first.key());
        assertEquals(org.fwlb.model.TcpState.ESTABLISHED, second.state());
        assertTrue(second.createdMillis() >= first.createdMillis());
        assertEquals(4, rig.flows.applied.size(), "its rules were installed again");
    }

    @Test
    void aLateRetransmissionOfTheFirstSynAfterTheFinFollowsThePin() {
        // a SYN retransmission held in a punt queue may come after its connection's FIN: same ISN, no new pin
        syn(40000, 4242);
        ConnectionEntry first = rig.store.connections(x -> true).get(0);
        rig.store.markFin(first.key(), true);
        syn(40000, 4242);
        assertEquals(org.fwlb.model.TcpState.FIN_FROM_CLIENT, rig.store.get(first.key()).state());
        assertEquals(2, rig.flows.applied.size(), "no new rules");
    }

    @Test
    void failedInstallationDropsTheConnection() {
        rig.flows.fail = true;
        syn(40000);
        assertEquals(0, rig.store.size());
        assertEquals(0, rig.packets.emitted.size());
        assertEquals(1, rig.counters.get(SandwichCounters.INSTALL_FAILED));
    }

    @Test
    void retransmittedSynFollowsThePinnedPathWithoutNewRules() {
        syn(40000);
        syn(40000);
        assertEquals(1, rig.store.size());
        assertEquals(2, rig.flows.applied.size());
        assertEquals(2, rig.packets.emitted.size());
        assertEquals(ethDst(rig.packets.emitted.get(0)), ethDst(rig.packets.emitted.get(1)));
        assertEquals(1, rig.counters.get(SandwichCounters.SYN_RETRANSMITS));
    }

    @Test
    void drainingAndDownFirewallsGetNoNewConnections() {
        rig.members.setAdminState("fw1", AdminState.DRAINING);
        rig.members.reportHealth(FirewallProber.probeId(t.firewall("fw2"), false), HealthState.DOWN);
        for (int i = 0; i < 9; i++) {
            syn(40000 + i);
        }
        assertEquals(9, rig.store.connectionCount("fw3"));
    }

    @Test
    void noEligibleFirewallDropsTheSynClearly() {
        for (String fw : new String[]{"fw1", "fw2", "fw3"}) {
            rig.members.setAdminState(fw, AdminState.DOWN);
        }
        syn(40000);
        assertEquals(0, rig.store.size());
        assertEquals(0, rig.packets.emitted.size());
        assertEquals(1, rig.counters.get(SandwichCounters.NO_FIREWALL));
    }

    @Test
    void fullTableRefusesNewConnections() {
        rig.store.setMaxConnections(2);
        syn(40000);
        syn(40001);
        syn(40002);
        assertEquals(2, rig.store.size());
        assertEquals(1, rig.counters.get(SandwichCounters.TABLE_FULL));
    }

    @Test
    void fig6VipConnectionsAreSpreadOverTheServers() {
        FwlbTopology t6 = ExampleConfigs.topology(6);
        SandwichRig r6 = new SandwichRig(t6);
        DeviceId e6 = t6.external().get().deviceId();
        for (int i = 0; i < 12; i++) {
            byte[] f = SandwichRig.segment(CLIENT, t6.external().get().gatewayMac(), "10.0.1.11", 40000 + i,
                                           "10.0.2.100", 80, 0x02);
            r6.placer.placeSyn(t6, e6, Role.EXTERNAL, SandwichRig.parse(f), f);
        }
        assertEquals(12, r6.store.size());
        Map<String, Integer> perServer = new HashMap<>();
        for (ConnectionEntry e : r6.store.connections(x -> true)) {
            assertNotNull(e.path().firewallId().orElse(null));
            perServer.merge(e.path().serverId().get(), 1, Integer::sum);
        }
        assertEquals(3, perServer.size());
        assertEquals(36, r6.flows.applied.size(), "three rules per FIG 6 connection");
    }

    @Test
    void synOfNoPinnedClassIsIgnored() {
        FwlbTopology t6 = ExampleConfigs.topology(6);
        assertNull(t6.trafficClassFor(17, 53));
    }
}
