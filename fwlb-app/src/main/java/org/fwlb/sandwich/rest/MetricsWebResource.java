package org.fwlb.sandwich.rest;

import org.fwlb.api.FirewallSandwichService;
import org.fwlb.api.FirewallStatus;
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
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code GET /onos/fwlb/metrics}: the sandwich in the Prometheus text format (same users as the rest of the
 * API): per firewall ({@code firewall} label) placements, live connections, health, eligibility and weight, the
 * placements on servers the firewall dispatchers chose ({@code server}), and the engine's counters, latencies and
 * table; every sample carries this ONOS instance ({@code instance}).
 */
@Path("metrics")
public class MetricsWebResource extends AbstractWebResource {

    /**
     * @return 200 OK with the exposition
     */
    @GET
    public Response metrics() {
        PrometheusText t = new PrometheusText("instance", get(ClusterService.class).getLocalNode().id().id());
        ConnectionEngine engine = get(ConnectionEngine.class);
        Map<String, Long> placements = new TreeMap<>(engine.counters(Owner.SANDWICH).placements());
        for (FirewallStatus f : get(FirewallSandwichService.class).firewalls()) {
            placements.remove(f.id());
            String id = f.id();
            t.counter("fwlb_firewall_placements", "New connections placed on the firewall by this instance",
                      engine.counters(Owner.SANDWICH).placedOn(id), "firewall", id);
            t.gauge("fwlb_firewall_connections", "Live connections through the firewall", f.connections(),
                    "firewall", id);
            t.gauge("fwlb_firewall_healthy", "1 if the firewall's health is up", f.health() == HealthState.UP ? 1 : 0,
                    "firewall", id);
            t.gauge("fwlb_firewall_eligible", "1 if new connections may be placed on the firewall",
                    f.eligibility().isEligible() ? 1 : 0, "firewall", id);
            t.gauge("fwlb_firewall_weight", "The firewall's weight", f.weight(), "firewall", id);
            t.gauge("fwlb_firewall_packet_rate", "Packets per second through the firewall's rules", f.packetRate(),
                    "firewall", id);
        }
        // the rest are the servers a FIG 6 firewall dispatcher chose itself
        placements.forEach((server, n) -> t.counter("fwlb_server_placements",
                "New connections placed on the server by this instance", n, "server", server));
        EngineExposition.write(t, engine, Owner.SANDWICH, get(ConnectionStore.class).size());
        return Response.ok(t.text()).type(PrometheusText.CONTENT_TYPE).build();
    }
}
