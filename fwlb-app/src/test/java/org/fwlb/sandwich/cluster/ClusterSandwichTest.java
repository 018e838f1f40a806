package org.fwlb.sandwich.cluster;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.fwlb.api.MemberStatus;
import org.fwlb.config.ExampleConfigs;
import org.fwlb.config.FwlbConfigParser;
import org.fwlb.connection.impl.DistributedConnectionStore;
import org.fwlb.engine.EngineCounters;
import org.fwlb.engine.EnginePlan;
import org.fwlb.engine.Hop;
import org.fwlb.engine.Owner;
import org.fwlb.engine.PathRules;
import org.fwlb.engine.Priorities;
import org.fwlb.model.ConnectionEntry;
import org.fwlb.model.ConnectionKey;
import org.fwlb.model.Firewall;
import org.fwlb.model.FirewallDispatcher.Role;
import org.fwlb.model.FlowKey;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.HealthState;
import org.fwlb.model.Ip4;
import org.fwlb.model.TcpState;
import org.fwlb.packet.PacketParser;
import org.fwlb.packet.PacketSummary;
import org.fwlb.sandwich.cluster.SimNetwork.FlowMod;
import org.fwlb.sandwich.cluster.SimNetwork.Forwarding;
import org.fwlb.sandwich.cluster.SimNetwork.PacketOut;
import org.fwlb.testing.SharedTestStorageService;
import org.fwlb.testing.TcpFrames;
import org.fwlb.testing.Treats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.onlab.packet.IPv4;
import org.onlab.packet.Ip4Address;
import org.onlab.packet.MacAddress;
import org.onosproject.core.ApplicationId;
import org.onosproject.net.DeviceId;
import org.onosproject.net.PortNumber;
import org.onosproject.net.flow.FlowId;
import org.onosproject.net.flow.FlowRule;
import org.onosproject.net.flow.TrafficTreatment;
import org.onosproject.net.meter.Meter;
import org.onosproject.store.service.ConsistentMap;
import org.onosproject.store.service.Versioned;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The firewall sandwich in a simulated 3-instance ONOS cluster: three instances A, B, C, each with its own
 * topology manager, member-state manager, connection store, connection engine, sandwich and dispatch managers,
 * share one set of distributed maps and one network of two OpenFlow switches (FIG 1: external and internal
 * firewall dispatcher, three firewalls). A masters the external dispatcher, B the internal one, C is a standby.
 * Traffic is SYN frames injected at the switches; the switches' own tables decide what reaches which controller;
 * flow rule events reach the master of their device, as ONOS posts them.
 */
class ClusterSandwichTest {

    private static final int SYN = 0x02;
    private static final PortNumber CLIENT_PORT = PortNumber.portNumber(10);
    private static final MacAddress PUBLIC_CLIENT_MAC = MacAddress.valueOf("02:00:00:00:01:0a");
    private static final MacAddress PRIVATE_CLIENT_MAC = MacAddress.valueOf("02:00:00:00:02:0a");
    private static final String WEB_SERVER = "10.0.2.21";
    private static final String PUBLIC_SERVER = "10.0.1.50";
    private static final int PUBLIC_CONNECTIONS = 30;
    private static final int PRIVATE_CONNECTIONS = 6;
    private static final int PROBE_MS = 200;
    private static final String MEMBER_STATUS_MAP = "fwlb-member-status";
    /** The engine's own application: the punt meters are its. */
    private static final String ENGINE_APP = "org.fwlb.core";

    /** How instance A goes away. */
    enum Failure {
        /** The process dies: nothing is cleaned up, its threads stop. */
        CRASHES,
        /** ONOS is shut down on that node: its components deactivate, then it leaves the cluster. */
        IS_STOPPED
    }

    /** Firewall interfaces reported down after the cluster came up (must stay empty unless a test silences one). */
    private final List<String> downReports = new CopyOnWriteArrayList<>();
    private ObjectNode fwlb;
    private FwlbTopology t;
    private EnginePlan plan;
    private SimNetwork net;
    private final List<SimInstance> instances = new ArrayList<>();
    private SimInstance a;
    private SimInstance b;
    private SimInstance c;
    private DeviceId ext;
    private DeviceId in;
    private ApplicationId app;
    private PathRules rules;

