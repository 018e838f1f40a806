package org.fwlb.testing;

import java.lang.management.ManagementFactory;

/**
 * Measures heap allocation of the current thread (HotSpot's per-thread allocation counter), to prove a
 * hot path allocation-free.
 */
public final class Allocations {
    private Allocations() {
    }

    /**
     * Runs the code twice (the first run warms it up) and returns the bytes the second run allocated.
     *
     * @param r code to measure
     * @return bytes allocated by the current thread during the second run
     */
    public static long allocatedBytes(Runnable r) {
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        r.run();
        long before = bean.getThreadAllocatedBytes(id);
        r.run();
        return bean.getThreadAllocatedBytes(id) - before;
    }
}
