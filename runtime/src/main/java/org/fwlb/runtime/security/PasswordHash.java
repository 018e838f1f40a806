package org.fwlb.runtime.security;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Password hashes of the users file: PBKDF2 with HMAC-SHA256, a random 16-byte salt and a 32-byte key,
 * written as {@code pbkdf2-sha256$ITERATIONS$SALT$HASH} (SALT and HASH in unpadded standard base64, so the
 * text holds no comma, the role separator of the users file).
 */
public final class PasswordHash {

    /** Scheme prefix of a hash. */
    public static final String SCHEME = "pbkdf2-sha256";
    /** Iterations of new hashes (OWASP's 2023 advice for PBKDF2-HMAC-SHA256 is 600,000). */
    public static final int ITERATIONS = 600_000;
    // bounds on what a users file may ask for: below is too weak to accept, above a way to burn CPU
    private static final int MIN_ITERATIONS = 10_000;
    private static final int MAX_ITERATIONS = 10_000_000;
    private static final int SALT_BYTES = 16;
    private static final int KEY_BITS = 256;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();

    private final int iterations;
    private final byte[] salt;
    private final byte[] hash;

    private PasswordHash(int iterations, byte[] salt, byte[] hash) {
        this.iterations = iterations;
        this.salt = salt;
        this.hash = hash;
    }

    /**
     * @param password the password
     * @return a new hash with a fresh salt
     */
    public static PasswordHash create(char[] password) {
        return create(password, ITERATIONS);
    }

    /**
     * @param password   the password
     * @param iterations PBKDF2 iterations (10,000 or more; fewer than {@link #ITERATIONS} only for tests)
     * @return a new hash with a fresh salt
     */
    public static PasswordHash create(char[] password, int iterations) {
        if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("iterations " + iterations + " not in " + MIN_ITERATIONS + ".." + MAX_ITERATIONS);
        }
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return new PasswordHash(iterations, salt, derive(password, salt, iterations));
    }

    /**
     * @param text {@code pbkdf2-sha256$ITERATIONS$SALT$HASH}
     * @return the hash
     * @throws IllegalArgumentException saying what is wrong (never echoing the text)
     */
    public static PasswordHash parse(String text) {
        String[] p = text.split("\\$", -1);
        if (p.length != 4 || !p[0].equals(SCHEME)) {
            throw new IllegalArgumentException("password hash is not " + SCHEME + "$ITERATIONS$SALT$HASH"
                    + " (write it with bin/fwlb user-password)");
        }
        int iterations;
        try {
            iterations = Integer.parseInt(p[1]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("password hash: iterations '" + p[1] + "' is not a number");
        }
        if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("password hash: iterations " + iterations + " not in "
                    + MIN_ITERATIONS + ".." + MAX_ITERATIONS);
        }
        try {
            byte[] salt = Base64.getDecoder().decode(p[2]);
            byte[] hash = Base64.getDecoder().decode(p[3]);
            if (salt.length < 8 || hash.length != KEY_BITS / 8) {
                throw new IllegalArgumentException("password hash: salt or hash has the wrong length");
            }
            return new PasswordHash(iterations, salt, hash);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage().startsWith("password hash")
                    ? e.getMessage() : "password hash: salt or hash is not base64");
        }
    }

    /**
     * @param password candidate
     * @return whether it is the password (constant-time comparison)
     */
    public boolean matches(char[] password) {
        return MessageDigest.isEqual(hash, derive(password, salt, iterations));
    }

    private static byte[] derive(char[] password, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, KEY_BITS);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is not available", e);
        } finally {
            spec.clearPassword();
        }
    }

    @Override
    public String toString() {
        return SCHEME + "$" + iterations + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(hash);
    }
}