    @BeforeEach
    void startCluster() {
        fwlb = ExampleConfigs.fwlb(1).deepCopy();
        // probes run during the tests and must keep every firewall up: 200 ms rounds; 5 missed rounds
        // (1 s) before a firewall is down, so a slow start of a cold JVM is not taken for a dead firewall
        ObjectNode probe = (ObjectNode) fwlb.path("sandwich").path("probe");
        probe.put("intervalMs", PROBE_MS);
        probe.put("downAfter", 5);
        probe.put("upAfter", 1);
        t = FwlbConfigParser.parse(fwlb).topologyOrThrow();
        plan = EnginePlan.of(t);
        net = new SimNetwork(t);
        ext = net.device(Role.EXTERNAL);
        in = net.device(Role.INTERNAL);
        a = instance("A");
        b = instance("B");
        c = instance("C");
        // the switches connect; the cluster elects their masters
        net.moveMastership(ext, a.id, true);
        net.moveMastership(in, b.id, true);
        settle();
        app = net.appId("org.fwlb.sandwich");
        rules = new PathRules();
        rules.setApp(Owner.SANDWICH, app);
        // every master probes its side and hears the firewalls answer before traffic starts; from here on
        // no firewall interface may be reported down
        awaitProbeRounds(2);
        settle();
        ConsistentMap<String, MemberStatus> states = net.storage.map(MEMBER_STATUS_MAP);
        assertNotNull(states, "member states are in a distributed map");
        states.addListener(e -> {
            if (e.newValue() != null && e.newValue().value().health() == HealthState.DOWN) {
                downReports.add(e.key());
            }
        });
    }

    private SimInstance instance(String name) {
        SimInstance i = new SimInstance(name, net, fwlb, Map.of("sweepIntervalMs", "100"), Map.of());
        i.start();
        instances.add(i);
        return i;
    }

    @AfterEach
    void stopCluster() {
        for (SimInstance i : instances) {
            if (i.state() == SimInstance.State.UP) {
                i.crash(); // stop the threads; what it would clean up no longer matters
            }
        }
    }

    // ---- scenarios ------------------------------------------------------------------------------

