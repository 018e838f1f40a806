package org.fwlb.engine;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.fwlb.config.ExampleConfigs;
import org.fwlb.model.ConnectionEntry;
import org.fwlb.model.ConnectionKey;
import org.fwlb.model.ConnectionPath;
import org.fwlb.model.Firewall;
import org.fwlb.model.FlowKey;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.Ip4;
import org.fwlb.model.PathTag;
import org.fwlb.model.Server;
import org.fwlb.model.TcpState;
import org.junit.jupiter.api.Test;
import org.onlab.packet.Ethernet;
import org.onlab.packet.IPv4;
import org.onlab.packet.IpAddress;
import org.onlab.packet.IpPrefix;
import org.onlab.packet.MacAddress;
import org.onlab.packet.TpPort;
import org.onosproject.core.ApplicationId;
import org.onosproject.net.DeviceId;
import org.onosproject.net.PortNumber;
import org.onosproject.net.flow.DefaultFlowEntry;
import org.onosproject.net.flow.DefaultFlowRule;
import org.onosproject.net.flow.DefaultTrafficSelector;
import org.onosproject.net.flow.DefaultTrafficTreatment;
import org.onosproject.net.flow.FlowEntry;
import org.onosproject.net.flow.FlowRule;
import org.onosproject.net.flow.TrafficSelector;
import org.onosproject.net.flow.TrafficTreatment;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.fwlb.engine.EnginePlanTest.D04;
import static org.fwlb.engine.EnginePlanTest.F01;
import static org.fwlb.engine.EnginePlanTest.F02;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Connections rebuilt from the rules a restarted controller finds on its switches. The switches' rules are
 * written out here with ONOS's builders, from the seed's description of each hop, not with the engine's rule
 * builder: a mistake shared by the builder and the reader could not cancel out.
 */
class AdoptionTest {

    private static final String CLIENT = "198.51.100.7";
    private static long cookies = 0x100;

    private static int ip(String s) {
        return Ip4.toInt(IpAddress.valueOf(s).getIp4Address());
    }

    /** Exact match of one direction of a TCP connection. */
    private static TrafficSelector match(String src, int sp, String dst, int dp) {
        return DefaultTrafficSelector.builder().matchEthType(Ethernet.TYPE_IPV4).matchIPProtocol(IPv4.PROTOCOL_TCP)
                .matchIPSrc(IpPrefix.valueOf(IpAddress.valueOf(src), 32))
                .matchIPDst(IpPrefix.valueOf(IpAddress.valueOf(dst), 32))
                .matchTcpSrc(TpPort.tpPort(sp)).matchTcpDst(TpPort.tpPort(dp)).build();
    }

    /** A rule as the switch reports it after an import: the cookie carries the app id; permanent. */
    private static FlowEntry onSwitch(ApplicationId app, DeviceId dev, int prio, TrafficSelector s,
                                      TrafficTreatment tr, long packets) {
        FlowRule r = DefaultFlowRule.builder().forDevice(dev).withCookie(((long) app.id() << 48) | cookies++)
                .withPriority(prio).withSelector(s).withTreatment(tr).makePermanent().build();
        return new DefaultFlowEntry(r, FlowEntry.FlowEntryState.ADDED, 42, TimeUnit.SECONDS, packets, packets * 80);
    }

    private static TrafficTreatment.Builder tr() {
        return DefaultTrafficTreatment.builder();
    }

    /** Imports the entries into a fresh instance, lets a poll show one of them, and sweeps. */
    private static ConnectionEntry adopt(EngineRig rig, List<FlowEntry> onSwitches, ConnectionKey key) {
        rig.flows.importRules(onSwitches);
        rig.lifecycle.onRuleStats(onSwitches.get(onSwitches.size() - 1));
        rig.lifecycle.sweep(rig.plan, System.currentTimeMillis());
        ConnectionEntry e = rig.store.get(key);
        assertNotNull(e, "adopted " + key);
        assertEquals(TcpState.ESTABLISHED, e.state());
        return e;
    }

