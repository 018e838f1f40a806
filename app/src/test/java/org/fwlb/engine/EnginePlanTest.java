package org.fwlb.engine;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.fwlb.config.ExampleConfigs;
import org.fwlb.model.Dispatcher;
import org.fwlb.model.FirewallDispatcher.Role;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.Ip4;
import org.fwlb.model.VirtualService;
import org.fwlb.testing.DispatchFixtures;
import org.junit.jupiter.api.Test;
import org.onlab.packet.IpAddress;
import org.onosproject.net.DeviceId;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The decision points of each figure: which device holds which point, of which kind, owned by which application.
 */
class EnginePlanTest {

    static final DeviceId F01 = DeviceId.deviceId("of:0000000000000f01");
    static final DeviceId F02 = DeviceId.deviceId("of:0000000000000f02");
    static final DeviceId D01 = DeviceId.deviceId("of:0000000000000d01");
    static final DeviceId D02 = DeviceId.deviceId("of:0000000000000d02");
    static final DeviceId D03 = DeviceId.deviceId("of:0000000000000d03");
    static final DeviceId D04 = DeviceId.deviceId("of:0000000000000d04");

    private static int ip(String s) {
        return Ip4.toInt(IpAddress.valueOf(s).getIp4Address());
    }

    /** Every device's points as "kind id owner", devices sorted. */
    private static Map<String, List<String>> points(EnginePlan p) {
        Map<String, List<String>> out = new TreeMap<>();
        for (DeviceId d : p.pointDevices()) {
            List<String> l = new ArrayList<>();
            for (DecisionPoint x : p.pointsOn(d)) {
                assertEquals(d, x.device(), x.toString());
                l.add(x.kind() + " " + x.id() + " " + x.owner());
            }
            out.put(d.toString(), l);
        }
        return out;
    }

    private static List<String> ids(List<VirtualService> vs) {
        return vs.stream().map(VirtualService::id).collect(Collectors.toList());
    }

    private static List<String> probes(EnginePlan p) {
        return p.probeTargets().stream().map(t -> t.key() + ":" + t.port()).sorted().collect(Collectors.toList());
    }

    private static Set<DeviceId> devs(DeviceId... d) {
        return new LinkedHashSet<>(Arrays.asList(d));
    }

    @Test
    void fig1HasTheFirewallChoiceOnEachFirewallDispatcherAndNothingElse() {
        EnginePlan p = EnginePlan.of(ExampleConfigs.topology(1));
        assertEquals(Map.of(F01.toString(), List.of("FIREWALL_CHOICE external SANDWICH"),
                            F02.toString(), List.of("FIREWALL_CHOICE internal SANDWICH")), points(p));
        assertEquals(Role.EXTERNAL, p.firewallChoice(Role.EXTERNAL).role());
        assertEquals(F02, p.firewallChoice(Role.INTERNAL).device());
        assertEquals(devs(F01, F02), p.devices(Owner.SANDWICH));
        assertTrue(p.devices(Owner.DISPATCH).isEmpty());
        assertTrue(p.services(Owner.SANDWICH).isEmpty());
        assertTrue(p.services(Owner.DISPATCH).isEmpty());
        assertTrue(p.vipArp().isEmpty());
        assertTrue(p.probeTargets().isEmpty());
        FwlbTopology t = p.topology();
        assertSame(p.firewallChoice(Role.EXTERNAL), p.pointAt(F01, t.external().get().gatewayMac().toLong()));
        assertNull(p.pointAt(F01, t.internal().get().gatewayMac().toLong()), "a gateway MAC is only its own side's");
        assertFalse(p.firewallChoice(Role.EXTERNAL).answers());
    }

    @Test
    void fig6InternalDispatcherIsAnL43StageOfTheSandwich() {
        EnginePlan p = EnginePlan.of(ExampleConfigs.topology(6));
        FwlbTopology t = p.topology();
        assertEquals(Map.of(F01.toString(), List.of("FIREWALL_CHOICE external SANDWICH"),
                            F02.toString(), List.of("FIREWALL_CHOICE internal SANDWICH",
                                                    "L4_3 int-dispatch SANDWICH")), points(p));
        assertEquals(List.of("web"), ids(p.services(Owner.SANDWICH)));
        assertTrue(p.services(Owner.DISPATCH).isEmpty());
        assertTrue(EnginePlan.isSandwichServed(t, t.dispatcher("int-dispatch")));
        assertTrue(p.isSandwichService(t.service("web")));
        assertTrue(p.devices(Owner.DISPATCH).isEmpty(), "the dispatch application has nothing to do in FIG 6");
        assertTrue(p.vipArp().isEmpty(), "the sandwich answers ARP for its own VIP");
        assertTrue(p.probeTargets().isEmpty());
        DecisionPoint l43 = p.pointOf("int-dispatch");
        assertSame(l43, p.pointAt(F02, t.dispatcher("int-dispatch").mac().toLong()));
        assertSame(p.firewallChoice(Role.INTERNAL), p.pointAt(F02, t.internal().get().gatewayMac().toLong()));
        assertTrue(l43.answers());
        assertEquals("web", p.serviceFor(ip("10.0.2.100"), 80).id());
        assertNull(p.serviceFor(ip("10.0.2.100"), 81));
    }

