package org.fabricve.ha.scenario;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.fabricve.ha.sim.SimCluster;

/**
 * {@code ./fabric ha-sim [--verbose] FILE...}: runs each scenario on the simulated environment and prints
 * one JSON result line per file; exits 0 only if every scenario passed, 2 on bad usage.
 */
public final class HaSimMain {

    private HaSimMain() {
    }

    public static void main(String[] args) {
        boolean verbose = false;
        List<String> files = new ArrayList<>();
        for (String a : args) {
            if (a.equals("--verbose") || a.equals("-v")) verbose = true;
            else if (a.equals("--help") || a.equals("-h")) {
                System.out.println("usage: ./fabric ha-sim [--verbose] FILE...   run HA scenarios on the simulated cluster");
                return;
            } else files.add(a);
        }
        if (files.isEmpty()) {
            System.err.println("usage: ./fabric ha-sim [--verbose] FILE...");
            System.exit(2);
        }
        boolean allPass = true;
        for (String f : files) {
            ScenarioRunner.Result r = runFile(Path.of(f), verbose);
            System.out.println(r.toJson());
            allPass &= r.pass();
        }
        System.exit(allPass ? 0 : 1);
    }

    /** Reads, parses and runs one file on the simulator; an unreadable or invalid file is a failed result that says why. */
    public static ScenarioRunner.Result runFile(Path file, boolean verbose) {
        return runFile(file, scenario -> {
            SimCluster cluster = new SimCluster(scenario.config(), scenario.failing());
            ScenarioRunner.Result r = ScenarioRunner.run(file.toString(), scenario, cluster);
            if (verbose) cluster.log().forEach(l -> System.err.println(file + " " + l));
            return r;
        });
    }

    /** Reads and parses one file and plays it with {@code play}; an unreadable or invalid file is a failed result. */
    public static ScenarioRunner.Result runFile(Path file, java.util.function.Function<Scenario, ScenarioRunner.Result> play) {
        String name = file.toString();
        Scenario scenario;
        try {
            scenario = ScenarioParser.parse(Files.readString(file));
        } catch (IOException e) {
            return ScenarioRunner.unreadable(name, "cannot read the file: " + e.getMessage());
        } catch (ScenarioParser.ScenarioException e) {
            return ScenarioRunner.unreadable(name, "invalid scenario: " + e.getMessage());
        }
        return play.apply(scenario);
    }
}