    /** What was applied again equals, rule by rule, what the switches held (device, priority, match, actions). */
    private static void assertReappliedAsFound(EngineRig rig, List<FlowEntry> found) {
        Set<List<Object>> want = new HashSet<>();
        found.forEach(r -> want.add(List.of(r.deviceId(), r.priority(), r.selector(), r.treatment())));
        Set<List<Object>> got = new HashSet<>();
        for (FlowRule r : rig.flows.applied) {
            got.add(List.of(r.deviceId(), r.priority(), r.selector(), r.treatment()));
            assertTrue(!r.isPermanent() && r.timeout() == rig.topology.timeouts().idleSeconds(), r.toString());
        }
        assertEquals(want, got);
    }

    @Test
    void fig1InboundAndOutboundConnectionsAreAdoptedWithTheirFirewallAndDirection() {
        FwlbTopology t = ExampleConfigs.topology(1);
        MacAddress extGw = t.external().get().gatewayMac();
        MacAddress intGw = t.internal().get().gatewayMac();
        Firewall fw2 = t.firewall("fw2");
        Firewall fw3 = t.firewall("fw3");
        ApplicationId app = EngineRig.SANDWICH_APP;

        List<FlowEntry> in = List.of(
                onSwitch(app, F01, 30001, match(CLIENT, 40000, "10.0.2.21", 443), tr().setEthSrc(extGw)
                        .setEthDst(fw2.outside().mac()).setOutput(fw2.outside().port()).build(), 17),
                onSwitch(app, F02, 30000, match("10.0.2.21", 443, CLIENT, 40000), tr().setEthSrc(intGw)
                        .setEthDst(fw2.inside().mac()).setOutput(fw2.inside().port()).build(), 15));
        EngineRig rig = new EngineRig(t);
        ConnectionEntry a = adopt(rig, in, FlowKey.of(6, ip(CLIENT), 40000, ip("10.0.2.21"), 443).canonical());
        assertEquals(FlowKey.of(6, ip(CLIENT), 40000, ip("10.0.2.21"), 443), a.flow(), "client to server");
        assertEquals(ConnectionPath.viaFirewall("fw2"), a.path());
        assertEquals(17, a.packets(), "the origin rule's counters");
        assertEquals(Owner.SANDWICH.appName(), a.appName());
        assertReappliedAsFound(rig, in);

        List<FlowEntry> out = List.of(
                onSwitch(app, F02, 30001, match("10.0.2.11", 50000, "10.0.1.11", 80), tr().setEthSrc(intGw)
                        .setEthDst(fw3.inside().mac()).setOutput(fw3.inside().port()).build(), 3),
                onSwitch(app, F01, 30000, match("10.0.1.11", 80, "10.0.2.11", 50000), tr().setEthSrc(extGw)
                        .setEthDst(fw3.outside().mac()).setOutput(fw3.outside().port()).build(), 3));
        EngineRig rig2 = new EngineRig(t);
        ConnectionEntry b = adopt(rig2, out, FlowKey.of(6, ip("10.0.2.11"), 50000, ip("10.0.1.11"), 80).canonical());
        assertEquals(FlowKey.of(6, ip("10.0.2.11"), 50000, ip("10.0.1.11"), 80), b.flow());
        assertEquals(ConnectionPath.viaFirewall("fw3"), b.path());
        assertReappliedAsFound(rig2, out);
    }