    @ParameterizedTest(name = "instance A {0}")
    @EnumSource(Failure.class)
    void survivorsTakeOverAFailedInstanceWithoutLosingOrRechoosingPins(Failure failure) {
        Set<FlowId> extBase = baseRuleIds(ext);
        Set<FlowId> inBase = baseRuleIds(in);
        assertFalse(extBase.isEmpty(), "A installed the external dispatcher's base rules");
        assertFalse(inBase.isEmpty(), "B installed the internal dispatcher's base rules");
        assertBaseRulesOnlyFrom(ext, a);
        assertBaseRulesOnlyFrom(in, b);

        Map<ConnectionKey, String> placed = placeInitialConnections();
        // least-connections on cluster-wide counts: A's 30 and B's 6 together are spread evenly
        assertEquals(Map.of("fw1", 12L, "fw2", 12L, "fw3", 12L), perFirewall(placed));
        assertEachPinInstalledOnceAndReleasedOnce(placed.keySet());
        Map<FlowId, Long> modsBefore = addsPerFlowId();
        int extBaseModsBefore = baseMods(ext).size();
        int inModsBefore = (int) net.flowMods.stream().filter(m -> m.device().equals(in)).count();

        // A goes away; the cluster moves its device to C
        if (failure == Failure.CRASHES) {
            a.crash();
        } else {
            a.stop();
        }
        net.moveMastership(ext, c.id, true);
        settle();

        // no pin lost or re-chosen: the cluster's table is what it was, and so are the switches' rules
        assertEquals(sorted(placed), sorted(pins()), "connection table after A " + failure.name().toLowerCase());
        for (ConnectionKey k : placed.keySet()) {
            for (FlowRule r : pinnedRules(k)) {
                assertNotNull(net.rule(r.deviceId(), r.id()), k + ": pinned rule gone from " + r.deviceId());
                assertEquals(1L, addsPerFlowId().get(r.id()), k + ": pinned rule installed again");
            }
        }
        // C re-asserted the external base rules (same rules, same ids); nothing was sent to the internal one
        assertEquals(extBase, baseRuleIds(ext), "external base rules after the take-over");
        assertEquals(inBase, baseRuleIds(in), "internal base rules after the take-over");
        List<FlowMod> takeover = baseMods(ext).subList(extBaseModsBefore, baseMods(ext).size());
        assertFalse(takeover.isEmpty(), "C installed the external base rules");
        assertTrue(takeover.stream().allMatch(m -> m.issuer.equals(c.id) && m.op == FlowMod.Op.ADD),
                   "take-over FLOW_MODs: " + takeover);
        assertEquals(extBase.size(), takeover.size(), "each external base rule re-asserted once");
        assertEquals(inModsBefore, net.flowMods.stream().filter(m -> m.device().equals(in)).count(),
                     "FLOW_MODs to the internal dispatcher, whose master did not change");
        modsBefore.forEach((id, n) -> {
            if (!extBase.contains(id)) {
                assertEquals(n, addsPerFlowId().get(id), "FLOW_MODs of " + id);
            }
        });

        // a retransmitted SYN of a pinned connection keeps its firewall: the switch forwards it by the pinned
        // rule (per-connection rules rank above the punt of unknown TCP); had it been punted to C, C would
        // follow the decision in the cluster's table; either way nothing is re-chosen or re-installed
        for (int i = 0; i < 3; i++) {
            ConnectionKey k = publicKey(i, 80);
            int mods = net.flowMods.size();
            Forwarding f = publicSyn(i, 80);
            settle();
            assertFalse(f.punted(), k + ": " + f);
            assertEquals(placed.get(k), firewallOf(Role.EXTERNAL, f.rule.treatment()), k + ": its firewall");
            assertEquals(mods, net.flowMods.size(), k + ": FLOW_MODs for a retransmitted SYN "
                    + net.flowMods.subList(mods, net.flowMods.size()));
            assertEquals(placed.get(k), pins().get(k), k + ": pin after its retransmitted SYN");
        }

        // new connections: punted to C now, placed by the policies of their classes
        Map<ConnectionKey, String> fresh = new HashMap<>();
        for (int i = 100; i < 112; i++) {
            assertEquals(c.id, publicSyn(i, 80).puntedTo, "SYN " + i + " goes to the new master");
            fresh.put(publicKey(i, 80), null);
        }
        for (int i = 200; i < 206; i++) {
            assertEquals(c.id, publicSyn(i, 8080).puntedTo, "SYN " + i + " goes to the new master");
            fresh.put(publicKey(i, 8080), null);
        }
        settle();
        Map<ConnectionKey, String> now = pins();
        fresh.replaceAll((k, v) -> now.get(k));
        assertFalse(fresh.containsValue(null), "every new SYN was placed: " + fresh);
        assertEachPinInstalledOnceAndReleasedOnce(fresh.keySet());
        // web (least-connections): 12 more on top of 12/12/12 -> 16/16/16
        Map<ConnectionKey, String> web = filter(now, k -> k.portA() == 80 || k.portB() == 80);
        assertEquals(Map.of("fw1", 16L, "fw2", 16L, "fw3", 16L), perFirewall(web), "web class after take-over");
        // default class (round robin) on C: 6 new ones, 2 per firewall
        Map<ConnectionKey, String> rr = filter(fresh, k -> k.portA() == 8080 || k.portB() == 8080);
        assertEquals(Map.of("fw1", 2L, "fw2", 2L, "fw3", 2L), perFirewall(rr), "default class placed by C");
        assertEquals(PUBLIC_CONNECTIONS + PRIVATE_CONNECTIONS + 18, now.size());

        // a connection A placed goes quiet: ONOS removes its origin rule on the external dispatcher (idle
        // timeout on the polled counters) and tells C, the master there; C ends the connection, and its reply
        // rule on the internal dispatcher (B's switch) goes too
        ConnectionKey k0 = publicKey(0, 80);
        List<FlowRule> k0Rules = pinnedRules(k0);
        assertTrue(net.expire(k0Rules.get(0)));
        settle();
        assertNull(connection(k0), "entry of the timed-out connection");
        for (FlowRule r : k0Rules) {
            assertNull(net.rule(r.deviceId(), r.id()), "rule of the ended connection on " + r.deviceId());
        }
        assertTrue(net.flowMods.stream().anyMatch(m -> m.op == FlowMod.Op.DELETE && m.issuer.equals(c.id)
                && m.device().equals(in)), "C removed the rule on B's switch (ONOS forwards it)");
        assertEquals(PUBLIC_CONNECTIONS + PRIVATE_CONNECTIONS + 17, pins().size());

        assertFirewallsHealthy();
        assertMastershipRespected();
    }

