package org.fwlb.dispatch.impl;

import org.fwlb.api.L7Report;
import org.fwlb.api.L7Status;
import org.fwlb.api.MemberStateService;
import org.fwlb.model.Dispatcher;
import org.fwlb.model.DispatcherKind;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.HealthState;
import org.fwlb.model.Server;
import org.slf4j.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import static org.slf4j.LoggerFactory.getLogger;

/**
 * The controller's side of the L7/3 dispatcher processes (seed [0036]-[0038]): their periodic reports prove
 * them alive; a dispatcher that reported and then fell silent for the timeout is down (the first stage stops
 * sending it new connections) until it reports again; the health its checks found for its servers becomes
 * theirs, for servers no stage switch probes itself.
 */
final class L7Registry {

    private final Logger log = getLogger(getClass());

    private final MemberStateService states;
    private final Predicate<String> probedBySwitch;
    private final Map<String, Long> lastSeen = new ConcurrentHashMap<>();
    private final Map<String, L7Report> lastReport = new ConcurrentHashMap<>();

    L7Registry(MemberStateService states, Predicate<String> probedBySwitch) {
        this.states = states;
        this.probedBySwitch = probedBySwitch;
    }

    /**
     * Takes a report.
     *
     * @param t      topology
     * @param id     dispatcher id
     * @param report report
     * @param now    ms
     */
    void report(FwlbTopology t, String id, L7Report report, long now) {
        Dispatcher d = t.dispatcher(id);
        if (d == null || d.kind() != DispatcherKind.L7_3 || d.isSwitchRealized()) {
            List<String> known = new ArrayList<>();
            t.dispatchers().stream().filter(x -> x.kind() == DispatcherKind.L7_3).forEach(x -> known.add(x.id()));
            throw new IllegalArgumentException("not an L7/3 dispatcher: " + id + " (known: "
                    + (known.isEmpty() ? "none" : String.join(", ", known)) + ")");
        }
        lastSeen.put(id, now);
        lastReport.put(id, report);
        if (states.status(id).health() == HealthState.DOWN) {
            log.info("L7 dispatcher {} reports again: up", id);
            states.reportHealth(id, HealthState.UP);
        }
        for (Server s : t.childServers(id)) {
            L7Report.ServerReport sr = report.servers().get(s.id());
            if (sr != null && !probedBySwitch.test(s.id()) && states.status(s.id()).health() != sr.health()) {
                log.info("server {} is {} (checked by L7 dispatcher {})", s.id(), sr.health(), id);
                states.reportHealth(s.id(), sr.health());
            }
        }
    }

    /**
     * Marks the dispatchers silent for longer than the timeout down.
     *
     * @param t         topology
     * @param now       ms
     * @param timeoutMs silence that means dead
     */
    void sweep(FwlbTopology t, long now, long timeoutMs) {
        for (Dispatcher d : t.dispatchers()) {
            Long seen = lastSeen.get(d.id());
            if (seen != null && now - seen > timeoutMs && states.status(d.id()).health() != HealthState.DOWN) {
                log.warn("L7 dispatcher {} silent for {} ms: down", d.id(), now - seen);
                states.reportHealth(d.id(), HealthState.DOWN);
            }
        }
        lastSeen.keySet().removeIf(id -> t.dispatcher(id) == null);
        lastReport.keySet().removeIf(id -> t.dispatcher(id) == null);
    }

    /**
     * Returns the L7/3 dispatchers' statuses.
     *
     * @param t   topology
     * @param now ms
     * @return statuses
     */
    List<L7Status> statuses(FwlbTopology t, long now) {
        List<L7Status> out = new ArrayList<>();
        for (Dispatcher d : t.dispatchers()) {
            if (d.kind() != DispatcherKind.L7_3 || d.isSwitchRealized()) {
                continue;
            }
            Long seen = lastSeen.get(d.id());
            out.add(new L7Status(d.id(), states.status(d.id()).health(), lastReport.get(d.id()),
                                 seen == null ? -1 : now - seen));
        }
        return out;
    }
}
