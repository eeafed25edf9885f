package org.fabricve.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RootCredentialsTest {

    @TempDir
    Path dataDir;

    private final SecureRandom random = new SecureRandom();

    @Test
    void generatesOnceThenReloads() throws Exception {
        RootCredentials first = RootCredentials.loadOrCreate(dataDir, Optional.empty(), random);
        assertThat(first.generatedNow()).isTrue();
        assertThat(first.fromEnvironment()).isFalse();
        String password = first.generatedPassword().orElseThrow();
        assertThat(password).hasSizeGreaterThanOrEqualTo(20).matches("[A-Za-z0-9_-]+");

        Path file = dataDir.resolve("root-password");
        assertThat(first.passwordFile()).isEqualTo(file);
        assertThat(Files.readString(file)).isEqualTo(password + "\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(first.verify("root@pam", password)).isTrue();

        RootCredentials second = RootCredentials.loadOrCreate(dataDir, Optional.empty(), random);
        assertThat(second.generatedNow()).isFalse();
        assertThat(second.generatedPassword()).isEmpty();
        assertThat(second.verify("root@pam", password)).isTrue();
        assertThat(Files.readString(file)).isEqualTo(password + "\n");
    }

    @Test
    void generatedPasswordsDiffer() {
        String a = RootCredentials.loadOrCreate(dataDir.resolve("a"), Optional.empty(), random).generatedPassword().orElseThrow();
        String b = RootCredentials.loadOrCreate(dataDir.resolve("b"), Optional.empty(), random).generatedPassword().orElseThrow();
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void environmentPasswordWinsAndWritesNothing() throws Exception {
        Path sub = dataDir.resolve("node");
        RootCredentials creds = RootCredentials.loadOrCreate(sub, Optional.of("s3cret env pw"), random);
        assertThat(creds.generatedNow()).isFalse();
        assertThat(creds.fromEnvironment()).isTrue();
        assertThat(creds.generatedPassword()).isEmpty();
        assertThat(creds.verify("root@pam", "s3cret env pw")).isTrue();
        assertThat(Files.exists(sub)).isFalse();

        // ... also when a generated file exists from an earlier start
        RootCredentials generated = RootCredentials.loadOrCreate(dataDir, Optional.empty(), random);
        String old = generated.generatedPassword().orElseThrow();
        RootCredentials env = RootCredentials.loadOrCreate(dataDir, Optional.of("from-env"), random);
        assertThat(env.verify("root@pam", "from-env")).isTrue();
        assertThat(env.verify("root@pam", old)).isFalse();
        assertThat(Files.readString(dataDir.resolve("root-password"))).isEqualTo(old + "\n");
    }

    @Test
    void emptyEnvironmentPasswordIsAnError() {
        assertThatThrownBy(() -> RootCredentials.loadOrCreate(dataDir, Optional.of(""), random))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void wrongPasswordUserOrRealmIsRejected() {
        RootCredentials creds = RootCredentials.loadOrCreate(dataDir, Optional.of("correct horse"), random);
        assertThat(creds.verify("root@pam", "correct horse")).isTrue();
        assertThat(creds.verify("root", "pam", "correct horse")).isTrue();
        assertThat(creds.verify("root@pam", "pam", "correct horse")).isTrue();
        assertThat(creds.verify("root@pam", null, "correct horse")).isTrue();
        assertThat(creds.verify("root@pam", "", "correct horse")).isTrue();

        assertThat(creds.verify("root@pam", "correct horsE")).isFalse();
        assertThat(creds.verify("root@pam", "correct hors")).isFalse();
        assertThat(creds.verify("root@pam", "")).isFalse();
        assertThat(creds.verify("root@pam", null)).isFalse();
        assertThat(creds.verify("root", "correct horse")).isFalse();
        assertThat(creds.verify("admin@pam", "correct horse")).isFalse();
        assertThat(creds.verify("root@pve", "correct horse")).isFalse();
        assertThat(creds.verify("ROOT@pam", "correct horse")).isFalse();
        assertThat(creds.verify(null, "correct horse")).isFalse();
        assertThat(creds.verify("root", "pve", "correct horse")).isFalse();
        assertThat(creds.verify("root@pam", "pve", "correct horse")).isFalse();
        assertThat(creds.verify("root", "pam", "wrong")).isFalse();
    }

    @Test
    void toStringDoesNotRevealThePassword() {
        RootCredentials generated = RootCredentials.loadOrCreate(dataDir, Optional.empty(), random);
        assertThat(generated.toString()).doesNotContain(generated.generatedPassword().orElseThrow());
        RootCredentials env = RootCredentials.loadOrCreate(dataDir, Optional.of("hunter2-very-secret"), random);
        assertThat(env.toString()).doesNotContain("hunter2-very-secret").contains("root@pam");
    }

    @Test
    void corruptPasswordFileIsReportedNotReplaced() throws Exception {
        Path file = dataDir.resolve("root-password");
        Files.writeString(file, "\n");
        assertThatThrownBy(() -> RootCredentials.loadOrCreate(dataDir, Optional.empty(), random))
                .isInstanceOf(SecurityFileException.class)
                .hasMessageContaining(file.toString());
        Files.write(file, new byte[] {(byte) 0xC3, 0x28});
        assertThatThrownBy(() -> RootCredentials.loadOrCreate(dataDir, Optional.empty(), random))
                .isInstanceOf(SecurityFileException.class)
                .hasMessageContaining(file.toString());
    }

    @Test
    void operatorEditedFileWithoutTrailingNewlineIsRead() throws Exception {
        Files.writeString(dataDir.resolve("root-password"), "chosen-by-operator");
        RootCredentials creds = RootCredentials.loadOrCreate(dataDir, Optional.empty(), random);
        assertThat(creds.generatedNow()).isFalse();
        assertThat(creds.verify("root@pam", "chosen-by-operator")).isTrue();
    }
}
