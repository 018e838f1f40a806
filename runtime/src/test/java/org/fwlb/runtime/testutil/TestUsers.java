package org.fwlb.runtime.testutil;

import org.fwlb.runtime.rest.RestSecurity;
import org.fwlb.runtime.security.PasswordHash;
import org.fwlb.runtime.security.UserStore;
import org.fwlb.runtime.security.UsersFile;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * REST users for tests: admin, viewer and l7 (role l7-reporter), each with the password NAME-secret, hashed
 * with few PBKDF2 iterations to keep the tests fast.
 */
public final class TestUsers {

    /** Few iterations: the tests check the logic, not the cost. */
    public static final int ITERATIONS = 10_000;

    private TestUsers() {
    }

    /**
     * @param name  user name (password: name + "-secret")
     * @param roles roles
     * @return the users file entry
     */
    public static UsersFile.Entry user(String name, String... roles) {
        return new UsersFile.Entry(name, PasswordHash.create(password(name).toCharArray(), ITERATIONS),
                                   new LinkedHashSet<>(List.of(roles)));
    }

    /** @return admin (admin), viewer (viewer), l7 (l7-reporter) */
    public static List<UsersFile.Entry> standard() {
        return List.of(user("admin", "admin"), user("viewer", "viewer"), user("l7", "l7-reporter"));
    }

    /** @return REST security with the standard users, plain HTTP */
    public static RestSecurity security() {
        return RestSecurity.of(UserStore.of(standard()));
    }

    /**
     * Writes a users file.
     *
     * @param file    where
     * @param entries users
     * @throws IOException if it cannot be written
     */
    public static void write(Path file, List<UsersFile.Entry> entries) throws IOException {
        java.nio.file.Files.writeString(file, UsersFile.format(entries), StandardCharsets.UTF_8);
    }

    /**
     * @param name user name
     * @return its test password
     */
    public static String password(String name) {
        return name + "-secret";
    }

    /**
     * @param user     user name
     * @param password password
     * @return the Authorization header value
     */
    public static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * @param b    request
     * @param user a standard user
     * @return b with that user's credentials
     */
    public static HttpRequest.Builder as(HttpRequest.Builder b, String user) {
        return b.header("Authorization", basic(user, password(user)));
    }

    /** @return a set of role names */
    static Set<String> roles(String... r) {
        return Set.of(r);
    }
}
