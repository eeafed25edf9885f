package org.fabricve.ha.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.fabricve.ha.model.Sid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManagedGuestsFileTest {

    @TempDir
    Path dir;

    @Test
    void whatIsWrittenIsReadBackAndAnEmptySetToo() {
        Path file = HaAgentActor.managedGuestsFile(dir.resolve("ha").resolve("node3.generation"));
        assertThat(file.getFileName().toString()).isEqualTo("node3.managed");
        assertThat(ManagedGuestsFile.read(file)).as("no file yet").isEmpty();

        ManagedGuestsFile.write(file, Set.of(Sid.parse("vm:101"), Sid.parse("ct:200")));
        assertThat(ManagedGuestsFile.read(file)).containsExactlyInAnyOrder(Sid.parse("vm:101"), Sid.parse("ct:200"));

        ManagedGuestsFile.write(file, Set.of());
        assertThat(ManagedGuestsFile.read(file)).isEmpty();
    }

    @Test
    void aDamagedFileIsRefusedNamingIt() throws Exception {
        Path file = dir.resolve("node3.managed");
        Files.writeString(file, "vm:101\nnot a sid\n");
        assertThatThrownBy(() -> ManagedGuestsFile.read(file)).hasMessageContaining(file.toString());
    }
}
