package org.fabricve.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The network lab of scripts/netlab.sh from Java: member I lives in its own network namespace, reached by
 * the other members (and the journal) at {@link #clusterAddress(int)} and by the test at
 * {@link #managementAddress(int)}; {@link #cut(int)} is a real partition of its cluster link.
 */
final class NetLab implements AutoCloseable {

    /** The root namespace's address on the cluster bridge: where the members reach Cassandra. */
    static final String JOURNAL_HOST = "10.77.0.1";

    private final Path script;
    private final String name;

    private NetLab(Path script, String name) {
        this.script = script;
        this.name = name;
    }

    static NetLab up(Path repo, String name, int members) {
        NetLab lab = new NetLab(repo.resolve("scripts/netlab.sh"), name);
        lab.run("down", name);
        lab.run("up", name, Integer.toString(members));
        return lab;
    }

    static String clusterAddress(int member) {
        return "10.77.0." + (10 + member);
    }

    static String managementAddress(int member) {
        return "10.78.0." + (10 + member);
    }

    String namespace(int member) {
        return name + "-n" + member;
    }

    void cut(int member) {
        run("cut", name, Integer.toString(member));
    }

    void heal(int member) {
        run("heal", name, Integer.toString(member));
    }

    @Override
    public void close() {
        run("down", name);
    }

    private void run(String... args) {
        List<String> command = new ArrayList<>(List.of("bash", script.toString()));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("netlab.sh " + String.join(" ", args) + " failed:\n" + out);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + script + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
