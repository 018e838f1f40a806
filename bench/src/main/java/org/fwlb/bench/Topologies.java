package org.fwlb.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.fwlb.config.ExampleConfigs;
import org.fwlb.config.FwlbConfigParser;
import org.fwlb.model.FwlbTopology;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

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
        return withPolicy((ObjectNode) ExampleConfigs.fwlb(fig).deepCopy(), policy);
    }

    /**
     * Returns the Mininet preset FIG 8 ({@code mininet-topos/bin/fwlbnet netcfg fig8}, copied to the resource
     * fig8-mininet.json: first stage d1 on its own switch, second stages d7a, d7b (L7/3 hosts behind DF
     * switches) and d2c (L4/3 switch)) with one policy at every decision point.
     *
     * @param policy policy name
     * @return topology
     */
    static FwlbTopology fig8Mininet(String policy) {
        try (InputStream in = Topologies.class.getResourceAsStream("fig8-mininet.json")) {
            if (in == null) {
                throw new IllegalStateException("fig8-mininet.json is not on the class path");
            }
            JsonNode doc = new ObjectMapper().readTree(in);
            return withPolicy((ObjectNode) doc.path("apps").path("org.fwlb.core").path("fwlb"), policy);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static FwlbTopology withPolicy(ObjectNode root, String policy) {
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
