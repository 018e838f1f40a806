package org.fwlb.l7.backend;

/** Outcome of {@link ConnectionPool#lease}: exactly one method is called, on any thread. */
public interface LeaseCallback {
    void leased(BackendConnection connection, boolean fresh);

    /** {@code saturated}: pool and queue were full or the wait timed out (503), else connect failed (502). */
    void leaseFailed(Throwable cause, boolean saturated);
}
