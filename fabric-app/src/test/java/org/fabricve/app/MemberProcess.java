package org.fabricve.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One Fabric VE member as its own process ({@code fabric up}), inside a network namespace of the
 * {@link NetLab}: killing it with SIGKILL is a real crash, cutting its link a real partition.
 */
final class MemberProcess implements AutoCloseable {

    static final String PASSWORD = "cluster-test-password";
    static final int API_PORT = 8006;
    static final int CLUSTER_PORT = 25520;
    private static final java.util.concurrent.atomic.AtomicInteger STARTS = new java.util.concurrent.atomic.AtomicInteger();
    private static final Pattern API_LINE = Pattern.compile("API: +http://\\S+:(\\d+)/api2/json");

    final int index;
    final String node;
    private final Process process;
    private final Path log;

    private MemberProcess(int index, String node, Process process, Path log) {
        this.index = index;
        this.node = node;
        this.process = process;
        this.log = log;
    }

    /** Starts member {@code index} (node name {@code nINDEX}) with its data in {@code dataRoot}. */
    static MemberProcess start(NetLab lab, int index, Path dataRoot, String cassandra, Optional<Integer> joinMember,
                               List<String> jvmSettings) throws IOException {
        String node = "n" + index;
        Path data = dataRoot.resolve(node);
        Files.createDirectories(data);
        // a log per start: an earlier start's banner must not count as this one's
        Path log = data.resolve("member-" + STARTS.incrementAndGet() + ".log");
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", lab.namespace(index),
                ProcessHandle.current().info().command().orElse("java"),
                "-Xmx384m", "-XX:TieredStopAtLevel=1"));
        cmd.addAll(jvmSettings);
        // FABRIC_BENCH_JFR=1: a flight recording per member, written to its data directory when it exits
        if ("1".equals(System.getenv("FABRIC_BENCH_JFR"))) {
            cmd.add("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename=" + data.resolve("member.jfr"));
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "up",
                "--node", node, "--data-dir", data.toString(),
                "--api-port", Integer.toString(API_PORT), "--cluster-port", Integer.toString(CLUSTER_PORT),
                "--tls", "off",
                "--store", "cassandra", "--cassandra", cassandra));
        joinMember.ifPresent(m -> cmd.addAll(List.of("--join", NetLab.clusterAddress(m) + ":" + CLUSTER_PORT)));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().put("FABRIC_ROOT_PASSWORD", PASSWORD);
        pb.environment().put("FABRIC_CLUSTER_HOST", NetLab.clusterAddress(index));
        return new MemberProcess(index, node, pb.start(), log);
    }

    /** Waits until the member prints its banner (it serves the API); fails with its log otherwise. */
    MemberProcess awaitUp(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = API_LINE.matcher(logText());
            if (m.find()) {
                return this;
            }
            if (!process.isAlive()) {
                throw new AssertionError(node + " exited with " + process.exitValue() + " before serving:\n" + logText());
            }
            Thread.sleep(50);
        }
        throw new AssertionError(node + " did not serve within " + timeout + ":\n" + logText());
    }

    /** A client on the member's management address, logged in as root@pam. */
    ApiClient api() throws Exception {
        return new ApiClient("http://" + NetLab.managementAddress(index) + ":" + API_PORT + "/api2/json").login(PASSWORD);
    }

    String logText() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    boolean alive() {
        return process.isAlive();
    }

    /** SIGKILL: the member dies without any chance to leave the cluster. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Waits for the process to end by itself (e.g. downed by the split-brain resolver); its exit code. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(node + " still runs after " + timeout + ":\n" + tail());
        }
        return process.exitValue();
    }

    String tail() {
        String text = logText();
        return text.length() > 6000 ? text.substring(text.length() - 6000) : text;
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                kill9();
            }
        }
    }
}
