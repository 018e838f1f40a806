package org.fwlb.l7.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ConfigFileModeTest {

    @Test
    void aConfigOthersMayReadOrWriteIsReportedWithItsMode(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("d.json"), "{}");
        for (String mode : new String[]{"rw-r--r--", "rw-r-----", "rw-----w-", "rw--w----"}) {
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
            assertEquals(Optional.of(mode), ConfigFileMode.exposed(f), mode);
        }
        for (String mode : new String[]{"rw-------", "r--------", "rwx------", "rw---x--x"}) {
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
            assertEquals(Optional.empty(), ConfigFileMode.exposed(f), mode);
        }
        assertEquals(Optional.empty(), ConfigFileMode.exposed(dir.resolve("missing.json")), "start-up reports that");
    }
}
