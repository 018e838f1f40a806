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
import org.onosproject.net.device.DeviceEvent;
import org.onosproject.net.flow.DefaultFlowRule;
import org.onosproject.net.flow.DefaultTrafficSelector;
import org.onosproject.net.flow.DefaultTrafficTreatment;
import org.onosproject.net.flow.FlowEntry;
import org.onosproject.net.flow.FlowRule;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Smoke check against a real Open vSwitch: installs a meter and rules using tcp_flags, set_field,
 * the meter and CONTROLLER/NORMAL outputs, prints {@code ovs-ofctl dump-flows}, checks what OVS
 * holds, then restarts the controller and checks that the new one reports the same rules (rebuilt
 * from OVS's flow statistics) and adopts them without rewriting them. Exit code 0 when every check
 * passes.
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

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 16653;
        DeviceId dev = DeviceId.deviceId(String.format("of:%016x", DPID));
        OpenFlowOptions opts = OpenFlowOptions.builder().port(port).bindAddress("127.0.0.1")
                .flowPollFrequency(Duration.ofSeconds(1)).build();
        OpenFlowRuntime rt = new OpenFlowRuntime(opts);
        rt.start();
        try (OvsBridge br = OvsBridge.create("ofsmoke0", DPID, port, 2)) {
            waitFor("switch connects", () -> rt.deviceService().isAvailable(dev), 20);
            check("2 internal ports + LOCAL reported", rt.deviceService().getPorts(dev).size() == 3);

            CompletableFuture<String> meterDone = new CompletableFuture<>();
            Meter meter = rt.meterService().submit(meterRequest(dev, meterDone).add());
            check("meter confirmed: " + meterDone.get(10, TimeUnit.SECONDS), meterDone.get().equals("ok"));

            List<FlowRule> rules = rules(dev, meter);
            apply(rt, rules);
            String flows = br.dumpFlows();
            System.out.println("---- ovs-ofctl -O OpenFlow13 dump-flows ofsmoke0\n" + flows);
            System.out.println("---- ovs-ofctl -O OpenFlow13 dump-meters ofsmoke0\n" + br.dumpMeters());
            check("4 flows in OVS", br.flowCount() == 4);
            check("SYN punt: tcp_flags=syn (exact), meter then CONTROLLER",
                    flows.contains("tcp,tcp_flags=syn actions=meter:" + meter.id().id() + ",CONTROLLER:65535"));
            String syn = trace(br, "0x002");
            String synAck = trace(br, "0x012");
            check("OVS trace: a SYN hits the punt rule", syn.contains("priority 20000"));
            check("OVS trace: a SYN-ACK does not (exact flags match) and goes NORMAL",
                    !synAck.contains("priority 20000") && synAck.contains("priority 0"));
            check("set_field rewrites", flows.contains("set_field:02:fb:00:02:00:01->eth_dst")
                    && flows.contains("set_field:10.0.2.21->ip_dst") && flows.contains("set_field:8080->tcp_dst"));
            check("NORMAL base rule", flows.contains("priority=0") && flows.contains("NORMAL"));
            check("ARP copy to controller and NORMAL", flows.contains("arp") && flows.contains("CONTROLLER:65535,NORMAL"));
            check("idle timeout and cookie", flows.contains("idle_timeout=60")
                    && flows.contains(String.format("cookie=0x%x", rules.get(1).id().value())));
            check("flow removal is requested", flows.contains("send_flow_rem"));
            check("meter in OVS: pktps burst 100 pps burst 20", br.dumpMeters().contains("pktps burst stats bands=")
                    && br.dumpMeters().contains("type=drop rate=100 burst_size=20"));
            waitFor("all 4 rules ADDED by flow statistics", () -> count(rt, dev, FlowEntry.FlowEntryState.ADDED) == 4, 10);

            rt.close(); // a restart: rules stay in OVS
            OpenFlowRuntime second = new OpenFlowRuntime(opts);
            List<List<FlowEntry>> atConnect = new CopyOnWriteArrayList<>();
            second.deviceService().addListener(e -> {
                if (e.type() == DeviceEvent.Type.DEVICE_ADDED) {
                    List<FlowEntry> l = new ArrayList<>();
                    second.flowRuleService().getFlowEntries(dev).forEach(l::add);
                    atConnect.add(l);
                }
            });
            second.start();
            try {
                waitFor("OVS reconnects to the restarted controller", () -> !atConnect.isEmpty(), 30);
                List<FlowEntry> found = atConnect.get(0);
                check("restarted controller reports the 4 rules at DEVICE_ADDED", found.size() == 4);
                for (FlowRule r : rules) {
                    FlowEntry f = found.stream().filter(x -> x.id().equals(r.id())).findFirst().orElse(null);
                    check("rule " + r.id() + " rebuilt from OVS equals the original (selector "
                                    + r.selector().criteria().size() + " criteria)",
                            f != null && f.equals(r) && f.selector().equals(r.selector())
                                    && f.treatment().equals(r.treatment()) && f.appId() == r.appId());
                }
                CompletableFuture<String> meter2 = new CompletableFuture<>();
                Meter m2 = second.meterService().submit(meterRequest(dev, meter2).add());
                check("meter re-submitted (id " + m2.id().id() + "): " + meter2.get(10, TimeUnit.SECONDS),
                        meter2.get().equals("ok"));
                String before = br.dumpFlows();
                apply(second, rules(dev, m2));
                Thread.sleep(7000); // past the adoption grace period
                String after = br.dumpFlows();
                check("adopted rules kept in OVS", br.flowCount() == 4);
                check("adoption kept the flows (durations grew, not reset)", durationsGrew(before, after));
                second.removeAllInstalledRules();
                check("clean shutdown removed every rule", br.flowCount() == 0);
                check("and the meter", !br.dumpMeters().contains("meter="));
            } finally {
                second.close();
            }
        } finally {
            rt.close();
        }
        System.out.println(failures == 0 ? "OVS SMOKE: ALL CHECKS PASSED" : "OVS SMOKE: " + failures + " CHECK(S) FAILED");
        System.exit(failures == 0 ? 0 : 1);
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

    private static String trace(OvsBridge br, String flags) throws Exception {
        return OvsBridge.run("ovs-appctl", "ofproto/trace", br.name, "in_port=1,tcp,nw_src=10.9.9.9,nw_dst=10.8.8.8,"
                + "tp_src=1234,tp_dst=80,tcp_flags=" + flags);
    }

    private static boolean durationsGrew(String before, String after) {
        double b = totalDuration(before);
        double a = totalDuration(after);
        System.out.printf("     sum of flow durations before re-apply %.1f s, after %.1f s%n", b, a);
        return a > b;
    }

    private static double totalDuration(String flows) {
        double sum = 0;
        for (String line : flows.split("\n")) {
            int i = line.indexOf("duration=");
            if (i >= 0) {
                sum += Double.parseDouble(line.substring(i + 9, line.indexOf('s', i + 9)));
            }
        }
        return sum;
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
