package org.fwlb.l7.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Strict reader over one JSON object: every accessor records the field as known, {@link #done()} rejects
 * the rest, and every error names the full field path (e.g. {@code servers[1].port}).
 */
final class JsonFields {
    private final JsonNode node;
    private final String path;
    private final Set<String> known = new HashSet<>();

    JsonFields(JsonNode node, String path) {
        if (node == null || !node.isObject()) {
            throw new ConfigException(describe(path) + ": must be an object");
        }
        this.node = node;
        this.path = path;
    }

    String path(String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    private static String describe(String path) {
        return path.isEmpty() ? "config" : path;
    }

    private JsonNode get(String field) {
        known.add(field);
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v;
    }

    boolean has(String field) {
        return get(field) != null;
    }

    String str(String field, String dflt) {
        JsonNode v = get(field);
        if (v == null) {
            if (dflt == null) {
                throw new ConfigException(path(field) + ": missing");
            }
            return dflt;
        }
        if (!v.isTextual()) {
            throw new ConfigException(path(field) + ": must be a string");
        }
        return v.asText();
    }

    String optStr(String field) {
        JsonNode v = get(field);
        if (v == null) {
            return null;
        }
        if (!v.isTextual()) {
            throw new ConfigException(path(field) + ": must be a string");
        }
        return v.asText();
    }

    long num(String field, long dflt, long min, long max) {
        JsonNode v = get(field);
        if (v == null) {
            return dflt;
        }
        if (!v.isIntegralNumber()) {
            throw new ConfigException(path(field) + ": must be an integer");
        }
        long x = v.asLong();
        if (x < min || x > max) {
            throw new ConfigException(path(field) + ": " + x + " out of range [" + min + ", " + max + "]");
        }
        return x;
    }

    int integer(String field, int dflt, int min, int max) {
        return (int) num(field, dflt, min, max);
    }

    boolean bool(String field, boolean dflt) {
        JsonNode v = get(field);
        if (v == null) {
            return dflt;
        }
        if (!v.isBoolean()) {
            throw new ConfigException(path(field) + ": must be true or false");
        }
        return v.asBoolean();
    }

    /** The nested object, or an empty one when absent (so its defaults apply). */
    JsonFields obj(String field) {
        JsonNode v = get(field);
        return new JsonFields(v == null ? com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode() : v,
                path(field));
    }

    List<JsonFields> objects(String field) {
        List<JsonFields> out = new ArrayList<>();
        JsonNode v = get(field);
        if (v == null) {
            return out;
        }
        if (!v.isArray()) {
            throw new ConfigException(path(field) + ": must be an array");
        }
        for (int i = 0; i < v.size(); i++) {
            out.add(new JsonFields(v.get(i), path(field) + "[" + i + "]"));
        }
        return out;
    }

    List<String> strings(String field) {
        List<String> out = new ArrayList<>();
        JsonNode v = get(field);
        if (v == null) {
            return out;
        }
        if (!v.isArray()) {
            throw new ConfigException(path(field) + ": must be an array of strings");
        }
        for (int i = 0; i < v.size(); i++) {
            if (!v.get(i).isTextual()) {
                throw new ConfigException(path(field) + "[" + i + "]: must be a string");
            }
            out.add(v.get(i).asText());
        }
        return out;
    }

    void done() {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!known.contains(f)) {
                throw new ConfigException(path(f) + ": unknown field");
            }
        }
    }
}
