package org.fwlb.engine;

import com.codahale.metrics.Timer;

import java.util.concurrent.TimeUnit;

/**
 * The engine's latency timers: how long a punted SYN takes to be decided, and how long the decided switches take
 * to confirm its rules (FLOW_MODs until every barrier reply). Dropwizard timers, so the ONOS component can hand
 * in the ones it created through ONOS's MetricsService; standalone ones until then.
 */
public final class EngineTimers {

    private final Timer decision;
    private final Timer install;

    /** Standalone timers (not registered anywhere). */
    public EngineTimers() {
        this(new Timer(), new Timer());
    }

    /**
     * @param decision decision latency
     * @param install  install latency
     */
    public EngineTimers(Timer decision, Timer install) {
        this.decision = decision;
        this.install = install;
    }

    /** @return decision latency (SYN parsed to path decided) */
    public Timer decision() {
        return decision;
    }

    /** @return install latency (rules applied to every switch's confirmation) */
    public Timer install() {
        return install;
    }

    void decided(long startNanos) {
        decision.update(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }

    void installed(long startNanos) {
        install.update(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }
}