    @Test
    void aFirewallThatStopsAnsweringLosesItsConnectionsOnEveryInstanceAndGetsNoNewOnes() {
        Map<ConnectionKey, String> placed = placeInitialConnections();
        List<FlowRule> fw2Rules = new ArrayList<>();
        placed.forEach((k, fw) -> {
            if (fw.equals("fw2")) {
                fw2Rules.addAll(pinnedRules(k));
            }
        });
        assertEquals(24, fw2Rules.size());
        net.silentFirewalls.add("fw2");
        awaitDown("fw2");
        settle();
        Map<ConnectionKey, String> now = pins();
        assertEquals(24, now.size(), "fw2's 12 connections ended: " + perFirewall(now));
        assertFalse(now.containsValue("fw2"));
        for (FlowRule r : fw2Rules) {
            assertNull(net.rule(r.deviceId(), r.id()), "rule of a connection through fw2 on " + r.deviceId());
        }
        for (int i = 300; i < 306; i++) {
            publicSyn(i, 8080);
        }
        settle();
        assertEquals(Map.of("fw1", 3L, "fw3", 3L), perFirewall(filter(pins(), k -> k.portA() == 8080
                || k.portB() == 8080)), "round robin over the firewalls still up");
        assertTrue(downReports.stream().allMatch(r -> r.startsWith("fw2:")), "only fw2 went down: " + downReports);
        assertMastershipRespected();
    }

    @Test
    void aNewClusterAdoptsTheConnectionsItFindsOnTheSwitches() {
        Map<ConnectionKey, String> placed = placeInitialConnections();
        Map<ConnectionKey, List<FlowRule>> before = new HashMap<>();
        placed.keySet().forEach(k -> before.put(k, pinnedRules(k)));
        // every instance goes; the switches keep their rules (fail-mode secure); a new cluster comes up with
        // empty primitives, and ONOS imports the switches' rules as permanent entries (importExtraneousRules)
        for (SimInstance i : List.of(a, b, c)) {
            i.crash();
        }
        net.storage = new SharedTestStorageService();
        net.importAll();
        SimInstance d = instance("D");
        SimInstance e = instance("E");
        net.moveMastership(ext, d.id, true);
        net.moveMastership(in, e.id, true);
        settle();
        assertTrue(pins().isEmpty(), "the new cluster's table starts empty");

        // the first polls show the imported rules: each master adopts the connections whose origin rule it sees
        long deadline = System.currentTimeMillis() + 10_000;
        while (pins().size() < placed.size() && System.currentTimeMillis() < deadline) {
            net.poll(ext);
            net.poll(in);
            sleep(150);
            for (SimInstance i : List.of(d, e)) {
                i.drain();
            }
        }
        assertEquals(sorted(placed), sorted(pins()), "adopted with their firewalls");
        for (ConnectionKey k : placed.keySet()) {
            ConnectionEntry adopted = connection(k);
            assertEquals(TcpState.ESTABLISHED, adopted.state());
            FlowRule origin = before.get(k).get(0);
            FlowRule now = net.rule(origin.deviceId(), origin.id());
            assertNotNull(now, k + ": its origin rule");
            assertEquals(origin.treatment(), now.treatment());
            assertEquals(t.timeouts().idleSeconds(), now.timeout(), k + ": applied again as a temporary rule");
            assertEquals(net.masterOf(origin.deviceId()), lastAdd(origin).issuer, "by the master of its switch");
        }
        long adopted = d.engine.counters(Owner.SANDWICH).get(EngineCounters.ADOPTED)
                + e.engine.counters(Owner.SANDWICH).get(EngineCounters.ADOPTED);
        assertEquals(placed.size(), adopted);
        assertEquals(PUBLIC_CONNECTIONS, d.engine.counters(Owner.SANDWICH).get(EngineCounters.ADOPTED),
                     "D adopted the connections that started on its switch");

        // an adopted connection ends as any other: its origin rule idles out, its other rule goes
        ConnectionKey k0 = publicKey(0, 80);
        assertTrue(net.expire(before.get(k0).get(0)));
        settle();
        assertNull(connection(k0));
        for (FlowRule r : before.get(k0)) {
            assertNull(net.rule(r.deviceId(), r.id()));
        }
        assertMastershipRespected();
    }

