package org.fwlb.dispatch.impl;

import org.fwlb.api.DispatchMemberStatus;
import org.fwlb.connection.impl.DistributedConnectionStore;
import org.fwlb.connection.impl.TestConnectionStores;
import org.fwlb.engine.EngineCounters;
import org.fwlb.engine.Members;
import org.fwlb.model.AdminState;
import org.fwlb.model.Eligibility;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.HealthState;
import org.fwlb.model.TcpState;
import org.fwlb.testing.DispatchFixtures;
import org.fwlb.testing.MapMemberStates;
import org.fwlb.testing.SharedTestStorageService;
import org.junit.jupiter.api.Test;
import org.onosproject.net.DeviceId;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The operator's view of dispatchers and servers, from the member view, the live counts and this instance's
 * placement counters (the test topology: d1 → d2a, d2b; d2b → d3; srv4 configured draining).
 */
class MemberStatusesTest {

    private final FwlbTopology t = DispatchFixtures.topology();
    private final MapMemberStates states = new MapMemberStates();
    private final DistributedConnectionStore store = TestConnectionStores.on(new SharedTestStorageService());
    private final Set<DeviceId> down = new HashSet<>();
    private final EngineCounters counters = new EngineCounters();
    private final MemberStatuses statuses = new MemberStatuses(
            new Members(states, store, d -> !down.contains(d), id -> 0.0), store, counters);

    @Test
    void dispatchersInConfigurationOrderWithKindStageDeviceAndParents() {
        List<DispatchMemberStatus> d = statuses.dispatchers(t);
        assertEquals(List.of("d1", "d2a", "d2b", "d3"), d.stream().map(DispatchMemberStatus::id)
                .collect(Collectors.toList()));
        assertEquals(List.of(1, 2, 2, 3), d.stream().map(DispatchMemberStatus::stage).collect(Collectors.toList()));
        DispatchMemberStatus d3 = d.get(3);
        assertEquals(DispatchMemberStatus.Role.DISPATCHER, d3.role());
        assertEquals("L4/3", d3.kind());
        assertEquals("of:0000000000000d04", d3.device());
        assertEquals(List.of("d2b"), d3.parents());
        assertEquals(List.of(), d.get(0).parents());
        assertEquals(Eligibility.ELIGIBLE, d3.eligibility());
    }

    @Test
    void serversSitBelowTheirDeepestParent() {
        List<DispatchMemberStatus> s = statuses.servers(t);
        assertEquals(List.of(3, 3, 3, 4), s.stream().map(DispatchMemberStatus::stage).collect(Collectors.toList()));
        DispatchMemberStatus srv2 = s.get(1);
        assertEquals(DispatchMemberStatus.Role.SERVER, srv2.role());
        assertEquals("server", srv2.kind());
        assertNull(srv2.device());
        assertEquals(3, srv2.weight(), "configured");
        assertEquals(List.of("d2a", "d2b"), srv2.parents());
        assertEquals(AdminState.DRAINING, s.get(3).adminState());
        assertEquals(Eligibility.DRAINING, s.get(3).eligibility());
    }

    @Test
    void overridesHealthLiveConnectionsAndPlacementsShow() {
        states.setAdminState("srv1", AdminState.DOWN);
        states.setWeight("srv2", 9);
        states.reportHealth("srv3", HealthState.DOWN);
        down.add(DeviceId.deviceId("of:0000000000000d03"));
        store.pin(DispatchFixtures.connection(1, 40001, 80, TcpState.ESTABLISHED, null, null, "srv2", "d1", "d2a"));
        store.pin(DispatchFixtures.connection(2, 40002, 80, TcpState.ESTABLISHED, null, null, "srv2", "d1", "d2a"));
        counters.placed("srv2");
        counters.placed("srv2");
        counters.placed("srv2");
        assertEquals(Eligibility.ADMIN_DOWN, statuses.status(t, "srv1").eligibility());
        assertEquals(9, statuses.status(t, "srv2").weight());
        assertEquals(2, statuses.status(t, "srv2").connections());
        assertEquals(3, statuses.status(t, "srv2").placed(), "placed on this instance (counters)");
        assertEquals(2, statuses.status(t, "d2a").connections());
        assertEquals(HealthState.DOWN, statuses.status(t, "srv3").health());
        DispatchMemberStatus d2b = statuses.status(t, "d2b");
        assertEquals(HealthState.DOWN, d2b.health(), "its switch is gone");
        assertEquals(Eligibility.HEALTH_DOWN, d2b.eligibility());
        assertEquals(HealthState.UP, statuses.status(t, "d3").health(), "another switch");
    }

    @Test
    void aFullMemberIsNotEligible() {
        FwlbTopology capped = t.toBuilder().servers(t.servers().stream().map(s -> s.id().equals("srv1")
                ? s.toBuilder().maxConnections(1).build() : s).collect(Collectors.toList())).build();
        store.pin(DispatchFixtures.connection(1, 40001, 80, TcpState.ESTABLISHED, null, null, "srv1", "d1", "d2a"));
        DispatchMemberStatus srv1 = statuses.status(capped, "srv1");
        assertEquals(1, srv1.maxConnections());
        assertEquals(Eligibility.FULL, srv1.eligibility());
    }
}
