package org.fwlb.runtime.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Password option values: {@code env:NAME} (the environment variable NAME), {@code file:PATH} (the first line
 * of the file PATH) or the password itself. The first two keep the password off the command line, where
 * every local user can read it ({@code /proc/PID/cmdline}).
 */
public final class Secrets {

    private Secrets() {
    }

    /**
     * @param option option name, for messages
     * @param value  the option's value
     * @param env    environment
     * @return the password
     * @throws IllegalArgumentException if the variable is unset or the file unreadable or empty
     */
    public static char[] resolve(String option, String value, Map<String, String> env) {
        if (value.startsWith("env:")) {
            String v = env.get(value.substring(4));
            if (v == null) {
                throw new IllegalArgumentException(option + ": environment variable " + value.substring(4) + " is not set");
            }
            return v.toCharArray();
        }
        if (value.startsWith("file:")) {
            Path p = Path.of(value.substring(5));
            try {
                List<String> lines = Files.readAllLines(p, StandardCharsets.UTF_8);
                if (lines.isEmpty() || lines.get(0).isEmpty()) {
                    throw new IllegalArgumentException(option + ": " + p + " is empty");
                }
                return lines.get(0).toCharArray();
            } catch (IOException e) {
                throw new IllegalArgumentException(option + ": cannot read " + p + " (" + e.getMessage() + ")");
            }
        }
        return value.toCharArray();
    }
}
