package org.fwlb.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.fwlb.config.FwlbConfigParser;
import org.fwlb.model.FwlbTopology;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.function.Consumer;

/**
 * The netcfg the Mininet harness generates for its presets ({@code fwlbnet netcfg <preset>}: fig2, fig4, fig6,
 * fig7, fig8, three-stage; src/test/resources/org/fwlb/dispatch/presets), with their real port geometry (one-armed
 * first stages behind a fabric).
 */
public final class Presets {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Presets() {
    }

    /**
     * Parses a preset's netcfg.
     *
     * @param name preset
     * @return topology
     */
    public static FwlbTopology topology(String name) {
        return topology(name, f -> { });
    }

    /**
     * Parses a preset's netcfg after a change to its fwlb section.
     *
     * @param name   preset
     * @param change edits the fwlb object
     * @return topology
     */
    public static FwlbTopology topology(String name, Consumer<ObjectNode> change) {
        ObjectNode fwlb = (ObjectNode) json(name).path("apps").path("org.fwlb.core").path("fwlb");
        change.accept(fwlb);
        return FwlbConfigParser.parse(fwlb).topologyOrThrow();
    }

    /**
     * Returns a preset's whole netcfg document.
     *
     * @param name preset
     * @return JSON
     */
    public static JsonNode json(String name) {
        String path = "/org/fwlb/dispatch/presets/" + name + ".json";
        try (InputStream in = Presets.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("no preset " + path + " on the test classpath");
            }
            return MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
