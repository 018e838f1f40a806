package org.fwlb.runtime;

import org.fwlb.runtime.openflow.OpenFlowOptions;
import org.fwlb.runtime.openflow.OpenFlowRuntime;
import org.fwlb.runtime.openflow.flow.FlowRuleManager;
import org.onosproject.cfg.ConfigProperty;
import org.onosproject.net.device.DeviceService;
import org.onosproject.net.flow.FlowRuleService;
import org.onosproject.net.meter.MeterService;
import org.onosproject.net.packet.PacketService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;

/**
 * The production southbound: the OpenFlow 1.3 controller of module runtime-openflow.
 */
public final class OpenFlowNetworkServices implements NetworkServices {

    private static final Logger log = LoggerFactory.getLogger(OpenFlowNetworkServices.class);

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
    public org.fwlb.runtime.openflow.OpenFlowStats openflowStats() {
        return openflow.stats();
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

    /** Component name of ONOS's flow rule manager. */
    public static final String FLOW_RULE_MANAGER = "org.onosproject.net.flow.impl.FlowRuleManager";
    /** Component name of ONOS's OpenFlow flow rule provider. */
    public static final String OPENFLOW_RULE_PROVIDER = "org.onosproject.provider.of.flow.impl.OpenFlowRuleProvider";

    /**
     * ONOS's FlowRuleManager (allowExtraneousRules, importExtraneousRules, purgeOnDisconnection) and
     * OpenFlowRuleProvider (flowPollFrequency) properties, backed by the OpenFlow southbound.
     */
    @Override
    public List<ConfigurableComponent> configurableComponents() {
        FlowRuleManager f = openflow.flowRuleManager();
        List<ConfigProperty> manager = List.of(
                bool("allowExtraneousRules", "Allow flow rules in switch not installed by ONOS", f.allowExtraneousRules()),
                bool("importExtraneousRules", "Allow to import flow rules in switch not installed by ONOS",
                     f.importExtraneousRules()),
                bool("purgeOnDisconnection", "Purge entries associated with a device when the device goes offline",
                     f.purgeOnDisconnection()));
        ConfigProperty poll = ConfigProperty.defineProperty("flowPollFrequency", ConfigProperty.Type.INTEGER, "5",
                                                            "Frequency (in seconds) for polling flow statistics");
        long seconds = f.flowPollFrequency().toSeconds();
        if (seconds != 5) {
            poll = ConfigProperty.setProperty(poll, Long.toString(seconds));
        }
        return List.of(
                new ConfigurableComponent(FLOW_RULE_MANAGER, manager, values -> {
                    openflow.setAllowExtraneousRules(Boolean.parseBoolean(values.get("allowExtraneousRules")));
                    openflow.setImportExtraneousRules(Boolean.parseBoolean(values.get("importExtraneousRules")));
                    openflow.setPurgeOnDisconnection(Boolean.parseBoolean(values.get("purgeOnDisconnection")));
                }),
                new ConfigurableComponent(OPENFLOW_RULE_PROVIDER, List.of(poll), values -> {
                    int s = Integer.parseInt(values.get("flowPollFrequency").trim());
                    if (s < 1) {
                        log.warn("flowPollFrequency {} ignored: the runtime polls at least every second", s);
                        return;
                    }
                    openflow.setFlowPollFrequency(Duration.ofSeconds(s));
                }));
    }

    private static ConfigProperty bool(String name, String description, boolean value) {
        ConfigProperty p = ConfigProperty.defineProperty(name, ConfigProperty.Type.BOOLEAN, "false", description);
        return value ? ConfigProperty.setProperty(p, "true") : p;
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
