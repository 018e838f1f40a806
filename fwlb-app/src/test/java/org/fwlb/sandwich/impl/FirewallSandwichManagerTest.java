package org.fwlb.sandwich.impl;

import org.fwlb.api.FirewallStatus;
import org.fwlb.config.ExampleConfigs;
import org.fwlb.engine.EngineCounters;
import org.fwlb.engine.Owner;
import org.fwlb.engine.Priorities;
import org.fwlb.engine.impl.EngineHarness;
import org.fwlb.model.AdminState;
import org.fwlb.model.ConnectionEntry;
import org.fwlb.model.ConnectionPath;
import org.fwlb.model.Eligibility;
import org.fwlb.model.FlowKey;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.HealthState;
import org.fwlb.model.Ip4;
import org.fwlb.testing.TcpFrames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.onlab.packet.ChassisId;
import org.onlab.packet.IpAddress;
import org.onlab.packet.MacAddress;
import org.onosproject.cfg.ComponentConfigAdapter;
import org.onosproject.core.ApplicationId;
import org.onosproject.net.DefaultDevice;
import org.onosproject.net.DefaultPort;
import org.onosproject.net.Device;
import org.onosproject.net.DeviceId;
import org.onosproject.net.device.DeviceEvent;
import org.onosproject.net.provider.ProviderId;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sandwich application as ONOS activates it, on adapters, attached to the real connection engine.
 */
class FirewallSandwichManagerTest {

    private static final DeviceId F01 = DeviceId.deviceId("of:0000000000000f01");
    private static final DeviceId F02 = DeviceId.deviceId("of:0000000000000f02");
    private static final MacAddress CLIENT = MacAddress.valueOf("02:00:00:00:01:0b");

    private final FwlbTopology t = ExampleConfigs.topology(1);
    private EngineHarness h;
    private FirewallSandwichManager m;

    @BeforeEach
    void activate() {
        h = new EngineHarness(t).start();
        m = new FirewallSandwichManager();
        m.coreService = h.core;
        m.cfgService = new ComponentConfigAdapter();
        m.deviceService = h.devices;
        m.packetService = h.packets;
        m.topologyService = h.topology;
        m.memberStateService = h.states;
        m.engine = h.engine;
        // no probe rounds in the background: the tests report health themselves
        m.activate(EngineHarness.context(Map.of("probeEnabled", "false")));
        h.drain();
    }

    @AfterEach
    void deactivate() {
        m.deactivate();
        h.engine.stop();
    }

    private ConnectionEntry place(int sp, int dp) {
        h.packets.deliver(F01, 9, TcpFrames.tcp().from(CLIENT, "10.0.1.11", sp)
                .to(t.external().get().gatewayMac(), "10.0.2.21", dp).bytes());
        return h.store.connections(e -> e.flow().srcPort() == sp).get(0);
    }

    private FirewallStatus status(String id) {
        return m.firewalls().stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void activationAttachesTheSandwichToTheEngineUnderItsOwnApplicationId() {
        ApplicationId app = h.core.getAppId("org.fwlb.sandwich");
        assertNotNull(app);
        assertFalse(h.rulesOf(F01, app).isEmpty(), "base rules under the sandwich's id");
        assertFalse(h.rulesOf(F02, app).isEmpty());
        assertEquals(2, h.packets.processors().size(), "its ARP processor and the engine's");
        ConnectionEntry e = place(40000, 80);
        assertEquals(Owner.SANDWICH.appName(), e.appName());
        assertTrue(h.flows.applied.stream().filter(r -> Priorities.isPinned(r.priority()))
                           .allMatch(r -> r.appId() == app.id()));
        assertEquals(1, h.packets.emitted.size());
    }

    @Test
    void firewallsShowAdminStateHealthEligibilityAndLiveConnections() {
        for (int i = 0; i < 3; i++) {
            place(40000 + i, 8080);
        }
        m.setFirewallState("fw2", AdminState.DRAINING);
        h.states.reportHealth(FirewallProber.probeId(t.firewall("fw3"), true), HealthState.DOWN);
        h.drain();
        List<FirewallStatus> all = m.firewalls();
        assertEquals(List.of("fw1", "fw2", "fw3"), all.stream().map(FirewallStatus::id).collect(Collectors.toList()));
        assertEquals(AdminState.UP, status("fw1").adminState());
        assertEquals(Eligibility.ELIGIBLE, status("fw1").eligibility());
        assertEquals(1, status("fw1").connections());
        assertEquals(AdminState.DRAINING, status("fw2").adminState());
        assertEquals(Eligibility.DRAINING, status("fw2").eligibility());
        assertEquals(1, status("fw2").connections(), "draining keeps its connections");
        assertEquals(HealthState.DOWN, status("fw3").health());
        assertEquals(Eligibility.HEALTH_DOWN, status("fw3").eligibility());
        assertEquals(0, status("fw3").connections(), "a firewall that is down loses its connections");
        assertEquals(1, status("fw1").weight());
    }

    @Test
    void unknownFirewallIsRefusedNamingTheKnownOnesAndChangesNothing() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                                                  () -> m.setFirewallState("fw9", AdminState.DOWN));
        assertTrue(e.getMessage().contains("fw9") && e.getMessage().contains("fw1, fw2, fw3"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> m.setFirewallState(null, AdminState.DOWN));
        assertThrows(IllegalArgumentException.class, () -> m.setFirewallState("fw1", null));
        assertTrue(h.states.statuses().isEmpty(), "nothing changed: " + h.states.statuses());
    }

