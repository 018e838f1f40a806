package org.fwlb.policy;

import java.util.List;

/**
 * Chooses one eligible member for a new connection. Implementations may keep state (round-robin
 * position, smooth-WRR current weights) and are thread-safe; use one instance per decision point.
 * Member lists should be random-access.
 */
public interface SelectionPolicy {
    /** Index returned when no member is eligible. */
    int NONE = -1;

    /**
     * Returns the policy's configuration name, e.g. "round-robin".
     *
     * @return name
     */
    String name();

    /**
     * Chooses a member; allocation-free.
     *
     * @param members  candidates (ineligible ones are skipped)
     * @param flowHash a hash of the connection; hash-based policies need it symmetric (the same for both
     *                 directions, see {@link FlowHash}); other policies ignore it
     * @return the index of the chosen member, or {@link #NONE}
     */
    int selectIndex(List<? extends Member> members, long flowHash);

    /**
     * Chooses a member and explains a failure.
     *
     * @param members  candidates
     * @param flowHash symmetric hash of the connection
     * @return the selection
     */
    default Selection select(List<? extends Member> members, long flowHash) {
        int i = selectIndex(members, flowHash);
        return i == NONE ? Selection.noEligibleMember(members) : Selection.chosen(i, members.get(i));
    }
}
