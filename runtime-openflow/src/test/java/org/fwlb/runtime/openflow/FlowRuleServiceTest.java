package org.fwlb.runtime.openflow;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.onlab.packet.Ethernet;
import org.onlab.packet.IPv4;
import org.onlab.packet.IpPrefix;
import org.onlab.packet.MacAddress;
import org.onlab.packet.TpPort;
import org.onlab.packet.VlanId;
import org.onosproject.net.DeviceId;
import org.onosproject.net.PortNumber;
import org.onosproject.net.flow.DefaultFlowRule;
import org.onosproject.net.flow.DefaultTrafficSelector;
import org.onosproject.net.flow.DefaultTrafficTreatment;
import org.onosproject.net.flow.FlowEntry;
import org.onosproject.net.flow.FlowRule;
import org.onosproject.net.flow.FlowRuleEvent;
import org.onosproject.net.flow.FlowRuleOperations;
import org.onosproject.net.flow.FlowRuleOperationsContext;
import org.onosproject.net.flow.FlowRuleService;
import org.onosproject.net.flow.TrafficSelector;
import org.onosproject.net.flow.criteria.Criteria;
import org.onosproject.net.flow.criteria.Criterion;
import org.projectfloodlight.openflow.protocol.OFBarrierRequest;
import org.projectfloodlight.openflow.protocol.OFFlowAdd;
import org.projectfloodlight.openflow.protocol.OFFlowDeleteStrict;
import org.projectfloodlight.openflow.protocol.OFFlowMod;
import org.projectfloodlight.openflow.protocol.OFFlowModFlags;
import org.projectfloodlight.openflow.protocol.OFFlowRemovedReason;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.U16;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FlowRuleServiceTest extends RuntimeTestBase {

    static FlowRule pinned(DeviceId dev, int srcPort, int idle) {
        TrafficSelector sel = DefaultTrafficSelector.builder()
                .matchInPort(PortNumber.portNumber(1))
                .matchEthType(Ethernet.TYPE_IPV4)
                .matchIPProtocol(IPv4.PROTOCOL_TCP)
                .matchIPSrc(IpPrefix.valueOf("10.0.1.10/32"))
                .matchIPDst(IpPrefix.valueOf("10.0.2.0/24"))
                .matchTcpSrc(TpPort.tpPort(srcPort))
                .matchTcpDst(TpPort.tpPort(80))
                .build();
        return DefaultFlowRule.builder().forDevice(dev).withSelector(sel)
                .withTreatment(DefaultTrafficTreatment.builder().setEthDst(MacAddress.valueOf("02:fb:00:01:00:01"))
                        .setOutput(PortNumber.portNumber(3)).build())
                .withPriority(30000).fromApp(APP).makeTemporary(idle).build();
    }

    static FlowRule synPunt(DeviceId dev) {
        TrafficSelector sel = DefaultTrafficSelector.builder()
                .matchEthType(Ethernet.TYPE_IPV4).matchIPProtocol(IPv4.PROTOCOL_TCP)
                .add(Criteria.matchTcpFlags(0x002)).matchVlanId(VlanId.NONE).build();
        return DefaultFlowRule.builder().forDevice(dev).withSelector(sel)
                .withTreatment(DefaultTrafficTreatment.builder().punt().setOutput(PortNumber.NORMAL).build())
                .withPriority(20000).fromApp(APP).makePermanent().build();
    }

    @Test
    void applyFlowRulesSendsFlowModAndStatsMakeItAdded() throws Exception {
        OpenFlowRuntime rt = start();
        FakeSwitch sw = connect(rt, 0x41, 3);
        DeviceId dev = deviceId(0x41);
        FlowRuleService frs = rt.flowRuleService();
        FlowRule rule = pinned(dev, 40000, 10);
        frs.applyFlowRules(rule);

        OFFlowAdd add = notNull("FLOW_MOD ADD", sw.await(OFFlowAdd.class, m -> true, WAIT));
        assertEquals(rule.id().value(), add.getCookie().getValue(), "cookie is the flow id");
        assertEquals(30000, add.getPriority());
        assertEquals(10, add.getIdleTimeout());
        assertEquals(0, add.getHardTimeout());
        assertEquals(0, add.getTableId().getValue());
        assertTrue(add.getFlags().contains(OFFlowModFlags.SEND_FLOW_REM));
        assertEquals(24, add.getMatch().getMasked(MatchField.IPV4_DST).getMask().asCidrMaskLength());
        assertTrue(add.getMatch().isExact(MatchField.IPV4_SRC));
        assertEquals(40000, add.getMatch().get(MatchField.TCP_SRC).getPort());
        notNull("BARRIER after the FLOW_MOD", sw.await(OFBarrierRequest.class, m -> m.getXid() > add.getXid(), WAIT));

        FlowEntry pending = frs.getFlowEntry(rule);
        assertNotNull(pending);
        FlowRuleEvent added = awaitEvent(flowEvents, e -> e.type() == FlowRuleEvent.Type.RULE_ADDED);
        assertEquals(rule, added.subject());
        assertEquals(FlowEntry.FlowEntryState.ADDED, frs.getFlowEntry(rule).state());

        sw.setCounters(rule.id().value(), 12, 3400);
        await("counters", () -> frs.getFlowEntry(rule).packets() == 12);
        FlowEntry e = frs.getFlowEntry(rule);
        assertEquals(3400, e.bytes());
        assertEquals(3, e.life(), "life from the switch's duration");
        awaitEvent(flowEvents, ev -> ev.type() == FlowRuleEvent.Type.RULE_UPDATED && ((FlowEntry) ev.subject()).packets() == 12);
        assertEquals(1, frs.getFlowRuleCount());
        assertEquals(1, frs.getFlowRuleCount(dev));
        assertEquals(1, frs.getActiveFlowRuleCount(dev));
        assertEquals(1, count(frs.getFlowEntriesById(APP)));
        assertEquals(1, rt.stats().forDevice(dev).flowMods());
    }

    @Test
    void tcpFlagsUseTheOnfExperimenterOxmOnTheWire() throws Exception {
        OpenFlowRuntime rt = start();
        FakeSwitch sw = connect(rt, 0x42, 3);
        FlowRule punt = synPunt(deviceId(0x42));
        rt.flowRuleService().applyFlowRules(punt);
        OFFlowAdd add = notNull("FLOW_MOD", sw.await(OFFlowAdd.class, m -> true, WAIT));
        assertEquals(U16.of(0x002), add.getMatch().get(MatchField.OVS_TCP_FLAGS));
        ByteBuf buf = Unpooled.buffer();
        add.writeTo(buf);
        String hex = ByteBufUtil.hexDump(buf);
        // class 0xffff, field 42 (0x54 = 42 << 1, no mask), length 6, experimenter ONF 0x4f4e4600, value 0x0002
        assertTrue(hex.contains("ffff5406" + "4f4e4600" + "0002"), "tcp_flags OXM bytes in " + hex);
        // vlan "none" is an exact 0x0000 VLAN_VID
        assertTrue(hex.contains("80000c02" + "0000"), "vlan_vid=none bytes in " + hex);
    }

    @Test
    void stagedOperationsWaitForBarriersBeforeNextStageAndCallback() throws Exception {
        OpenFlowRuntime rt = start();
        FakeSwitch sw = connect(rt, 0x43, 3);
        DeviceId dev = deviceId(0x43);
        List<String> results = new CopyOnWriteArrayList<>();
        FlowRule first = pinned(dev, 1000, 10);
        FlowRule second = pinned(dev, 1001, 10);
        sw.holdBarriers = true;
        rt.flowRuleService().apply(FlowRuleOperations.builder().add(first).newStage().add(second)
                .build(new FlowRuleOperationsContext() {
                    @Override
                    public void onSuccess(FlowRuleOperations ops) {
                        results.add("success");
                    }

                    @Override
                    public void onError(FlowRuleOperations ops) {
                        results.add("error");
                    }
                }));
        notNull("stage 1", sw.await(OFFlowAdd.class, m -> m.getCookie().getValue() == first.id().value(), WAIT));
        Thread.sleep(300);
        assertTrue(results.isEmpty(), "no callback before the switch confirmed with a barrier reply");
        assertEquals(1, sw.all(OFFlowAdd.class).size(), "stage 2 waits for stage 1's barrier");
        sw.releaseBarriers(true);
        notNull("stage 2", sw.await(OFFlowAdd.class, m -> m.getCookie().getValue() == second.id().value(), WAIT));
        Thread.sleep(200);
        assertTrue(results.isEmpty(), "stage 2 unconfirmed");
        sw.releaseBarriers();
        await("callback", () -> !results.isEmpty());
        assertEquals(List.of("success"), results);
    }

    @Test
    void switchErrorFailsTheBatchAndMarksTheRuleFailed() throws Exception {
        OpenFlowRuntime rt = start();
        FakeSwitch sw = connect(rt, 0x44, 3);
        DeviceId dev = deviceId(0x44);
        FlowRule ok = pinned(dev, 2000, 10);
        FlowRule bad = pinned(dev, 2001, 10);
        sw.rejectFlowMod = fm -> fm.getCookie().getValue() == bad.id().value();
        List<String> results = new CopyOnWriteArrayList<>();
        rt.flowRuleService().apply(FlowRuleOperations.builder().add(ok).add(bad).build(new FlowRuleOperationsContext() {
            @Override
            public void onSuccess(FlowRuleOperations ops) {
                results.add("success");
            }

            @Override
            public void onError(FlowRuleOperations ops) {
                results.add("error");
            }
        }));
        await("callback", () -> !results.isEmpty());
        assertEquals(List.of("error"), results);
        assertEquals(FlowEntry.FlowEntryState.FAILED, rt.flowRuleService().getFlowEntry(bad).state());
        await("good rule ADDED", () -> rt.flowRuleService().getFlowEntry(ok).state() == FlowEntry.FlowEntryState.ADDED);
        assertEquals(1, rt.stats().forDevice(dev).errors());
        assertEquals(FlowEntry.FlowEntryState.FAILED, rt.flowRuleService().getFlowEntry(bad).state(),
                "a failed rule is not retried by the resync");
    }

    @Test
    void unsupportedCriterionIsRefusedNamingIt() throws Exception {
        OpenFlowRuntime rt = start();
        FakeSwitch sw = connect(rt, 0x45, 1);
        DeviceId dev = deviceId(0x45);
        FlowRule v6 = DefaultFlowRule.builder().forDevice(dev)
                .withSelector(DefaultTrafficSelector.builder().matchEthType(Ethernet.TYPE_IPV6)
                        .matchIPv6Src(IpPrefix.valueOf("2001:db8::/32")).build())
                .withTreatment(DefaultTrafficTreatment.builder().drop().build())
                .withPriority(100).fromApp(APP).makePermanent().build();
        FlowRule good = pinned(dev, 3000, 10);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> rt.flowRuleService().applyFlowRules(good, v6));
        assertTrue(e.getMessage().contains(Criterion.Type.IPV6_SRC.name()), e.getMessage());
        List<String> results = new CopyOnWriteArrayList<>();
        rt.flowRuleService().apply(FlowRuleOperations.builder().add(good).add(v6).build(new FlowRuleOperationsContext() {
            @Override
            public void onError(FlowRuleOperations ops) {
                results.add("error");
            }
        }));
        await("onError", () -> !results.isEmpty());
        Thread.sleep(200);
        assertTrue(sw.all(OFFlowMod.class).isEmpty(), "nothing sent: the batch is refused as a whole");
        assertEquals(0, rt.flowRuleService().getFlowRuleCount(dev), "nothing stored");
    }

    @Test
    void flowRemovedBecomesRuleRemovedWithReasonAndFinalCounters() throws Exception {
        OpenFlowRuntime rt = start();
        FakeSwitch sw = connect(rt, 0x46, 3);
        DeviceId dev = deviceId(0x46);
        FlowRule rule = pinned(dev, 4000, 5);
        rt.flowRuleService().applyFlowRules(rule);
        awaitEvent(flowEvents, e -> e.type() == FlowRuleEvent.Type.RULE_ADDED);
        sw.setCounters(rule.id().value(), 9, 900);
        sw.expire(rule.id().value(), OFFlowRemovedReason.IDLE_TIMEOUT);
        FlowRuleEvent removed = awaitEvent(flowEvents, e -> e.type() == FlowRuleEvent.Type.RULE_REMOVED);
        FlowEntry fe = (FlowEntry) removed.subject();
        assertEquals(rule, fe, "equals the rule the app applied");
        assertEquals(rule.id(), fe.id());
        assertEquals(rule.selector(), fe.selector());
        assertEquals(rule.treatment(), fe.treatment());
        assertEquals(rule.priority(), fe.priority());
        assertEquals(rule.appId(), fe.appId());
        assertEquals(FlowRule.FlowRemoveReason.IDLE_TIMEOUT, fe.reason());
        assertEquals(9, fe.packets());
        assertEquals(900, fe.bytes());
        assertEquals(FlowEntry.FlowEntryState.REMOVED, fe.state());
        assertEquals(0, rt.flowRuleService().getFlowRuleCount(dev));
    }

    @Test
    void removeFlowRulesDeletesStrictlyByCookie() throws Exception {
        OpenFlowRuntime rt = start();
        FakeSwitch sw = connect(rt, 0x47, 3);
        DeviceId dev = deviceId(0x47);
        FlowRule a = pinned(dev, 5000, 10);
        FlowRule b = synPunt(dev);
        rt.flowRuleService().applyFlowRules(a, b);
        await("both ADDED", () -> rt.flowRuleService().getActiveFlowRuleCount(dev) == 2);
        rt.flowRuleService().removeFlowRules(a);
        OFFlowDeleteStrict del = notNull("DELETE_STRICT", sw.await(OFFlowDeleteStrict.class, m -> true, WAIT));
        assertEquals(a.id().value(), del.getCookie().getValue());
        assertEquals(-1L, del.getCookieMask().getValue());
        assertEquals(a.priority(), del.getPriority());
        FlowRuleEvent removed = awaitEvent(flowEvents, e -> e.type() == FlowRuleEvent.Type.RULE_REMOVED);
        assertEquals(a, removed.subject());
        assertEquals(FlowRule.FlowRemoveReason.DELETE, ((FlowEntry) removed.subject()).reason());
        assertEquals(1, sw.flows().size());

        rt.flowRuleService().removeFlowRulesById(APP);
        await("switch table empty", () -> sw.flows().isEmpty());
        await("store empty", () -> rt.flowRuleService().getFlowRuleCount(dev) == 0);
    }

    @Test
    void rulesForAnUnconnectedSwitchFailTheCallbackButAreInstalledWhenItConnects() throws Exception {
        OpenFlowRuntime rt = start();
        DeviceId dev = deviceId(0x48);
        FlowRule rule = pinned(dev, 6000, 10);
        List<String> results = new CopyOnWriteArrayList<>();
        rt.flowRuleService().apply(FlowRuleOperations.builder().add(rule).build(new FlowRuleOperationsContext() {
            @Override
            public void onError(FlowRuleOperations ops) {
                results.add("error");
            }
        }));
        await("onError", () -> !results.isEmpty());
        assertEquals(FlowEntry.FlowEntryState.PENDING_ADD, rt.flowRuleService().getFlowEntry(rule).state());
        FakeSwitch sw = connect(rt, 0x48, 3);
        notNull("installed at connect", sw.await(OFFlowAdd.class, m -> m.getCookie().getValue() == rule.id().value(), WAIT));
        await("ADDED", () -> rt.flowRuleService().getFlowEntry(rule).state() == FlowEntry.FlowEntryState.ADDED);
    }

    @Test
    void removeAllInstalledRulesCleansTheSwitches() throws Exception {
        OpenFlowRuntime rt = start();
        FakeSwitch sw = connect(rt, 0x49, 3);
        DeviceId dev = deviceId(0x49);
        rt.flowRuleService().applyFlowRules(pinned(dev, 7000, 10), pinned(dev, 7001, 10), synPunt(dev));
        await("3 on the switch", () -> sw.flows().size() == 3);
        rt.removeAllInstalledRules();
        assertTrue(sw.flows().isEmpty(), "deleted and confirmed before returning");
        assertEquals(0, rt.flowRuleService().getFlowRuleCount());
    }

    @Test
    void removeAllOnCloseCleansTheSwitchesAtClose() throws Exception {
        OpenFlowRuntime rt = start(options().removeAllOnClose(true).build());
        FakeSwitch sw = connect(rt, 0x4a, 3);
        DeviceId dev = deviceId(0x4a);
        rt.flowRuleService().applyFlowRules(pinned(dev, 7100, 10), synPunt(dev));
        await("2 on the switch", () -> sw.flows().size() == 2);
        rt.close();
        assertTrue(sw.flows().isEmpty(), "close() removed the rules first");
    }

    private static int count(Iterable<?> it) {
        List<Object> l = new ArrayList<>();
        it.forEach(l::add);
        return l.size();
    }

}
