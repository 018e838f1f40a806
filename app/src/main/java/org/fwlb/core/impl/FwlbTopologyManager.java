package org.fwlb.core.impl;

import org.fwlb.api.FwlbTopologyEvent;
import org.fwlb.api.FwlbTopologyListener;
import org.fwlb.api.FwlbTopologyService;
import org.fwlb.config.FwlbConfig;
import org.fwlb.config.ParseResult;
import org.fwlb.model.FwlbTopology;
import org.onosproject.core.ApplicationId;
import org.onosproject.core.CoreService;
import org.onosproject.event.AbstractListenerManager;
import org.onosproject.net.config.ConfigFactory;
import org.onosproject.net.config.NetworkConfigEvent;
import org.onosproject.net.config.NetworkConfigListener;
import org.onosproject.net.config.NetworkConfigRegistry;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.slf4j.Logger;

import static org.slf4j.LoggerFactory.getLogger;

/**
 * Registers the fwlb netcfg and keeps the topology in force: a config that does not validate is logged
 * with every error and leaves the previous topology in place.
 */
@Component(immediate = true, service = FwlbTopologyService.class)
public class FwlbTopologyManager extends AbstractListenerManager<FwlbTopologyEvent, FwlbTopologyListener>
        implements FwlbTopologyService {

    private final Logger log = getLogger(getClass());

    @Reference(cardinality = ReferenceCardinality.MANDATORY)
    protected CoreService coreService;

    @Reference(cardinality = ReferenceCardinality.MANDATORY)
    protected NetworkConfigRegistry cfgRegistry;

    private final ConfigFactory<ApplicationId, FwlbConfig> factory = FwlbConfig.factory();
    private final NetworkConfigListener cfgListener = new InternalConfigListener();
    private ApplicationId appId;
    private volatile FwlbTopology topology = FwlbTopology.empty();

    @Activate
    protected void activate() {
        appId = coreService.registerApplication(FwlbConfig.APP_NAME);
        eventDispatcher.addSink(FwlbTopologyEvent.class, listenerRegistry);
        cfgRegistry.addListener(cfgListener);
        cfgRegistry.registerConfigFactory(factory);
        refresh();
        log.info("Started");
    }

    @Deactivate
    protected void deactivate() {
        cfgRegistry.removeListener(cfgListener);
        cfgRegistry.unregisterConfigFactory(factory);
        eventDispatcher.removeSink(FwlbTopologyEvent.class);
        log.info("Stopped");
    }

    @Override
    public FwlbTopology topology() {
        return topology;
    }

    private synchronized void refresh() {
        FwlbConfig config = cfgRegistry.getConfig(appId, FwlbConfig.class);
        FwlbTopology next;
        if (config == null) {
            next = FwlbTopology.empty();
        } else {
            ParseResult result = config.parse();
            if (!result.isValid()) {
                log.error("fwlb config rejected, previous one stays in force: {}", result.errors());
                return;
            }
            next = result.topologyOrThrow();
        }
        FwlbTopology previous = topology;
        if (!next.equals(previous)) {
            topology = next;
            post(new FwlbTopologyEvent(next, previous));
        }
    }

    private class InternalConfigListener implements NetworkConfigListener {
        @Override
        public boolean isRelevant(NetworkConfigEvent event) {
            return event.configClass() == FwlbConfig.class;
        }

        @Override
        public void event(NetworkConfigEvent event) {
            switch (event.type()) {
                case CONFIG_ADDED:
                case CONFIG_UPDATED:
                case CONFIG_REMOVED:
                    refresh();
                    break;
                default:
                    break;
            }
        }
    }
}
