package org.fwlb.engine.impl;

import org.fwlb.config.ExampleConfigs;
import org.fwlb.connection.ConnectionEvent;
import org.fwlb.engine.EngineCounters;
import org.fwlb.engine.HashBuckets;
import org.fwlb.engine.Owner;
import org.fwlb.engine.PathRules;
import org.fwlb.engine.Priorities;
import org.fwlb.model.AdminState;
import org.fwlb.model.ConnectionEntry;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.TcpState;
import org.fwlb.testing.RecordingFlowRules;
import org.fwlb.testing.TcpFrames;
import org.fwlb.testing.Treats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.onlab.packet.MacAddress;
import org.onosproject.core.ApplicationId;
import org.onosproject.net.DeviceId;
import org.onosproject.net.PortNumber;
import org.onosproject.net.flow.FlowEntry;
import org.onosproject.net.flow.FlowRule;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine as a component on ONOS adapters: events in (flow rules, members, topology, devices), rules and
 * connections out.
 */
class ConnectionEngineManagerTest {

    private static final DeviceId F01 = DeviceId.deviceId("of:0000000000000f01");
    private static final DeviceId F02 = DeviceId.deviceId("of:0000000000000f02");
    private static final MacAddress CLIENT = MacAddress.valueOf("02:00:00:00:01:0b");

    private EngineHarness h;

    private EngineHarness started(FwlbTopology t, Map<String, Object> props, Owner... owners) {
        h = new EngineHarness(t).start(props);
        for (Owner o : owners) {
            h.engine.attach(o, h.core.registerApplication(o.appName()));
        }
        h.drain();
        return h;
    }

    @AfterEach
    void stop() {
        if (h != null) {
            h.engine.stop();
        }
    }

    private ConnectionEntry place(int sp, String dst, int dp) {
        FwlbTopology t = h.topology.topology();
        h.packets.deliver(F01, 9, TcpFrames.tcp().from(CLIENT, "10.0.1.11", sp).to(t.external().get().gatewayMac(),
                dst, dp).bytes());
        List<ConnectionEntry> e = h.store.connections(x -> x.flow().srcPort() == sp);
        assertEquals(1, e.size(), "placed: " + h.engine.counters(Owner.SANDWICH).snapshot());
        return e.get(0);
    }

    private List<FlowRule> pinnedOf(ConnectionEntry e) {
        return h.flows.applied.stream().filter(r -> Priorities.isPinned(r.priority())
                && PathRules.connectionKeyOf(r).map(e.key()::equals).orElse(false)).collect(Collectors.toList());
    }

    @Test
    void attachingAnOwnerInstallsItsBaseRulesWithMeteredPuntsAndItsPointsStartDeciding() {
        FwlbTopology t = ExampleConfigs.topology(1);
        started(t, Map.of());
        assertTrue(h.flows.table().isEmpty(), "nothing before an application attaches");
        assertEquals(1, h.packets.processors().size());
        h.packets.deliver(F01, 9, TcpFrames.tcp().from(CLIENT, "10.0.1.11", 40000)
                .to(t.external().get().gatewayMac(), "10.0.2.21", 80).bytes());
        assertEquals(0, h.store.size(), "no owner attached: no decision");

        ApplicationId sandwich = h.core.registerApplication(Owner.SANDWICH.appName());
        h.engine.attach(Owner.SANDWICH, sandwich);
        h.drain();
        for (DeviceId d : List.of(F01, F02)) {
            List<FlowEntry> rules = h.rulesOf(d, sandwich);
            assertEquals(8, rules.size(), d + ": " + rules);
            for (FlowEntry r : rules) {
                if (PortNumber.CONTROLLER.equals(Treats.output(r.treatment()))) {
                    assertEquals(1, r.treatment().meters().size(), "every punt metered: " + r);
                }
            }
            assertEquals(2, h.meters.getMeters(d).size(), "a TCP and an ARP meter");
        }
        ConnectionEntry e = place(40000, "10.0.2.21", 80);
        assertEquals(2, pinnedOf(e).size());
        assertEquals(1, h.engine.counters(Owner.SANDWICH).get(EngineCounters.PLACED));
        assertEquals(Map.of(F01.toString(), "waiting", F02.toString(), "waiting"), h.engine.readiness().entrySet()
                .stream().collect(Collectors.toMap(x -> x.getKey(), x -> x.getValue().contains("not confirmed")
                        ? "waiting" : x.getValue())), "ONOS confirms rules at its first poll");
    }

