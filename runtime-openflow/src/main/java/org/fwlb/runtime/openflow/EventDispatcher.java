package org.fwlb.runtime.openflow;

import org.onosproject.event.Event;
import org.onosproject.event.EventListener;
import org.onosproject.event.ListenerRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Delivers events and operation callbacks to applications on one thread, in the order they were
 * posted, like ONOS's core event dispatcher: a listener that throws is logged (by
 * {@link ListenerRegistry}) and the others still get the event; the network threads never run
 * application code except packet processors (which have their own thread).
 */
public final class EventDispatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EventDispatcher.class);

    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fwlb-of-events");
        t.setDaemon(true);
        return t;
    });

    /**
     * Queues an event for the listeners of a registry.
     *
     * @param registry listeners
     * @param event    event
     * @param <E>      event type
     * @param <L>      listener type
     */
    public <E extends Event<?, ?>, L extends EventListener<E>> void post(ListenerRegistry<E, L> registry, E event) {
        run("event " + event.type(), () -> registry.process(event));
    }

    /**
     * Queues a callback.
     *
     * @param what description for the log if it throws
     * @param task callback
     */
    public void run(String what, Runnable task) {
        try {
            executor.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException | Error e) {
                    log.warn("{} threw", what, e);
                }
            });
        } catch (RejectedExecutionException e) {
            log.debug("not delivering {}: the runtime is shutting down", what);
        }
    }

    /**
     * Waits until everything queued so far has been delivered.
     *
     * @param timeoutMillis upper bound
     * @return whether it drained in time
     * @throws InterruptedException if interrupted
     */
    public boolean drain(long timeoutMillis) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        run("drain", done::countDown);
        return done.await(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(2, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
