package org.fwlb.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.fwlb.config.ExampleConfigs;
import org.fwlb.config.FwlbConfig;
import org.fwlb.config.FwlbConfigParser;
import org.fwlb.model.FwlbTopology;

/**
 * The seed's example configurations with one selection policy at every decision point and a connection-table
 * cap large enough for the benchmark; the result goes through the real parser and validation.
 */
final class Topologies {

    private Topologies() {
    }

    /**
     * Returns a figure's example (the core's test examples: FIG 1, FIG 6) with one policy everywhere.
     *
     * @param fig    figure 1..8
     * @param policy policy name (static-hash, round-robin, weighted-round-robin, least-connections,
     *               least-packets)
     * @param cap    connection-table cap (connectionTable.maxConnections)
     * @return topology
     */
    static FwlbTopology withPolicy(int fig, String policy, int cap) {
        return withPolicy((ObjectNode) ExampleConfigs.fwlb(fig).deepCopy(), policy, cap);
    }

    /**
     * Returns the Mininet preset FIG 8 (docs/examples/fig8.json = {@code fwlbnet netcfg fig8}: sandwich so/si, first
     * stage d1 on its own switch with second stages d7a, d7b (L7/3 hosts behind DF switches) and d2c (L4/3 switch),
     * every answering stage's uplink configured) with one policy everywhere.
     *
     * @param policy policy name
     * @param cap    connection-table cap
     * @return topology
     */
    static FwlbTopology fig8(String policy, int cap) {
        JsonNode doc = ExampleConfigs.docsNetcfg(8);
        return withPolicy((ObjectNode) doc.path("apps").path(FwlbConfig.APP_NAME).path(FwlbConfig.CONFIG_KEY)
                .deepCopy(), policy, cap);
    }

    private static FwlbTopology withPolicy(ObjectNode root, String policy, int cap) {
        for (JsonNode tc : root.path("sandwich").path("trafficClasses")) {
            if ("pinned".equals(tc.path("mode").asText())) {
                ((ObjectNode) tc).put("policy", policy);
            }
        }
        for (JsonNode d : root.path("dispatchers")) {
            ((ObjectNode) d).put("policy", policy);
        }
        root.putObject("connectionTable").put("maxConnections", cap);
        return FwlbConfigParser.parse(root).topologyOrThrow();
    }
}