    @Test
    void fig6ConnectionIsAdoptedWithItsServer() {
        FwlbTopology t = ExampleConfigs.topology(6);
        MacAddress intGw = t.internal().get().gatewayMac();
        Firewall fw1 = t.firewall("fw1");
        Server srv3 = t.server("srv3");
        ApplicationId app = EngineRig.SANDWICH_APP;
        List<FlowEntry> found = List.of(
                onSwitch(app, F01, 30001, match(CLIENT, 40000, "10.0.2.100", 80), tr()
                        .setEthSrc(t.external().get().gatewayMac()).setEthDst(fw1.outside().mac())
                        .setOutput(fw1.outside().port()).build(), 9),
                onSwitch(app, F02, 30000, match(CLIENT, 40000, "10.0.2.100", 80), tr().setEthSrc(intGw)
                        .setEthDst(srv3.mac()).setIpDst(IpAddress.valueOf("10.0.2.23"))
                        .setOutput(PortNumber.portNumber(13)).build(), 9),
                onSwitch(app, F02, 30000, match("10.0.2.23", 80, CLIENT, 40000), tr()
                        .setIpSrc(IpAddress.valueOf("10.0.2.100")).setEthSrc(intGw).setEthDst(fw1.inside().mac())
                        .setOutput(fw1.inside().port()).build(), 8));
        EngineRig rig = new EngineRig(t);
        ConnectionEntry a = adopt(rig, found, FlowKey.of(6, ip(CLIENT), 40000, ip("10.0.2.100"), 80).canonical());
        assertEquals(ConnectionPath.viaFirewall("fw1").withNextDispatcher("int-dispatch").withServer("srv3")
                             .withPathTag(PathTag.of(1)), a.path());
        assertReappliedAsFound(rig, found);
    }

    private static List<FlowEntry> fig8Switches(FwlbTopology t, String next) {
        MacAddress intGw = t.internal().get().gatewayMac();
        Firewall fw3 = t.firewall("fw3");
        ApplicationId s = EngineRig.SANDWICH_APP;
        ApplicationId d = EngineRig.DISPATCH_APP;
        List<FlowEntry> out = new ArrayList<>(List.of(
                onSwitch(s, F01, 30001, match(CLIENT, 40000, "10.0.2.100", 80), tr()
                        .setEthSrc(t.external().get().gatewayMac()).setEthDst(fw3.outside().mac())
                        .setOutput(fw3.outside().port()).build(), 11),
                onSwitch(s, F02, 30000, match("10.0.2.100", 80, CLIENT, 40000), tr().setEthSrc(intGw)
                        .setEthDst(fw3.inside().mac()).setOutput(fw3.inside().port()).build(), 10),
                onSwitch(d, F02, 30000, match(CLIENT, 40000, "10.0.2.100", 80), tr()
                        .setEthDst(t.dispatcher(next).mac())
                        .setOutput(next.equals("l4c") ? PortNumber.portNumber(14) : PortNumber.portNumber(12))
                        .build(), 11)));
        if (next.equals("l4c")) {
            out.add(onSwitch(d, D04, 30000, match(CLIENT, 40000, "10.0.2.100", 80), tr()
                    .setEthDst(t.server("srv6").mac()).setIpDst(IpAddress.valueOf("10.0.2.26"))
                    .setOutput(PortNumber.portNumber(4)).build(), 11));
            out.add(onSwitch(d, D04, 30000, match("10.0.2.26", 80, CLIENT, 40000), tr()
                    .setIpSrc(IpAddress.valueOf("10.0.2.100")).setEthSrc(t.dispatcher("l4c").mac())
                    .setEthDst(fw3.inside().mac()).setOutput(PortNumber.portNumber(7)).build(), 10));
        }
        return out;
    }

    @Test
    void fig8ConnectionIsAdoptedThroughItsStagesAndTheUplinkIsLearnedFromTheReplyRule() {
        FwlbTopology t = ExampleConfigs.topology(8);
        List<FlowEntry> found = fig8Switches(t, "l4c");
        EngineRig rig = new EngineRig(t);
        ConnectionEntry a = adopt(rig, found, FlowKey.of(6, ip(CLIENT), 40000, ip("10.0.2.100"), 80).canonical());
        assertEquals(ConnectionPath.viaFirewall("fw3").withNextDispatcher("stage1").withNextDispatcher("l4c")
                             .withServer("srv6").withPathTag(PathTag.of(103)), a.path());
        assertEquals(PortNumber.portNumber(7), rig.ctx.learnedUplinks.get("l4c"));
        assertReappliedAsFound(rig, found);
        assertEquals(1, rig.count(Owner.SANDWICH, EngineCounters.ADOPTED), "the sandwich's (its origin rule)");
    }

