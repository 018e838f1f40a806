package org.fwlb.bench;

import org.fwlb.connection.ConnectionEvent;
import org.fwlb.connection.ConnectionStoreDelegate;
import org.fwlb.engine.ConnectionInstaller;
import org.fwlb.engine.DecisionPoint;
import org.fwlb.engine.EngineContext;
import org.fwlb.engine.EngineCounters;
import org.fwlb.engine.EnginePacketProcessor;
import org.fwlb.engine.EnginePlan;
import org.fwlb.engine.EngineSettings;
import org.fwlb.engine.HashBuckets;
import org.fwlb.engine.Lifecycle;
import org.fwlb.engine.Members;
import org.fwlb.engine.Owner;
import org.fwlb.engine.PathPlanner;
import org.fwlb.engine.Segments;
import org.fwlb.model.ConnectionEntry;
import org.fwlb.model.ConnectionKey;
import org.fwlb.model.Dispatcher;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.VirtualService;
import org.onosproject.core.ApplicationId;
import org.onosproject.core.DefaultApplicationId;
import org.onosproject.net.ConnectPoint;
import org.onosproject.net.DeviceId;
import org.onosproject.net.PortNumber;
import org.onosproject.net.flow.FlowRule;
import org.onosproject.net.flow.FlowRuleOperation;
import org.onosproject.net.flow.FlowRuleOperations;
import org.onosproject.net.flow.FlowRuleServiceAdapter;
import org.onosproject.net.packet.DefaultInboundPacket;
import org.onosproject.net.packet.DefaultPacketContext;
import org.onosproject.net.packet.OutboundPacket;
import org.onosproject.net.packet.PacketServiceAdapter;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The connection engine of fwlb-core wired outside ONOS as ConnectionEngineManager wires it (EngineContext,
 * PathPlanner, ConnectionInstaller, Segments, EnginePacketProcessor, Lifecycle; both owners attached, every device
 * mastered here and connected, the static-hash buckets assigned), on the core's real connection table and member
 * states ({@link CoreServices}) and two sinks standing in for ONOS:
 * <ul>
 * <li>a flow rule service that confirms every batch at once (FlowRuleOperationsContext.onSuccess on the calling
 * thread, as FlowRuleManager does when the switches ack) and, for every rule removed, hands the RULE_REMOVED back to
 * the life cycle as the manager's flow listener does (so the removals the engine remembers are consumed, as in
 * production);</li>
 * <li>a packet service that counts packet-outs and keeps the last.</li>
 * </ul>
 * A packet-in reaches the engine as ONOS's packet service hands it: a {@link DefaultPacketContext} around a
 * {@link DefaultInboundPacket} carrying the frame's bytes (the Ethernet ONOS's provider parses is not built: the
 * engine reads only the bytes).
 */
final class EngineRig {

    /** The sandwich's application id (owner of firewall-choice and FIG 6 rules). */
    static final ApplicationId SANDWICH_APP = new DefaultApplicationId(101, Owner.SANDWICH.appName());
    /** The dispatch application's id (owner of the stages' rules). */
    static final ApplicationId DISPATCH_APP = new DefaultApplicationId(102, Owner.DISPATCH.appName());

    /** Engine counters that must stay 0 in a benchmark: each is a decision not made. */
    static final String[] FAILURES = {
        EngineCounters.SYN_FOLLOWED, EngineCounters.INVALID_SYN, EngineCounters.NO_MEMBER, EngineCounters.TABLE_FULL,
        EngineCounters.HALF_OPEN_FULL, EngineCounters.NO_SERVICE, EngineCounters.UNKNOWN_PUNTS,
        EngineCounters.INSTALL_FAILED, EngineCounters.MALFORMED, EngineCounters.ERRORS,
    };

    final FwlbTopology topology;
    final EnginePlan plan;
    final CoreServices core;
    final SinkFlowRules flowRules = new SinkFlowRules();
    final SinkPackets packets = new SinkPackets();
    final EngineContext ctx;
    final PathPlanner planner;
    final ConnectionInstaller installer;
    final Lifecycle lifecycle;
    final EnginePacketProcessor processor;
    final Events events = new Events();

    /**
     * Wires the engine.
     *
     * @param t          topology in force
     * @param store      connection-table back end
     * @param settings   engine settings
     */
    EngineRig(FwlbTopology t, StoreKind store, EngineSettings settings) {
        topology = t;
        plan = EnginePlan.of(t);
        core = new CoreServices(store, t);
        core.connections.setDelegate(events);
        Members members = new Members(core.states, core.connections, d -> true, BenchSetup.packetRates(t));
        ctx = new EngineContext(core.connections, flowRules, packets, members, d -> true);
        ctx.settings(settings);
        ctx.plan(plan);
        ctx.rules().setApp(Owner.SANDWICH, SANDWICH_APP);
        ctx.rules().setApp(Owner.DISPATCH, DISPATCH_APP);
        planner = new PathPlanner(ctx);
        installer = new ConnectionInstaller(ctx, planner);
        lifecycle = new Lifecycle(ctx);
        processor = new EnginePacketProcessor(ctx, installer, new Segments(ctx, planner, installer));
        flowRules.lifecycle = lifecycle;
        flowRules.plan = plan;
        assignBuckets();
    }

