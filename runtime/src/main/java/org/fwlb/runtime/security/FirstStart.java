package org.fwlb.runtime.security;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * What the runtime does when it starts without a users file: it creates one with a single user
 * {@code admin} (roles admin, viewer) whose password is random, writes that password to the file
 * {@code credentials} next to the users file (mode 0600; the format {@code bin/fwlb} reads), and logs
 * where it is, never the password. ONOS instead ships fixed default users (onos/rocks, karaf/karaf).
 */
public final class FirstStart {

    private static final Logger log = LoggerFactory.getLogger(FirstStart.class);
    /** Name of the user created on first start. */
    public static final String ADMIN_USER = "admin";
    /** Name of the credentials file written next to the users file. */
    public static final String CREDENTIALS_FILE = "credentials";
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    private static final int PASSWORD_LENGTH = 24; // about 141 bits; letters and digits only, safe in URLs

    private FirstStart() {
    }

    /** @return the default users file, {@code ~/.fwlb/users.properties} */
    public static Path defaultUsersFile() {
        return Path.of(System.getProperty("user.home"), ".fwlb", "users.properties");
    }

    /**
     * @param usersFile users file
     * @return the credentials file written when the users file is created
     */
    public static Path credentialsFileFor(Path usersFile) {
        return usersFile.toAbsolutePath().resolveSibling(CREDENTIALS_FILE);
    }

    /**
     * Opens the users file, creating it (and the credentials file) if it does not exist.
     *
     * @param usersFile users file
     * @return the user store
     * @throws IOException if a file cannot be read or written
     * @throws IllegalArgumentException naming a bad line of an existing users file
     */
    public static UserStore openOrCreate(Path usersFile) throws IOException {
        if (!Files.exists(usersFile)) {
            create(usersFile);
        }
        return UserStore.open(usersFile);
    }

    private static void create(Path usersFile) throws IOException {
        String password = randomPassword();
        UsersFile.Entry admin = new UsersFile.Entry(ADMIN_USER, PasswordHash.create(password.toCharArray()),
                Set.of(UsersFile.ADMIN));
        Path creds = credentialsFileFor(usersFile);
        try {
            PrivateFiles.write(usersFile, UsersFile.format(List.of(admin)), false);
        } catch (FileAlreadyExistsException e) {
            return; // another runtime created it meanwhile: use its users
        }
        try {
            new Credentials(ADMIN_USER, password).write(creds, List.of(
                    "Written by the fwlb runtime on " + Instant.now() + " when it created " + usersFile.toAbsolutePath(),
                    "with the REST user below. bin/fwlb reads this file (FWLB_CREDENTIALS; default ~/.fwlb/credentials).",
                    "Change the password with bin/fwlb user-password, then delete this file."));
        } catch (IOException e) {
            Files.deleteIfExists(usersFile); // a users file whose password nobody knows would lock everybody out
            throw e;
        }
        log.warn("REST users file {} did not exist: created it with the user '{}' (roles admin, viewer) and a random"
                + " password, which is in {} (mode 0600, readable only by {})", usersFile.toAbsolutePath(), ADMIN_USER,
                creds, System.getProperty("user.name"));
    }

    static String randomPassword() {
        SecureRandom r = new SecureRandom();
        StringBuilder sb = new StringBuilder(PASSWORD_LENGTH);
        for (int i = 0; i < PASSWORD_LENGTH; i++) {
            sb.append(ALPHABET.charAt(r.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }
}
