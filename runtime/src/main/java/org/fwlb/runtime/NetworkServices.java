package org.fwlb.runtime;

import org.onosproject.net.device.DeviceService;
import org.onosproject.net.flow.FlowRuleService;
import org.onosproject.net.meter.MeterService;
import org.onosproject.net.packet.PacketService;

import java.util.List;
import java.util.Map;

/**
 * The southbound a runtime hosts components on: the ONOS network services backed by switches. In
 * production it is the OpenFlow 1.3 controller ({@link OpenFlowNetworkServices}); tests and simulations
 * plug their own.
 */
public interface NetworkServices extends AutoCloseable {

    /** @return device inventory and events */
    DeviceService deviceService();

    /** @return packet-in processors and packet-out */
    PacketService packetService();

    /** @return flow rules */
    FlowRuleService flowRuleService();

    /** @return meters */
    MeterService meterService();

    /**
     * Further ONOS services the southbound provides (e.g. an admin interface), by interface.
     *
     * @return interface → implementation
     */
    default Map<Class<?>, Object> additionalServices() {
        return Map.of();
    }

    /**
     * ONOS components this southbound emulates whose properties {@code ComponentConfigService} offers.
     *
     * @return the components (none by default)
     */
    default List<ConfigurableComponent> configurableComponents() {
        return List.of();
    }

    /**
     * The southbound's OpenFlow message counters, if it speaks OpenFlow.
     *
     * @return counters, or null
     */
    default org.fwlb.runtime.openflow.OpenFlowStats openflowStats() {
        return null;
    }

    /**
     * Starts talking to switches (called once components are active, so their packet processors and
     * packet requests are in place when switches connect).
     *
     * @throws Exception if it cannot start (e.g. the port is in use)
     */
    void start() throws Exception;

    /** @return short description for the ready line, e.g. "openflow :6653" */
    String describe();

    /** Removes every flow rule this runtime installed on every connected switch. */
    void removeAllInstalledRules();

    /** Stops talking to switches. */
    @Override
    void close();
}