    @Test
    void settingAFirewallDownEndsItsConnections() {
        for (int i = 0; i < 6; i++) {
            place(40000 + i, 8080);
        }
        m.setFirewallState("fw1", AdminState.DOWN);
        h.drain();
        assertEquals(4, h.store.size());
        assertTrue(m.connections(e -> e.path().involves("fw1")).isEmpty());
    }

    @Test
    void connectionsAreThoseThroughAFirewallFilteredAsAsked() {
        place(40000, 80);
        place(40001, 80);
        FlowKey viaStages = FlowKey.of(6, Ip4.toInt(IpAddress.valueOf("10.0.9.9").getIp4Address()), 1,
                                       Ip4.toInt(IpAddress.valueOf("10.0.2.100").getIp4Address()), 80);
        h.store.pin(ConnectionEntry.pinned(viaStages, ConnectionPath.empty().withNextDispatcher("d1")
                .withServer("srv1"), 1, Owner.DISPATCH.appName()));
        assertEquals(3, h.store.size());
        assertEquals(2, m.connections(null).size(), "only connections through the sandwich");
        String fw = m.connections(null).get(0).path().firewallId().get();
        assertEquals(1, m.connections(e -> e.path().involves(fw)).size());
        assertEquals(2L, m.counters().get("connectionsPinned"));
    }

    @Test
    void countersAreTheEnginesSandwichCounters() {
        place(40000, 80);
        Map<String, Long> c = m.counters();
        assertEquals(1L, c.get(EngineCounters.SYN_PUNTS));
        assertEquals(1L, c.get(EngineCounters.PLACED));
        assertEquals(1L, c.get("connectionsPinned"));
        assertEquals(h.engine.counters(Owner.SANDWICH).snapshot().get(EngineCounters.PLACED),
                     c.get(EngineCounters.PLACED));
        // per firewall: the structured placements, not flat keys among the counters
        String fw = m.connections(null).get(0).path().firewallId().get();
        assertEquals(Map.of(fw, 1L), m.placements());
        assertTrue(c.keySet().stream().noneMatch(k -> k.contains(":")), c.toString());
    }

    @Test
    void policiesDescribeEachTrafficClass() {
        Map<String, String> p = m.policies();
        assertEquals(List.of("web", "dns", "default"), List.copyOf(p.keySet()));
        assertEquals("protocol=tcp ports=[80, 443] mode=pinned policy=least-connections unknownNonSyn=drop-rst",
                     p.get("web"));
        assertEquals("protocol=tcp ports=any mode=pinned policy=round-robin unknownNonSyn=drop", p.get("default"));
    }

    @Test
    void aFirewallPortGoingDownTakesItOutAtOnce() {
        for (int i = 0; i < 3; i++) {
            place(40000 + i, 8080);
        }
        Device f02 = new DefaultDevice(new ProviderId("of", "test"), F02, Device.Type.SWITCH, "t", "1", "1", "1",
                                       new ChassisId());
        h.devices.post(new DeviceEvent(DeviceEvent.Type.PORT_UPDATED, f02,
                                       new DefaultPort(f02, t.firewall("fw2").inside().port(), false)));
        h.drain();
        assertEquals(HealthState.DOWN, status("fw2").health());
        assertTrue(m.connections(e -> e.path().involves("fw2")).isEmpty());
        assertEquals(2, h.store.size());
    }

    @Test
    void deactivatingTheApplicationWithdrawsItsConnectionsAndRulesStoppingOneInstanceDoesNot() {
        place(40000, 80);
        ApplicationId app = h.core.getAppId("org.fwlb.sandwich");
        m.deactivate();
        h.drain();
        assertEquals(1, h.store.size(), "an instance stopping: its pins stay for the others");
        assertFalse(h.rulesOf(F01, app).isEmpty());
        assertEquals(1, h.packets.processors().size(), "its ARP processor is gone");

        m.activate(EngineHarness.context(Map.of("probeEnabled", "false")));
        h.drain();
        h.core.runHooks();                 // ONOS deactivates the application: its pre-deactivation hook
        assertEquals(0, h.store.size());
        assertEquals(List.of(), h.rulesOf(F01, app));
        assertEquals(List.of(), h.rulesOf(F02, app));
    }
}
