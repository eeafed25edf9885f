package org.fabricve.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecureFilesTest {

    @TempDir
    Path dir;

    @Test
    void writesWithExactModeAndLeavesNoTemporaryFiles() throws Exception {
        Path f = dir.resolve("secret");
        SecureFiles.writeAtomically(f, "one".getBytes(StandardCharsets.UTF_8), SecureFiles.OWNER_ONLY);
        assertThat(Files.readString(f)).isEqualTo("one");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");

        SecureFiles.writeAtomically(f, "two".getBytes(StandardCharsets.UTF_8), SecureFiles.WORLD_READABLE);
        assertThat(Files.readString(f)).isEqualTo("two");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-r--r--");
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(f);
        }
    }

    @Test
    void createRefusesToReplace() throws Exception {
        Path f = dir.resolve("secret");
        SecureFiles.createAtomically(f, "one".getBytes(StandardCharsets.UTF_8), SecureFiles.OWNER_ONLY);
        assertThatThrownBy(() -> SecureFiles.createAtomically(f, "two".getBytes(StandardCharsets.UTF_8),
                SecureFiles.OWNER_ONLY)).isInstanceOf(FileAlreadyExistsException.class);
        assertThat(Files.readString(f)).isEqualTo("one");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(f);
        }
    }

    @Test
    void ensureDirectoryCreatesAPrivateDirectory() throws Exception {
        Path d = SecureFiles.ensureDirectory(dir.resolve("a/b"), SecureFiles.OWNER_ONLY_DIR);
        assertThat(d).isDirectory();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(d))).isEqualTo("rwx------");
        assertThat(SecureFiles.ensureDirectory(d, SecureFiles.OWNER_ONLY_DIR)).isEqualTo(d);
    }
}
