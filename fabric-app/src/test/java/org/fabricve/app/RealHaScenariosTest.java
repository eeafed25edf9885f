package org.fabricve.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.fabricve.ha.scenario.Scenario;
import org.fabricve.ha.scenario.ScenarioParser;
import org.fabricve.ha.scenario.ScenarioRunner;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * HA scenario files played on real members in this JVM ({@link RealHaCluster}, what {@code ./fabric ha-sim} runs):
 * in {@code ./fabric test} a representative subset, one per kind of failure and command (each file costs 20-40 s
 * of real time; every file also runs on the simulator in the ha module's tests, and all of them on real members
 * with {@code FABRIC_HA_FILES=all}). {@code FABRIC_HA_FILES=a.json,b.json} picks others.
 */
class RealHaScenariosTest {

    static final Path SCENARIOS = Path.of("..", "ha", "src", "test", "resources", "scenarios");

    @TempDir
    Path tmp;

    /**
     * Power cut, short blip, partition that heals, quorum lost everywhere and regained, reboot, drain by migration,
     * maintenance, crash, failed start, the manager's own member lost.
     */
    static final List<String> SUBSET = List.of("02-power-off-recovers.json", "04-network-flap-short.json",
            "05-network-partition-heals.json", "07-quorum-regained.json", "09-reboot-conditional.json", "12-shutdown-migrate.json",
            "14-maintenance.json", "20-crash-restarts.json", "21-start-fails-relocates.json", "32-manager-node-fails.json");

    static Stream<String> files() throws Exception {
        String only = System.getenv("FABRIC_HA_FILES");
        if (only == null || only.isBlank()) return SUBSET.stream();
        if (!only.equals("all")) return Stream.of(only.split(","));
        try (Stream<Path> s = Files.list(SCENARIOS)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json")).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("files")
    void scenarioPassesOnRealMembers(String file) throws Exception {
        Scenario scenario = ScenarioParser.parse(Files.readString(SCENARIOS.resolve(file)));
        ScenarioRunner.Result r;
        List<String> log;
        try (RealHaCluster cluster = new RealHaCluster(scenario, tmp)) {
            r = ScenarioRunner.run(file, scenario, cluster);
            log = cluster.log();
        }
        System.out.println(r.toJson());
        assertThat(r.violations()).as("%s, the cluster's log:%n%s", file, String.join("\n", log)).isEmpty();
        assertThat(r.pass()).isTrue();
    }
}