    @Test
    void oldMasterIgnoresPacketInsDuringMastershipHandOver() {
        placeInitialConnections();
        // the internal dispatcher moves from B (alive) to C, e.g. balance-masters; the switch has not
        // yet received C's role request, so its packet-ins still go to B for a moment
        net.moveMastership(in, c.id, false);
        settle();
        Forwarding late = privateSyn(50);
        assertEquals(b.id, late.puntedTo, "the switch still sends to its old master");
        settle();
        assertNull(connection(privateKey(50)),
                   "B placed a connection on a device it no longer masters (the client will retransmit)");

        net.settleRole(in);
        Forwarding retry = privateSyn(50);
        assertEquals(c.id, retry.puntedTo);
        settle();
        ConnectionEntry e = connection(privateKey(50));
        assertNotNull(e, "C placed the retransmitted SYN");
        assertEachPinInstalledOnceAndReleasedOnce(Set.of(e.key()));
        assertFirewallsHealthy();
        assertMastershipRespected();
    }

    @Test
    void newMasterKeepsUsingThePuntMeters() {
        placeInitialConnections();
        Map<DeviceId, Map<FlowId, TrafficTreatment>> before =
                Map.of(ext, baseTreatments(ext), in, baseTreatments(in));
        assertEquals(2, engineMeters(ext).size(), "a TCP and an ARP punt meter on the external dispatcher");
        assertEquals(2, engineMeters(in).size(), "a TCP and an ARP punt meter on the internal dispatcher");

        a.crash();
        net.moveMastership(ext, c.id, true);
        settle();
        net.reconnect(in);
        settle();

        for (DeviceId d : List.of(ext, in)) {
            assertEquals(2, engineMeters(d).size(), "punt meters on " + d + ": " + engineMeters(d));
            assertEquals(before.get(d), baseTreatments(d), "base rules of " + d + " (their meters)");
        }
        assertMastershipRespected();
    }

    @Test
    void reconnectingSwitchGetsItsBaseRulesFromItsMasterOnly() {
        Map<ConnectionKey, String> placed = placeInitialConnections();
        Set<FlowId> inBase = baseRuleIds(in);
        int mods = baseMods(in).size();
        Map<FlowId, Long> pinnedMods = addsPerFlowId();

        net.reconnect(in);
        settle();

        List<FlowMod> after = baseMods(in).subList(mods, baseMods(in).size());
        assertEquals(inBase.size(), after.size(), "base rules re-asserted once: " + after);
        assertTrue(after.stream().allMatch(m -> m.issuer.equals(b.id)), "only B, the master: " + after);
        assertEquals(inBase, baseRuleIds(in));
        assertEquals(sorted(placed), sorted(pins()));
        for (ConnectionKey k : placed.keySet()) {
            for (FlowRule r : pinnedRules(k)) {
                assertEquals(pinnedMods.get(r.id()), addsPerFlowId().get(r.id()), k + " re-installed");
            }
        }
        assertMastershipRespected();
    }

    @Test
    void deactivatingTheApplicationWithdrawsEverything() {
        placeInitialConnections();
        // ONOS deactivates an application on every instance at once: each runs the app's pre-deactivation
        // hooks, then its components stop; the nodes themselves stay up (and in the cluster)
        for (SimInstance i : List.of(a, b, c)) {
            i.runDeactivateHooks();
        }
        for (SimInstance i : List.of(a, b, c)) {
            i.stopComponents();
        }
        assertEquals(Map.of(), pins(), "connection table after deactivation");
        for (DeviceId d : List.of(ext, in)) {
            assertEquals(List.of(), net.rules(d, r -> r.appId() == app.id()), "sandwich rules left on " + d);
            assertEquals(List.of(), engineMeters(d), "punt meters left on " + d);
        }
        assertEquals(List.of(), net.deadActions);
    }

    // ---- traffic ----------------------------------------------------------------------------------

