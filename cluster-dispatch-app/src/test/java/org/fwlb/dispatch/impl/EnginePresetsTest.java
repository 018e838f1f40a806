package org.fwlb.dispatch.impl;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.fwlb.engine.DecisionPoint;
import org.fwlb.engine.EnginePlan;
import org.fwlb.engine.Owner;
import org.fwlb.model.Dispatcher;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.Ip4;
import org.fwlb.model.VirtualService;
import org.fwlb.testing.Presets;
import org.junit.jupiter.api.Test;
import org.onlab.packet.IpAddress;
import org.onosproject.net.DeviceId;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.fwlb.dispatch.impl.StagePlacementTest.dev;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine's plan of the Mininet presets: which stage sits where, which services it serves, where ARP for a VIP
 * is answered (ported from DispatchPlanTest).
 */
class EnginePresetsTest {

    private static int ip(String s) {
        return Ip4.toInt(IpAddress.valueOf(s).getIp4Address());
    }

    private static List<String> ids(List<VirtualService> vs) {
        return vs.stream().map(VirtualService::id).collect(Collectors.toList());
    }

    private static List<String> stages(EnginePlan p, DeviceId d) {
        List<String> out = new ArrayList<>();
        for (DecisionPoint s : p.pointsOn(d)) {
            out.add(s.id() + (s.kind() == DecisionPoint.Kind.DF ? "(DF)" : ""));
        }
        return out;
    }

    @Test
    void fig6ServicesBelongToTheSandwich() {
        EnginePlan p = EnginePlan.of(Presets.topology("fig6"));
        assertTrue(p.services(Owner.DISPATCH).isEmpty(), "the internal FLB's first stage is the sandwich's (FIG 6)");
        assertEquals(List.of("web", "web-tls"), ids(p.services(Owner.SANDWICH)));
        assertTrue(p.devices(Owner.DISPATCH).isEmpty());
        assertTrue(p.vipArp().isEmpty());
        assertTrue(EnginePlan.isSandwichServed(p.topology(), p.topology().dispatcher("d1")));
        assertEquals(Owner.SANDWICH, p.pointOf("d1").owner());
    }

    @Test
    void fig2TreeHasAFirstStageAndTwoSecondStages() {
        EnginePlan p = EnginePlan.of(Presets.topology("fig2"));
        assertEquals(List.of("web"), ids(p.services(Owner.DISPATCH)));
        assertEquals(List.of("d1", "d2a", "d2b"), org.fwlb.engine.EngineRig.stagesOf(p.topology(), "d1").stream()
                .collect(Collectors.toList()));
        assertEquals(new HashSet<>(Arrays.asList(dev("0000000000000d01"), dev("0000000000000d21"),
                                                 dev("0000000000000d22"))), p.pointDevices());
        assertEquals(List.of("d1"), stages(p, dev("0000000000000d01")));
        assertEquals(List.of("d2a"), stages(p, dev("0000000000000d21")));
        assertTrue(p.pointsOn(dev("0000000000000f03")).isEmpty(), "the standalone fabric has no stage");
        assertEquals("d2a", p.pointAt(dev("0000000000000d21"), p.topology().dispatcher("d2a").mac().toLong()).id());
        assertNull(p.pointAt(dev("0000000000000d21"), p.topology().dispatcher("d1").mac().toLong()),
                   "a stage's MAC is only its own on its own switch");
        assertEquals(List.of(ip("10.0.1.100")), p.vipsOf("d2b"));
        assertTrue(p.steeredFirstStages().isEmpty());
    }

    @Test
    void threeStageTreeListsEveryStageBreadthFirst() {
        EnginePlan p = EnginePlan.of(Presets.topology("three-stage"));
        assertEquals(List.of("d1", "d2a", "d2b", "d3a", "d3b"), org.fwlb.engine.EngineRig.stagesOf(p.topology(), "d1"));
        assertEquals(5, p.pointDevices().size());
        for (String id : List.of("d1", "d2a", "d2b", "d3a", "d3b")) {
            assertEquals(List.of("web"), ids(p.servicesOf(id)), id);
        }
        assertTrue(p.servicesOf("srv7").isEmpty());
        assertEquals(DecisionPoint.Kind.L4_2, p.pointOf("d2a").kind());
    }

    @Test
    void fig4ServiceOfAConnectionIncludesFtpDataPorts() {
        EnginePlan p = EnginePlan.of(Presets.topology("fig4"));
        int vip = ip("10.0.1.100");
        assertEquals(List.of("web", "ftp"), ids(p.servicesOf("d2a")));
        assertEquals("web", p.serviceAt("d2a", vip, 80).id());
        assertEquals("ftp", p.serviceAt("d2b", vip, 21).id());
        assertEquals("ftp", p.serviceAt("d1", vip, 30050).id(), "passive data port");
        assertNull(p.serviceAt("d1", vip, 8080));
        assertNull(p.serviceAt("d1", ip("10.0.1.101"), 80));
        assertEquals(List.of(vip), p.vipsOf("d1"), "one VIP, two services");
    }

    @Test
    void fig7AnswersArpAtTheFirstStageAndAtTheInternalDispatcherAndSteersThere() {
        EnginePlan p = EnginePlan.of(Presets.topology("fig7"));
        FwlbTopology t = p.topology();
        Dispatcher d1 = t.dispatcher("d1");
        int vip = ip("10.0.2.100");
        Map<DeviceId, Map<Integer, Dispatcher>> arp = p.vipArp();
        assertEquals(new HashSet<>(Arrays.asList(dev("0000000000000d01"), dev("0000000000000f02"))), arp.keySet());
        assertEquals(d1, arp.get(dev("0000000000000f02")).get(vip));
        assertEquals(d1, arp.get(dev("0000000000000d01")).get(vip));
        assertEquals(List.of(d1), p.steeredFirstStages());
        assertEquals(List.of("internal"), stages(p, dev("0000000000000f02")), "si carries no stage");
        assertEquals(6, p.pointDevices().size(), "two firewall dispatchers, four stages");
        assertTrue(p.pointsOn(dev("0000000000000d21")).stream().noneMatch(s -> s.kind() == DecisionPoint.Kind.DF));
    }

    @Test
    void fig8HasDfPointsOnTheSwitchesTheL7HostsHangOff() {
        EnginePlan p = EnginePlan.of(Presets.topology("fig8"));
        assertEquals(List.of("d7a(DF)"), stages(p, dev("0000000000000e21")));
        assertEquals(List.of("d7b(DF)"), stages(p, dev("0000000000000e22")));
        assertEquals(List.of("d2c"), stages(p, dev("0000000000000d23")));
        assertEquals(List.of(ip("10.0.2.100")), p.vipsOf("d7a"), "the DF matches the VIP, not the host's own IP");
    }

    @Test
    void dfPointsOnlyExistBehindASandwich() {
        FwlbTopology noSandwich = Presets.topology("fig8", (ObjectNode f) -> f.remove("sandwich"));
        assertFalse(noSandwich.hasSandwich());
        EnginePlan p = EnginePlan.of(noSandwich);
        assertTrue(p.pointsOn(dev("0000000000000e21")).isEmpty());
        assertTrue(p.pointsOn(dev("0000000000000e22")).isEmpty());
        assertEquals(List.of("d2c"), stages(p, dev("0000000000000d23")));
    }
}
