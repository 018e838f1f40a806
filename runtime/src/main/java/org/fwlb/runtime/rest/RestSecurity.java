package org.fwlb.runtime.rest;

import org.fwlb.runtime.security.KeyStoreFile;
import org.fwlb.runtime.security.UserStore;

import java.util.Objects;

/**
 * How the runtime's REST is protected: the users (HTTP BASIC), optional HTTPS, and the largest request
 * body accepted.
 *
 * @param users        who may call it, with their roles
 * @param tls          HTTPS key store, or null for plain HTTP
 * @param maxBodyBytes largest request body (413 above)
 */
public record RestSecurity(UserStore users, KeyStoreFile tls, long maxBodyBytes) {

    /** Default {@link #maxBodyBytes()}: 1 MiB. */
    public static final long DEFAULT_MAX_BODY = 1L << 20;

    /**
     * @param users        users
     * @param tls          key store or null
     * @param maxBodyBytes at least 1
     */
    public RestSecurity {
        Objects.requireNonNull(users, "users");
        if (maxBodyBytes < 1) {
            throw new IllegalArgumentException("largest request body: " + maxBodyBytes + " is less than 1 byte");
        }
    }

    /**
     * @param users users
     * @return plain HTTP, the default body limit
     */
    public static RestSecurity of(UserStore users) {
        return new RestSecurity(users, null, DEFAULT_MAX_BODY);
    }
}
