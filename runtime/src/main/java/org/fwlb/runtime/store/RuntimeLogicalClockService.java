package org.fwlb.runtime.store;

import org.onosproject.store.LogicalTimestamp;
import org.onosproject.store.Timestamp;
import org.onosproject.store.service.LogicalClockService;

import java.util.concurrent.atomic.AtomicLong;

/**
 * LogicalClockService: increasing logical timestamps from a counter in the store backend, so instances
 * sharing a backend share one clock (as ONOS backs its clock with an atomic counter).
 */
public final class RuntimeLogicalClockService implements LogicalClockService {

    private final AtomicLong clock;

    /**
     * @param backend the store backend whose counter drives the clock
     */
    public RuntimeLogicalClockService(StoreBackend backend) {
        this.clock = backend.counter("onos-logical-clock");
    }

    @Override
    public Timestamp getTimestamp() {
        return new LogicalTimestamp(clock.incrementAndGet());
    }
}
