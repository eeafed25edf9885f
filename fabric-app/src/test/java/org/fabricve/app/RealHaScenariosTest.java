package org.fabricve.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.fabricve.ha.scenario.Scenario;
import org.fabricve.ha.scenario.ScenarioParser;
import org.fabricve.ha.scenario.ScenarioRunner;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A representative subset of the HA scenario files, played on real members in this JVM ({@link RealHaCluster}):
 * a power cut, a relocation, a crashed guest, a start failure. Every scenario file also runs on the simulator in
 * the ha module's tests. Not yet passing here (see ha/README.md): 05 (a partition that heals: the cut-off side's
 * guest ends in error) and 32 (the manager's own member fails).
 */
// Not yet in ./fabric test: on a loaded 2-core machine scenario 02 ends with its guests in `error` (issue #4
// remains open for it). Run with FABRIC_HA_REAL=1.
@EnabledIfEnvironmentVariable(named = "FABRIC_HA_REAL", matches = "1")
class RealHaScenariosTest {

    static final Path SCENARIOS = Path.of("..", "ha", "src", "test", "resources", "scenarios");

    @TempDir
    Path tmp;

    static Stream<String> files() throws Exception {
        String only = System.getenv("FABRIC_HA_FILES");
        if (only != null && !only.isBlank()) return Stream.of(only.split(","));
        try (Stream<Path> s = Files.list(SCENARIOS)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json")).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("files")
    void scenarioPassesOnRealMembers(String file) throws Exception {
        Scenario scenario = ScenarioParser.parse(Files.readString(SCENARIOS.resolve(file)));
        ScenarioRunner.Result r;
        try (RealHaCluster cluster = new RealHaCluster(scenario, tmp)) {
            r = ScenarioRunner.run(file, scenario, cluster);
            cluster.log().forEach(l -> System.out.println(file + " " + l));
        }
        System.out.println(r.toJson());
        assertThat(r.violations()).isEmpty();
        assertThat(r.pass()).isTrue();
    }
}
