package org.fabricve.ha.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every scenario under src/test/resources/scenarios passes on the simulated cluster. */
class ScenarioFilesTest {

    static final Path FOLDER = Path.of("src/test/resources/scenarios");

    static Stream<Path> scenarios() throws IOException {
        return Files.list(FOLDER).filter(p -> p.toString().endsWith(".json")).sorted();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void passes(Path file) {
        ScenarioRunner.Result r = HaSimMain.runFile(file, false);
        assertThat(r.violations()).as(r.toJson()).isEmpty();
        assertThat(r.pass()).isTrue();
    }

    @org.junit.jupiter.api.Test
    void thereAreAtLeast25() throws IOException {
        assertThat(scenarios().count()).isGreaterThanOrEqualTo(25);
    }
}
