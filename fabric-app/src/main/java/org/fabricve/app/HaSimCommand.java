package org.fabricve.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.fabricve.ha.scenario.HaSimMain;
import org.fabricve.ha.scenario.ScenarioRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code fabric ha-sim FILE...}: plays each HA scenario on a real cluster in this JVM ({@link RealHaCluster}: one
 * member per scenario node, each with its own libvirt test-driver host; the production protocol with shortened
 * timings), or with {@code --simulated} on the deterministic simulator (virtual time, a fraction of a second per
 * file). Prints one JSON result line per file; exits 0 only if every scenario passed.
 */
@Command(name = "ha-sim", mixinStandardHelpOptions = true,
        description = "Run HA scenario files (JSON, see ha/README.md) on a real cluster of members in this JVM.")
public final class HaSimCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "scenario files")
    List<Path> files;

    @Option(names = "--simulated", description = "the deterministic simulator (virtual clock) instead of real members")
    boolean simulated;

    @Option(names = {"-v", "--verbose"}, description = "the cluster's log on stderr")
    boolean verbose;

    @Override
    public Integer call() {
        // the members' logs would bury the result lines' failures: errors only, unless asked for
        if (!verbose) ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.ERROR);
        // standard output carries the result lines only: Pekko's fallback logger of a stopping member writes there
        java.io.PrintStream results = System.out;
        System.setOut(System.err);
        boolean allPass = true;
        try {
            for (Path file : files) {
                ScenarioRunner.Result r = simulated ? HaSimMain.runFile(file, verbose) : runReal(file);
                results.println(r.toJson());
                results.flush();
                allPass &= r.pass();
            }
        } finally {
            System.setOut(results);
        }
        return allPass ? 0 : 1;
    }

    private ScenarioRunner.Result runReal(Path file) {
        return HaSimMain.runFile(file, scenario -> {
            String name = file.toString();
            Path dir = null;
            try {
                dir = Files.createTempDirectory("fabric-ha-sim");
                try (RealHaCluster cluster = new RealHaCluster(scenario, dir)) {
                    ScenarioRunner.Result r = ScenarioRunner.run(name, scenario, cluster);
                    if (verbose || !r.pass()) cluster.log().forEach(l -> System.err.println(name + " " + l));
                    return r;
                }
            } catch (Exception e) {
                return ScenarioRunner.unreadable(name, "the cluster could not be set up: " + e.getMessage());
            } finally {
                if (dir != null) deleteQuietly(dir);
            }
        });
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("ha-sim: could not remove " + dir + ": " + e.getMessage());
        }
    }
}
