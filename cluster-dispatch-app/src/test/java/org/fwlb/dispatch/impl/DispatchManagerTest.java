package org.fwlb.dispatch.impl;

import org.fwlb.api.DispatchMemberStatus;
import org.fwlb.api.DispatchService;
import org.fwlb.api.L7Report;
import org.fwlb.api.L7Status;
import org.fwlb.engine.EngineCounters;
import org.fwlb.engine.Owner;
import org.fwlb.model.AdminState;
import org.fwlb.model.ConnectionEntry;
import org.fwlb.model.ConnectionPath;
import org.fwlb.model.Eligibility;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.HealthState;
import org.fwlb.model.TcpState;
import org.fwlb.testing.DispatchFixtures;
import org.fwlb.testing.Presets;
import org.fwlb.testing.TcpFrames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.onosproject.core.ApplicationId;
import org.onosproject.net.DeviceId;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.fwlb.dispatch.impl.StagePlacementTest.C1;
import static org.fwlb.dispatch.impl.StagePlacementTest.D01;
import static org.fwlb.dispatch.impl.StagePlacementTest.mac;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dispatch application as ONOS activates it, on adapters, attached to the real connection engine.
 */
class DispatchManagerTest {

    private DispatchHarness h;

    private DispatchHarness start(FwlbTopology t) {
        h = new DispatchHarness(t);
        return h;
    }

    @AfterEach
    void stop() {
        if (h != null) {
            h.stop();
        }
    }

    private static List<String> ids(List<DispatchMemberStatus> s) {
        return s.stream().map(DispatchMemberStatus::id).collect(Collectors.toList());
    }

    @Test
    void activationAttachesTheDispatchApplicationAndItsArpProcessorComesFirst() {
        start(Presets.topology("fig2"));
        ApplicationId app = h.engine.core.getAppId("org.fwlb.clusterdispatch");
        assertFalse(h.engine.rulesOf(D01, app).isEmpty(), "base rules under the application's id");
        assertEquals(2, h.engine.packets.processors().size());
        assertTrue(h.engine.packets.processors().get(0) instanceof DispatchPackets,
                   "ARP for a VIP is answered before the others see it");
        h.engine.packets.deliver(D01, 1, TcpFrames.segment(C1, mac(h.engine.topology.topology(), "d1"), "10.0.1.11",
                40000, "10.0.1.100", 80, TcpFrames.SYN));
        assertEquals(1, h.manager.connections(null).size());
        assertEquals(1L, h.manager.counters().get(EngineCounters.PLACED));
        assertEquals(1L, h.manager.counters().get("connectionsThroughStages"));
    }

    @Test
    void membersShowTheirPlaceInTheTreeStateAndConnections() {
        FwlbTopology t = DispatchFixtures.topology();
        start(t);
        assertEquals(List.of("d1", "d2a", "d2b", "d3"), ids(h.manager.dispatchers()));
        assertEquals(List.of("srv1", "srv2", "srv3", "srv4"), ids(h.manager.servers()));
        h.engine.store.pin(DispatchFixtures.connection(1, 40001, 80, TcpState.ESTABLISHED, null, null, "srv2",
                                                       "d1", "d2b"));
        h.engine.states.reportHealth("srv3", HealthState.DOWN);
        h.manager.setWeight("srv2", 7);
        DispatchMemberStatus d2b = h.manager.member("d2b").get();
        assertEquals(DispatchMemberStatus.Role.DISPATCHER, d2b.role());
        assertEquals("L4/3", d2b.kind());
        assertEquals(2, d2b.stage());
        assertEquals("of:0000000000000d03", d2b.device());
        assertEquals(1, d2b.connections());
        assertEquals(List.of("d1"), d2b.parents());
        DispatchMemberStatus srv2 = h.manager.member("srv2").get();
        assertEquals(DispatchMemberStatus.Role.SERVER, srv2.role());
        assertEquals(7, srv2.weight());
        assertEquals(3, srv2.stage(), "below its deepest parent");
        assertEquals(List.of("d2a", "d2b"), srv2.parents());
        assertEquals(Eligibility.HEALTH_DOWN, h.manager.member("srv3").get().eligibility());
        assertEquals(AdminState.DRAINING, h.manager.member("srv4").get().adminState(), "configured draining");
        assertTrue(h.manager.member("fw1").isEmpty());
        assertTrue(h.manager.member(null).isEmpty());
    }

