package org.fwlb.runtime.openflow;

import org.onosproject.event.Event;
import org.onosproject.event.EventListener;
import org.onosproject.event.ListenerRegistry;
import org.onosproject.net.device.DeviceEvent;
import org.onosproject.net.flow.FlowRuleEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Delivers events and operation callbacks to applications the way ONOS 2.7 does:
 * <ul>
 *   <li>events go through one of three ordered dispatch loops, chosen by event class as in
 *       {@code CoreEventDispatcher}: {@link FlowRuleEvent} on "programming", {@link DeviceEvent} on
 *       "topology", everything else (meter events...) on "default" — so there is no ordering across
 *       those classes, exactly as in ONOS;</li>
 *   <li>{@code FlowRuleOperationsContext} and {@code MeterContext} callbacks run on a pool of
 *       "operations" threads (ONOS's FlowRuleManager {@code operationsService}, 32 threads), never
 *       behind queued events: a barrier confirmation does not wait for thousands of RULE_UPDATED;</li>
 *   <li>flow statistics replies and FLOW_REMOVED are handled on a "flow-sync" thread, in each switch's
 *       order, so the switches' I/O threads keep delivering barrier replies during a long poll.</li>
 * </ul>
 * A listener that throws is logged (by {@link ListenerRegistry}) and the others still get the event;
 * the network threads never run application code except packet processors (which have their own thread).
 */
public final class EventDispatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EventDispatcher.class);
    private static final int OPERATION_THREADS = 32;

    private final ExecutorService programming = loop("fwlb-of-events-programming");
    private final ExecutorService topology = loop("fwlb-of-events-topology");
    private final ExecutorService other = loop("fwlb-of-events-default");
    private final ExecutorService operations = Executors.newFixedThreadPool(OPERATION_THREADS,
            factory("fwlb-of-operations-"));
    private final ExecutorService flowSync = loop("fwlb-of-flow-sync");
    private final Object lock = new Object();
    private long queued;
    private long done;

    private static ExecutorService loop(String name) {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    private static ThreadFactory factory(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * Queues an event for the listeners of a registry, on the dispatch loop of its class.
     *
     * @param registry listeners
     * @param event    event
     * @param <E>      event type
     * @param <L>      listener type
     */
    public <E extends Event<?, ?>, L extends EventListener<E>> void post(ListenerRegistry<E, L> registry, E event) {
        ExecutorService loop = event instanceof FlowRuleEvent ? programming
                : event instanceof DeviceEvent ? topology : other;
        submit(loop, "event " + event.type(), () -> registry.process(event));
    }

    /**
     * Queues events for the listeners of a registry as one task: delivered in order, on the dispatch
     * loop of their class (they must all be of the same class).
     *
     * @param registry listeners
     * @param batch    events, in order
     * @param <E>      event type
     * @param <L>      listener type
     */
    public <E extends Event<?, ?>, L extends EventListener<E>> void postAll(ListenerRegistry<E, L> registry,
                                                                            List<E> batch) {
        if (batch.isEmpty()) {
            return;
        }
        E first = batch.get(0);
        ExecutorService loop = first instanceof FlowRuleEvent ? programming
                : first instanceof DeviceEvent ? topology : other;
        List<E> copy = List.copyOf(batch);
        submit(loop, batch.size() + " events", () -> copy.forEach(registry::process));
    }

    /**
     * Queues an application callback (operations context) on the operations pool.
     *
     * @param what description for the log if it throws
     * @param task callback
     */
    public void operation(String what, Runnable task) {
        submit(operations, what, task);
    }

    /**
     * Queues work on the flow-sync thread, where the flow statistics replies and FLOW_REMOVED messages
     * of the switches are handled in the order each switch sent them — off the switches' I/O threads,
     * so a barrier reply is never held up behind the reconciliation of a large flow table.
     *
     * @param what description for the log if it throws
     * @param task the work
     */
    public void flowSync(String what, Runnable task) {
        submit(flowSync, what, task);
    }

    private void submit(ExecutorService executor, String what, Runnable task) {
        synchronized (lock) {
            queued++;
        }
        try {
            executor.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException | Error e) {
                    log.warn("{} threw", what, e);
                } finally {
                    synchronized (lock) {
                        done++;
                        lock.notifyAll();
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            synchronized (lock) {
                done++;
                lock.notifyAll();
            }
            log.debug("not delivering {}: the runtime is shutting down", what);
        }
    }

    /**
     * Waits until everything queued so far — and whatever that queued in turn — has been delivered.
     *
     * @param timeoutMillis upper bound
     * @return whether it drained in time
     * @throws InterruptedException if interrupted
     */
    public boolean drain(long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        synchronized (lock) {
            while (done < queued) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    return false;
                }
                lock.wait(left);
            }
            return true;
        }
    }

    @Override
    public void close() {
        for (ExecutorService e : List.of(programming, topology, other, operations, flowSync)) {
            e.shutdown();
        }
        try {
            for (ExecutorService e : List.of(programming, topology, other, operations, flowSync)) {
                if (!e.awaitTermination(2, TimeUnit.SECONDS)) {
                    e.shutdownNow();
                }
            }
        } catch (InterruptedException e) {
            List.of(programming, topology, other, operations, flowSync).forEach(ExecutorService::shutdownNow);
            Thread.currentThread().interrupt();
        }
    }
}
