package org.fwlb.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.fwlb.model.FwlbTopology;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Loads the FIG 1-8 configurations the unit tests are written against (src/test/resources/org/fwlb/examples;
 * shared with the apps' tests through the fwlb-core test-jar), and the documented ones (docs/examples).
 */
public final class ExampleConfigs {
    /** The figures that have an example. */
    public static final int[] FIGURES = {1, 2, 3, 4, 5, 6, 7, 8};

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ExampleConfigs() {
    }

    /**
     * Returns the whole netcfg document of a figure.
     *
     * @param fig 1..8
     * @return JSON with apps / org.fwlb.core / fwlb
     */
    public static JsonNode netcfg(int fig) {
        return load("/org/fwlb/examples/fig" + fig + ".json");
    }

    /**
     * Returns the documented netcfg of a figure (docs/examples, the Mininet preset's).
     *
     * @param fig 1..8
     * @return JSON with apps / org.fwlb.core / fwlb
     */
    public static JsonNode docsNetcfg(int fig) {
        return load("/org/fwlb/docs/examples/fig" + fig + ".json");
    }

    private static JsonNode load(String name) {
        try (InputStream in = ExampleConfigs.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalArgumentException("no example " + name + " on the classpath");
            }
            return MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Returns the fwlb config section of a figure.
     *
     * @param fig 1..8
     * @return JSON of the fwlb key
     */
    public static JsonNode fwlb(int fig) {
        return netcfg(fig).path("apps").path(FwlbConfig.APP_NAME).path(FwlbConfig.CONFIG_KEY);
    }

    /**
     * Returns the parsed topology of a figure.
     *
     * @param fig 1..8
     * @return topology
     */
    public static FwlbTopology topology(int fig) {
        return FwlbConfigParser.parse(fwlb(fig)).topologyOrThrow();
    }

    /**
     * Returns the parsed topology of a figure after a change to its fwlb section.
     *
     * @param fig    1..8
     * @param change edits a copy of the fwlb object
     * @return topology
     */
    public static FwlbTopology topology(int fig, java.util.function.Consumer<com.fasterxml.jackson.databind.node.ObjectNode> change) {
        com.fasterxml.jackson.databind.node.ObjectNode f = fwlb(fig).deepCopy();
        change.accept(f);
        return FwlbConfigParser.parse(f).topologyOrThrow();
    }

    /**
     * Returns the JSON object of a dispatcher in an fwlb section (to edit).
     *
     * @param fwlb the fwlb object
     * @param id   dispatcher id
     * @return its object
     */
    public static com.fasterxml.jackson.databind.node.ObjectNode dispatcher(
            com.fasterxml.jackson.databind.node.ObjectNode fwlb, String id) {
        for (JsonNode d : fwlb.path("dispatchers")) {
            if (id.equals(d.path("id").asText())) {
                return (com.fasterxml.jackson.databind.node.ObjectNode) d;
            }
        }
        throw new IllegalArgumentException("no dispatcher " + id);
    }
}
