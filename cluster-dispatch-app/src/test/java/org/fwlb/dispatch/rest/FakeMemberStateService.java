package org.fwlb.dispatch.rest;

import org.fwlb.api.MemberStateListener;
import org.fwlb.api.MemberStateService;
import org.fwlb.api.MemberStatus;
import org.fwlb.model.AdminState;
import org.fwlb.model.HealthState;

import java.util.HashMap;
import java.util.Map;

/**
 * Member overrides and health in a map (what the /tree view reads).
 */
final class FakeMemberStateService implements MemberStateService {

    private final Map<String, MemberStatus> statuses = new HashMap<>();

    @Override
    public MemberStatus status(String memberId) {
        return statuses.getOrDefault(memberId, MemberStatus.initial());
    }

    @Override
    public Map<String, MemberStatus> statuses() {
        return statuses;
    }

    @Override
    public AdminState adminState(String memberId, AdminState configured) {
        AdminState o = status(memberId).adminOverride();
        return o != null ? o : configured;
    }

    @Override
    public int weight(String memberId, int configured) {
        int w = status(memberId).weightOverride();
        return w != MemberStatus.NO_WEIGHT ? w : configured;
    }

    @Override
    public void setAdminState(String memberId, AdminState state) {
        statuses.put(memberId, status(memberId).withAdminOverride(state));
    }

    @Override
    public void setWeight(String memberId, int weight) {
        statuses.put(memberId, status(memberId).withWeightOverride(weight));
    }

    @Override
    public void clearOverrides(String memberId) {
        statuses.remove(memberId);
    }

    @Override
    public void reportHealth(String memberId, HealthState health) {
        statuses.put(memberId, status(memberId).withHealth(health));
    }

    @Override
    public void addListener(MemberStateListener listener) {
    }

    @Override
    public void removeListener(MemberStateListener listener) {
    }
}