    @Test
    void fig8StagesPinnedWithoutAFirewallChoiceKeepTheFirewallTheirReplyRuleNames() {
        // a static-hash sandwich class: no firewall choice pinned the connection; stage1's rule is its origin
        FwlbTopology t = ExampleConfigs.topology(8);
        List<FlowEntry> all = fig8Switches(t, "l4c");
        List<FlowEntry> found = new ArrayList<>();
        FlowEntry s1 = all.get(2);
        found.add(onSwitch(EngineRig.DISPATCH_APP, F02, 30001, s1.selector(), s1.treatment(), 11));
        found.add(all.get(3));
        found.add(all.get(4));
        EngineRig rig = new EngineRig(t);
        ConnectionEntry a = adopt(rig, found, FlowKey.of(6, ip(CLIENT), 40000, ip("10.0.2.100"), 80).canonical());
        assertEquals(ConnectionPath.empty().withNextDispatcher("stage1").withNextDispatcher("l4c").withServer("srv6")
                             .withPathTag(PathTag.of(103)), a.path());
        assertEquals(Owner.DISPATCH.appName(), a.appName());
        assertReappliedAsFound(rig, found);
    }

    @Test
    void fig8ConnectionToAnL7HostEndsItsPathAtTheHost() {
        FwlbTopology t = ExampleConfigs.topology(8);
        List<FlowEntry> found = fig8Switches(t, "l7a");
        EngineRig rig = new EngineRig(t);
        ConnectionEntry a = adopt(rig, found, FlowKey.of(6, ip(CLIENT), 40000, ip("10.0.2.100"), 80).canonical());
        assertEquals(ConnectionPath.viaFirewall("fw3").withNextDispatcher("stage1").withNextDispatcher("l7a"),
                     a.path());
        assertReappliedAsFound(rig, found);
    }

    @Test
    void onlyTheRulesOfMasteredSwitchesAreReadAndReapplied() {
        FwlbTopology t = ExampleConfigs.topology(8, (ObjectNode f) -> ExampleConfigs.dispatcher(f, "l4c")
                .put("uplink", 7));
        List<FlowEntry> found = fig8Switches(t, "l4c");
        EngineRig rig = new EngineRig(t);
        rig.elsewhere.add(D04);
        ConnectionEntry a = adopt(rig, found, FlowKey.of(6, ip(CLIENT), 40000, ip("10.0.2.100"), 80).canonical());
        assertEquals(List.of("stage1", "l4c"), a.path().dispatcherIds());
        assertTrue(rig.flows.applied.stream().noneMatch(r -> r.deviceId().equals(D04)),
                   "another instance's switch: " + rig.flows.applied);
        assertEquals(3, rig.flows.applied.size());
    }

    @Test
    void rulesOfAnotherApplicationOrWithoutAnOriginRuleAreNotAdopted() {
        FwlbTopology t = ExampleConfigs.topology(1);
        Firewall fw2 = t.firewall("fw2");
        ApplicationId foreign = new org.onosproject.core.DefaultApplicationId(77, "org.example.other");
        EngineRig rig = new EngineRig(t);
        List<FlowEntry> notOurs = List.of(onSwitch(foreign, F01, 30001, match(CLIENT, 40000, "10.0.2.21", 443),
                tr().setEthDst(fw2.outside().mac()).setOutput(fw2.outside().port()).build(), 1));
        rig.flows.importRules(notOurs);
        rig.lifecycle.onRuleStats(notOurs.get(0));
        rig.lifecycle.sweep(rig.plan, System.currentTimeMillis());
        assertEquals(0, rig.store.size());

        List<FlowEntry> replyOnly = List.of(onSwitch(EngineRig.SANDWICH_APP, F02, 30000,
                match("10.0.2.21", 443, CLIENT, 40000), tr().setEthSrc(t.internal().get().gatewayMac())
                        .setEthDst(fw2.inside().mac()).setOutput(fw2.inside().port()).build(), 1));
        rig.flows.importRules(replyOnly);
        rig.lifecycle.onRuleStats(replyOnly.get(0));
        rig.lifecycle.sweep(rig.plan, System.currentTimeMillis());
        assertEquals(0, rig.store.size(), "the origin rule tells the direction; without it nothing is guessed");
    }
}
