package org.fwlb.runtime;

import org.fwlb.runtime.openflow.OpenFlowOptions;
import org.fwlb.runtime.openflow.OpenFlowRuntime;
import org.onosproject.net.device.DeviceService;
import org.onosproject.net.flow.FlowRuleService;
import org.onosproject.net.meter.MeterService;
import org.onosproject.net.packet.PacketService;

/**
 * The production southbound: the OpenFlow 1.3 controller of module runtime-openflow.
 */
public final class OpenFlowNetworkServices implements NetworkServices {

    private final OpenFlowOptions options;
    private final OpenFlowRuntime openflow;

    /**
     * @param options OpenFlow settings
     */
    public OpenFlowNetworkServices(OpenFlowOptions options) {
        this.options = options;
        this.openflow = new OpenFlowRuntime(options);
    }

    /** @return the OpenFlow runtime (statistics, bound port) */
    public OpenFlowRuntime openflow() {
        return openflow;
    }

    @Override
    public DeviceService deviceService() {
        return openflow.deviceService();
    }

    @Override
    public PacketService packetService() {
        return openflow.packetService();
    }

    @Override
    public FlowRuleService flowRuleService() {
        return openflow.flowRuleService();
    }

    @Override
    public MeterService meterService() {
        return openflow.meterService();
    }

    @Override
    public void start() throws InterruptedException {
        openflow.start();
    }

    @Override
    public String describe() {
        String addr = options.bindAddress();
        return "openflow " + ("0.0.0.0".equals(addr) ? "" : addr) + ":" + openflow.boundPort();
    }

    @Override
    public void removeAllInstalledRules() {
        openflow.removeAllInstalledRules();
    }

    @Override
    public void close() {
        openflow.close();
    }
}