    /**
     * Returns settings: the defaults with the half-open cap raised to {@code halfOpen} (nobody answers a SYN in the
     * benchmark, so every live connection stays half-open) and per-stage decisions as given.
     *
     * @param halfOpen  half-open cap
     * @param perStage  every stage decides at its own punt
     * @return settings
     */
    static EngineSettings settings(int halfOpen, boolean perStage) {
        EngineSettings d = EngineSettings.defaults();
        return new EngineSettings(d.puntRatePps, d.puntBurst, d.arpRatePps, perStage, d.tcpFlags, d.holdSeconds,
                                  d.maxHolds, Math.max(d.maxHalfOpen, halfOpen), d.hashBuckets, d.sweepIntervalMs);
    }

    /** The static-hash buckets, as ConnectionEngineManager.recomputeBuckets assigns them. */
    private void assignBuckets() {
        int n = ctx.settings().hashBuckets;
        HashBuckets fw = HashBuckets.assign(Members.forHashing(ctx.members().firewalls(topology)), n);
        Map<Dispatcher, Map<VirtualService, HashBuckets>> stages = new HashMap<>();
        for (DeviceId dev : plan.pointDevices()) {
            for (DecisionPoint p : plan.pointsOn(dev)) {
                if (p.stage() == null || p.kind() == DecisionPoint.Kind.DF) {
                    continue;
                }
                for (VirtualService v : p.services()) {
                    stages.computeIfAbsent(p.stage(), k -> new HashMap<>()).put(v, HashBuckets.assign(
                            Members.forHashing(ctx.members().candidates(topology, p.stage().id(), v.serviceType())),
                            n));
                }
            }
        }
        ctx.buckets(fw, stages);
    }

    /**
     * Hands a frame to the engine's packet processor as a packet-in.
     *
     * @param dev   device that punted it
     * @param port  port it came in on
     * @param frame its bytes (the engine copies them)
     * @return whether the engine took it (blocked the context)
     */
    boolean punt(DeviceId dev, PortNumber port, byte[] frame) {
        Punt pc = new Punt(new DefaultInboundPacket(new ConnectPoint(dev, port), null, ByteBuffer.wrap(frame)));
        processor.process(pc);
        return pc.isHandled();
    }

    /**
     * Ends a connection as the engine does when one of its rules idles out: the entry read, then Lifecycle.end
     * (entry removed, every rule of its path rebuilt and removed).
     *
     * @param key connection
     */
    void end(ConnectionKey key) {
        ConnectionEntry e = core.connections.get(key);
        if (e == null) {
            throw new IllegalStateException("connection " + key + " is not in the table");
        }
        lifecycle.end(plan, e);
    }

    /**
     * Ends a connection as production does when one of its rules idles out on the switch: the rule's RULE_REMOVED
     * to Lifecycle.onRuleRemoved, which finds the connection by the rule's match, checks the rule is one of its
     * current rules (all of them rebuilt), and ends it (entry removed, every rule rebuilt and removed).
     *
     * @param idled the rule the switch removed
     */
    void ruleIdledOut(FlowRule idled) {
        lifecycle.onRuleRemoved(plan, idled, System.currentTimeMillis());
    }

    /**
     * Returns one engine counter, summed over both owners.
     *
     * @param name counter name
     * @return value
     */
    long counter(String name) {
        return ctx.counters(Owner.SANDWICH).get(name) + ctx.counters(Owner.DISPATCH).get(name);
    }

    /**
     * Returns one owner's counter.
     *
     * @param owner owner
     * @param name  counter name
     * @return value
     */
    long counter(Owner owner, String name) {
        return ctx.counters(owner).get(name);
    }

    /**
     * Returns the failure counters that are not 0.
     *
     * @return "name=value ..." or empty
     */
    String failures() {
        StringBuilder out = new StringBuilder();
        for (String c : FAILURES) {
            long v = counter(c);
            if (v != 0) {
                out.append(' ').append(c).append('=').append(v);
            }
        }
        return out.toString().trim();
    }

    /** What one complete decision (or connection) changed: the totals a run must be a multiple of. */
    static final class Tally {
        long placedSandwich;
        long placedDispatch;
        long punts;
        long rules;
        long packetOuts;

        @Override
        public String toString() {
            return String.format("placed sandwich %d, placed dispatch %d, SYN punts %d, rules %d, packet-outs %d",
                                 placedSandwich, placedDispatch, punts, rules, packetOuts);
        }
    }

