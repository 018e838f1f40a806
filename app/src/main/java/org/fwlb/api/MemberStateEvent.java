package org.fwlb.api;

import org.onosproject.event.AbstractEvent;

/**
 * A member's run-time status changed.
 */
public class MemberStateEvent extends AbstractEvent<MemberStateEvent.Type, String> {

    /** Event types. */
    public enum Type {
        /** Admin override, weight override or health changed. */
        STATUS_CHANGED
    }

    private final MemberStatus previous;
    private final MemberStatus current;

    /**
     * Creates an event.
     *
     * @param memberId member id
     * @param previous status before
     * @param current  status after
     */
    public MemberStateEvent(String memberId, MemberStatus previous, MemberStatus current) {
        super(Type.STATUS_CHANGED, memberId);
        this.previous = previous;
        this.current = current;
    }

    /**
     * Returns the status before the change.
     *
     * @return previous status
     */
    public MemberStatus previous() {
        return previous;
    }

    /**
     * Returns the status after the change.
     *
     * @return current status
     */
    public MemberStatus current() {
        return current;
    }
}
