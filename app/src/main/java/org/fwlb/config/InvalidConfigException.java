package org.fwlb.config;

import com.google.common.collect.ImmutableList;

import java.util.List;

/**
 * Thrown when a topology is requested from an invalid configuration; carries every error.
 */
public class InvalidConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final ImmutableList<String> errors;

    /**
     * Creates the exception.
     *
     * @param errors validation errors
     */
    public InvalidConfigException(List<String> errors) {
        super("invalid fwlb configuration (" + errors.size() + " error" + (errors.size() == 1 ? "" : "s")
                      + "):\n  " + String.join("\n  ", errors));
        this.errors = ImmutableList.copyOf(errors);
    }

    /**
     * Returns the validation errors.
     *
     * @return errors, each "path: message"
     */
    public List<String> errors() {
        return errors;
    }
}