    /** @return the totals so far */
    Tally tally() {
        Tally t = new Tally();
        t.placedSandwich = counter(Owner.SANDWICH, EngineCounters.PLACED);
        t.placedDispatch = counter(Owner.DISPATCH, EngineCounters.PLACED);
        t.punts = counter(EngineCounters.SYN_PUNTS);
        t.rules = flowRules.applied;
        t.packetOuts = packets.count;
        return t;
    }

    /**
     * Returns what happened between two tallies.
     *
     * @param before earlier tally
     * @param after  later tally
     * @return difference
     */
    static Tally delta(Tally before, Tally after) {
        Tally d = new Tally();
        d.placedSandwich = after.placedSandwich - before.placedSandwich;
        d.placedDispatch = after.placedDispatch - before.placedDispatch;
        d.punts = after.punts - before.punts;
        d.rules = after.rules - before.rules;
        d.packetOuts = after.packetOuts - before.packetOuts;
        return d;
    }

    /**
     * Fails unless a run of {@code n} connections did exactly n times what one did, no failure counter moved, the
     * table holds {@code live} connections and every ended connection's rules were removed.
     *
     * @param what      which benchmark, for the message
     * @param one       what one connection did (the first measured)
     * @param start     totals before the run
     * @param n         connections in the run
     * @param ended     connections ended so far in all
     * @param live      expected table size
     * @param rulesEach rules of one connection
     */
    void check(String what, Tally one, Tally start, long n, long ended, int live, int rulesEach) {
        Tally d = delta(start, tally());
        String failed = failures();
        long removedRules = flowRules.removed;
        long removed = counter(EngineCounters.REMOVED);
        int size = core.connections.size();
        if (!failed.isEmpty() || d.placedSandwich != n * one.placedSandwich || d.placedDispatch != n * one.placedDispatch
                || d.punts != n * one.punts || d.rules != n * one.rules || d.packetOuts != n * one.packetOuts
                || removed != ended || removedRules != ended * rulesEach || size != live
                || events.removed != ended) {
            throw new IllegalStateException(String.format(
                    "%s: %d connections did not each do what the first did (%s): %s; ended %d (engine counted %d, "
                            + "store events %d), rules removed %d (expected %d), table %d (expected %d), "
                            + "failures: [%s]",
                    what, n, one, d, ended, removed, events.removed, removedRules, ended * rulesEach, size, live,
                    failed));
        }
    }

    /** Counts the connection table's events (the manager posts them to ONOS's event dispatcher). */
    static final class Events implements ConnectionStoreDelegate {
        final Map<ConnectionEvent.Type, Long> byType = new EnumMap<>(ConnectionEvent.Type.class);
        long removed;

        @Override
        public void notify(ConnectionEvent event) {
            if (event.type() == ConnectionEvent.Type.REMOVED) {
                removed++;
            }
            byType.merge(event.type(), 1L, Long::sum);
        }
    }

    /**
     * Confirms every batch at once; a rule removed comes back as RULE_REMOVED to the life cycle.
     */
    static final class SinkFlowRules extends FlowRuleServiceAdapter {
        Lifecycle lifecycle;
        EnginePlan plan;
        FlowRuleOperations last;
        /** The first rule of the last batch applied (a connection's origin rule). */
        FlowRule first;
        long batches;
        long applied;
        long removed;

        @Override
        public void apply(FlowRuleOperations ops) {
            last = ops;
            batches++;
            first = null;
            for (Set<FlowRuleOperation> stage : ops.stages()) {
                for (FlowRuleOperation o : stage) {
                    if (o.type() == FlowRuleOperation.Type.REMOVE) {
                        removed(o.rule());
                    } else {
                        if (first == null) {
                            first = o.rule();
                        }
                        applied++;
                    }
                }
            }
            if (ops.callback() != null) {
                ops.callback().onSuccess(ops);
            }
        }

        @Override
        public void applyFlowRules(FlowRule... rules) {
            applied += rules.length;
        }

        @Override
        public void removeFlowRules(FlowRule... rules) {
            for (FlowRule r : rules) {
                removed(r);
            }
        }

        private void removed(FlowRule r) {
            removed++;
            lifecycle.onRuleRemoved(plan, r, System.currentTimeMillis());
        }

        /** @return the rules of the last batch applied */
        List<FlowRule> lastRules() {
            List<FlowRule> out = new ArrayList<>();
            if (last != null) {
                for (Set<FlowRuleOperation> stage : last.stages()) {
                    stage.forEach(o -> out.add(o.rule()));
                }
            }
            return out;
        }
    }

    /** Counts packet-outs and keeps the last. */
    static final class SinkPackets extends PacketServiceAdapter {
        OutboundPacket last;
        long count;

        @Override
        public void emit(OutboundPacket packet) {
            last = packet;
            count++;
        }
    }

    /** A packet-in's context as ONOS's packet service hands it to the processors. */
    private static final class Punt extends DefaultPacketContext {
        Punt(DefaultInboundPacket in) {
            super(System.currentTimeMillis(), in, null, false);
        }

        @Override
        public void send() {
            // the engine blocks the SYNs it takes and emits them itself
        }
    }
}
