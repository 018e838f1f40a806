package org.fwlb.testing;

import org.fwlb.api.DispatchMemberStatus;
import org.fwlb.api.DispatchService;
import org.fwlb.model.AdminState;
import org.fwlb.model.ConnectionEntry;
import org.fwlb.model.Dispatcher;
import org.fwlb.model.Eligibility;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.HealthState;
import org.fwlb.model.Server;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A {@link DispatchService} over a topology that keeps the contract (overrides of known members only,
 * weights 0..MAX_WEIGHT, IllegalArgumentException otherwise) and logs every change it accepts, so tests
 * can check that refused requests changed nothing.
 */
public final class FakeDispatchService implements DispatchService {

    private final FwlbTopology topology;
    private final Map<String, AdminState> adminOverrides = new HashMap<>();
    private final Map<String, Integer> weightOverrides = new HashMap<>();
    private final Map<String, HealthState> health = new HashMap<>();
    public final List<ConnectionEntry> connections = new ArrayList<>();
    public final Map<String, Long> counters = new LinkedHashMap<>();
    /** When set, every change is refused with this message (as the real service's own checks would). */
    public String refuse;
    /** Every change accepted, in order ("setAdminState srv1 DOWN", ...). */
    public final List<String> changes = new ArrayList<>();

    public FakeDispatchService(FwlbTopology topology) {
        this.topology = topology;
    }

    public void setHealth(String id, HealthState h) {
        health.put(id, h);
    }

    @Override
    public List<DispatchMemberStatus> dispatchers() {
        return topology.dispatchers().stream().map(d -> status(d.id()).orElseThrow()).collect(Collectors.toList());
    }

    @Override
    public List<DispatchMemberStatus> servers() {
        return topology.servers().stream().map(s -> status(s.id()).orElseThrow()).collect(Collectors.toList());
    }

    @Override
    public Optional<DispatchMemberStatus> member(String memberId) {
        return status(memberId);
    }

    @Override
    public void setAdminState(String memberId, AdminState state) {
        known(memberId);
        if (state == null) {
            throw new IllegalArgumentException("state is null");
        }
        adminOverrides.put(memberId, state);
        changes.add("setAdminState " + memberId + " " + state);
    }

    @Override
    public void setWeight(String memberId, int weight) {
        known(memberId);
        if (weight < 0 || weight > MAX_WEIGHT) {
            throw new IllegalArgumentException("weight " + weight + " out of range 0.." + MAX_WEIGHT);
        }
        weightOverrides.put(memberId, weight);
        changes.add("setWeight " + memberId + " " + weight);
    }

    @Override
    public void clearOverrides(String memberId) {
        known(memberId);
        adminOverrides.remove(memberId);
        weightOverrides.remove(memberId);
        changes.add("clearOverrides " + memberId);
    }

    @Override
    public List<ConnectionEntry> connections(Predicate<ConnectionEntry> filter) {
        return connections.stream().filter(filter == null ? e -> true : filter).collect(Collectors.toList());
    }

    @Override
    public Map<String, Long> counters() {
        return counters;
    }

    /** Placements per member a test sets. */
    public final Map<String, Long> placements = new java.util.TreeMap<>();

    @Override
    public Map<String, Long> placements() {
        return placements;
    }

    private void known(String id) {
        if (refuse != null) {
            throw new IllegalArgumentException(refuse);
        }
        if (!topology.isDispatcher(id) && !topology.isServer(id)) {
            throw new IllegalArgumentException("unknown dispatcher or server: " + id);
        }
    }

    private Optional<DispatchMemberStatus> status(String id) {
        Dispatcher d = topology.dispatcher(id);
        Server s = topology.server(id);
        if (d == null && s == null) {
            return Optional.empty();
        }
        AdminState admin = adminOverrides.getOrDefault(id, d != null ? d.adminState() : s.adminState());
        HealthState h = health.getOrDefault(id, HealthState.UP);
        int max = d != null ? d.maxConnections() : s.maxConnections();
        int live = (int) connections.stream().filter(e -> e.path().involves(id)).count();
        DispatchMemberStatus.Builder b = DispatchMemberStatus.builder().id(id)
                .adminState(admin).health(h).eligibility(Eligibility.of(admin, h, live, max))
                .weight(weightOverrides.getOrDefault(id, d != null ? d.weight() : s.weight()))
                .maxConnections(max).connections(live).placed(live).parents(topology.parents(id));
        if (d != null) {
            b.role(DispatchMemberStatus.Role.DISPATCHER).kind(d.kind().jsonName()).stage(topology.stageDepth(id))
                    .device(d.deviceId().map(Object::toString).orElse(null));
        } else {
            int stage = topology.parents(id).stream().mapToInt(topology::stageDepth).max().orElse(0) + 1;
            b.role(DispatchMemberStatus.Role.SERVER).kind("server").stage(stage);
        }
        return Optional.of(b.build());
    }

    @Override
    public void l7Report(String dispatcherId, org.fwlb.api.L7Report report) {
        throw new IllegalArgumentException("not an L7/3 dispatcher: " + dispatcherId);
    }

    @Override
    public List<org.fwlb.api.L7Status> l7Dispatchers() {
        return l7;
    }

    /** What {@link #l7Dispatchers()} answers. */
    public final List<org.fwlb.api.L7Status> l7 = new java.util.ArrayList<>();
}
