package org.fwlb.testing;

import org.fwlb.api.MemberStateEvent;
import org.fwlb.api.MemberStateListener;
import org.fwlb.api.MemberStateService;
import org.fwlb.api.MemberStatus;
import org.fwlb.model.AdminState;
import org.fwlb.model.HealthState;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Member overrides and health in a map; listeners hear every change at once, on the caller's thread; every
 * health report is logged.
 */
public class MapMemberStates implements MemberStateService {

    private final Map<String, MemberStatus> map = new ConcurrentHashMap<>();
    private final List<MemberStateListener> listeners = new CopyOnWriteArrayList<>();
    /** Every health report ("srv1=DOWN"), in order. */
    public final List<String> reports = new CopyOnWriteArrayList<>();

    @Override
    public MemberStatus status(String memberId) {
        return map.getOrDefault(memberId, MemberStatus.initial());
    }

    @Override
    public Map<String, MemberStatus> statuses() {
        return map;
    }

    @Override
    public AdminState adminState(String memberId, AdminState configured) {
        AdminState o = status(memberId).adminOverride();
        return o == null ? configured : o;
    }

    @Override
    public int weight(String memberId, int configured) {
        int w = status(memberId).weightOverride();
        return w == MemberStatus.NO_WEIGHT ? configured : w;
    }

    @Override
    public void setAdminState(String memberId, AdminState state) {
        put(memberId, status(memberId).withAdminOverride(state));
    }

    @Override
    public void setWeight(String memberId, int weight) {
        put(memberId, status(memberId).withWeightOverride(weight));
    }

    @Override
    public void clearOverrides(String memberId) {
        MemberStatus before = status(memberId);
        put(memberId, MemberStatus.initial().withHealth(before.health()));
    }

    @Override
    public void reportHealth(String memberId, HealthState health) {
        reports.add(memberId + "=" + health);
        put(memberId, status(memberId).withHealth(health));
    }

    private void put(String id, MemberStatus now) {
        MemberStatus before = status(id);
        map.put(id, now);
        if (!before.equals(now)) {
            MemberStateEvent e = new MemberStateEvent(id, before, now);
            for (MemberStateListener l : new ArrayList<>(listeners)) {
                l.event(e);
            }
        }
    }

    @Override
    public void addListener(MemberStateListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeListener(MemberStateListener listener) {
        listeners.remove(listener);
    }
}
