package org.fwlb.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.fwlb.config.ExampleConfigs;
import org.fwlb.config.FwlbConfigParser;
import org.fwlb.model.FwlbTopology;

/**
 * The seed's example configurations (docs/examples) with one selection policy at every decision point.
 */
final class Topologies {

    private Topologies() {
    }

    /**
     * Returns a figure's topology with every pinned traffic class and every dispatcher using one policy;
     * the result goes through the real parser and validation.
     *
     * @param fig    figure 1..8
     * @param policy policy name (static-hash, round-robin, weighted-round-robin, least-connections,
     *               least-packets)
     * @return topology
     */
    static FwlbTopology withPolicy(int fig, String policy) {
        ObjectNode root = (ObjectNode) ExampleConfigs.fwlb(fig).deepCopy();
        for (JsonNode tc : root.path("sandwich").path("trafficClasses")) {
            if ("pinned".equals(tc.path("mode").asText())) {
                ((ObjectNode) tc).put("policy", policy);
            }
        }
        for (JsonNode d : root.path("dispatchers")) {
            ((ObjectNode) d).put("policy", policy);
        }
        return FwlbConfigParser.parse(root).topologyOrThrow();
    }
}