    @Test
    void unknownMembersAreRefusedNamingTheKnownOnesAndNothingChanges() {
        start(DispatchFixtures.topology());
        String known = "d1, d2a, d2b, d3, srv1, srv2, srv3, srv4";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                                                  () -> h.manager.setAdminState("srv9", AdminState.DOWN));
        assertTrue(e.getMessage().contains("srv9") && e.getMessage().contains(known), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> h.manager.setWeight("dx", 2));
        assertTrue(e.getMessage().contains(known), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> h.manager.clearOverrides(null));
        assertTrue(e.getMessage().contains(known), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> h.manager.setAdminState("srv1", null));
        e = assertThrows(IllegalArgumentException.class,
                         () -> h.manager.setWeight("srv1", DispatchService.MAX_WEIGHT + 1));
        assertTrue(e.getMessage().contains("0.." + DispatchService.MAX_WEIGHT), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> h.manager.setWeight("srv1", -1));
        assertTrue(h.engine.states.statuses().isEmpty(), "nothing changed: " + h.engine.states.statuses());
    }

    @Test
    void overridesChangeTheMembersAndDownEndsTheirConnections() {
        start(Presets.topology("fig2"));
        for (int i = 0; i < 4; i++) {
            h.engine.packets.deliver(D01, 1, TcpFrames.segment(C1, mac(h.engine.topology.topology(), "d1"),
                    "10.0.1.11", 40000 + i, "10.0.1.100", 80, TcpFrames.SYN));
        }
        assertEquals(4, h.manager.connections(null).size());
        assertEquals(2, h.manager.connections(e -> e.path().involves("d2a")).size());
        h.manager.setAdminState("d2a", AdminState.DOWN);
        h.engine.drain();
        assertEquals(2, h.manager.connections(null).size());
        assertTrue(h.manager.connections(e -> e.path().involves("d2a")).isEmpty());
        assertEquals(Eligibility.ADMIN_DOWN, h.manager.member("d2a").get().eligibility());
        h.manager.clearOverrides("d2a");
        assertEquals(AdminState.UP, h.manager.member("d2a").get().adminState());
        assertEquals(2, h.manager.member("d2a").get().placed(), "placements counted on this instance");
    }

    @Test
    void connectionsAreThoseThroughAStage() {
        start(DispatchFixtures.topology());
        h.engine.store.pin(DispatchFixtures.connection(1, 40001, 80, TcpState.ESTABLISHED, null, null, "srv1",
                                                       "d1", "d2a"));
        h.engine.store.pin(ConnectionEntry.pinned(DispatchFixtures.connection(2, 40002, 80, TcpState.ESTABLISHED,
                null, null, "srv1", "d1").flow(), ConnectionPath.viaFirewall("fw1"), 1, Owner.SANDWICH.appName()));
        assertEquals(1, h.manager.connections(null).size(), "only connections through a stage");
        assertEquals(0, h.manager.connections(e -> e.path().involves("d2b")).size());
        assertEquals(1L, h.manager.counters().get("connectionsThroughStages"));
    }

    @Test
    void l7ReportsAreTakenOnlyFromL7Dispatchers() {
        start(Presets.topology("fig8"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> h.manager.l7Report("d2c", new L7Report(Map.of(), 0, 0, 0, 0, 9000)));
        assertTrue(e.getMessage().contains("d7a, d7b"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> h.manager.l7Report("d7a", null));
        h.manager.l7Report("d7a", new L7Report(Map.of(), 0, 0, 0, 0, 9000));
        List<L7Status> l7 = h.manager.l7Dispatchers();
        assertEquals(List.of("d7a", "d7b"), l7.stream().map(L7Status::id).collect(Collectors.toList()));
        assertTrue(l7.get(0).ageMillis() >= 0, "d7a reported");
        assertEquals(-1, l7.get(1).ageMillis(), "d7b never did");
    }

    @Test
    void deactivatingTheApplicationWithdrawsItsConnectionsAndRulesStoppingAnInstanceDoesNot() {
        start(Presets.topology("fig2"));
        h.engine.packets.deliver(D01, 1, TcpFrames.segment(C1, mac(h.engine.topology.topology(), "d1"), "10.0.1.11",
                40000, "10.0.1.100", 80, TcpFrames.SYN));
        ApplicationId app = h.engine.core.getAppId("org.fwlb.clusterdispatch");
        h.manager.deactivate();
        h.engine.drain();
        assertEquals(1, h.engine.store.size());
        assertFalse(h.engine.rulesOf(D01, app).isEmpty());
        h.manager.activate(org.fwlb.engine.impl.EngineHarness.context(
                Map.of(OsgiPropertyConstants.SERVER_PROBE_ENABLED, "false")));
        h.engine.drain();
        h.engine.core.runHooks();
        assertEquals(0, h.engine.store.size());
        for (DeviceId d : List.of(D01, StagePlacementTest.D21, StagePlacementTest.D22)) {
            assertEquals(List.of(), h.engine.rulesOf(d, app), "rules left on " + d);
        }
    }
}
