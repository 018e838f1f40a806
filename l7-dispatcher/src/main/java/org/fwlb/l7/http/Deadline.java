package org.fwlb.l7.http;

import io.netty.channel.EventLoop;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A movable timeout owned by one event loop. Moving the deadline later (the common case: every request on
 * a keep-alive connection) only writes a field; the scheduled task re-arms itself when it fires early, so
 * there is no schedule/cancel per request.
 */
final class Deadline implements Runnable {
    private final EventLoop loop;
    private final Runnable onExpire;
    private long deadline; // System.nanoTime(); 0 = off
    private ScheduledFuture<?> task;
    private long taskAt;

    Deadline(EventLoop loop, Runnable onExpire) {
        this.loop = loop;
        this.onExpire = onExpire;
    }

    void arm(long delayMs) {
        armAt(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMs));
    }

    /** Expire at this System.nanoTime(). */
    void armAt(long d) {
        deadline = d == 0 ? 1 : d;
        if (task == null || taskAt - d > 0) {
            if (task != null) {
                task.cancel(false);
            }
            schedule(d);
        }
    }

    void disarm() {
        deadline = 0;
    }

    boolean armed() {
        return deadline != 0;
    }

    void cancel() {
        deadline = 0;
        if (task != null) {
            task.cancel(false);
            task = null;
        }
    }

    private void schedule(long at) {
        taskAt = at;
        task = loop.schedule(this, Math.max(0, at - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    @Override
    public void run() {
        task = null;
        if (deadline == 0) {
            return;
        }
        if (System.nanoTime() - deadline >= 0) {
            deadline = 0;
            onExpire.run();
        } else {
            schedule(deadline);
        }
    }
}
