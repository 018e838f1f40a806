package org.fwlb.runtime.security;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * The users the runtime's REST knows, from a {@link UsersFile}. The file is re-read when it changes (checked
 * on every authentication: a {@code stat}), so {@code bin/fwlb user-password} takes effect without a
 * restart; a file that turns invalid is reported and the users read before stay in force.
 *
 * <p>PBKDF2 costs about 0.2 s of CPU by design, so a successful check is remembered (an HMAC of the
 * password under a per-process random key, never the password) until the file changes, and only one
 * PBKDF2 runs at a time: guessing passwords cannot take more than one core.
 */
public final class UserStore {

    private static final Logger log = LoggerFactory.getLogger(UserStore.class);
    private static final Set<PosixFilePermission> OTHERS = Set.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);

    /**
     * An authenticated user.
     *
     * @param name  user name
     * @param roles roles as listed in the users file
     */
    public record User(String name, Set<String> roles) {
        /**
         * @param role role name
         * @return whether the user holds it; {@code admin} holds {@code viewer} too, as ONOS's admin group does
         */
        public boolean hasRole(String role) {
            return roles.contains(role) || (UsersFile.VIEWER.equals(role) && roles.contains(UsersFile.ADMIN));
        }
    }

    private record Stamp(Object key, long modified, long size) {
    }

    private final Path file;
    private final byte[] cacheKey = new byte[32];
    private final Semaphore hashing = new Semaphore(1, true);
    private final Map<String, byte[]> verified = new ConcurrentHashMap<>();
    private final PasswordHash dummy = PasswordHash.create("not a password".toCharArray());
    private volatile Map<String, UsersFile.Entry> users;
    private volatile Stamp stamp;

    private UserStore(Path file, Map<String, UsersFile.Entry> users, Stamp stamp) {
        this.file = file;
        this.users = users;
        this.stamp = stamp;
        new SecureRandom().nextBytes(cacheKey);
    }

    /**
     * @param file users file
     * @return the store, re-reading the file when it changes
     * @throws IOException if it cannot be read
     * @throws IllegalArgumentException naming a bad line
     */
    public static UserStore open(Path file) throws IOException {
        Stamp s = stampOf(file);
        Map<String, UsersFile.Entry> users = UsersFile.read(file);
        if (users.isEmpty()) {
            log.warn("REST users file {} lists no user: every request will be refused", file);
        }
        warnIfReadableByOthers(file);
        return new UserStore(file, users, s);
    }

    /**
     * @param entries users
     * @return a store of exactly these users (embedding, tests)
     */
    public static UserStore of(Collection<UsersFile.Entry> entries) {
        Map<String, UsersFile.Entry> m = new LinkedHashMap<>();
        entries.forEach(e -> m.put(e.name(), e));
        return new UserStore(null, Map.copyOf(m), null);
    }

    /** @return the users file, if the store has one */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    /** @return user names currently known */
    public List<String> names() {
        refresh();
        return List.copyOf(users.keySet());
    }

    /**
     * @param name     user name
     * @param password password
     * @return the user if the password is right
     */
    public Optional<User> authenticate(String name, char[] password) {
        refresh();
        UsersFile.Entry e = users.get(name);
        byte[] mac = mac(name, password);
        byte[] known = verified.get(name);
        if (e != null && known != null && MessageDigest.isEqual(known, mac)) {
            return Optional.of(new User(name, e.roles()));
        }
        boolean ok;
        hashing.acquireUninterruptibly();
        try {
            // an unknown user costs the same as a wrong password: no way to probe for names by timing
            ok = (e != null ? e.hash() : dummy).matches(password) && e != null;
        } finally {
            hashing.release();
        }
        if (!ok) {
            return Optional.empty();
        }
        if (users.get(name) == e) {
            verified.put(name, mac);
        }
        return Optional.of(new User(name, e.roles()));
    }

    private byte[] mac(String name, char[] password) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(cacheKey, "HmacSHA256"));
            m.update(name.getBytes(StandardCharsets.UTF_8));
            m.update((byte) 0);
            ByteBuffer pw = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
            m.update(pw);
            Arrays.fill(pw.array(), (byte) 0);
            return m.doFinal();
        } catch (GeneralSecurityException ex) {
            throw new IllegalStateException("HmacSHA256 is not available", ex);
        }
    }

    private void refresh() {
        if (file == null) {
            return;
        }
        Stamp now;
        try {
            now = stampOf(file);
        } catch (NoSuchFileException ex) {
            if (stamp != null) {
                log.warn("REST users file {} was removed; keeping the {} users read before", file, users.size());
                stamp = null;
            }
            return;
        } catch (IOException ex) {
            return;
        }
        if (now.equals(stamp)) {
            return;
        }
        synchronized (this) {
            if (now.equals(stamp)) {
                return;
            }
            stamp = now;
            try {
                users = UsersFile.read(file);
                verified.clear();
                warnIfReadableByOthers(file);
                log.info("REST users file {} re-read: {} users", file, users.size());
            } catch (IOException | IllegalArgumentException ex) {
                log.error("REST users file {} changed but cannot be used ({}); keeping the {} users read before",
                        file, ex.getMessage(), users.size());
            }
        }
    }

    private static Stamp stampOf(Path file) throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        return new Stamp(Objects.requireNonNullElse(a.fileKey(), ""), a.lastModifiedTime().toMillis(), a.size());
    }

    private static void warnIfReadableByOthers(Path file) {
        try {
            Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
            if (p.stream().anyMatch(OTHERS::contains)) {
                log.warn("REST users file {} is readable or writable by others (mode {}): chmod 600 it", file,
                        java.nio.file.attribute.PosixFilePermissions.toString(p));
            }
        } catch (IOException | UnsupportedOperationException ex) {
            // not a POSIX file system: nothing to say
        }
    }
}
