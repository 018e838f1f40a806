package org.fwlb.runtime.openflow.bench;

import org.fwlb.runtime.openflow.OpenFlowOptions;
import org.fwlb.runtime.openflow.OpenFlowRuntime;
import org.onlab.packet.Ethernet;
import org.onlab.packet.IPv4;
import org.onlab.packet.Ip4Address;
import org.onlab.packet.IpPrefix;
import org.onlab.packet.MacAddress;
import org.onlab.packet.TpPort;
import org.onosproject.core.ApplicationId;
import org.onosproject.core.DefaultApplicationId;
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
import org.onosproject.net.flow.criteria.Criteria;
import org.onosproject.net.meter.Band;
import org.onosproject.net.meter.DefaultBand;
import org.onosproject.net.meter.DefaultMeterRequest;
import org.onosproject.net.meter.Meter;
import org.onosproject.net.meter.MeterContext;
import org.onosproject.net.meter.MeterFailReason;
import org.onosproject.net.meter.MeterRequest;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Smoke check of the ONOS-faithful southbound against a real Open vSwitch (bridge {@code ofsmoke0},
 * userspace datapath). Exit code 0 when every check passes. Phases:
 * <ol>
 *   <li>ONOS defaults: a meter confirmed by the meter poll; rules with set_field, meter (instruction
 *       last, as ONOS sends it), CONTROLLER/NORMAL outputs, no idle timeout, send_flow_rem; a TCP_FLAGS
 *       rule sent without the field and replaced at every poll; RULE_ADDED from the poll;</li>
 *   <li>expiry by the controller: a 2 s temporary rule removed after its idle time (RULE_REMOVE_REQUESTED,
 *       DELETE_STRICT, RULE_REMOVED with state PENDING_REMOVE);</li>
 *   <li>restart with defaults: the rules the application re-applies before the first poll stay (RULE_ADDED),
 *       the others are deleted, and the old meter too;</li>
 *   <li>restart with allow+import: a rule left on the switch is imported without an event;</li>
 *   <li>restart with the TCP_FLAGS option: tcp_flags=syn in OVS, a SYN hits it and a SYN-ACK does not,
 *       the rule is confirmed like any other; clean shutdown removes every rule and meter.</li>
 * </ol>
 *
 * <p>Usage: {@code java -cp <runtime-openflow jar + deps> org.fwlb.runtime.openflow.bench.OvsSmoke [ofPort]}
 * (needs root and a running OVS; creates and deletes the bridge {@code ofsmoke0}).
 */
public final class OvsSmoke {
    private static final ApplicationId APP = new DefaultApplicationId(42, "org.fwlb.smoke");
    private static final long DPID = 0xf5e01L;
    private static int failures;

    private OvsSmoke() {
    }

