package org.fwlb.runtime.openflow;

import org.junit.jupiter.api.Test;
import org.onosproject.net.DeviceId;
import org.onosproject.net.device.DeviceEvent;
import org.onosproject.net.flow.FlowRule;
import org.onosproject.net.flow.FlowRuleEvent;
import org.onosproject.net.flow.FlowRuleOperations;
import org.onosproject.net.flow.FlowRuleOperationsContext;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Threads of delivery as in ONOS: FlowRuleEvents ("programming"), DeviceEvents ("topology") and
 * operation callbacks (FlowRuleManager's operations executor) never share a thread, so a barrier
 * confirmation does not queue behind flow rule events.
 */
class EventThreadsTest extends RuntimeTestBase {

    @Test
    void aBarrierConfirmationDoesNotWaitForABusyFlowRuleListener() throws Exception {
        OpenFlowRuntime rt = start(manual().build());
        FakeSwitch sw = connect(rt, 0xa1, 2);
        DeviceId dev = deviceId(0xa1);
        Set<String> deviceThreads = ConcurrentHashMap.newKeySet();
        Set<String> flowThreads = ConcurrentHashMap.newKeySet();
        deviceEvents.clear();
        rt.deviceService().addListener(e -> deviceThreads.add(Thread.currentThread().getName()));
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch listenerBusy = new CountDownLatch(1);
        rt.flowRuleService().addListener(e -> {
            flowThreads.add(Thread.currentThread().getName());
            if (e.type() == FlowRuleEvent.Type.RULE_ADD_REQUESTED) {
                listenerBusy.countDown();
                try {
                    release.await(WAIT, TimeUnit.MILLISECONDS); // an application busy with its flow events
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        FlowRule rule = FlowRuleServiceTest.arp(dev);
        CountDownLatch confirmed = new CountDownLatch(1);
        String[] callbackThread = new String[1];
        rt.flowRuleService().apply(FlowRuleOperations.builder().add(rule).build(new FlowRuleOperationsContext() {
            @Override
            public void onSuccess(FlowRuleOperations ops) {
                callbackThread[0] = Thread.currentThread().getName();
                confirmed.countDown();
            }
        }));
        assertTrue(listenerBusy.await(WAIT, TimeUnit.MILLISECONDS));
        assertTrue(confirmed.await(WAIT, TimeUnit.MILLISECONDS),
                "onSuccess arrives while the flow rule listener is still blocked");
        assertEquals(1, release.getCount(), "the listener was still blocked");
        release.countDown();

        sw.setPort(2, false, org.projectfloodlight.openflow.protocol.OFPortReason.MODIFY);
        awaitEvent(deviceEvents, e -> e.type() == DeviceEvent.Type.PORT_UPDATED);
        settle(rt, sw);
        assertEquals(Set.of("fwlb-of-events-programming"), flowThreads);
        assertEquals(Set.of("fwlb-of-events-topology"), deviceThreads);
        assertTrue(callbackThread[0].startsWith("fwlb-of-operations-"), callbackThread[0]);
        assertFalse(flowThreads.contains(callbackThread[0]));
    }

    @Test
    void aBarrierReplyIsSettledWhileTheDevicesStoreIsLocked() throws Exception {
        // the flow statistics reconciliation holds a device's store for a chunk of flows at a time; the switch's
        // I/O thread, which serves other switches too, must not wait for it to settle a barrier (measured on OVS:
        // barrier confirmations held up to 126 ms behind polls)
        OpenFlowRuntime rt = start(manual().build());
        FakeSwitch sw = connect(rt, 0xa2, 2);
        DeviceId dev = deviceId(0xa2);
        sw.holdBarriers = true;
        CountDownLatch confirmed = new CountDownLatch(1);
        rt.flowRuleService().apply(FlowRuleOperations.builder().add(FlowRuleServiceTest.arp(dev))
                .build(new FlowRuleOperationsContext() {
                    @Override
                    public void onSuccess(FlowRuleOperations ops) {
                        confirmed.countDown();
                    }
                }));
        org.fwlb.runtime.openflow.flow.FlowRuleManager flows =
                (org.fwlb.runtime.openflow.flow.FlowRuleManager) rt.flowRuleService();
        synchronized (flows.storeMonitor(dev)) {
            sw.releaseBarriers();
            assertTrue(confirmed.await(WAIT, TimeUnit.MILLISECONDS), "confirmed while the store is locked");
        }
    }

    @Test
    void aSwitchsIoThreadDoesNotWaitForAnOperationBusyWithAnotherDevice() throws Exception {
        // one operation on two switches: its batch for the second switch waits for that device's store (a poll's
        // reconciliation); the first switch's barrier reply must not hold that switch's I/O thread meanwhile
        OpenFlowRuntime rt = start(manual().build());
        connect(rt, 0xa3, 2);
        connect(rt, 0xa4, 2);
        DeviceId busy = deviceId(0xa3);
        DeviceId other = deviceId(0xa4);
        org.fwlb.runtime.openflow.flow.FlowRuleManager flows =
                (org.fwlb.runtime.openflow.flow.FlowRuleManager) rt.flowRuleService();
        CountDownLatch secondConfirmed = new CountDownLatch(1);
        Thread first = new Thread(() -> rt.flowRuleService().apply(FlowRuleOperations.builder()
                .add(FlowRuleServiceTest.arp(other)).add(FlowRuleServiceTest.arp(busy)).build()));
        synchronized (flows.storeMonitor(busy)) {
            first.start();
            long deadline = System.currentTimeMillis() + WAIT;
            while (first.getState() != Thread.State.BLOCKED && System.currentTimeMillis() < deadline) {
                Thread.onSpinWait();        // until it sent 'other' its batch and waits for the busy store
            }
            assertEquals(Thread.State.BLOCKED, first.getState());
            FlowRule second = org.onosproject.net.flow.DefaultFlowRule.builder().forDevice(other)
                    .withSelector(org.onosproject.net.flow.DefaultTrafficSelector.builder()
                            .matchEthType(org.onlab.packet.Ethernet.TYPE_ARP).build())
                    .withTreatment(org.onosproject.net.flow.DefaultTrafficTreatment.builder().drop().build())
                    .withPriority(41234).fromApp(APP).makePermanent().build();
            rt.flowRuleService().apply(FlowRuleOperations.builder().add(second).build(new FlowRuleOperationsContext() {
                @Override
                public void onSuccess(FlowRuleOperations ops) {
                    secondConfirmed.countDown();
                }
            }));
            assertTrue(secondConfirmed.await(WAIT, TimeUnit.MILLISECONDS),
                       "the other switch's next barrier is settled while the first operation waits");
        }
        first.join(WAIT);
    }
}
