package org.fwlb.runtime.openflow;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.onlab.packet.Ethernet;
import org.onlab.packet.IPv4;
import org.onosproject.net.DeviceId;
import org.onosproject.net.PortNumber;
import org.onosproject.net.flow.DefaultFlowRule;
import org.onosproject.net.flow.DefaultTrafficSelector;
import org.onosproject.net.flow.DefaultTrafficTreatment;
import org.onosproject.net.flow.FlowEntry;
import org.onosproject.net.flow.FlowRule;
import org.onosproject.net.flow.FlowRuleEvent;
import org.onosproject.net.flow.criteria.Criteria;
import org.projectfloodlight.openflow.protocol.OFFlowAdd;
import org.projectfloodlight.openflow.protocol.OFFlowDeleteStrict;
import org.projectfloodlight.openflow.protocol.OFFlowMod;
import org.projectfloodlight.openflow.protocol.OFMatchV3;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.U16;
import org.slf4j.LoggerFactory;

import java.util.List;

import static org.fwlb.runtime.openflow.FlowRuleServiceTest.types;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TCP_FLAGS: left out of the FLOW_MOD as ONOS 2.7's FlowModBuilder does (and the reconciliation then
 * behaves as ONOS's: deleted and re-added at every poll, RULE_UPDATED every poll, never RULE_ADDED, never
 * expires), or — with {@code tcpFlagsMatch} — on the wire as the OVS/ONF experimenter OXM, read back,
 * and then like any other rule.
 */
class TcpFlagsTest extends RuntimeTestBase {

    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger flowLog = (Logger) LoggerFactory.getLogger("org.fwlb.runtime.openflow.flow.FlowRuleManager");

    @BeforeEach
    void captureLog() {
        logs.start();
        flowLog.addAppender(logs);
    }

    @AfterEach
    void releaseLog() {
        flowLog.detachAppender(logs);
    }

    private long warnings() {
        return logs.list.stream().filter(e -> e.getLevel() == Level.WARN
                && e.getFormattedMessage().contains("Match type TCP_FLAGS not yet implemented (ONOS 2.7 FlowModBuilder)"))
                .count();
    }

    /** A temporary SYN punt: what a load balancer would want. */
    static FlowRule synRule(DeviceId dev) {
        return DefaultFlowRule.builder().forDevice(dev)
                .withSelector(DefaultTrafficSelector.builder().matchEthType(Ethernet.TYPE_IPV4)
                        .matchIPProtocol(IPv4.PROTOCOL_TCP).add(Criteria.matchTcpFlags(0x002)).build())
                .withTreatment(DefaultTrafficTreatment.builder().setOutput(PortNumber.CONTROLLER).build())
                .withPriority(20000).fromApp(APP).makeTemporary(10).build();
    }

    private static boolean hasTcpFlags(OFFlowMod m) {
        for (Object oxm : ((OFMatchV3) m.getMatch()).getOxmList()) {
            if (((org.projectfloodlight.openflow.protocol.oxm.OFOxm<?>) oxm).getMatchField() == MatchField.OVS_TCP_FLAGS) {
                return true;
            }
        }
        return false;
    }

    @Test
    void byDefaultTcpFlagsIsLeftOutAndTheRuleChurnsAsInOnos() throws Exception {
        OpenFlowRuntime rt = start(manual().build());
        FakeSwitch sw = connect(rt, 0x91, 2);
        DeviceId dev = deviceId(0x91);
        FlowRule rule = synRule(dev);
        long t0 = now.get();
        rt.flowRuleService().applyFlowRules(rule);
        OFFlowAdd add = notNull("FLOW_MOD", sw.await(OFFlowAdd.class, m -> true, WAIT));
        assertFalse(hasTcpFlags(add), "sent without the field (the switch's rule matches every TCP packet)");
        assertEquals(6, add.getMatch().get(MatchField.IP_PROTO).getIpProtocolNumber());
        assertEquals(1, warnings(), "logged at WARN");
        settle(rt, sw);
        flowEvents.clear();

        for (long at : new long[]{1_000, 20_000, 40_000}) { // far past the 10 s idle timeout
            sw.clearReceived();
            now.set(t0 + at);
            pollFlows(rt, dev);
            settle(rt, sw);
            List<OFFlowDeleteStrict> dels = sw.all(OFFlowDeleteStrict.class);
            List<OFFlowAdd> adds = sw.all(OFFlowAdd.class);
            assertEquals(1, dels.size(), "the switch's copy is extraneous: deleted");
            assertEquals(1, adds.size(), "the stored rule is missing: re-added");
            assertTrue(sw.received().indexOf(dels.get(0)) < sw.received().indexOf(adds.get(0)), "delete, then add");
            assertEquals(1, sw.flows().size());
        }
        assertEquals(List.of(FlowRuleEvent.Type.RULE_UPDATED, FlowRuleEvent.Type.RULE_UPDATED,
                FlowRuleEvent.Type.RULE_UPDATED), types(flowEvents), "RULE_UPDATED every poll, never RULE_ADDED, never removed");
        flowEvents.forEach(e -> assertEquals(FlowEntry.FlowEntryState.PENDING_ADD, ((FlowEntry) e.subject()).state()));
        assertEquals(FlowEntry.FlowEntryState.PENDING_ADD, rt.flowRuleService().getFlowEntry(rule).state());
        assertEquals(1, warnings(), "once per rule, not at every re-send");
    }

    @Test
    void withTheOptionTcpFlagsIsOnTheWireReadBackAndTheRuleBehavesLikeAnyOther() throws Exception {
        OpenFlowRuntime rt = start(manual().tcpFlagsMatch(true).build());
        FakeSwitch sw = connect(rt, 0x92, 2);
        DeviceId dev = deviceId(0x92);
        FlowRule rule = synRule(dev);
        long t0 = now.get();
        rt.flowRuleService().applyFlowRules(rule);
        OFFlowAdd add = notNull("FLOW_MOD", sw.await(OFFlowAdd.class, m -> true, WAIT));
        assertEquals(U16.of(0x002), add.getMatch().get(MatchField.OVS_TCP_FLAGS));
        ByteBuf buf = Unpooled.buffer();
        add.writeTo(buf);
        // class 0xffff, field 42 (0x54 = 42 << 1, no mask), length 6, experimenter ONF 0x4f4e4600, value 0x0002
        assertTrue(ByteBufUtil.hexDump(buf).contains("ffff5406" + "4f4e4600" + "0002"));
        settle(rt, sw);
        flowEvents.clear();

        now.set(t0 + 1_000);
        pollFlows(rt, dev);
        now.set(t0 + 10_001);
        pollFlows(rt, dev);
        settle(rt, sw);
        assertEquals(List.of(FlowRuleEvent.Type.RULE_ADDED, FlowRuleEvent.Type.RULE_REMOVE_REQUESTED,
                FlowRuleEvent.Type.RULE_REMOVED), types(flowEvents), "confirmed, then expired");
        assertTrue(((FlowEntry) flowEvents.get(0).subject()).selector().getCriterion(
                org.onosproject.net.flow.criteria.Criterion.Type.TCP_FLAGS) != null, "read back");
        assertNull(rt.flowRuleService().getFlowEntry(rule));
        assertEquals(0, warnings());
    }
}