    @Test
    void publishesLatenciesTableSizePlacementsAndHealthTransitionsThroughOnosMetricsService() {
        FwlbTopology t = ExampleConfigs.topology(1);
        started(t, Map.of(), Owner.SANDWICH);
        ConnectionEntry a = place(40000, "10.0.2.21", 80);
        place(40001, "10.0.2.21", 80);
        h.engine.publishMetrics();
        java.util.Map<String, com.codahale.metrics.Metric> m = h.metrics.getMetrics();
        assertEquals(2, ((com.codahale.metrics.Timer) m.get("fwlb.engine.decisionLatency")).getCount());
        assertEquals(2, ((com.codahale.metrics.Timer) m.get("fwlb.engine.installLatency")).getCount());
        assertEquals(2, ((com.codahale.metrics.Gauge<?>) m.get("fwlb.engine.connectionTable")).getValue());
        assertEquals(2L, ((com.codahale.metrics.Gauge<?>) m.get("fwlb.sandwich.synPunts")).getValue());
        String fw = a.path().firewallId().get();
        assertEquals(h.engine.counters(Owner.SANDWICH).placedOn(fw),
                     ((com.codahale.metrics.Gauge<?>) m.get("fwlb.sandwich.placements." + fw)).getValue());
        assertTrue(h.engine.timers().decision().getSnapshot().getMax() > 0, "a decision takes some nanoseconds");

        h.states.setAdminState("fw1", AdminState.DOWN);
        h.drain();
        assertEquals(1, h.engine.healthTransitions().get("fw1"));
        assertEquals(1, ((com.codahale.metrics.Counter) h.metrics.getMetrics().get("fwlb.health.fw1.transitions"))
                .getCount());

        h.engine.stop();
        org.onlab.metrics.MetricsManager metrics = h.metrics;
        h = null;
        assertTrue(metrics.getMetrics().keySet().stream().noneMatch(n -> n.startsWith("fwlb.")),
                   "deactivation removes the metrics: " + metrics.getMetrics().keySet());
    }

    @Test
    void connectionListenersHearTheTablesEvents() {
        FwlbTopology t = ExampleConfigs.topology(1);
        started(t, Map.of(), Owner.SANDWICH);
        List<ConnectionEvent.Type> heard = new CopyOnWriteArrayList<>();
        h.engine.addListener(e -> heard.add(e.type()));
        ConnectionEntry e = place(40000, "10.0.2.21", 80);
        h.store.remove(e.key());
        assertTrue(heard.contains(ConnectionEvent.Type.PINNED), "heard " + heard);
        assertTrue(heard.contains(ConnectionEvent.Type.REMOVED), "heard " + heard);
    }

    @Test
    void ruleRemovedAsOnosReportsItEndsTheConnectionAndRuleUpdatedEstablishesIt() {
        FwlbTopology t = ExampleConfigs.topology(1);
        started(t, Map.of(), Owner.SANDWICH);
        ConnectionEntry a = place(40000, "10.0.2.21", 80);
        ConnectionEntry b = place(40001, "10.0.2.21", 80);
        assertEquals(TcpState.OPENING, h.store.get(a.key()).state());
        h.flows.post(RecordingFlowRules.updatedEvent(pinnedOf(a).get(0), 3));
        assertEquals(TcpState.ESTABLISHED, h.store.get(a.key()).state(), "the poll's event, on the caller's thread");

        h.flows.post(RecordingFlowRules.removedEvent(pinnedOf(a).get(1), 3));
        h.drain();
        assertNull(h.store.get(a.key()));
        assertTrue(h.flows.removed.containsAll(pinnedOf(a)));
        assertNotNull(h.store.get(b.key()));
        // the removals the engine asked for come back: no effect
        for (FlowRule r : new ArrayList<>(h.flows.removed)) {
            h.flows.post(RecordingFlowRules.removedEvent(r, 3));
        }
        h.drain();
        assertNotNull(h.store.get(b.key()));
        assertEquals(1, h.engine.counters(Owner.SANDWICH).get(EngineCounters.REMOVED));
    }

