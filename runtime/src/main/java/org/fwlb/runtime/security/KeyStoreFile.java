package org.fwlb.runtime.security;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.Locale;

/**
 * A key store (or trust store) file with its password and type, loaded with a message that says which
 * file and what went wrong.
 *
 * @param path     file
 * @param password password
 * @param type     PKCS12 or JKS (Java reads either through both types, but an explicit type is checked)
 */
public record KeyStoreFile(Path path, char[] password, String type) {

    /** Types accepted. */
    public static final List<String> TYPES = List.of("PKCS12", "JKS");

    /**
     * @param path     file
     * @param password password
     * @param type     PKCS12 or JKS (any case)
     * @throws IllegalArgumentException for an unknown type
     */
    public KeyStoreFile {
        type = type.toUpperCase(Locale.ROOT);
        if (!TYPES.contains(type)) {
            throw new IllegalArgumentException("key store type " + type + " is not one of " + TYPES);
        }
    }

    /**
     * @param what what the store is for, in messages (e.g. "REST key store")
     * @return the loaded store
     * @throws IllegalArgumentException naming the file and the problem
     */
    public KeyStore load(String what) {
        try (InputStream in = Files.newInputStream(path)) {
            KeyStore ks = KeyStore.getInstance(type);
            ks.load(in, password);
            return ks;
        } catch (IOException e) {
            Throwable c = e.getCause();
            if (c instanceof java.security.UnrecoverableKeyException || String.valueOf(e.getMessage()).contains("password")) {
                throw new IllegalArgumentException(what + " " + path + ": wrong password", e);
            }
            throw new IllegalArgumentException(what + " " + path + ": cannot read it (" + e + ")", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(what + " " + path + ": not a usable " + type + " key store (" + e + ")", e);
        }
    }

    @Override
    public String toString() {
        return "KeyStoreFile[" + path + ", " + type + ", password=(hidden)]";
    }
}