    private static OpenFlowOptions.Builder options(int port) {
        return OpenFlowOptions.builder().port(port).bindAddress("127.0.0.1")
                .flowPollFrequency(Duration.ofSeconds(1)).meterStatsPollInterval(Duration.ofSeconds(1));
    }

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 16653;
        DeviceId dev = DeviceId.deviceId(String.format("of:%016x", DPID));
        try (OvsBridge br = OvsBridge.create("ofsmoke0", DPID, port, 2)) {
            List<FlowRule> rules = defaults(br, dev, port);
            restartWithDefaults(br, dev, port, rules);
            restartWithImport(br, dev, port);
            tcpFlagsOption(br, dev, port);
        }
        System.out.println(failures == 0 ? "OVS SMOKE: ALL CHECKS PASSED" : "OVS SMOKE: " + failures + " CHECK(S) FAILED");
        System.exit(failures == 0 ? 0 : 1);
    }

    private static List<FlowRule> defaults(OvsBridge br, DeviceId dev, int port) throws Exception {
        System.out.println("==== ONOS defaults");
        OpenFlowRuntime rt = new OpenFlowRuntime(options(port).build());
        List<FlowRuleEvent> events = new CopyOnWriteArrayList<>();
        rt.flowRuleService().addListener(events::add);
        rt.start();
        try {
            waitFor("switch connects", () -> rt.deviceService().isAvailable(dev), 20);
            check("2 internal ports + LOCAL reported", rt.deviceService().getPorts(dev).size() == 3);

            CompletableFuture<String> meterDone = new CompletableFuture<>();
            Meter meter = rt.meterService().submit(meterRequest(dev, meterDone).add());
            check("meter returned PENDING_ADD", meter.state() == org.onosproject.net.meter.MeterState.PENDING_ADD);
            check("meter confirmed by the meter poll: " + meterDone.get(10, TimeUnit.SECONDS), meterDone.get().equals("ok"));

            List<FlowRule> rules = rules(dev, meter);
            apply(rt, rules);
            String flows = fullDump(br, 4); // the TCP_FLAGS rule is deleted and re-added at every poll
            System.out.println("---- ovs-ofctl -O OpenFlow13 dump-flows ofsmoke0\n" + flows);
            System.out.println("---- ovs-ofctl -O OpenFlow13 dump-meters ofsmoke0\n" + br.dumpMeters());
            check("SYN punt sent without tcp_flags (ONOS 2.7), meter instruction accepted after apply-actions",
                    flows.contains("priority=20000,tcp actions=meter:" + meter.id().id() + ",CONTROLLER:65535"));
            check("set_field rewrites", flows.contains("set_field:02:fb:00:02:00:01->eth_dst")
                    && flows.contains("set_field:10.0.2.21->ip_dst") && flows.contains("set_field:8080->tcp_dst"));
            check("NORMAL base rule", flows.contains("priority=0") && flows.contains("NORMAL"));
            check("ARP copy to controller and NORMAL", flows.contains("arp") && flows.contains("CONTROLLER:65535,NORMAL"));
            check("no idle timeout on the wire, cookie = flow id", !flows.contains("idle_timeout")
                    && flows.contains(String.format("cookie=0x%x", rules.get(1).id().value())));
            check("flow removal is requested", flows.contains("send_flow_rem"));
            check("meter in OVS: pktps burst 100 pps burst 20", br.dumpMeters().contains("pktps burst stats bands=")
                    && br.dumpMeters().contains("type=drop rate=100 burst_size=20"));
            waitFor("3 rules ADDED by the first poll", () -> count(rt, dev, FlowEntry.FlowEntryState.ADDED) == 3, 10);
            waitFor("the TCP_FLAGS rule is re-sent at every poll and stays PENDING_ADD (RULE_UPDATED)",
                    () -> events.stream().filter(e -> e.type() == FlowRuleEvent.Type.RULE_UPDATED
                            && e.subject().id().equals(rules.get(0).id())).count() >= 2
                            && rt.flowRuleService().getFlowEntry(rules.get(0)).state() == FlowEntry.FlowEntryState.PENDING_ADD,
                    10);
            check("... and never RULE_ADDED", events.stream().noneMatch(e -> e.type() == FlowRuleEvent.Type.RULE_ADDED
                    && e.subject().id().equals(rules.get(0).id())));

            System.out.println("==== expiry by the controller");
            FlowRule temp = DefaultFlowRule.builder().forDevice(dev)
                    .withSelector(DefaultTrafficSelector.builder().matchEthType(Ethernet.TYPE_IPV4)
                            .matchIPDst(IpPrefix.valueOf("10.9.9.9/32")).build())
                    .withTreatment(DefaultTrafficTreatment.builder().setOutput(PortNumber.portNumber(2)).build())
                    .withPriority(31000).fromApp(APP).makeTemporary(2).build();
            long t0 = System.currentTimeMillis();
            apply(rt, List.of(temp));
            waitFor("the idle 2 s rule is removed by the controller (RULE_REMOVED)", () -> events.stream().anyMatch(
                    e -> e.type() == FlowRuleEvent.Type.RULE_REMOVED && e.subject().id().equals(temp.id())), 10);
            long took = System.currentTimeMillis() - t0;
            FlowEntry removed = (FlowEntry) events.stream().filter(e -> e.type() == FlowRuleEvent.Type.RULE_REMOVED
                    && e.subject().id().equals(temp.id())).findFirst().orElseThrow().subject();
            check("after its idle time and within two more polls (" + took + " ms)", took > 2000 && took < 5500);
            check("RULE_REMOVE_REQUESTED came first", events.stream().anyMatch(
                    e -> e.type() == FlowRuleEvent.Type.RULE_REMOVE_REQUESTED && e.subject().id().equals(temp.id())));
            check("RULE_REMOVED: state PENDING_REMOVE, reason NO_REASON",
                    removed.state() == FlowEntry.FlowEntryState.PENDING_REMOVE
                            && removed.reason() == FlowRule.FlowRemoveReason.NO_REASON);
            check("gone from OVS", !br.dumpFlows().contains("10.9.9.9"));
            return rules;
        } finally {
            rt.close(); // a restart: rules and meter stay in OVS
        }
    }

    private static void restartWithDefaults(OvsBridge br, DeviceId dev, int port, List<FlowRule> old) throws Exception {
        System.out.println("==== restart, defaults: the application re-applies two rules before the first poll");
        OpenFlowRuntime rt = new OpenFlowRuntime(options(port).build());
        List<FlowRuleEvent> events = new CopyOnWriteArrayList<>();
        rt.flowRuleService().addListener(events::add);
        CompletableFuture<Void> connected = new CompletableFuture<>();
        rt.deviceService().addListener(e -> {
            if (e.type() == org.onosproject.net.device.DeviceEvent.Type.DEVICE_ADDED) {
                // as an application would, on DEVICE_ADDED (the first poll is 1 s later)
                rt.flowRuleService().applyFlowRules(old.get(2), old.get(3));
                connected.complete(null);
            }
        });
        rt.start();
        try {
            connected.get(30, TimeUnit.SECONDS);
            waitFor("re-applied rules confirmed by the first poll (RULE_ADDED)", () -> events.stream()
                    .filter(e -> e.type() == FlowRuleEvent.Type.RULE_ADDED).count() == 2, 10);
            waitFor("the rules nobody re-applied and the old meter are deleted",
                    () -> br.flowCount() == 2 && !br.dumpMeters().contains("meter="), 10);
        } finally {
            rt.removeAllInstalledRules();
            rt.close();
        }
        check("clean shutdown removed every rule", br.flowCount() == 0);
    }

    private static void restartWithImport(OvsBridge br, DeviceId dev, int port) throws Exception {
        System.out.println("==== allowExtraneousRules + importExtraneousRules");
        OvsBridge.run("ovs-ofctl", "-O", "OpenFlow13", "add-flow", br.name,
                "cookie=0x00ab000000000001,priority=999,dl_type=0x88b5,actions=drop");
        OpenFlowRuntime rt = new OpenFlowRuntime(options(port).allowExtraneousRules(true).importExtraneousRules(true)
                .build());
        List<FlowRuleEvent> events = new CopyOnWriteArrayList<>();
        rt.flowRuleService().addListener(events::add);
        rt.start();
        try {
            waitFor("the foreign rule is imported", () -> rt.flowRuleService().getFlowRuleCount(dev) == 1, 20);
            FlowEntry e = rt.flowRuleService().getFlowEntries(dev).iterator().next();
            check("imported: ADDED, permanent, appId 0xab, id = cookie", e.state() == FlowEntry.FlowEntryState.ADDED
                    && e.isPermanent() && e.appId() == 0xab && e.id().value() == 0x00ab000000000001L);
            waitFor("RULE_UPDATED from the next poll", () -> events.stream()
                    .anyMatch(x -> x.type() == FlowRuleEvent.Type.RULE_UPDATED), 10);
            check("no RULE_ADDED for it", events.stream().noneMatch(x -> x.type() == FlowRuleEvent.Type.RULE_ADDED));
            check("left in OVS", br.flowCount() == 1);
        } finally {
            rt.removeAllInstalledRules();
            rt.close();
        }
        check("the imported rule goes with the clean shutdown", br.flowCount() == 0);
    }

    private static void tcpFlagsOption(OvsBridge br, DeviceId dev, int port) throws Exception {
        System.out.println("==== --of-tcp-flags");
        OpenFlowRuntime rt = new OpenFlowRuntime(options(port).tcpFlagsMatch(true).build());
        rt.start();
        try {
            waitFor("switch connects", () -> rt.deviceService().isAvailable(dev), 30);
            CompletableFuture<String> meterDone = new CompletableFuture<>();
            Meter meter = rt.meterService().submit(meterRequest(dev, meterDone).add());
            check("meter confirmed: " + meterDone.get(10, TimeUnit.SECONDS), meterDone.get().equals("ok"));
            List<FlowRule> rules = rules(dev, meter);
            apply(rt, rules);
            String flows = br.dumpFlows();
            check("SYN punt: tcp_flags=syn (exact), meter then CONTROLLER",
                    flows.contains("tcp,tcp_flags=syn actions=meter:" + meter.id().id() + ",CONTROLLER:65535"));
            String syn = trace(br, "0x002");
            String synAck = trace(br, "0x012");
            check("OVS trace: a SYN hits the punt rule", syn.contains("priority 20000"));
            check("OVS trace: a SYN-ACK does not (exact flags match) and goes NORMAL",
                    !synAck.contains("priority 20000") && synAck.contains("priority 0"));
            waitFor("all 4 rules ADDED by the poll", () -> count(rt, dev, FlowEntry.FlowEntryState.ADDED) == 4, 10);
            rt.removeAllInstalledRules();
            check("clean shutdown removed every rule", br.flowCount() == 0);
            check("and the meter", !br.dumpMeters().contains("meter="));
        } finally {
            rt.close();
        }
    }

    static MeterRequest.Builder meterRequest(DeviceId dev, CompletableFuture<String> done) {
        return DefaultMeterRequest.builder().forDevice(dev).fromApp(APP).withUnit(Meter.Unit.PKTS_PER_SEC).burst()
                .withBands(List.of(DefaultBand.builder().ofType(Band.Type.DROP).withRate(100).burstSize(20).build()))
                .withContext(new MeterContext() {
                    @Override
                    public void onSuccess(MeterRequest op) {
                        done.complete("ok");
                    }

                    @Override
                    public void onError(MeterRequest op, MeterFailReason reason) {
                        done.complete("failed: " + reason);
                    }
                });
    }

    static List<FlowRule> rules(DeviceId dev, Meter meter) {
        FlowRule synPunt = DefaultFlowRule.builder().forDevice(dev)
                .withSelector(DefaultTrafficSelector.builder().matchEthType(Ethernet.TYPE_IPV4)
                        .matchIPProtocol(IPv4.PROTOCOL_TCP).add(Criteria.matchTcpFlags(0x002)).build())
                .withTreatment(DefaultTrafficTreatment.builder().meter(meter.id()).punt().build())
                .withPriority(20000).fromApp(APP).makePermanent().build();
        FlowRule rewrite = DefaultFlowRule.builder().forDevice(dev)
                .withSelector(DefaultTrafficSelector.builder().matchInPort(PortNumber.portNumber(1))
                        .matchEthType(Ethernet.TYPE_IPV4).matchIPProtocol(IPv4.PROTOCOL_TCP)
                        .matchIPSrc(IpPrefix.valueOf("10.0.1.10/32")).matchIPDst(IpPrefix.valueOf("10.0.2.100/32"))
                        .matchTcpSrc(TpPort.tpPort(40000)).matchTcpDst(TpPort.tpPort(80)).build())
                .withTreatment(DefaultTrafficTreatment.builder().setEthDst(MacAddress.valueOf("02:fb:00:02:00:01"))
                        .setIpDst(Ip4Address.valueOf("10.0.2.21")).setTcpDst(TpPort.tpPort(8080))
                        .setOutput(PortNumber.portNumber(2)).build())
                .withPriority(30000).fromApp(APP).makeTemporary(60).build();
        FlowRule base = DefaultFlowRule.builder().forDevice(dev)
                .withSelector(DefaultTrafficSelector.builder().build())
                .withTreatment(DefaultTrafficTreatment.builder().setOutput(PortNumber.NORMAL).build())
                .withPriority(0).fromApp(APP).makePermanent().build();
        FlowRule arp = DefaultFlowRule.builder().forDevice(dev)
                .withSelector(DefaultTrafficSelector.builder().matchEthType(Ethernet.TYPE_ARP).build())
                .withTreatment(DefaultTrafficTreatment.builder().setOutput(PortNumber.CONTROLLER)
                        .setOutput(PortNumber.NORMAL).build())
                .withPriority(45000).fromApp(APP).makePermanent().build();
        return List.of(synPunt, rewrite, base, arp);
    }

    static void apply(OpenFlowRuntime rt, List<FlowRule> rules) throws Exception {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        FlowRuleOperations.Builder ops = FlowRuleOperations.builder();
        rules.forEach(ops::add);
        rt.flowRuleService().apply(ops.build(new FlowRuleOperationsContext() {
            @Override
            public void onSuccess(FlowRuleOperations o) {
                done.complete(true);
            }

            @Override
            public void onError(FlowRuleOperations o) {
                done.complete(false);
            }
        }));
        check("FlowRuleOperations confirmed by OVS's barrier reply", done.get(10, TimeUnit.SECONDS));
    }

    /** A dump that shows {@code n} flows (retried briefly: a poll may be deleting and re-adding one). */
    private static String fullDump(OvsBridge br, int n) throws Exception {
        String flows = "";
        for (int i = 0; i < 50; i++) {
            flows = br.dumpFlows();
            if (flows.lines().filter(l -> l.contains("priority=")).count() == n) {
                check(n + " flows in OVS", true);
                return flows;
            }
            Thread.sleep(20);
        }
        check(n + " flows in OVS", false);
        return flows;
    }

    private static String trace(OvsBridge br, String flags) throws Exception {
        return OvsBridge.run("ovs-appctl", "ofproto/trace", br.name, "in_port=1,tcp,nw_src=10.9.9.9,nw_dst=10.8.8.8,"
                + "tp_src=1234,tp_dst=80,tcp_flags=" + flags);
    }

    private static long count(OpenFlowRuntime rt, DeviceId dev, FlowEntry.FlowEntryState state) {
        long n = 0;
        for (FlowEntry e : rt.flowRuleService().getFlowEntries(dev)) {
            if (e.state() == state) {
                n++;
            }
        }
        return n;
    }

    static void check(String what, boolean ok) {
        System.out.println((ok ? "PASS " : "FAIL ") + what);
        if (!ok) {
            failures++;
        }
    }

    interface Cond {
        boolean ok() throws Exception;
    }

    static void waitFor(String what, Cond cond, int seconds) throws Exception {
        long deadline = System.currentTimeMillis() + seconds * 1000L;
        while (!cond.ok()) {
            if (System.currentTimeMillis() > deadline) {
                check(what, false);
                return;
            }
            Thread.sleep(50);
        }
        check(what, true);
    }
}