    /** 30 connections from public clients (placed by A) and 6 from private clients (placed by B). */
    private Map<ConnectionKey, String> placeInitialConnections() {
        for (int i = 0; i < PUBLIC_CONNECTIONS; i++) {
            Forwarding f = publicSyn(i, 80);
            assertEquals(a.id, f.puntedTo, "public SYN " + i + ": " + f);
        }
        for (int i = 0; i < PRIVATE_CONNECTIONS; i++) {
            Forwarding f = privateSyn(i);
            assertEquals(b.id, f.puntedTo, "private SYN " + i + ": " + f);
        }
        settle();
        Map<ConnectionKey, String> placed = pins();
        assertEquals(PUBLIC_CONNECTIONS + PRIVATE_CONNECTIONS, placed.size(), () -> "connections pinned; "
                + diagnostics());
        return placed;
    }

    private Forwarding publicSyn(int i, int port) {
        return net.receive(ext, CLIENT_PORT, TcpFrames.segment(PUBLIC_CLIENT_MAC,
                net.side(Role.EXTERNAL).gatewayMac(), publicClient(i), 40000 + i, WEB_SERVER, port, SYN));
    }

    private Forwarding privateSyn(int i) {
        return net.receive(in, CLIENT_PORT, TcpFrames.segment(PRIVATE_CLIENT_MAC,
                net.side(Role.INTERNAL).gatewayMac(), privateClient(i), 50000 + i, PUBLIC_SERVER, 80, SYN));
    }

    /** Public clients sit anywhere outside the internal subnet (here: a documentation range). */
    private static String publicClient(int i) {
        return "198.51.100." + (1 + i);
    }

    private static String privateClient(int i) {
        return "10.0.2." + (100 + i);
    }

    private static ConnectionKey publicKey(int i, int port) {
        return key(publicClient(i), 40000 + i, WEB_SERVER, port);
    }

    private static ConnectionKey privateKey(int i) {
        return key(privateClient(i), 50000 + i, PUBLIC_SERVER, 80);
    }

