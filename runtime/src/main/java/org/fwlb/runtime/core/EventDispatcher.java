package org.fwlb.runtime.core;

import org.onosproject.event.Event;
import org.onosproject.event.EventDeliveryService;
import org.onosproject.event.EventSink;
import org.onosproject.event.ListenerRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static java.util.Objects.requireNonNull;

/**
 * The runtime's event delivery, like ONOS's core event dispatcher: one dedicated thread delivers every
 * event in posting order, so listeners never run concurrently with each other nor on the thread that
 * caused the event. As an {@link EventDeliveryService} it serves {@code AbstractListenerManager}
 * subclasses (sinks by event class, found by the event's exact class as ONOS does); a sink that runs past
 * the dispatch time limit gets {@code onProcessLimit()} from a watchdog (ListenerRegistry then ejects the
 * slow listener, as in ONOS). {@link #flush(Duration)} waits until everything posted so far is delivered.
 */
public final class EventDispatcher implements EventDeliveryService, AutoCloseable {

    /** ONOS's default dispatch time limit. */
    public static final long DEFAULT_LIMIT_MS = 5_000;

    private static final Logger log = LoggerFactory.getLogger(EventDispatcher.class);

    private final ExecutorService executor;
    private final ScheduledExecutorService watchdog;
    private final Map<Class<?>, EventSink<?>> sinks = new ConcurrentHashMap<>();
    private volatile long limitMs = DEFAULT_LIMIT_MS;
    private volatile EventSink<?> running;
    private volatile long runningSince;

    /**
     * @param name thread name
     */
    public EventDispatcher(String name) {
        this.executor = Executors.newSingleThreadExecutor(r -> daemon(r, name));
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, name + "-watchdog"));
        watchdog.scheduleWithFixedDelay(this::checkLimit, 500, 500, TimeUnit.MILLISECONDS);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /**
     * Posts an event to a listener registry (delivered later, on the dispatcher thread).
     *
     * @param registry listeners
     * @param event    the event
     * @param <E>      event type
     */
    public <E extends Event<?, ?>> void post(ListenerRegistry<E, ?> registry, E event) {
        submit(() -> deliver(registry, event));
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public void post(Event event) {
        requireNonNull(event, "event");
        submit(() -> {
            EventSink sink = sinks.get(event.getClass());
            if (sink == null) {
                log.warn("No sink registered for event class {}", event.getClass().getName());
                return;
            }
            deliver(sink, event);
        });
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void deliver(EventSink sink, Event event) {
        running = sink;
        runningSince = System.currentTimeMillis();
        try {
            sink.process(event);
        } finally {
            running = null;
        }
    }

    private void checkLimit() {
        EventSink<?> sink = running;
        if (sink != null && System.currentTimeMillis() - runningSince > limitMs) {
            log.error("event sink {} exceeded the dispatch time limit of {} ms", sink, limitMs);
            running = null;
            try {
                sink.onProcessLimit();
            } catch (RuntimeException e) {
                log.warn("onProcessLimit failed", e);
            }
        }
    }

    /**
     * @param task work to run on the dispatcher thread
     */
    public void submit(Runnable task) {
        try {
            executor.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    log.warn("event delivery failed", e);
                }
            });
        } catch (RejectedExecutionException e) {
            log.debug("event dropped: dispatcher stopped");
        }
    }

    @Override
    public <E extends Event> void addSink(Class<E> eventClass, EventSink<E> sink) {
        requireNonNull(eventClass, "event class");
        requireNonNull(sink, "sink");
        if (sinks.putIfAbsent(eventClass, sink) != null) {
            throw new IllegalArgumentException("Event sink already registered for " + eventClass.getName());
        }
    }

    @Override
    public <E extends Event> void removeSink(Class<E> eventClass) {
        if (sinks.remove(requireNonNull(eventClass, "event class")) == null) {
            throw new IllegalArgumentException("Event sink not registered for " + eventClass.getName());
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public <E extends Event> EventSink<E> getSink(Class<E> eventClass) {
        return (EventSink<E>) sinks.get(eventClass);
    }

    @Override
    public Set<Class<? extends Event>> getSinks() {
        @SuppressWarnings("unchecked")
        Set<Class<? extends Event>> keys = (Set) Set.copyOf(sinks.keySet());
        return keys;
    }

    @Override
    public void setDispatchTimeLimit(long millis) {
        if (millis < 100) {
            throw new IllegalArgumentException("Time limit must be greater than 100ms");
        }
        this.limitMs = millis;
    }

    @Override
    public long getDispatchTimeLimit() {
        return limitMs;
    }

    /**
     * Waits until every event posted before this call has been delivered.
     *
     * @param timeout how long to wait
     * @return true if drained in time
     */
    public boolean flush(Duration timeout) {
        CompletableFuture<Void> marker = new CompletableFuture<>();
        try {
            executor.execute(() -> marker.complete(null));
            marker.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (RejectedExecutionException | ExecutionException | TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        executor.shutdown();
        watchdog.shutdownNow();
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
