package org.fwlb.dispatch.impl;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.fwlb.model.Dispatcher;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.Ip4;
import org.fwlb.model.VirtualService;
import org.junit.jupiter.api.Test;
import org.onlab.packet.IpAddress;
import org.onosproject.net.DeviceId;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.fwlb.dispatch.impl.DispatchRig.dev;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DispatchPlanTest {

    private static int ip(String s) {
        return Ip4.toInt(IpAddress.valueOf(s).getIp4Address());
    }

    private static List<String> ids(List<VirtualService> vs) {
        return vs.stream().map(VirtualService::id).collect(Collectors.toList());
    }

    private static List<String> stages(DispatchPlan p, DeviceId d) {
        List<String> out = new ArrayList<>();
        for (DispatchPlan.Spot s : p.spotsOn(d)) {
            out.add(s.stage.id() + (s.df ? "(DF)" : ""));
        }
        return out;
    }

    @Test
    void fig6ServicesBelongToTheSandwichAndGetNoStage() {
        DispatchPlan p = DispatchPlan.of(DispatchRig.preset("fig6"));
        assertTrue(p.services().isEmpty(), "the internal FLB's first stage is the sandwich's (FIG 6)");
        assertTrue(p.stageDevices().isEmpty());
        assertTrue(p.arpAnswers().isEmpty());
        assertTrue(DispatchPlan.isSandwichServed(p.topology(), p.topology().dispatcher("d1")));
    }

    @Test
    void fig2TreeHasAFirstStageAndTwoSecondStages() {
        DispatchPlan p = DispatchPlan.of(DispatchRig.preset("fig2"));
        assertEquals(Arrays.asList("web"), ids(p.services()));
        assertEquals(Arrays.asList("d1", "d2a", "d2b"), DispatchPlan.stagesOf(p.topology(), "d1"));
        assertEquals(new HashSet<>(Arrays.asList(dev("0000000000000d01"), dev("0000000000000d21"),
                                                 dev("0000000000000d22"))), p.stageDevices());
        assertEquals(Arrays.asList("d1"), stages(p, dev("0000000000000d01")));
        assertEquals(Arrays.asList("d2a"), stages(p, dev("0000000000000d21")));
        assertTrue(p.spotsOn(dev("0000000000000f03")).isEmpty(), "the standalone fabric has no stage");
        assertEquals("d2a", p.spotFor(dev("0000000000000d21"),
                                      p.topology().dispatcher("d2a").mac().toLong()).stage.id());
        assertNull(p.spotFor(dev("0000000000000d21"), p.topology().dispatcher("d1").mac().toLong()),
                   "a stage's MAC is only its own on its own switch");
        assertEquals(Arrays.asList(ip("10.0.1.100")), p.vipsOf("d2b"));
        assertTrue(p.steeredFirstStages().isEmpty());
    }

    @Test
    void threeStageTreeListsEveryStageBreadthFirst() {
        DispatchPlan p = DispatchPlan.of(DispatchRig.preset("three-stage"));
        assertEquals(Arrays.asList("d1", "d2a", "d2b", "d3a", "d3b"), DispatchPlan.stagesOf(p.topology(), "d1"));
        assertEquals(5, p.stageDevices().size());
        for (String id : Arrays.asList("d1", "d2a", "d2b", "d3a", "d3b")) {
            assertEquals(Arrays.asList("web"), ids(p.servicesOf(id)), id);
        }
        assertTrue(p.servicesOf("srv7").isEmpty());
    }

    @Test
    void fig4ServiceOfAConnectionIncludesFtpDataPorts() {
        DispatchPlan p = DispatchPlan.of(DispatchRig.preset("fig4"));
        int vip = ip("10.0.1.100");
        assertEquals(Arrays.asList("web", "ftp"), ids(p.servicesOf("d2a")));
        assertEquals("web", p.serviceAt("d2a", vip, 80).id());
        assertEquals("ftp", p.serviceAt("d2b", vip, 21).id());
        assertEquals("ftp", p.serviceAt("d1", vip, 30050).id(), "passive data port");
        assertNull(p.serviceAt("d1", vip, 8080));
        assertNull(p.serviceAt("d1", ip("10.0.1.101"), 80));
        assertEquals(Arrays.asList(vip), p.vipsOf("d1"), "one VIP, two services");
    }

    @Test
    void fig7AnswersArpAtTheFirstStageAndAtTheInternalDispatcherAndSteersThere() {
        DispatchPlan p = DispatchPlan.of(DispatchRig.preset("fig7"));
        FwlbTopology t = p.topology();
        Dispatcher d1 = t.dispatcher("d1");
        int vip = ip("10.0.2.100");
        Map<DeviceId, Map<Integer, Dispatcher>> arp = p.arpAnswers();
        assertEquals(new HashSet<>(Arrays.asList(dev("0000000000000d01"), dev("0000000000000f02"))), arp.keySet());
        assertEquals(d1, arp.get(dev("0000000000000f02")).get(vip));
        assertEquals(d1, arp.get(dev("0000000000000d01")).get(vip));
        assertEquals(Arrays.asList(d1), p.steeredFirstStages());
        assertFalse(p.stageDevices().contains(dev("0000000000000f02")), "si carries no stage");
        assertEquals(4, p.stageDevices().size());
        assertTrue(p.spotsOn(dev("0000000000000d21")).stream().noneMatch(s -> s.df));
    }

    @Test
    void fig8HasDfSpotsOnTheSwitchesTheL7HostsHangOff() {
        DispatchPlan p = DispatchPlan.of(DispatchRig.preset("fig8"));
        assertEquals(Arrays.asList("d7a(DF)"), stages(p, dev("0000000000000e21")));
        assertEquals(Arrays.asList("d7b(DF)"), stages(p, dev("0000000000000e22")));
        assertEquals(Arrays.asList("d2c"), stages(p, dev("0000000000000d23")));
        assertEquals(Arrays.asList(ip("10.0.2.100")), p.vipsOf("d7a"), "the DF matches the VIP, not the host's own IP");
    }

    @Test
    void dfSpotsOnlyExistBehindASandwich() {
        FwlbTopology noSandwich = DispatchRig.preset("fig8", (ObjectNode f) -> f.remove("sandwich"));
        assertFalse(noSandwich.hasSandwich());
        DispatchPlan p = DispatchPlan.of(noSandwich);
        assertTrue(p.spotsOn(dev("0000000000000e21")).isEmpty());
        assertTrue(p.spotsOn(dev("0000000000000e22")).isEmpty());
        assertEquals(Arrays.asList("d2c"), stages(p, dev("0000000000000d23")));
    }
}
