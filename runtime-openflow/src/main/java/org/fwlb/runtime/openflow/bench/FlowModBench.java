package org.fwlb.runtime.openflow.bench;

import org.fwlb.runtime.openflow.OpenFlowOptions;
import org.fwlb.runtime.openflow.OpenFlowRuntime;
import org.onlab.packet.Data;
import org.onlab.packet.Ethernet;
import org.onlab.packet.IPv4;
import org.onlab.packet.Ip4Prefix;
import org.onlab.packet.MacAddress;
import org.onlab.packet.TpPort;
import org.onosproject.core.ApplicationId;
import org.onosproject.core.DefaultApplicationId;
import org.onosproject.net.DeviceId;
import org.onosproject.net.PortNumber;
import org.onosproject.net.flow.DefaultFlowRule;
import org.onosproject.net.flow.DefaultTrafficSelector;
import org.onosproject.net.flow.DefaultTrafficTreatment;
import org.onosproject.net.flow.FlowRule;
import org.onosproject.net.flow.FlowRuleOperations;
import org.onosproject.net.flow.FlowRuleOperationsContext;
import org.onosproject.net.packet.DefaultOutboundPacket;
import org.onosproject.net.packet.PacketContext;
import org.onosproject.net.packet.PacketProcessor;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Benchmark (not a test) of the OpenFlow southbound against one real Open vSwitch bridge:
 * <ul>
 *   <li>FLOW_MODs per second: N rules in batches of B through {@code FlowRuleService.apply}, timed
 *       until the last batch is confirmed by OVS's BARRIER_REPLY; the same for their removal;</li>
 *   <li>apply-to-confirmation latency of single-rule operations (what a pinned connection waits for);</li>
 *   <li>packet-in to packet-out round trip: a probe punted by OVS reaches a {@link PacketProcessor},
 *       which rewrites it and sends it back with output TABLE; OVS punts it again. The time between
 *       the two packet-ins at the processor is one full round trip through the runtime and OVS
 *       (packet-in decode, dispatch, packet-out encode, OVS processing, next packet-in).</li>
 * </ul>
 * Needs root and a running OVS; creates and deletes its own bridge.
 */
public final class FlowModBench {
    private static final String USAGE = "usage: FlowModBench [--of-port N (16654)] [--rules N (20000)] "
            + "[--batch N (500)] [--singles N (500)] [--rtt-samples N (2000)] [--bridge NAME (ofbench0)] "
            + "[--poll-seconds N (20)] [--listener-us N (20)]";
    private static final ApplicationId APP = new DefaultApplicationId(43, "org.fwlb.bench");
    private static final long DPID = 0xbe7c0L;
    private static final int PROBE_TYPE = 0x88b5;
    private static final MacAddress FIRST = MacAddress.valueOf("02:00:00:00:be:01");
    private static final MacAddress SECOND = MacAddress.valueOf("02:00:00:00:be:02");

    private FlowModBench() {
    }