    @Test
    void fig2StagesAreDispatchPointsOnTheirOwnSwitches() {
        EnginePlan p = EnginePlan.of(ExampleConfigs.topology(2));
        FwlbTopology t = p.topology();
        assertEquals(Map.of(D01.toString(), List.of("L4_2 d1 DISPATCH"),
                            D02.toString(), List.of("L4_3 d2a DISPATCH"),
                            D03.toString(), List.of("L4_3 d2b DISPATCH")), points(p));
        assertEquals(List.of("web"), ids(p.services(Owner.DISPATCH)));
        assertEquals(devs(D01, D02, D03), p.devices(Owner.DISPATCH));
        assertTrue(p.devices(Owner.SANDWICH).isEmpty());
        assertNull(p.pointAt(D02, t.dispatcher("d1").mac().toLong()), "a stage's MAC is its own on its switch only");
        assertNull(p.firewallChoice(Role.EXTERNAL));
        assertEquals(Map.of(D01, Map.of(ip("10.0.2.100"), t.dispatcher("d1"))), p.vipArp());
        assertEquals(List.of("d2a/srv1:80", "d2a/srv2:80", "d2b/srv3:80", "d2b/srv4:80"), probes(p));
        assertEquals(List.of(ip("10.0.2.100")), p.vipsOf("d2b"));
        assertTrue(p.steeredFirstStages().isEmpty());
        assertEquals(List.of("d1", "d2a", "d2b"), EnginePlan.stagesOf(t, "d1"));
    }

    @Test
    void fig4ServesThreeServicesThroughEveryStage() {
        EnginePlan p = EnginePlan.of(ExampleConfigs.topology(4));
        int vip = ip("10.0.2.100");
        for (String s : List.of("d1", "d2a", "d2b")) {
            assertEquals(List.of("web", "ftp", "secure-web"), ids(p.servicesOf(s)), s);
        }
        assertEquals("ftp", p.serviceAt("d2a", vip, 21).id());
        assertEquals("secure-web", p.serviceAt("d1", vip, 443).id());
        assertNull(p.serviceAt("d1", vip, 8080));
        assertNull(p.serviceAt("d1", ip("10.0.2.101"), 80));
        assertEquals(List.of(vip), p.vipsOf("d1"), "one VIP, three services");
        assertTrue(p.probeTargets().isEmpty(), "the servers hang off d1's switch, not their L4/3 stage's");
    }

    @Test
    void fig7FirstStageSharesTheInternalDispatcherWithTheFirewallChoice() {
        EnginePlan p = EnginePlan.of(ExampleConfigs.topology(7));
        FwlbTopology t = p.topology();
        assertEquals(Map.of(F01.toString(), List.of("FIREWALL_CHOICE external SANDWICH"),
                            F02.toString(), List.of("FIREWALL_CHOICE internal SANDWICH", "L4_2 stage1 DISPATCH"),
                            D02.toString(), List.of("L4_3 s2a DISPATCH"),
                            D03.toString(), List.of("L4_3 s2b DISPATCH"),
                            D04.toString(), List.of("L4_3 s2c DISPATCH")), points(p));
        assertEquals(devs(F01, F02), p.devices(Owner.SANDWICH));
        assertEquals(devs(F02, D02, D03, D04), p.devices(Owner.DISPATCH));
        assertSame(p.pointOf("stage1"), p.pointAt(F02, t.dispatcher("stage1").mac().toLong()));
        assertEquals(Map.of(ip("10.0.2.100"), t.dispatcher("stage1")), p.vipArp().get(F02));
        assertEquals(List.of("s2a/srv1:80", "s2a/srv2:80", "s2b/srv3:80", "s2b/srv4:80", "s2c/srv5:80",
                             "s2c/srv6:80"), probes(p));
        assertEquals(p.services(Owner.DISPATCH), p.pointOf("s2b").services());
    }

