package org.fwlb.dispatch.rest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;

/**
 * Reads the small JSON bodies of the override requests strictly: one object holding exactly the one
 * expected field (a typo in a field name is an error, not a no-op), no duplicate keys, nothing after it.
 * Every problem is an {@link IllegalArgumentException} whose message says what was expected.
 */
final class RequestBodies {

    private static final ObjectMapper STRICT = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private RequestBodies() {
    }

    /**
     * Reads {"field": "text"}.
     *
     * @param body     request body
     * @param field    the field
     * @param expected what the value may be, for messages
     * @return the text
     * @throws IllegalArgumentException when the body is not such an object
     */
    static String stringField(InputStream body, String field, String expected) {
        JsonNode v = onlyField(body, field, expected);
        if (!v.isTextual()) {
            throw new IllegalArgumentException("\"" + field + "\" must be a string " + expected + ", not " + v);
        }
        return v.textValue();
    }

    /**
     * Reads {"field": integer} with the integer in [min, max].
     *
     * @param body  request body
     * @param field the field
     * @param min   lowest value
     * @param max   highest value
     * @return the value
     * @throws IllegalArgumentException when the body is not such an object
     */
    static int intField(InputStream body, String field, int min, int max) {
        String expected = "an integer " + min + ".." + max;
        JsonNode v = onlyField(body, field, expected);
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < min || v.intValue() > max) {
            throw new IllegalArgumentException("\"" + field + "\" must be " + expected + ", not " + v);
        }
        return v.intValue();
    }

    private static JsonNode onlyField(InputStream body, String field, String expected) {
        String shape = "{\"" + field + "\": " + expected + "}";
        JsonNode root;
        try {
            root = body == null ? null : STRICT.readTree(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("request body is not valid JSON (" + firstLine(e.getMessage())
                                                       + "); expected " + shape);
        }
        if (root == null || root.isMissingNode()) {
            throw new IllegalArgumentException("request body is empty; expected " + shape);
        }
        if (!root.isObject()) {
            throw new IllegalArgumentException("request body must be a JSON object " + shape + ", not " + root);
        }
        Iterator<String> names = root.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!name.equals(field)) {
                throw new IllegalArgumentException("unknown field \"" + name + "\"; expected " + shape);
            }
        }
        JsonNode v = root.get(field);
        if (v == null) {
            throw new IllegalArgumentException("missing field \"" + field + "\"; expected " + shape);
        }
        return v;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
