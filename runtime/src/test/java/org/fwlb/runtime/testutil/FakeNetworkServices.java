package org.fwlb.runtime.testutil;

import org.fwlb.runtime.NetworkServices;
import org.onosproject.net.Device;
import org.onosproject.net.device.DeviceEvent;
import org.onosproject.net.device.DeviceListener;
import org.onosproject.net.device.DeviceServiceAdapter;
import org.onosproject.net.device.DeviceService;
import org.onosproject.net.flow.FlowRuleService;
import org.onosproject.net.meter.MeterService;
import org.onosproject.net.packet.PacketService;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A southbound without switches: records what the runtime asks of it. */
public final class FakeNetworkServices implements NetworkServices {

    public final AtomicInteger started = new AtomicInteger();
    public final AtomicInteger closed = new AtomicInteger();
    public final AtomicInteger rulesRemoved = new AtomicInteger();
    public final List<DeviceListener> deviceListeners = new CopyOnWriteArrayList<>();
    public final List<Device> devices = new ArrayList<>();

    private final DeviceService devicesService = new DeviceServiceAdapter() {
        @Override
        public void addListener(DeviceListener listener) {
            deviceListeners.add(listener);
        }

        @Override
        public void removeListener(DeviceListener listener) {
            deviceListeners.remove(listener);
        }

        @Override
        public Iterable<Device> getDevices() {
            return List.copyOf(devices);
        }
    };

    /**
     * @param device a device that connected
     */
    public void connect(Device device) {
        devices.add(device);
        deviceListeners.forEach(l -> l.event(new DeviceEvent(DeviceEvent.Type.DEVICE_ADDED, device)));
    }

    @SuppressWarnings("unchecked")
    private static <T> T unsupported(Class<T> type) {
        return (T) Proxy.newProxyInstance(FakeNetworkServices.class.getClassLoader(), new Class<?>[]{type},
                (p, m, a) -> {
                    if (m.getName().equals("toString")) {
                        return "fake " + type.getSimpleName();
                    }
                    if (m.getName().equals("hashCode")) {
                        return System.identityHashCode(p);
                    }
                    if (m.getName().equals("equals")) {
                        return p == a[0];
                    }
                    // registrations (processors, listeners, packet requests) are accepted and forgotten
                    if (m.getReturnType() == void.class) {
                        return null;
                    }
                    if (m.getReturnType() == Iterable.class || m.getReturnType() == List.class
                            || m.getReturnType() == java.util.Collection.class) {
                        return List.of();
                    }
                    if (m.getReturnType() == java.util.Set.class) {
                        return java.util.Set.of();
                    }
                    if (m.getReturnType() == int.class) {
                        return 0;
                    }
                    throw new UnsupportedOperationException("fake " + type.getSimpleName() + "." + m.getName());
                });
    }

    private final PacketService packets = unsupported(PacketService.class);
    private final FlowRuleService flows = unsupported(FlowRuleService.class);
    private final MeterService meters = unsupported(MeterService.class);
    /** Message counters a test drives by hand. */
    public final org.fwlb.runtime.openflow.OpenFlowStats stats = new org.fwlb.runtime.openflow.OpenFlowStats();

    @Override
    public org.fwlb.runtime.openflow.OpenFlowStats openflowStats() {
        return stats;
    }

    @Override
    public DeviceService deviceService() {
        return devicesService;
    }

    @Override
    public PacketService packetService() {
        return packets;
    }

    @Override
    public FlowRuleService flowRuleService() {
        return flows;
    }

    @Override
    public MeterService meterService() {
        return meters;
    }

    @Override
    public void start() {
        started.incrementAndGet();
    }

    @Override
    public String describe() {
        return "fake southbound";
    }

    @Override
    public void removeAllInstalledRules() {
        rulesRemoved.incrementAndGet();
    }

    @Override
    public void close() {
        closed.incrementAndGet();
    }
}
