package org.fwlb.dispatch.rest;

import org.fwlb.api.DispatchMemberStatus;
import org.fwlb.api.DispatchService;
import org.fwlb.api.L7Status;
import org.fwlb.connection.ConnectionStore;
import org.fwlb.engine.ConnectionEngine;
import org.fwlb.engine.Owner;
import org.fwlb.metrics.EngineExposition;
import org.fwlb.metrics.PrometheusText;
import org.fwlb.model.HealthState;
import org.onosproject.cluster.ClusterService;
import org.onosproject.rest.AbstractWebResource;

import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.core.Response;

/**
 * {@code GET /onos/cluster-dispatch/metrics}: the dispatch hierarchy in the Prometheus text format (same users
 * as the rest of the API): per stage dispatcher ({@code stage} label) and per server ({@code server}) placements,
 * live connections, health, eligibility and weight; the L7/3 dispatchers' health; the engine's counters,
 * latencies and table. Every sample carries this ONOS instance ({@code instance}).
 */
@Path("metrics")
public class MetricsWebResource extends AbstractWebResource {

    /**
     * @return 200 OK with the exposition
     */
    @GET
    public Response metrics() {
        PrometheusText t = new PrometheusText("instance", get(ClusterService.class).getLocalNode().id().id());
        DispatchService dispatch = get(DispatchService.class);
        for (DispatchMemberStatus s : dispatch.dispatchers()) {
            member(t, "stage", s);
        }
        for (DispatchMemberStatus s : dispatch.servers()) {
            member(t, "server", s);
        }
        for (L7Status l : dispatch.l7Dispatchers()) {
            t.gauge("fwlb_l7_dispatcher_healthy", "1 if the L7/3 dispatcher process reports in time",
                    l.health() == HealthState.UP ? 1 : 0, "dispatcher", l.id());
        }
        EngineExposition.write(t, get(ConnectionEngine.class), Owner.DISPATCH, get(ConnectionStore.class).size());
        return Response.ok(t.text()).type(PrometheusText.CONTENT_TYPE).build();
    }

    private static void member(PrometheusText t, String kind, DispatchMemberStatus s) {
        String p = "fwlb_" + kind + "_";
        t.counter(p + "placements", "New connections placed on the " + kind + " by this instance", s.placed(),
                  kind, s.id());
        t.gauge(p + "connections", "Live connections through the " + kind, s.connections(), kind, s.id());
        t.gauge(p + "healthy", "1 if the " + kind + "'s health is up", s.health() == HealthState.UP ? 1 : 0,
                kind, s.id());
        t.gauge(p + "eligible", "1 if new connections may be placed on the " + kind,
                s.eligibility().isEligible() ? 1 : 0, kind, s.id());
        t.gauge(p + "weight", "The " + kind + "'s weight", s.weight(), kind, s.id());
    }
}