    @Test
    void aFirewallGoingDownOrLeavingTheConfigurationEndsItsConnections() {
        FwlbTopology t = ExampleConfigs.topology(1);
        started(t, Map.of(), Owner.SANDWICH);
        for (int i = 0; i < 6; i++) {
            place(40000 + i, "10.0.2.21", 8080);
        }
        h.states.setAdminState("fw1", AdminState.DOWN);
        h.drain();
        assertEquals(4, h.store.size());
        assertTrue(h.store.connections(e -> e.path().involves("fw1")).isEmpty());

        // (the last one: removing another would renumber the default path tags of those after it)
        FwlbTopology without3 = ExampleConfigs.topology(1, f -> ((com.fasterxml.jackson.databind.node.ArrayNode)
                f.path("sandwich").path("firewalls")).remove(2));
        h.topology.set(without3);
        h.drain();
        assertEquals(2, h.store.size());
        assertTrue(h.store.connections(e -> !e.path().involves("fw2")).isEmpty());
        // the static-hash buckets follow: no bucket for a firewall that is down or gone
        for (int b = 0; b < h.engine.firewallBuckets().buckets(); b++) {
            assertEquals("fw2", h.engine.firewallBuckets().owner(b), "fw1 is down, fw3 gone: bucket " + b);
        }
    }

