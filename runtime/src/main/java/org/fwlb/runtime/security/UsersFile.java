package org.fwlb.runtime.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The users file of the runtime's REST, in the spirit of Karaf's {@code etc/users.properties} that ONOS
 * uses: one user a line, {@code NAME = PASSWORD-HASH,ROLE[,ROLE...]}; {@code #} and {@code !} start
 * comments. Unlike Karaf's file the password is always a {@link PasswordHash} and roles are listed
 * directly (no {@code _g_:} groups). Reading is strict: a bad line is an error naming its line number.
 */
public final class UsersFile {

    /** Role that may change anything (ONOS's {@code admin}; it implies {@link #VIEWER}). */
    public static final String ADMIN = "admin";
    /** Role that may read (ONOS's {@code viewer}). */
    public static final String VIEWER = "viewer";

    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");
    static final Pattern ROLE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /**
     * One user.
     *
     * @param name  user name
     * @param hash  password hash
     * @param roles roles, as written
     */
    public record Entry(String name, PasswordHash hash, Set<String> roles) {
        /** @return the line of the users file */
        public String line() {
            return name + " = " + hash + "," + String.join(",", roles);
        }
    }

    private UsersFile() {
    }

    /**
     * @param file the users file
     * @return its users, in file order
     * @throws IOException if it cannot be read
     * @throws IllegalArgumentException naming the first bad line
     */
    public static Map<String, Entry> read(Path file) throws IOException {
        return parse(Files.readAllLines(file, StandardCharsets.UTF_8), file.toString());
    }

    /**
     * @param lines lines of a users file
     * @param where file name for messages
     * @return its users, in file order
     * @throws IllegalArgumentException naming the first bad line
     */
    public static Map<String, Entry> parse(List<String> lines, String where) {
        Map<String, Entry> users = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).strip();
            if (l.isEmpty() || l.startsWith("#") || l.startsWith("!")) {
                continue;
            }
            String at = where + " line " + (i + 1) + ": ";
            int eq = l.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException(at + "expected NAME = PASSWORD-HASH,ROLE[,ROLE...]");
            }
            String name = l.substring(0, eq).strip();
            if (name.startsWith("_g_")) {
                throw new IllegalArgumentException(at + "Karaf groups (_g_:) are not supported; list the roles");
            }
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException(at + "user name '" + name
                        + "' must be 1-64 of A-Z a-z 0-9 . _ @ - (no ':')");
            }
            String[] parts = l.substring(eq + 1).split(",");
            PasswordHash hash;
            try {
                hash = PasswordHash.parse(parts[0].strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(at + e.getMessage());
            }
            Set<String> roles = new LinkedHashSet<>();
            for (int k = 1; k < parts.length; k++) {
                String r = parts[k].strip();
                if (!ROLE.matcher(r).matches()) {
                    throw new IllegalArgumentException(at + "role '" + r + "' must be 1-64 of A-Z a-z 0-9 . _ -");
                }
                roles.add(r);
            }
            if (roles.isEmpty()) {
                throw new IllegalArgumentException(at + "user " + name + " has no role (admin, viewer, ...)");
            }
            if (users.put(name, new Entry(name, hash, Collections.unmodifiableSet(roles))) != null) {
                throw new IllegalArgumentException(at + "user " + name + " is listed twice");
            }
        }
        return users;
    }

    /**
     * @param users users to write
     * @return the file's text, with a header saying what it is
     */
    public static String format(Iterable<Entry> users) {
        List<String> out = new ArrayList<>(List.of(
                "# fwlb runtime REST users: NAME = PASSWORD-HASH,ROLE[,ROLE...]",
                "# roles: admin (everything, implies viewer), viewer (GET only), l7-reporter (L7/3 dispatcher reports)",
                "# change it with: bin/fwlb user-password [--users FILE] NAME [--role ROLE]... (password on stdin)"));
        users.forEach(e -> out.add(e.line()));
        return String.join("\n", out) + "\n";
    }
}
