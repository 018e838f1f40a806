package org.fwlb.bench;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * The measuring thread's CPU time beside JMH's wall-clock score: on a shared box the thread is often off the CPU,
 * so operations per CPU-second ({@code cpuOps / cpuNanos}) is the "per core" figure. Sampled every
 * {@value #EVERY} operations (a CPU-time read costs about a microsecond). GC and JIT threads are not in it. JMH
 * reports both fields summed per iteration ("events").
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.EVENTS)
public class CpuClock {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /** Operations between two CPU-time reads. */
    static final int EVERY = 256;

    /** CPU time of the sampled operations, ns. */
    public long cpuNanos;
    /** Operations sampled. */
    public long cpuOps;
    private int k;
    private long last;

    /** Starts the iteration's count (on the measuring thread). */
    @Setup(Level.Iteration)
    public void clear() {
        cpuNanos = 0;
        cpuOps = 0;
        k = 0;
        last = THREADS.getCurrentThreadCpuTime();
    }

    /** Counts one operation. */
    void tick() {
        if (++k == EVERY) {
            long now = THREADS.getCurrentThreadCpuTime();
            cpuNanos += now - last;
            cpuOps += EVERY;
            last = now;
            k = 0;
        }
    }
}
