package org.fwlb.l7.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;

/**
 * The configuration holds the cookie and relay keys, control credentials and the controller's password:
 * a file that other users can read gives them all (sshd refuses such key files; the dispatcher warns).
 */
public final class ConfigFileMode {

    private ConfigFileMode() {
    }

    /**
     * @param file the configuration file
     * @return its permissions (e.g. {@code rw-r--r--}) if its group or other users may read or write it;
     *         empty if only its owner may, or the file system has no POSIX permissions
     */
    public static Optional<String> exposed(Path file) {
        Set<PosixFilePermission> p;
        try {
            p = Files.getPosixFilePermissions(file);
        } catch (UnsupportedOperationException | IOException e) {
            return Optional.empty();
        }
        boolean open = p.contains(PosixFilePermission.GROUP_READ) || p.contains(PosixFilePermission.GROUP_WRITE)
                || p.contains(PosixFilePermission.OTHERS_READ) || p.contains(PosixFilePermission.OTHERS_WRITE);
        return open ? Optional.of(PosixFilePermissions.toString(p)) : Optional.empty();
    }
}
