package org.fabricve.node.realhost;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Assumptions;

/**
 * Shared set-up of the real-host tests: finds the repository, runs scripts/realhost-setup.sh when
 * libvirtd does not answer, builds the test guest and the busybox template (both cached under
 * data/realhost/), and waits for conditions with deadlines (never fixed sleeps).
 *
 * <p>The tests skip only when told to: {@code FABRIC_SKIP_REALHOST=1}.
 */
public final class RealHost {

    static final String GUEST_MARKER = "FABRIC-GUEST-READY";

    private RealHost() {}

    /** Skips the calling test class when FABRIC_SKIP_REALHOST=1; otherwise the real stack must work. */
    public static void skipOnlyWhenTold() {
        Assumptions.assumeFalse("1".equals(System.getenv("FABRIC_SKIP_REALHOST")),
                "FABRIC_SKIP_REALHOST=1: real-host tests skipped");
    }

    /** The repository root (the folder holding ./fabric and scripts/). */
    static Path repo() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null) {
            if (Files.isRegularFile(p.resolve("fabric")) && Files.isDirectory(p.resolve("scripts"))) {
                return p;
            }
            p = p.getParent();
        }
        throw new IllegalStateException("no repository root (with ./fabric and scripts/) above "
                + Path.of("").toAbsolutePath());
    }

    /** Cache folder for built artefacts, kept between runs (data/ is ignored by git). */
    static Path cache(String name) {
        return repo().resolve("data").resolve("realhost").resolve(name);
    }

    /** Whether {@code virsh -c URI version} answers within a few seconds. */
    static boolean answers(String uri) {
        try {
            return run(Duration.ofSeconds(20), "virsh", "-c", uri, "version").exitCode == 0;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Runs scripts/realhost-setup.sh unless both libvirt drivers already answer. */
    public static synchronized void ensureDaemon(String uri) {
        if (hasVirsh() && answers(uri)) {
            return;
        }
        long t = System.nanoTime();
        Result r = run(Duration.ofMinutes(5), "bash", repo().resolve("scripts/realhost-setup.sh").toString());
        if (r.exitCode != 0) {
            fail("scripts/realhost-setup.sh failed (exit " + r.exitCode + "):\n" + r.output);
        }
        System.out.printf("realhost: setup took %d ms%n", ms(t));
        if (!answers(uri)) {
            fail(uri + " does not answer after scripts/realhost-setup.sh:\n" + r.output);
        }
    }

    private static boolean hasVirsh() {
        return Files.isExecutable(Path.of("/usr/bin/virsh"));
    }

    /** Builds (or finds cached) OUT/vmlinux, OUT/initrd.cpio.gz with scripts/build-test-guest.sh. */
    static Path testGuest() {
        Path out = cache("guest");
        if (Files.isRegularFile(out.resolve("vmlinux")) && Files.isRegularFile(out.resolve("initrd.cpio.gz"))
                && Files.isRegularFile(out.resolve("bzImage"))) {
            return out;
        }
        long t = System.nanoTime();
        Result r = run(Duration.ofMinutes(5), "bash", repo().resolve("scripts/build-test-guest.sh").toString(),
                out.toString());
        if (r.exitCode != 0) {
            fail("scripts/build-test-guest.sh failed (exit " + r.exitCode + "):\n" + r.output);
        }
        System.out.printf("realhost: test guest built in %d ms%n", ms(t));
        return out;
    }

    /** Builds (or finds cached) the busybox container template; returns the tarball. */
    static Path busyboxTemplate() {
        Path out = cache("templates");
        Path tar = out.resolve("busybox-fabric_amd64.tar.gz");
        if (Files.isRegularFile(tar)) {
            return tar;
        }
        Result r = run(Duration.ofMinutes(3), "bash", repo().resolve("scripts/build-lxc-template.sh").toString(),
                "--out", out.toString());
        if (r.exitCode != 0 || !Files.isRegularFile(tar)) {
            fail("scripts/build-lxc-template.sh failed (exit " + r.exitCode + "):\n" + r.output);
        }
        return tar;
    }

    record Result(int exitCode, String output) {}

    /** Runs a command with a deadline; stdout and stderr together. */
    static Result run(Duration deadline, String... command) {
        try {
            Path log = Files.createTempFile("fabric-realhost", ".out");
            try {
                Process p = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(log.toFile()).start();
                if (!p.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                    fail(String.join(" ", command) + " did not finish within " + deadline + ":\n"
                            + Files.readString(log, StandardCharsets.UTF_8));
                }
                return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(log);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", command) + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
        }
    }

    /** Polls every 50 ms until the condition holds; fails naming what was awaited after the deadline. */
    static void await(String what, Duration deadline, BooleanSupplier condition) {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                fail("timed out after " + deadline + " waiting for " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted waiting for " + what);
            }
        }
    }

    /** The file's content as text, or "" while it does not exist. */
    static String readOrEmpty(Path file) {
        try {
            return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1) : "";
        } catch (IOException e) {
            return "";
        }
    }

    static long ms(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /** XML text escaping for the few values (paths, names) the tests put into domain XML. */
    static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&apos;")
                .replace("\"", "&quot;");
    }

    /** PIDs of processes whose environment holds NAME=VALUE (root can read every /proc/PID/environ). */
    static List<Long> pidsWithEnv(String name, String value) {
        List<Long> out = new ArrayList<>();
        String want = name + "=" + value;
        ProcessHandle.allProcesses().forEach(ph -> {
            try {
                String env = Files.readString(Path.of("/proc", Long.toString(ph.pid()), "environ"),
                        StandardCharsets.ISO_8859_1);
                for (String kv : env.split("\0")) {
                    if (kv.equals(want)) {
                        out.add(ph.pid());
                        return;
                    }
                }
            } catch (IOException | RuntimeException ignored) {
                // gone or not readable
            }
        });
        return out;
    }
}
