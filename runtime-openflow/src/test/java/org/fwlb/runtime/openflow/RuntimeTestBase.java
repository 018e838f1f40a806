package org.fwlb.runtime.openflow;

import org.junit.jupiter.api.AfterEach;
import org.onosproject.core.ApplicationId;
import org.onosproject.core.DefaultApplicationId;
import org.onosproject.event.Event;
import org.onosproject.net.DeviceId;
import org.onosproject.net.device.DeviceEvent;
import org.onosproject.net.flow.FlowRuleEvent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Starts runtimes on a free port with short intervals and connects fake switches to them. */
abstract class RuntimeTestBase {
    static final ApplicationId APP = new DefaultApplicationId(7, "org.fwlb.test");
    static final long WAIT = 5000;

    final List<OpenFlowRuntime> runtimes = new ArrayList<>();
    final List<FakeSwitch> switches = new ArrayList<>();
    final List<DeviceEvent> deviceEvents = new CopyOnWriteArrayList<>();
    final List<FlowRuleEvent> flowEvents = new CopyOnWriteArrayList<>();

    /** Settable clock of rule liveness (ms), used with {@link #manual()}. */
    final AtomicLong now = new AtomicLong(1_000_000_000L);

    /** Automatic polls on short periods (first poll still 1 s after connect, as in ONOS). */
    OpenFlowOptions.Builder options() {
        return OpenFlowOptions.builder().port(0).bindAddress("127.0.0.1")
                .flowPollFrequency(Duration.ofMillis(200))
                .portStatsPollFrequency(Duration.ofMillis(200))
                .meterStatsPollInterval(Duration.ofMillis(200))
                .echoInterval(Duration.ofMillis(500));
    }

    /** No polls unless a test asks for one (rt.pollFlows / rt.pollMeters), liveness on {@link #now}. */
    OpenFlowOptions.Builder manual() {
        return options().automaticPolling(false).clock(now::get);
    }

    /**
     * A deterministic fence: every event, callback and flow-sync task queued so far handled, then an
     * echo round trip with each switch (so everything the runtime queued for it has arrived, and
     * everything the switch sent before — FLOW_REMOVED included — was received) — three rounds, for
     * chains such as runtime DELETE → switch FLOW_REMOVED → runtime re-install → switch.
     */
    static void settle(OpenFlowRuntime rt, FakeSwitch... sws) throws InterruptedException {
        for (int round = 0; round < 3; round++) {
            assertTrue(rt.drainEvents(WAIT), "events drained");
            for (FakeSwitch sw : sws) {
                sw.echoRoundTrip();
            }
        }
        assertTrue(rt.drainEvents(WAIT), "events drained");
    }

    /** Polls a switch's flow statistics and delivers the resulting events. */
    static void pollFlows(OpenFlowRuntime rt, DeviceId dev) throws Exception {
        rt.pollFlows(dev).get(WAIT, TimeUnit.MILLISECONDS);
        assertTrue(rt.drainEvents(WAIT), "events drained");
    }

    /** Polls a switch's meter statistics and delivers the resulting events. */
    static void pollMeters(OpenFlowRuntime rt, DeviceId dev) throws Exception {
        rt.pollMeters(dev).get(WAIT, TimeUnit.MILLISECONDS);
        assertTrue(rt.drainEvents(WAIT), "events drained");
    }

    /** Flow events of the given types, in order. */
    List<FlowRuleEvent> flowEvents(FlowRuleEvent.Type... types) {
        List<FlowRuleEvent.Type> t = List.of(types);
        List<FlowRuleEvent> out = new ArrayList<>();
        for (FlowRuleEvent e : flowEvents) {
            if (t.contains(e.type())) {
                out.add(e);
            }
        }
        return out;
    }

    OpenFlowRuntime start(OpenFlowOptions opts) throws InterruptedException {
        OpenFlowRuntime rt = new OpenFlowRuntime(opts);
        rt.deviceService().addListener(deviceEvents::add);
        rt.flowRuleService().addListener(flowEvents::add);
        rt.start();
        runtimes.add(rt);
        return rt;
    }

    OpenFlowRuntime start() throws InterruptedException {
        return start(options().build());
    }

    FakeSwitch connect(OpenFlowRuntime rt, long dpid, int ports) throws Exception {
        FakeSwitch sw = new FakeSwitch(dpid, ports).connect(rt.boundPort());
        switches.add(sw);
        DeviceId id = deviceId(dpid);
        await("device " + id + " available", () -> rt.deviceService().isAvailable(id));
        return sw;
    }

    static DeviceId deviceId(long dpid) {
        return DeviceId.deviceId(String.format("of:%016x", dpid));
    }

    static void await(String what, BooleanSupplier cond) throws InterruptedException {
        long deadline = System.currentTimeMillis() + WAIT;
        while (!cond.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                fail("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    static <E extends Event<?, ?>> E awaitEvent(List<E> events, Predicate<E> p) throws InterruptedException {
        long deadline = System.currentTimeMillis() + WAIT;
        while (true) {
            for (E e : events) {
                if (p.test(e)) {
                    return e;
                }
            }
            if (System.currentTimeMillis() > deadline) {
                fail("timed out waiting for an event; got " + events);
            }
            Thread.sleep(10);
        }
    }

    static <T> T notNull(String what, T t) {
        assertTrue(t != null, "expected " + what);
        return t;
    }

    @AfterEach
    void tearDown() throws Exception {
        for (FakeSwitch s : switches) {
            s.close();
        }
        for (OpenFlowRuntime rt : runtimes) {
            rt.close();
        }
    }
}