    public static void main(String[] args) throws Exception {
        int ofPort = 16654;
        int rules = 20000;
        int batch = 500;
        int singles = 500;
        int samples = 2000;
        String bridge = "ofbench0";
        int pollSeconds = 20;
        int listenerMicros = 20;
        try {
            for (int i = 0; i < args.length; i += 2) {
                String v = args[i + 1];
                switch (args[i]) {
                    case "--of-port": ofPort = Integer.parseInt(v); break;
                    case "--rules": rules = Integer.parseInt(v); break;
                    case "--batch": batch = Integer.parseInt(v); break;
                    case "--singles": singles = Integer.parseInt(v); break;
                    case "--rtt-samples": samples = Integer.parseInt(v); break;
                    case "--bridge": bridge = v; break;
                    case "--poll-seconds": pollSeconds = Integer.parseInt(v); break;
                    case "--listener-us": listenerMicros = Integer.parseInt(v); break;
                    default: throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
        } catch (RuntimeException e) {
            System.err.println(e.getMessage() == null ? e : e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
        }
        DeviceId dev = DeviceId.deviceId(String.format("of:%016x", DPID));
        OpenFlowRuntime rt = new OpenFlowRuntime(OpenFlowOptions.builder().port(ofPort).bindAddress("127.0.0.1")
                .flowPollFrequency(Duration.ofSeconds(2)).build());
        rt.start();
        try (OvsBridge br = OvsBridge.create(bridge, DPID, ofPort, 1)) {
            long deadline = System.currentTimeMillis() + 30_000;
            while (!rt.deviceService().isAvailable(dev)) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("bridge " + bridge + " did not connect");
                }
                Thread.sleep(20);
            }
            System.out.println("OVS " + rt.deviceService().getDevice(dev).swVersion() + ", bridge " + bridge
                    + " (userspace datapath), controller on 127.0.0.1:" + ofPort);

            List<FlowRule> warm = rules(dev, 1000, 1);
            push(rt, warm, batch, true);
            push(rt, warm, batch, false);

            List<FlowRule> all = rules(dev, rules, 0);
            double addSec = push(rt, all, batch, true);
            long inOvs = br.flowCount();
            System.out.printf("FLOW_MOD add:    %d rules in batches of %d confirmed in %.3f s = %.0f FLOW_MODs/s "
                    + "(OVS holds %d flows)%n", rules, batch, addSec, rules / addSec, inOvs);
            double delSec = push(rt, all, batch, false);
            System.out.printf("FLOW_MOD delete: %d rules in batches of %d confirmed in %.3f s = %.0f FLOW_MODs/s "
                    + "(OVS holds %d flows)%n", rules, batch, delSec, rules / delSec, br.flowCount());

            long[] lat = new long[singles];
            List<FlowRule> one = rules(dev, singles, 2);
            for (int i = 0; i < singles; i++) {
                long t0 = System.nanoTime();
                push(rt, List.of(one.get(i)), 1, true);
                lat[i] = System.nanoTime() - t0;
            }
            System.out.println("single-rule apply -> barrier-confirmed onSuccess: " + percentiles(lat));
            push(rt, one, batch, false);

            rtt(rt, dev, samples);
            barrierLatencyUnderPolls(rt, br, dev, rules, batch, pollSeconds, listenerMicros);
            rt.removeAllInstalledRules();
        } finally {
            rt.close();
        }
        System.exit(0);
    }

    /**
     * Apply-to-onSuccess latency of single-rule operations while the flow statistics poll (every 1 s)
     * reports {@code rules} resident rules — a RULE_UPDATED per rule per poll — to a FlowRuleListener
     * that spends {@code listenerMicros} per event. The barrier callbacks run on the operations pool,
     * not behind the RULE_UPDATED events on the "programming" loop.
     */
    private static void barrierLatencyUnderPolls(OpenFlowRuntime rt, OvsBridge br, DeviceId dev, int rules, int batch,
                                                 int seconds, int listenerMicros) throws Exception {
        java.util.concurrent.atomic.AtomicLong updated = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong added = new java.util.concurrent.atomic.AtomicLong();
        long spin = listenerMicros * 1000L;
        org.onosproject.net.flow.FlowRuleListener busy = e -> {
            long until = System.nanoTime() + spin;
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            if (e.type() == org.onosproject.net.flow.FlowRuleEvent.Type.RULE_UPDATED) {
                updated.incrementAndGet();
            } else if (e.type() == org.onosproject.net.flow.FlowRuleEvent.Type.RULE_ADDED) {
                added.incrementAndGet();
            }
        };
        List<FlowRule> resident = rules(dev, rules, 3);
        push(rt, resident, batch, true);
        rt.flowRuleService().addListener(busy);
        rt.setFlowPollFrequency(Duration.ofSeconds(1));
        long deadline = System.currentTimeMillis() + 60_000;
        while (rt.flowRuleService().getActiveFlowRuleCount(dev) < rules && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        System.out.printf("%d resident rules in OVS (%d), %d confirmed by a poll (ADDED); flow poll every 1 s, "
                + "FlowRuleListener spending %d us per event%n", rules, br.flowCount(),
                rt.flowRuleService().getActiveFlowRuleCount(dev), listenerMicros);
        List<FlowRule> probes = rules(dev, 100_000, 4);
        List<Long> lat = new ArrayList<>();
        long u0 = updated.get();
        long end = System.currentTimeMillis() + seconds * 1000L;
        int i = 0;
        while (System.currentTimeMillis() < end && i < probes.size()) {
            long t0 = System.nanoTime();
            push(rt, List.of(probes.get(i++)), 1, true);
            lat.add(System.nanoTime() - t0);
            Thread.sleep(10);
        }
        long events = updated.get() - u0;
        long[] a = lat.stream().mapToLong(Long::longValue).toArray();
        System.out.printf("single-rule apply -> barrier-confirmed onSuccess during %d s of polls (%d RULE_UPDATED "
                + "delivered, %.1f polls' worth): %d samples, %s%n", seconds, events, events / (double) rules, a.length,
                percentiles(a));
        rt.flowRuleService().removeListener(busy);
        push(rt, probes.subList(0, i), batch, false);
        push(rt, resident, batch, false);
        rt.setFlowPollFrequency(Duration.ofSeconds(2));
    }

    /** N distinct 5-tuple-like rules (what pinned connections look like). */
    private static List<FlowRule> rules(DeviceId dev, int n, int salt) {
        List<FlowRule> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int ip = (10 << 24) | (salt << 20) | i;
            out.add(DefaultFlowRule.builder().forDevice(dev)
                    .withSelector(DefaultTrafficSelector.builder().matchEthType(Ethernet.TYPE_IPV4)
                            .matchIPProtocol(IPv4.PROTOCOL_TCP).matchIPSrc(Ip4Prefix.valueOf(ip, 32))
                            .matchTcpSrc(TpPort.tpPort(1024 + (i % 60000))).matchTcpDst(TpPort.tpPort(80)).build())
                    .withTreatment(DefaultTrafficTreatment.builder().setEthDst(MacAddress.valueOf("02:fb:00:01:00:01"))
                            .setOutput(PortNumber.portNumber(1)).build())
                    .withPriority(30000).fromApp(APP).makeTemporary(300).build());
        }
        return out;
    }

    /** Applies (or removes) the rules in batches, all in flight at once; returns seconds until all confirmed. */
    private static double push(OpenFlowRuntime rt, List<FlowRule> rules, int batch, boolean add) throws Exception {
        int batches = (rules.size() + batch - 1) / batch;
        CountDownLatch done = new CountDownLatch(batches);
        AtomicBoolean failed = new AtomicBoolean();
        long t0 = System.nanoTime();
        for (int b = 0; b < batches; b++) {
            FlowRuleOperations.Builder ops = FlowRuleOperations.builder();
            for (FlowRule r : rules.subList(b * batch, Math.min(rules.size(), (b + 1) * batch))) {
                if (add) {
                    ops.add(r);
                } else {
                    ops.remove(r);
                }
            }
            rt.flowRuleService().apply(ops.build(new FlowRuleOperationsContext() {
                @Override
                public void onSuccess(FlowRuleOperations o) {
                    done.countDown();
                }

                @Override
                public void onError(FlowRuleOperations o) {
                    failed.set(true);
                    done.countDown();
                }
            }));
        }
        if (!done.await(120, TimeUnit.SECONDS) || failed.get()) {
            throw new IllegalStateException("flow rule batches failed or timed out");
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    private static void rtt(OpenFlowRuntime rt, DeviceId dev, int samples) throws Exception {
        FlowRule first = probeRule(dev, FIRST);
        FlowRule second = probeRule(dev, SECOND);
        push(rt, List.of(first, second), 2, true);
        ConcurrentHashMap<Long, Long> firstSeen = new ConcurrentHashMap<>();
        ConcurrentHashMap<Long, CompletableFuture<long[]>> pending = new ConcurrentHashMap<>();
        PacketProcessor p = (PacketContext ctx) -> {
            long now = System.nanoTime();
            Ethernet eth = ctx.inPacket().parsed();
            if (eth.getEtherType() != (short) PROBE_TYPE || ctx.isHandled()) {
                return;
            }
            long seq = ByteBuffer.wrap(((Data) eth.getPayload()).getData()).getLong();
            if (eth.getDestinationMAC().equals(FIRST)) {
                firstSeen.put(seq, now);
                ctx.treatmentBuilder().setEthDst(SECOND).setOutput(PortNumber.TABLE);
                ctx.send();
            } else if (eth.getDestinationMAC().equals(SECOND)) {
                ctx.block();
                Long t1 = firstSeen.remove(seq);
                CompletableFuture<long[]> f = pending.remove(seq);
                if (t1 != null && f != null) {
                    f.complete(new long[]{t1, now});
                }
            }
        };
        rt.packetService().addProcessor(p, PacketProcessor.director(1));
        long[] round = new long[samples];
        long[] emitToIn = new long[samples];
        int lost = 0;
        for (int i = -200; i < samples; i++) { // 200 warm-up probes
            long seq = i + 1_000_000L;
            CompletableFuture<long[]> f = new CompletableFuture<>();
            pending.put(seq, f);
            long t0 = System.nanoTime();
            rt.packetService().emit(new DefaultOutboundPacket(dev,
                    DefaultTrafficTreatment.builder().setOutput(PortNumber.TABLE).build(), ByteBuffer.wrap(probe(seq))));
            long[] t;
            try {
                t = f.get(2, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                pending.remove(seq);
                lost++;
                continue;
            }
            if (i >= 0) {
                round[i] = t[1] - t[0];
                emitToIn[i] = t[0] - t0;
            }
        }
        rt.packetService().removeProcessor(p);
        System.out.println("packet-in -> processor -> packet-out -> OVS -> packet-in round trip (" + samples
                + " probes, " + lost + " lost): " + percentiles(round));
        System.out.println("emit (packet-out) -> OVS -> packet-in at the processor: " + percentiles(emitToIn));
        push(rt, List.of(first, second), 2, false);
    }

    private static FlowRule probeRule(DeviceId dev, MacAddress dst) {
        return DefaultFlowRule.builder().forDevice(dev)
                .withSelector(DefaultTrafficSelector.builder().matchEthType((short) PROBE_TYPE).matchEthDst(dst).build())
                .withTreatment(DefaultTrafficTreatment.builder().setOutput(PortNumber.CONTROLLER).build())
                .withPriority(50000).fromApp(APP).makePermanent().build();
    }

    private static byte[] probe(long seq) {
        Ethernet eth = new Ethernet();
        eth.setSourceMACAddress("02:00:00:00:be:00");
        eth.setDestinationMACAddress(FIRST);
        eth.setEtherType((short) PROBE_TYPE);
        eth.setPayload(new Data(ByteBuffer.allocate(46).putLong(seq).array()));
        return eth.serialize();
    }

    private static String percentiles(long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        return String.format("p50 %.0f us, p99 %.0f us, max %.0f us", s[s.length / 2] / 1e3,
                s[(int) Math.min(s.length - 1, Math.ceil(s.length * 0.99) - 1)] / 1e3, s[s.length - 1] / 1e3);
    }
}
