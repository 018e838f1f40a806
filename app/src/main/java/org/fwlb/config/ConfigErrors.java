package org.fwlb.config;

import com.google.common.collect.ImmutableList;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects validation errors, each "path: message" (e.g. {@code servers[0].mac: "zz" is not a MAC
 * address}).
 */
final class ConfigErrors {
    /** Path used for errors about the whole configuration object. */
    static final String ROOT = "fwlb";

    private final List<String> errors = new ArrayList<>();

    void add(String path, String message) {
        errors.add((path == null || path.isEmpty() ? ROOT : path) + ": " + message);
    }

    boolean isEmpty() {
        return errors.isEmpty();
    }

    int size() {
        return errors.size();
    }

    List<String> list() {
        return ImmutableList.copyOf(errors);
    }

    static String child(String path, String field) {
        return path == null || path.isEmpty() ? field : path + "." + field;
    }

    static String element(String path, int index) {
        return path + "[" + index + "]";
    }
}