    private static ConnectionKey key(String src, int sp, String dst, int dp) {
        return FlowKey.of(IPv4.PROTOCOL_TCP, Ip4.toInt(Ip4Address.valueOf(src)), sp,
                          Ip4.toInt(Ip4Address.valueOf(dst)), dp).canonical();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    // ---- what the cluster holds ---------------------------------------------------------------------

    /** Waits until no instance has event work left and nothing changes any more. */
    private void settle() {
        long last = -1;
        for (int round = 0; round < 50; round++) {
            for (SimInstance i : instances) {
                i.drain();
            }
            long now = net.flowMods.size() * 1_000_003L + pinsMapVersion();
            if (now == last) {
                return;
            }
            last = now;
        }
        fail("the cluster did not settle");
    }

    private long pinsMapVersion() {
        ConsistentMap<ConnectionKey, ConnectionEntry> m = net.storage.map(DistributedConnectionStore.MAP_NAME);
        return m == null ? 0 : m.values().stream().mapToLong(Versioned::version).sum() + m.size();
    }

    /** The cluster's connection table (the distributed map every instance uses): key to firewall. */
    private Map<ConnectionKey, String> pins() {
        ConsistentMap<ConnectionKey, ConnectionEntry> m = net.storage.map(DistributedConnectionStore.MAP_NAME);
        assertNotNull(m, "the cluster has no distributed map " + DistributedConnectionStore.MAP_NAME);
        Map<ConnectionKey, String> out = new HashMap<>();
        m.entrySet().forEach(e -> out.put(e.getKey(), e.getValue().value().path().firewallId().orElse("?")));
        return out;
    }

    private ConnectionEntry connection(ConnectionKey k) {
        ConsistentMap<ConnectionKey, ConnectionEntry> m = net.storage.map(DistributedConnectionStore.MAP_NAME);
        return m == null ? null : Versioned.valueOrNull(m.get(k));
    }

    private static Map<ConnectionKey, String> filter(Map<ConnectionKey, String> m, Predicate<ConnectionKey> p) {
        return m.entrySet().stream().filter(e -> p.test(e.getKey()))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    /** A table as text, sorted, for readable differences. */
    private static Map<String, String> sorted(Map<ConnectionKey, String> pins) {
        Map<String, String> out = new TreeMap<>();
        pins.forEach((k, v) -> out.put(k.toString(), v));
        return out;
    }

    private static Map<String, Long> perFirewall(Map<ConnectionKey, String> pins) {
        return pins.values().stream().collect(Collectors.groupingBy(f -> f, TreeMap::new, Collectors.counting()));
    }

    /** The rules of a pinned connection (ids depend on device, match and priority only), origin rule first. */
    private List<FlowRule> pinnedRules(ConnectionKey k) {
        ConnectionEntry e = connection(k);
        assertNotNull(e, k + " is pinned");
        return rules.rules(t, plan, e, Hop.of(plan, e, x -> null), t.timeouts().idleSeconds());
    }

    private Map<FlowId, Long> addsPerFlowId() {
        return net.flowMods.stream().filter(m -> m.op == FlowMod.Op.ADD)
                .collect(Collectors.groupingBy(m -> m.rule.id(), Collectors.counting()));
    }

    private FlowMod lastAdd(FlowRule r) {
        FlowMod last = null;
        for (FlowMod m : net.flowMods) {
            if (m.op == FlowMod.Op.ADD && m.rule.id().equals(r.id()) && m.device().equals(r.deviceId())) {
                last = m;
            }
        }
        assertNotNull(last, "no FLOW_MOD ADD of " + r);
        return last;
    }

    private static boolean isBase(FlowRule r) {
        return !Priorities.isPinned(r.priority()) && r.priority() != Priorities.HOLD;
    }

    private Set<FlowId> baseRuleIds(DeviceId d) {
        return net.rules(d, r -> r.appId() == app.id() && isBase(r)).stream().map(FlowRule::id)
                .collect(Collectors.toSet());
    }

    private Map<FlowId, TrafficTreatment> baseTreatments(DeviceId d) {
        return net.rules(d, r -> r.appId() == app.id() && isBase(r)).stream()
                .collect(Collectors.toMap(FlowRule::id, FlowRule::treatment));
    }

    private List<FlowMod> baseMods(DeviceId d) {
        return net.flowMods.stream().filter(m -> m.device().equals(d) && isBase(m.rule))
                .collect(Collectors.toList());
    }

    private List<Meter> engineMeters(DeviceId d) {
        ApplicationId core = net.appId(ENGINE_APP);
        return net.meters(d).stream().filter(m -> m.appId().equals(core)).collect(Collectors.toList());
    }

    private String firewallOf(Role side, TrafficTreatment tr) {
        MacAddress dst = Treats.ethDst(tr);
        for (Firewall fw : t.firewalls()) {
            if ((side == Role.EXTERNAL ? fw.outside() : fw.inside()).mac().equals(dst)) {
                return fw.id();
            }
        }
        return null;
    }

    private static PacketSummary parse(byte[] frame) {
        PacketSummary p = new PacketSummary();
        PacketParser.parse(frame, p);
        return p;
    }

    /** Each live instance's counters and view of the firewalls, for failure messages. */
    private String diagnostics() {
        StringBuilder sb = new StringBuilder();
        for (SimInstance i : instances) {
            if (i.state() == SimInstance.State.UP) {
                sb.append(i).append(": counters ").append(i.sandwich.counters())
                        .append(", member states ").append(i.members.statuses()).append("; ");
            }
        }
        List<String> rx = net.receptions;
        sb.append("last frames received by the switches: ").append(rx.subList(Math.max(0, rx.size() - 12), rx.size()));
        return sb.toString();
    }

    // ---- invariants -----------------------------------------------------------------------------------

    private void assertBaseRulesOnlyFrom(DeviceId d, SimInstance master) {
        List<FlowMod> mods = baseMods(d);
        assertTrue(mods.stream().allMatch(m -> m.issuer.equals(master.id)), "base rules of " + d + ": " + mods);
    }

    /**
     * Each connection's rules were sent once, by the master of the dispatcher its SYN entered, and its SYN
     * was released once, by that master, towards the pinned firewall.
     */
    private void assertEachPinInstalledOnceAndReleasedOnce(Set<ConnectionKey> keys) {
        Map<FlowId, Long> adds = addsPerFlowId();
        Map<ConnectionKey, List<PacketOut>> syns = new HashMap<>();
        for (PacketOut p : net.packetOuts) {
            PacketSummary s = parse(p.frame);
            if (s.isTcp() && (s.tcpFlags() & 0x3f) == SYN) {
                syns.computeIfAbsent(s.flowKey().canonical(), x -> new ArrayList<>()).add(p);
            }
        }
        for (ConnectionKey k : keys) {
            ConnectionEntry e = connection(k);
            List<FlowRule> rs = pinnedRules(k);
            assertEquals(2, rs.size());
            for (FlowRule r : rs) {
                assertEquals(1L, adds.get(r.id()), k + ": FLOW_MODs of its rule on " + r.deviceId());
                assertNotNull(net.rule(r.deviceId(), r.id()), k + ": rule on " + r.deviceId());
                assertEquals(net.masterOf(rs.get(0).deviceId()), lastAdd(r).issuer,
                             k + ": installed by the master of the dispatcher its SYN entered");
            }
            List<PacketOut> released = syns.getOrDefault(k, List.of());
            assertEquals(1, released.size(), k + ": SYN released " + released);
            PacketOut out = released.get(0);
            Role origin = out.device.equals(ext) ? Role.EXTERNAL : Role.INTERNAL;
            assertEquals(e.path().firewallId().get(), firewallOf(origin, out.treatment), k + ": released towards");
            assertEquals(net.masterOf(out.device), out.issuer, k + ": released by the master");
        }
    }

    /**
     * Waits until the current master of each dispatcher has sent the given number of probe rounds (one
     * ARP request per firewall interface) from now on and every interface is reported up.
     */
    private void awaitProbeRounds(int rounds) {
        Map<DeviceId, Long> start = new HashMap<>();
        for (DeviceId d : List.of(ext, in)) {
            start.put(d, probesByMaster(d));
        }
        long deadline = System.currentTimeMillis() + 20L * rounds * PROBE_MS + 10_000;
        SimInstance viewer = instances.get(instances.size() - 1);
        while (true) {
            boolean done = viewer.members.statuses().values().stream().allMatch(st -> st.health() == HealthState.UP);
            for (DeviceId d : List.of(ext, in)) {
                done &= probesByMaster(d) - start.get(d) >= (long) rounds * t.firewalls().size();
            }
            if (done) {
                return;
            }
            if (System.currentTimeMillis() > deadline) {
                fail("probe rounds not completed: " + diagnostics());
            }
            sleep(PROBE_MS / 10);
        }
    }

    private void awaitDown(String fw) {
        long deadline = System.currentTimeMillis() + 20_000;
        while (c.members.status(fw + ":outside").health() != HealthState.DOWN
                || c.members.status(fw + ":inside").health() != HealthState.DOWN) {
            if (System.currentTimeMillis() > deadline) {
                fail(fw + " never reported down: " + diagnostics());
            }
            sleep(PROBE_MS / 4);
        }
    }

    private long probesByMaster(DeviceId d) {
        return net.packetOuts.stream().filter(p -> p.device.equals(d) && p.issuer.equals(net.masterOf(d))
                && parse(p.frame).isArp()).count();
    }

    /** The dispatchers' current masters keep probing, the firewalls answer, and none was ever reported down. */
    private void assertFirewallsHealthy() {
        awaitProbeRounds(2);
        assertEquals(List.of(), downReports, "firewall interfaces reported down");
        for (SimInstance i : instances) {
            if (i.state() != SimInstance.State.UP) {
                continue;
            }
            for (Firewall fw : t.firewalls()) {
                for (String side : new String[]{":outside", ":inside"}) {
                    assertEquals(HealthState.UP, i.members.status(fw.id() + side).health(),
                                 i + " sees " + fw.id() + side);
                }
            }
        }
    }

    /**
     * No instance acted on a device it was not master of: every base-rule FLOW_MOD and every packet-out
     * came from the device's master at the time; per-connection rules were installed by a dispatcher's master
     * (they span both dispatchers, ONOS forwards them); a departed instance did nothing. (Ending connections
     * is cluster-wide: when a member goes down every instance hears it and whichever removes an entry first
     * withdraws its rules, ONOS forwarding the deletions.)
     */
    private void assertMastershipRespected() {
        for (FlowMod m : net.flowMods) {
            if (isBase(m.rule)) {
                assertTrue(m.byMaster(), "base rule sent by a non-master: " + m);
            } else if (m.op == FlowMod.Op.ADD) {
                assertFalse(m.issuerMasterOf.isEmpty(), "per-connection rule installed by an instance mastering "
                        + "no dispatcher: " + m);
            }
        }
        List<PacketOut> foreign = net.packetOuts.stream().filter(p -> !p.byMaster).collect(Collectors.toList());
        assertEquals(List.of(), foreign, "packet-outs by non-masters");
        assertEquals(List.of(), net.deadActions, "actions by instances that had left the cluster");
    }
}
