package org.fwlb.dispatch.impl;

import org.fwlb.engine.impl.EngineHarness;
import org.fwlb.model.FwlbTopology;
import org.onosproject.cfg.ComponentConfigAdapter;

import java.util.Map;

/**
 * The real DispatchManager activated on ONOS adapters and attached to the real connection engine
 * ({@link EngineHarness}); server probes off (nobody would answer them), unless the test asks.
 */
public final class DispatchHarness {

    public final EngineHarness engine;
    public final DispatchManager manager = new DispatchManager();

    public DispatchHarness(FwlbTopology t) {
        this(t, Map.of(OsgiPropertyConstants.SERVER_PROBE_ENABLED, "false"));
    }

    public DispatchHarness(FwlbTopology t, Map<String, Object> props) {
        engine = new EngineHarness(t).start();
        manager.coreService = engine.core;
        manager.cfgService = new ComponentConfigAdapter();
        manager.packetService = engine.packets;
        manager.topologyService = engine.topology;
        manager.memberStateService = engine.states;
        manager.connectionStore = engine.store;
        manager.engine = engine.engine;
        manager.activate(EngineHarness.context(props));
        engine.drain();
    }

    /** Stops the manager (one instance stopping) and the engine. */
    public void stop() {
        manager.deactivate();
        engine.engine.stop();
    }
}
