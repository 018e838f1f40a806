package org.fwlb.engine;

/**
 * Tells when the punt path is overloaded (a SYN flood, or more new connections than the controller places), so
 * that the firewall choice moves into the switches (static-hash rules under the pins) until it calms down.
 *
 * <p>NORMAL: every new connection is punted and placed. OVERLOAD is entered when the punts per second reach the
 * threshold or a placement is refused for lack of room (half-open or table limit); it lasts at least the hold
 * time. Then GRACE: the hash rules are gone, new connections are punted again, and a mid-stream segment of a
 * connection the hash rules carried is adopted on its hash firewall (those punts are expected: in GRACE only SYN
 * punts and refusals count). Overload again during GRACE doubles the hold
 * (up to 16 times), so a flood that goes on is probed ever more rarely; GRACE that runs out returns to NORMAL and
 * resets the hold. While in OVERLOAD no punt of the covered traffic reaches the controller, so only time can tell
 * that the flood ended: that is why the state is left by hold and probe, not by a rate.
 *
 * <p>Fed with cumulative counters from one timer thread; {@link #state()} may be read from any thread.
 */
public final class OverloadDetector {

    /** The detector's states. */
    public enum State {
        /** Every new connection is punted and placed by its policy. */
        NORMAL,
        /** New connections of covered classes are carried by static-hash rules, without the controller. */
        OVERLOAD,
        /** Hash rules removed; segments of connections they carried are adopted by the same hash. */
        GRACE
    }

    /** Most doublings of the hold time. */
    static final int MAX_HOLD_FACTOR = 16;

    private final long enterPps;
    private final long baseHoldMs;
    private final long graceMs;

    private volatile State state = State.NORMAL;
    private long since;
    private long holdMs;
    private long lastAt = -1;
    private long lastSyns;
    private long lastOthers;
    private long lastRefused;

    /**
     * Creates a detector.
     *
     * @param enterPps punts per second that mean overload; 0 disables the detector (always NORMAL)
     * @param holdMs   least time in OVERLOAD before GRACE is tried
     * @param graceMs  time in GRACE without overload before NORMAL
     */
    public OverloadDetector(long enterPps, long holdMs, long graceMs) {
        if (enterPps < 0 || holdMs <= 0 || graceMs <= 0) {
            throw new IllegalArgumentException("enterPps >= 0, holdMs > 0 and graceMs > 0 expected");
        }
        this.enterPps = enterPps;
        this.baseHoldMs = holdMs;
        this.holdMs = holdMs;
        this.graceMs = graceMs;
    }

    /** @return the state in force */
    public State state() {
        return state;
    }

    /** @return the hold time of the current or next OVERLOAD, ms */
    public synchronized long holdMs() {
        return holdMs;
    }

    /**
     * Takes a sample of the cumulative counters and moves the state.
     *
     * @param now     time, ms (monotonic enough: a sample not later than the previous is only recorded)
     * @param syns    cumulative SYN punts of the covered traffic
     * @param others  cumulative punts of its other segments (of no connection, or whose rules are missing)
     * @param refused cumulative placements refused for lack of room
     * @return the new state if it changed, else null
     */
    public synchronized State observe(long now, long syns, long others, long refused) {
        boolean first = lastAt < 0;
        long dt = now - lastAt;
        long dPunts = syns - lastSyns + (state == State.GRACE ? 0 : others - lastOthers);
        long dRefused = refused - lastRefused;
        lastAt = now;
        lastSyns = syns;
        lastOthers = others;
        lastRefused = refused;
        if (first || dt <= 0 || enterPps == 0) {
            return null;
        }
        boolean hot = dRefused > 0 || dPunts * 1000 >= enterPps * dt;
        State before = state;
        switch (state) {
            case NORMAL:
                if (hot) {
                    enter(State.OVERLOAD, now);
                }
                break;
            case OVERLOAD:
                if (now - since >= holdMs) {
                    enter(State.GRACE, now);
                }
                break;
            case GRACE:
            default:
                if (hot) {
                    holdMs = Math.min(holdMs * 2, baseHoldMs * MAX_HOLD_FACTOR);
                    enter(State.OVERLOAD, now);
                } else if (now - since >= graceMs) {
                    holdMs = baseHoldMs;
                    enter(State.NORMAL, now);
                }
                break;
        }
        return state == before ? null : state;
    }

    private void enter(State s, long now) {
        state = s;
        since = now;
    }
}
