package org.fwlb.runtime.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * REST credentials of a client: a user name and password, sent as HTTP BASIC auth. They come from the
 * environment ({@code FWLB_WEB_USER} and {@code FWLB_WEB_PASS}, as ONOS's tools use {@code ONOS_WEB_USER}
 * and {@code ONOS_WEB_PASS}) or from a credentials file ({@code FWLB_CREDENTIALS}, default
 * {@code ~/.fwlb/credentials}; set but empty: none) with the lines {@code user = NAME} and
 * {@code password = PASSWORD}, the file the runtime writes when it creates the first admin user.
 *
 * @param user     user name
 * @param password password
 */
public record Credentials(String user, String password) {

    /** Environment variable: user name. */
    public static final String ENV_USER = "FWLB_WEB_USER";
    /** Environment variable: password. */
    public static final String ENV_PASS = "FWLB_WEB_PASS";
    /** Environment variable: credentials file. */
    public static final String ENV_FILE = "FWLB_CREDENTIALS";

    /** @return the default credentials file, {@code ~/.fwlb/credentials} */
    public static Path defaultFile() {
        return Path.of(System.getProperty("user.home"), ".fwlb", "credentials");
    }

    /** @return the {@code Authorization} header value */
    public String basicAuthorization() {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * @param env environment
     * @return credentials from FWLB_WEB_USER/FWLB_WEB_PASS, else from the credentials file if it exists
     * @throws IllegalArgumentException if they are incomplete, or the named file is unreadable or malformed
     */
    public static Optional<Credentials> fromEnvironment(Map<String, String> env) {
        String u = env.get(ENV_USER);
        String p = env.get(ENV_PASS);
        if (u != null || p != null) {
            if (u == null || u.isEmpty() || p == null) {
                throw new IllegalArgumentException("set both " + ENV_USER + " and " + ENV_PASS);
            }
            return Optional.of(new Credentials(u, p));
        }
        String named = env.get(ENV_FILE);
        if (named != null && named.isEmpty()) {
            return Optional.empty(); // FWLB_CREDENTIALS= : send none
        }
        Path file = named != null ? Path.of(named) : defaultFile();
        if (named == null && !Files.isReadable(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(read(file));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the credentials file " + file + " (" + e + ")");
        }
    }

    /**
     * @param file credentials file
     * @return its credentials
     * @throws IOException if it cannot be read
     * @throws IllegalArgumentException if a line is not {@code user = ...} or {@code password = ...}
     */
    public static Credentials read(Path file) throws IOException {
        String user = null;
        String password = null;
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            int eq = l.indexOf('=');
            String key = eq < 0 ? "" : l.substring(0, eq).strip();
            String value = eq < 0 ? "" : l.substring(eq + 1).strip();
            switch (key) {
                case "user": user = value; break;
                case "password": password = value; break;
                default:
                    throw new IllegalArgumentException(file + " line " + (i + 1) + ": expected user = NAME or password = PASSWORD");
            }
        }
        if (user == null || user.isEmpty() || password == null) {
            throw new IllegalArgumentException(file + ": needs a user = NAME and a password = PASSWORD line");
        }
        return new Credentials(user, password);
    }

    /**
     * Writes a credentials file readable only by its owner.
     *
     * @param file   where
     * @param header comment lines (without '#')
     * @throws IOException if it cannot be written
     */
    public void write(Path file, List<String> header) throws IOException {
        StringBuilder sb = new StringBuilder();
        header.forEach(h -> sb.append("# ").append(h).append('\n'));
        sb.append("user = ").append(user).append('\n').append("password = ").append(password).append('\n');
        PrivateFiles.write(file, sb.toString(), true);
    }

    @Override
    public String toString() {
        return "Credentials[user=" + user + ", password=(hidden)]";
    }
}