    @Test
    void fig8HostsGetADfOnlyWhenTheirAttachmentIsKnown() {
        EnginePlan p = EnginePlan.of(ExampleConfigs.topology(8));
        assertEquals(Map.of(F01.toString(), List.of("FIREWALL_CHOICE external SANDWICH"),
                            F02.toString(), List.of("FIREWALL_CHOICE internal SANDWICH", "L4_2 stage1 DISPATCH"),
                            D04.toString(), List.of("L4_3 l4c DISPATCH")), points(p));
        assertNull(p.pointOf("l7a"), "an L7/3 host without attachment: nothing to program");
        assertEquals(List.of("l4c/srv5:80", "l4c/srv6:80"), probes(p), "L7 hosts check their own servers");

        DeviceId e21 = DeviceId.deviceId("of:0000000000000e21");
        EnginePlan withDf = EnginePlan.of(ExampleConfigs.topology(8, (ObjectNode f) -> ExampleConfigs
                .dispatcher(f, "l7a").putObject("attachment").put("deviceId", e21.toString()).put("port", 2)));
        DecisionPoint df = withDf.pointOf("l7a");
        assertEquals(DecisionPoint.Kind.DF, df.kind());
        assertEquals(e21, df.device(), "the DF sits on the switch the host hangs off");
        assertEquals(Owner.DISPATCH, df.owner());
        assertTrue(df.answers());
        assertSame(df, withDf.pointAt(e21, withDf.topology().dispatcher("l7a").mac().toLong()));
        assertEquals(List.of(ip("10.0.2.100")), withDf.vipsOf("l7a"), "the DF matches the VIP");
        assertTrue(withDf.devices(Owner.DISPATCH).contains(e21));
    }

    @Test
    void hostsWithoutASandwichNeedNoDf() {
        for (int fig : new int[]{3, 5}) {
            EnginePlan p = EnginePlan.of(ExampleConfigs.topology(fig));
            for (Dispatcher d : p.topology().dispatchers()) {
                if (!d.isSwitchRealized()) {
                    assertNull(p.pointOf(d.id()), "FIG " + fig + " " + d.id());
                }
            }
        }
        assertEquals(Set.of(D01.toString(), D02.toString()), points(EnginePlan.of(ExampleConfigs.topology(3))).keySet());
        assertEquals(Set.of(D01.toString()), points(EnginePlan.of(ExampleConfigs.topology(5))).keySet());
    }

    @Test
    void dispatchFixturesThreeStageTreeAndItsProbes() {
        FwlbTopology t = DispatchFixtures.topology();
        EnginePlan p = EnginePlan.of(t);
        assertEquals(List.of("d1", "d2a", "d2b", "d3"), EnginePlan.stagesOf(t, "d1"));
        assertEquals(List.of("L4_3 d3 DISPATCH"), points(p).get(D04.toString()));
        for (String s : List.of("d1", "d2a", "d2b", "d3")) {
            assertEquals(List.of("web", "ftp"), ids(p.servicesOf(s)), s);
        }
        // each server on its L4/3 stage's switch, on the port of the first service it offers
        assertEquals(List.of("d2a/srv1:80", "d2a/srv2:80", "d2b/srv3:21", "d3/srv4:80"), probes(p));
        assertEquals("ftp", p.serviceFor(DispatchFixtures.VIP, 21).id());
        assertTrue(p.servicesOf("srv1").isEmpty());
    }

    @Test
    void memberByMacNamesStagesAndServers() {
        EnginePlan p = EnginePlan.of(ExampleConfigs.topology(7));
        FwlbTopology t = p.topology();
        assertEquals("s2c", p.memberByMac(t.dispatcher("s2c").mac()));
        assertEquals("srv5", p.memberByMac(t.server("srv5").mac()));
        assertNull(p.memberByMac(t.firewall("fw1").inside().mac()));
    }

    @Test
    void theEmptyTopologyHasAnEmptyPlan() {
        EnginePlan p = EnginePlan.of(FwlbTopology.empty());
        assertSame(EnginePlan.empty(), p);
        assertTrue(p.pointDevices().isEmpty());
        assertTrue(p.devices(Owner.SANDWICH).isEmpty());
        assertTrue(p.devices(Owner.DISPATCH).isEmpty());
    }
}
