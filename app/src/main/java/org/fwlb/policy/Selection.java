package org.fwlb.policy;

import com.google.common.collect.ImmutableMap;
import org.fwlb.model.Eligibility;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outcome of a selection: either the chosen member (and its index in the candidate list) or "no
 * eligible member" with the reason of every candidate.
 */
public final class Selection {
    private final int index;
    private final Member member;
    private final Map<String, Eligibility> reasons;
    private final String message;

    private Selection(int index, Member member, Map<String, Eligibility> reasons, String message) {
        this.index = index;
        this.member = member;
        this.reasons = reasons;
        this.message = message;
    }

    /**
     * Creates the outcome "member chosen".
     *
     * @param index  index of the member in the candidate list
     * @param member the member
     * @return selection
     */
    public static Selection chosen(int index, Member member) {
        return new Selection(index, member, ImmutableMap.of(), null);
    }

    /**
     * Creates the outcome "no eligible member", recording each candidate's reason.
     *
     * @param members the candidates
     * @return selection
     */
    public static Selection noEligibleMember(List<? extends Member> members) {
        Map<String, Eligibility> r = new LinkedHashMap<>();
        StringBuilder sb = new StringBuilder();
        if (members.isEmpty()) {
            sb.append("no eligible member: there are no members");
        } else {
            sb.append("no eligible member among ").append(members.size()).append(": ");
            for (int i = 0; i < members.size(); i++) {
                Member m = members.get(i);
                r.put(m.id(), m.eligibility());
                sb.append(i > 0 ? ", " : "").append(m.id()).append('=').append(describe(m));
            }
        }
        return new Selection(SelectionPolicy.NONE, null, ImmutableMap.copyOf(r), sb.toString());
    }

    private static String describe(Member m) {
        switch (m.eligibility()) {
            case ADMIN_DOWN:
                return "admin down";
            case DRAINING:
                return "draining";
            case HEALTH_DOWN:
                return "health down";
            case FULL:
                return "full (" + m.activeConnections() + " connections)";
            default:
                return "eligible";
        }
    }

    /**
     * Returns true when a member was chosen.
     *
     * @return true when chosen
     */
    public boolean isChosen() {
        return member != null;
    }

    /**
     * Returns the chosen member.
     *
     * @return member
     * @throws IllegalStateException with the no-member message when none was chosen
     */
    public Member member() {
        if (member == null) {
            throw new IllegalStateException(message);
        }
        return member;
    }

    /**
     * Returns the index of the chosen member in the candidate list.
     *
     * @return index, or {@link SelectionPolicy#NONE}
     */
    public int index() {
        return index;
    }

    /**
     * Returns the reason of every candidate when none was eligible.
     *
     * @return member id to eligibility (empty when chosen)
     */
    public Map<String, Eligibility> reasons() {
        return reasons;
    }

    /**
     * Returns a human-readable outcome.
     *
     * @return e.g. "chose fw2" or "no eligible member among 2: fw1=draining, fw2=health down"
     */
    public String message() {
        return member != null ? "chose " + member.id() : message;
    }

    @Override
    public String toString() {
        return message();
    }
}
