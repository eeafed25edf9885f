package org.fabricve.loadtest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code --launch}: one fabric member started by the harness as its own process ({@code ...Main up}, like
 * {@code ./fabric up}) in a temp data dir on a free port, plain HTTP, a random root password, M simulated
 * hosts; stopped with SIGTERM and started again on the same dir and port (the cold start). Its output goes
 * to DATA/../node.log.
 */
final class NodeLauncher implements AutoCloseable {

    static final String UP_LINE = "is up.";
    private static final Duration UP_TIMEOUT = Duration.ofMinutes(5);

    private final Path home;
    private final Path dir;
    private final int hosts;
    private final List<String> javaOpts;
    private final PrintStream progress;
    final int port;
    final String password;
    private volatile Process process;
    private int starts;

    NodeLauncher(Path home, int hosts, List<String> javaOpts, PrintStream progress) throws IOException {
        this.home = home.toAbsolutePath();
        Path jar = this.home.resolve("fabric-app/target/fabric-app-0.1.0-SNAPSHOT.jar");
        if (!Files.exists(jar)) {
            throw new IOException(jar + " is missing: build it first (mvn -pl fabric-app -am package -DskipTests) "
                    + "or give --fabric-home");
        }
        this.hosts = hosts;
        this.javaOpts = javaOpts;
        this.progress = progress;
        this.dir = Files.createTempDirectory("fabric-scale-");
        this.port = freePort();
        byte[] secret = new byte[12];
        new SecureRandom().nextBytes(secret);
        this.password = HexFormat.of().formatHex(secret);
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    long pid() {
        return process.pid();
    }

    Path log() {
        return dir.resolve("node.log");
    }

    /** Starts the member; returns the seconds from spawning the process to its "is up." line. */
    double start() throws Exception {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("already running");
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(javaOpts);
        cmd.addAll(List.of("-cp", "fabric-app/target/lib/*:fabric-app/target/fabric-app-0.1.0-SNAPSHOT.jar",
                "org.fabricve.app.Main", "up"));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(home.toFile()).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("FABRIC_DATA_DIR", dir.resolve("data").toString());
        env.put("FABRIC_API_PORT", Integer.toString(port));
        env.put("FABRIC_CLUSTER_PORT", "0");
        env.put("FABRIC_TLS", "off");
        env.put("FABRIC_ROOT_PASSWORD", password);
        env.put("FABRIC_NODE", "pve1");
        env.put("FABRIC_SIMULATED_HOSTS", Integer.toString(hosts));
        env.put("FABRIC_BIND", "127.0.0.1");
        long began = System.nanoTime();
        process = pb.start();
        starts++;
        if (starts == 1) {
            // the harness interrupted (Ctrl-C, timeout): do not leave the member running
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                Process current = process;
                if (current != null && current.isAlive()) {
                    current.destroy();
                }
            }, "fabric-node-stop"));
        }
        CompletableFuture<Long> up = new CompletableFuture<>();
        Process p = process;
        Thread reader = new Thread(() -> copyOutput(p, up), "fabric-node-output-" + starts);
        reader.setDaemon(true);
        reader.start();
        try {
            long upAt = up.get(UP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            return (upAt - began) / 1e9;
        } catch (Exception e) {
            process.destroyForcibly();
            throw new IOException("the launched node did not come up (" + e.getMessage() + "); see " + log(), e);
        }
    }

    private void copyOutput(Process p, CompletableFuture<Long> up) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
             Writer log = Files.newBufferedWriter(log(), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                     StandardOpenOption.APPEND)) {
            log.write("---- start " + starts + " ----\n");
            String line;
            while ((line = in.readLine()) != null) {
                if (!up.isDone() && line.contains(UP_LINE)) {
                    up.complete(System.nanoTime());
                }
                log.write(line);
                log.write('\n');
                log.flush();
            }
        } catch (IOException e) {
            // the process went away; fall through
        }
        up.completeExceptionally(new IOException("node exited with " + waitExit(p) + " before '" + UP_LINE + "'"));
    }

    private static String waitExit(Process p) {
        try {
            return p.waitFor(10, TimeUnit.SECONDS) ? Integer.toString(p.exitValue()) : "(still running)";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(interrupted)";
        }
    }

    /** SIGTERM, then waits for the exit (SIGKILL after 60 s); returns the seconds it took. */
    double stop() throws InterruptedException {
        if (process == null || !process.isAlive()) {
            return 0;
        }
        long began = System.nanoTime();
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            progress.println("loadtest: the node ignored SIGTERM for 60 s; killing it");
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        return (System.nanoTime() - began) / 1e9;
    }

    @Override
    public void close() throws Exception {
        stop();
        if (System.getenv("FABRIC_SCALE_KEEP_DIR") != null) {
            progress.println("loadtest: kept the launched node's dir " + dir);
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