    @Test
    void switchingAClassToStaticHashEndsThePinnedConnectionsTheBucketsSendThroughAnotherFirewall() {
        started(ExampleConfigs.topology(1), Map.of(), Owner.SANDWICH);
        List<ConnectionEntry> web = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            web.add(place(40000 + 2 * i, "10.0.2.21", 80));
        }
        ConnectionEntry other = place(41000, "10.0.2.21", 8080);
        h.topology.set(ExampleConfigs.topology(1, f -> ((com.fasterxml.jackson.databind.node.ObjectNode) f
                .path("sandwich").path("trafficClasses").get(0)).put("mode", "static-hash")
                .put("policy", "static-hash").put("unknownNonSyn", "forward")));
        h.drain();
        HashBuckets buckets = h.engine.firewallBuckets();
        int moved = 0;
        for (ConnectionEntry e : web) {
            String fw = e.path().firewallId().get();
            if (fw.equals(buckets.ownerOf(e.flow().srcPort()))) {
                assertNotNull(h.store.get(e.key()), "the buckets keep it on " + fw + ": it lives on");
                assertTrue(Collections.disjoint(pinnedOf(e), h.flows.removed), e.toString());
            } else {
                moved++;
                assertNull(h.store.get(e.key()), "hashed away from " + fw + ": ended");
                assertTrue(h.flows.removed.containsAll(pinnedOf(e)), "every pin of " + e + " removed");
            }
        }
        assertTrue(moved > 0 && moved < web.size(), "round robin vs buckets: some move, some stay (" + moved + ")");
        assertNotNull(h.store.get(other.key()), "a class still pinned keeps its connections");
    }

    @Test
    void detachingWithWithdrawEndsTheOwnersConnectionsAndRemovesItsRulesWithoutItKeepsThem() {
        FwlbTopology t = ExampleConfigs.topology(1);
        started(t, Map.of(), Owner.SANDWICH);
        ApplicationId app = h.core.getAppId(Owner.SANDWICH.appName());
        place(40000, "10.0.2.21", 80);
        h.engine.detach(Owner.SANDWICH, false);
        assertEquals(1, h.store.size(), "one instance stopping: the others (or itself, restarted) keep them");
        assertFalse(h.rulesOf(F01, app).isEmpty());

        h.engine.attach(Owner.SANDWICH, app);
        h.drain();
        h.engine.detach(Owner.SANDWICH, true);
        assertEquals(0, h.store.size());
        assertEquals(List.of(), h.rulesOf(F01, app));
        assertEquals(List.of(), h.rulesOf(F02, app));
    }

    @Test
    void perStageDecisionsPropertyIsHonoured() {
        FwlbTopology t = ExampleConfigs.topology(6);
        started(t, Map.of(OsgiPropertyConstants.PER_STAGE_DECISIONS, "true"), Owner.SANDWICH);
        ConnectionEntry e = place(40000, "10.0.2.100", 80);
        assertFalse(e.path().serverId().isPresent(), "the L4/3 stage decides on its own SYN: " + e);
        h.engine.change(EngineHarness.context(Map.of(OsgiPropertyConstants.PER_STAGE_DECISIONS, "false")));
        h.drain();
        assertTrue(place(40001, "10.0.2.100", 80).path().serverId().isPresent());
        Set<String> bad = Set.of("maybe");
        h.engine.change(EngineHarness.context(Map.of(OsgiPropertyConstants.PER_STAGE_DECISIONS, bad.iterator().next(),
                                                     OsgiPropertyConstants.HASH_BUCKETS, "48")));
        h.drain();
        assertTrue(place(40002, "10.0.2.100", 80).path().serverId().isPresent(), "a bad value is ignored");
        assertEquals(64, h.engine.firewallBuckets().buckets(), "48 is no power of two");
    }

    @Test
    void aPuntRateAtTheOverloadThresholdPutsHashRulesUnderThePinsAndNewSettingsTakeThemAway() throws Exception {
        FwlbTopology t = ExampleConfigs.topology(1);
        started(t, Map.of(OsgiPropertyConstants.OVERLOAD_PUNT_PPS, "100",
                          OsgiPropertyConstants.OVERLOAD_HOLD_SECONDS, "600"), Owner.SANDWICH);
        ApplicationId sandwich = h.core.getAppId(Owner.SANDWICH.appName());
        java.util.function.Supplier<List<FlowEntry>> overloadRules = () -> h.rulesOf(F01, sandwich).stream()
                .filter(r -> r.priority() >= Priorities.OVERLOAD && r.priority() <= Priorities.OVERLOAD_PUNT)
                .collect(Collectors.toList());
        assertTrue(overloadRules.get().isEmpty());
        ConnectionEntry live = place(40000, "10.0.2.21", 80);
        for (int i = 1; i <= 200; i++) {
            h.packets.deliver(F01, 9, TcpFrames.tcp().from(CLIENT, "10.0.1.11", 40000 + i)
                    .to(t.external().get().gatewayMac(), "10.0.2.21", 80).bytes());
        }
        // the detector samples every 250 ms on its own timer: wait for its verdict, bounded
        long deadline = System.currentTimeMillis() + 10_000;
        while (h.engine.overloadState() != org.fwlb.engine.OverloadDetector.State.OVERLOAD
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);     // polling the timer's outcome, not ordering two threads
        }
        assertEquals(org.fwlb.engine.OverloadDetector.State.OVERLOAD, h.engine.overloadState());
        h.drain();
        List<FlowEntry> hash = overloadRules.get();
        assertEquals(64 * 2 * 2 + 64 * 2 + 1, hash.size(), "web's and the catch-all's buckets, both ways");
        assertTrue(hash.stream().allMatch(r -> r.priority() < Priorities.PINNED));
        assertEquals(2, pinnedOf(live).size(), "the live pin stays above them");
        assertEquals(1, h.engine.counters(Owner.SANDWICH).get(EngineCounters.OVERLOADS));
        h.engine.change(EngineHarness.context(Map.of(OsgiPropertyConstants.OVERLOAD_PUNT_PPS, "0")));
        h.drain();
        assertEquals(org.fwlb.engine.OverloadDetector.State.NORMAL, h.engine.overloadState());
        assertTrue(overloadRules.get().isEmpty(), "new settings start from pinning: the hash rules are gone");
        assertEquals(2, pinnedOf(live).size());
    }
}
