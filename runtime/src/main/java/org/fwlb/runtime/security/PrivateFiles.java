package org.fwlb.runtime.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Files only their owner may read (mode 0600, directories 0700), written whole: the text goes to a
 * temporary file created with that mode in the same directory, then replaces the target by a rename, so
 * no reader ever sees a partial file and the secret is never readable by others, not even briefly.
 */
public final class PrivateFiles {

    private PrivateFiles() {
    }

    /**
     * @param file      the file
     * @param text      its new content
     * @param overwrite replace an existing file (false: fail with FileAlreadyExistsException)
     * @throws IOException if it cannot be written
     */
    public static void write(Path file, String text, boolean overwrite) throws IOException {
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, attr("rwx------"));
        }
        Path tmp = Files.createTempFile(dir, "." + abs.getFileName(), ".tmp", attr("rw-------"));
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            if (!overwrite) {
                try {
                    Files.createLink(abs, tmp); // atomic "create if absent"
                } catch (FileAlreadyExistsException e) {
                    throw e;
                } catch (IOException | UnsupportedOperationException e) {
                    if (Files.exists(abs)) {
                        throw new FileAlreadyExistsException(abs.toString());
                    }
                    Files.move(tmp, abs);
                }
                return;
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static FileAttribute<?> attr(String mode) {
        return PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode));
    }
}
