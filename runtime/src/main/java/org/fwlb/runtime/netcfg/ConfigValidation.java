package org.fwlb.runtime.netcfg;

import org.onosproject.net.config.Config;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Collection;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Runs a config's {@code isValid()} and, when it is invalid, explains why: configs that expose a public
 * no-argument {@code validationErrors()} (fwlb's do; returning a collection, array or string of
 * messages) supply the message; others get ONOS's generic one.
 */
final class ConfigValidation {

    static final String GENERIC = "JSON node does not contain valid configuration";

    private ConfigValidation() {
    }

    /**
     * @param config an initialised config
     * @return empty if valid, else the reason
     */
    static Optional<String> problem(Config<?> config) {
        boolean valid;
        try {
            valid = config.isValid();
        } catch (RuntimeException e) {
            return Optional.of(explain(config).orElse(e.getClass().getSimpleName() + ": " + e.getMessage()));
        }
        return valid ? Optional.empty() : Optional.of(explain(config).orElse(GENERIC));
    }

    private static Optional<String> explain(Config<?> config) {
        Method m;
        try {
            m = config.getClass().getMethod("validationErrors");
        } catch (NoSuchMethodException e) {
            return Optional.empty();
        }
        try {
            Object r = m.invoke(config);
            String text;
            if (r instanceof Collection) {
                text = ((Collection<?>) r).stream().map(String::valueOf).collect(Collectors.joining("; "));
            } else if (r instanceof Object[]) {
                text = Arrays.stream((Object[]) r).map(String::valueOf).collect(Collectors.joining("; "));
            } else {
                text = r == null ? "" : r.toString();
            }
            return text.isBlank() ? Optional.empty() : Optional.of(text);
        } catch (IllegalAccessException | InvocationTargetException e) {
            Throwable c = e instanceof InvocationTargetException ? e.getCause() : e;
            return Optional.of("validationErrors() failed: " + c);
        }
    }
}
