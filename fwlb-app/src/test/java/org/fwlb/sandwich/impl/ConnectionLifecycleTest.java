package org.fwlb.sandwich.impl;

import org.fwlb.config.ExampleConfigs;
import org.fwlb.model.ConnectionEntry;
import org.fwlb.model.ConnectionPath;
import org.fwlb.model.FirewallDispatcher.Role;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.TcpState;
import org.junit.jupiter.api.Test;
import org.onlab.packet.MacAddress;
import org.onosproject.net.flow.DefaultFlowEntry;
import org.onosproject.net.flow.FlowEntry;
import org.onosproject.net.flow.FlowRule;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConnectionLifecycleTest {

    private final FwlbTopology t = ExampleConfigs.topology(1);
    private final SandwichRig rig = new SandwichRig(t);
    private final ConnectionEntry e = SandwichRulesTest.entry("10.0.1.11", 40000, "10.0.2.21", 80,
                                                             ConnectionPath.viaFirewall("fw2"));

    private List<FlowRule> pin() {
        rig.store.pin(e);
        return rig.ctx.rulesOf(t, e, t.timeouts().idleSeconds());
    }

    @Test
    void finsAreForwardedAlongThePinAndBothFinsStartTheClosingTimeout() {
        pin();
        byte[] fin = SandwichRig.segment(MacAddress.valueOf("02:00:00:00:01:0b"), t.external().get().gatewayMac(),
                                         "10.0.1.11", 40000, "10.0.2.21", 80, 0x11);
        assertTrue(rig.lifecycle.onClose(t, t.external().get().deviceId(), SandwichRig.parse(fin), fin));
        assertEquals(1, rig.packets.emitted.size());
        // half-closed: the other side may still send, the rules keep their idle timeout
        assertEquals(TcpState.FIN_FROM_CLIENT, rig.store.get(e.key()).state());
        assertEquals(0, rig.flows.applied.size());
        byte[] fin2 = SandwichRig.segment(MacAddress.valueOf("02:fb:00:03:00:01"), t.internal().get().gatewayMac(),
                                          "10.0.2.21", 80, "10.0.1.11", 40000, 0x11);
        assertTrue(rig.lifecycle.onClose(t, t.internal().get().deviceId(), SandwichRig.parse(fin2), fin2));
        assertEquals(TcpState.CLOSING, rig.store.get(e.key()).state());
        assertEquals(2, rig.packets.emitted.size());
        assertEquals(2, rig.flows.applied.size());
        assertTrue(rig.flows.applied.stream().allMatch(r -> r.timeout() == t.timeouts().closingSeconds()));
        // a retransmitted FIN changes nothing more
        assertTrue(rig.lifecycle.onClose(t, t.internal().get().deviceId(), SandwichRig.parse(fin2), fin2));
        assertEquals(2, rig.flows.applied.size());
    }

    @Test
    void rstStartsTheClosingTimeoutAtOnce() {
        pin();
        byte[] rst = SandwichRig.segment(MacAddress.valueOf("02:00:00:00:01:0b"), t.external().get().gatewayMac(),
                                         "10.0.1.11", 40000, "10.0.2.21", 80, 0x04);
        assertTrue(rig.lifecycle.onClose(t, t.external().get().deviceId(), SandwichRig.parse(rst), rst));
        assertEquals(TcpState.CLOSING, rig.store.get(e.key()).state());
        assertEquals(2, rig.flows.applied.size());
    }

    @Test
    void finOfUnknownConnectionIsNotOurs() {
        byte[] fin = SandwichRig.segment(MacAddress.valueOf("02:00:00:00:01:0b"), t.external().get().gatewayMac(),
                                         "10.0.1.11", 40001, "10.0.2.21", 80, 0x11);
        assertFalse(rig.lifecycle.onClose(t, t.external().get().deviceId(), SandwichRig.parse(fin), fin));
    }

    @Test
    void idleTimeoutEndsTheConnectionAndRemovesItsOtherRule() {
        List<FlowRule> rules = pin();
        rig.lifecycle.onRuleRemoved(t, new DefaultFlowEntry(rules.get(1), FlowEntry.FlowEntryState.REMOVED,
                0, 0, 0));
        // DefaultFlowEntry without a reason reports none: treat as idle
        assertNull(rig.store.get(e.key()));
        assertEquals(rules.size(), rig.flows.removed.size());
    }

    @Test
    void ourOwnDeletionsAreIgnored() {
        List<FlowRule> rules = pin();
        FlowEntry deleted = new DefaultFlowEntry(rules.get(0), FlowEntry.FlowEntryState.REMOVED, 0, 0, 0) {
            @Override
            public FlowRemoveReason reason() {
                return FlowRemoveReason.DELETE;
            }
        };
        rig.lifecycle.onRuleRemoved(t, deleted);
        assertEquals(e, rig.store.get(e.key()));
    }

    @Test
    void firewallDownClearsOnlyItsConnections() {
        pin();
        ConnectionEntry other = SandwichRulesTest.entry("10.0.1.12", 40000, "10.0.2.21", 80,
                                                        ConnectionPath.viaFirewall("fw1"));
        rig.store.pin(other);
        assertEquals(1, rig.lifecycle.clearMember(t, "fw2"));
        assertNull(rig.store.get(e.key()));
        assertEquals(other, rig.store.get(other.key()));
    }

    @Test
    void restartAdoptsPinnedRulesFromTheSwitches() {
        List<FlowRule> rules = pin();
        ConnectionEntry out = SandwichRulesTest.entry("10.0.2.11", 50000, "10.0.1.11", 80,
                                                      ConnectionPath.viaFirewall("fw3"));
        rules = new ArrayList<>(rules);
        rules.addAll(rig.ctx.rules.pinnedRules(t, out, Role.INTERNAL, 10));
        List<FlowEntry> found = new ArrayList<>();
        rules.forEach(r -> found.add(new DefaultFlowEntry(r)));
        // a fresh controller: empty table
        SandwichRig fresh = new SandwichRig(t);
        assertEquals(2, fresh.lifecycle.adopt(t, found));
        ConnectionEntry a = fresh.store.get(e.key());
        assertEquals("fw2", a.path().firewallId().get());
        assertEquals(e.flow(), a.flow());
        ConnectionEntry b = fresh.store.get(out.key());
        assertEquals("fw3", b.path().firewallId().get());
        assertEquals(out.flow(), b.flow());
        assertEquals(4, fresh.flows.applied.size(), "adopted rules re-applied (same ids)");
    }

    @Test
    void restartAdoptsFig6ConnectionsWithTheirServer() {
        FwlbTopology t6 = ExampleConfigs.topology(6);
        SandwichRig r6 = new SandwichRig(t6);
        ConnectionEntry v = SandwichRulesTest.entry("10.0.1.11", 40000, "10.0.2.100", 80,
                ConnectionPath.viaFirewall("fw1").withNextDispatcher("int-dispatch").withServer("srv3"));
        List<FlowEntry> found = new ArrayList<>();
        r6.ctx.rulesOf(t6, v, 10).forEach(r -> found.add(new DefaultFlowEntry(r)));
        assertEquals(1, r6.lifecycle.adopt(t6, found));
        ConnectionEntry a = r6.store.get(v.key());
        assertEquals(v.flow(), a.flow());
        assertEquals(v.path(), a.path());
    }
}
