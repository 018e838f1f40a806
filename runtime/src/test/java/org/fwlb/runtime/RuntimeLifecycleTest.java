package org.fwlb.runtime;

import org.fwlb.runtime.registry.RuntimeDirectories;
import org.fwlb.runtime.scr.ComponentState;
import org.fwlb.runtime.scr.ComponentStatus;
import org.fwlb.runtime.testutil.FakeNetworkServices;
import org.fwlb.runtime.testutil.TestUsers;
import org.junit.jupiter.api.Test;
import org.onlab.osgi.DefaultServiceDirectory;
import org.onlab.osgi.ServiceNotFoundException;
import org.onlab.packet.ChassisId;
import org.onosproject.core.CoreService;
import org.onosproject.mastership.MastershipEvent;
import org.onosproject.mastership.MastershipService;
import org.onosproject.net.DefaultDevice;
import org.onosproject.net.Device;
import org.onosproject.net.DeviceId;
import org.onosproject.net.MastershipRole;
import org.onosproject.net.provider.ProviderId;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RuntimeLifecycleTest {

    private static FwlbRuntime runtime(FakeNetworkServices net, boolean keep) {
        return FwlbRuntime.builder().bundles(List.of()).networkServices(net).keepFlowsOnExit(keep).build();
    }

    @Test
    void cleanShutdownRemovesInstalledRulesUnlessKept() throws Exception {
        FakeNetworkServices net = new FakeNetworkServices();
        FwlbRuntime rt = runtime(net, false);
        rt.start();
        assertEquals(1, net.started.get());
        rt.close();
        rt.close();
        assertEquals(1, net.rulesRemoved.get());
        assertEquals(1, net.closed.get());

        FakeNetworkServices kept = new FakeNetworkServices();
        FwlbRuntime rt2 = runtime(kept, true);
        rt2.start();
        rt2.close();
        assertEquals(0, kept.rulesRemoved.get());
        assertEquals(1, kept.closed.get());
    }

    @Test
    void localNodeMastersEveryDeviceAndAnnouncesIt() throws Exception {
        FakeNetworkServices net = new FakeNetworkServices();
        try (FwlbRuntime rt = runtime(net, false)) {
            rt.start();
            MastershipService m = rt.registry().find(MastershipService.class).orElseThrow();
            List<MastershipEvent> events = new CopyOnWriteArrayList<>();
            m.addListener(events::add);
            DeviceId id = DeviceId.deviceId("of:0000000000000f01");
            net.connect(new DefaultDevice(ProviderId.NONE, id, Device.Type.SWITCH, "m", "h", "s", "1",
                                          new ChassisId(1)));
            rt.awaitEvents(Duration.ofSeconds(5));
            assertEquals(1, events.size());
            assertEquals(MastershipEvent.Type.MASTER_CHANGED, events.get(0).type());
            assertEquals(MastershipRole.MASTER, m.getLocalRole(id));
            assertEquals(m.getMasterFor(id), events.get(0).roleInfo().master());
            assertEquals(java.util.Set.of(id), m.getDevicesOf(m.getMasterFor(id)));
            assertThrows(UnsupportedOperationException.class, () -> m.relinquishMastership(id));
        }
    }

    @Test
    void staticOnosLookupsReachTheRuntimeOnlyWhileItRuns() throws Exception {
        FwlbRuntime rt = runtime(new FakeNetworkServices(), false);
        rt.start();
        assertSame(rt.coreService(), DefaultServiceDirectory.getService(CoreService.class));
        assertEquals(1, rt.coreService().getAppId("org.onosproject.core").id());
        rt.close();
        assertTrue(RuntimeDirectories.current().isEmpty());
        assertThrows(ServiceNotFoundException.class, () -> DefaultServiceDirectory.getService(CoreService.class));
    }
}
