package org.fabricve.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.fabricve.app.ApiClient.params;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.fabricve.core.guest.Guest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real QEMU (TCG) VM through the Proxmox API only, on qemu:///system: created with a volume on the
 * {@code local} dir pool and an ISO from its iso content as CD-ROM, booted from the ISO to the marker on its
 * serial log, suspended and resumed, hibernated and started again, stopped and deleted with its volume.
 *
 * <p>Runs scripts/realhost-setup.sh when libvirtd does not answer and builds the ISO with
 * scripts/build-test-iso.sh (cached under data/realhost/guest). Skips only with FABRIC_SKIP_REALHOST=1.
 */
class RealGuestApiTest {

    static final String URI = "qemu:///system";
    static final String MARKER = "FABRIC-GUEST-READY";
    static final String N = TestNodes.NODE;

    static Path iso;

    Path dataDir;
    FabricNode node;
    int vmid;

    @BeforeAll
    static void realHost() {
        ensureLibvirtd(URI);
        Path out = repo().resolve("data").resolve("realhost").resolve("guest");
        long t = System.nanoTime();
        Result r = run(Duration.ofMinutes(5), "bash", repo().resolve("scripts/build-test-iso.sh").toString(),
                out.toString());
        iso = out.resolve("fabric-test.iso");
        if (r.exitCode != 0 || !Files.isRegularFile(iso)) {
            fail("scripts/build-test-iso.sh failed (exit " + r.exitCode + "):\n" + r.output);
        }
        System.out.printf("realguest: ISO ready in %d ms%n", ms(t));
    }

    @AfterEach
    void cleanUp() throws IOException {
        if (vmid != 0) {
            String domain = Guest.domainName(vmid);
            run(Duration.ofSeconds(30), "virsh", "-c", URI, "destroy", domain);
            run(Duration.ofSeconds(30), "virsh", "-c", URI, "undefine", domain, "--managed-save", "--nvram");
        }
        if (node != null) {
            node.close();
        }
        if (dataDir != null) {
            // the pool points into this test's data dir: forget it (the next node redefines it anyway)
            if (poolTarget().equals(dataDir.resolve("images").toString())) {
                run(Duration.ofSeconds(30), "virsh", "-c", URI, "pool-destroy", "local");
                run(Duration.ofSeconds(30), "virsh", "-c", URI, "pool-undefine", "local");
            }
            try (Stream<Path> s = Files.walk(dataDir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void vmBootsFromIsoThroughTheApi() throws Exception {
        // under target/ and not in a private temp dir: QEMU runs as libvirt-qemu and must reach the volumes
        dataDir = Files.createDirectories(Path.of("target").toAbsolutePath()
                .resolve("realguest-" + System.nanoTime()));
        node = FabricNode.start(TestNodes.settings(dataDir, Optional.of(URI)));
        ApiClient api = ApiClient.loggedIn(node);
        Path images = dataDir.resolve("images");
        api.upload(N, "local", "iso", iso);
        assertThat(poolTarget()).isEqualTo(images.toString());

        // the pool lists what was uploaded into it, as Proxmox's storage content does
        JsonNode isos = api.get("/nodes/" + N + "/storage/local/content?content=iso").data();
        assertThat(isos.findValuesAsText("volid")).contains("local:iso/fabric-test.iso");

        vmid = 90_000 + ThreadLocalRandom.current().nextInt(9_000);
        String base = "/nodes/" + N + "/qemu/" + vmid;
        api.runTask(N, "/nodes/" + N + "/qemu", params("vmid", String.valueOf(vmid), "name", "realguest",
                "memory", "256", "ide2", "local:iso/fabric-test.iso,media=cdrom", "boot", "order=ide2",
                "serial0", "socket", "vga", "serial0", "scsi0", "local:1",
                "numa", "1", "hotplug", "disk,network,memory,cpu", "cores", "2", "vcpus", "1"));
        JsonNode config = api.get(base + "/config").data();
        assertThat(config.path("scsi0").asText()).startsWith("local:vm-" + vmid + "-disk-0");
        Path volume = images.resolve("vm-" + vmid + "-disk-0");
        assertThat(volume).exists();
        String domain = Guest.domainName(vmid);
        String xml = run(Duration.ofSeconds(30), "virsh", "-c", URI, "dumpxml", domain).output;
        assertThat(xml).contains("type='qemu'").contains(images.resolve("iso/fabric-test.iso").toString())
                .contains(volume.toString());

        Path serialLog = dataDir.resolve("state").resolve("serial").resolve("vm-" + vmid + "-serial0.log");
        long t0 = System.nanoTime();
        api.runTask(N, base + "/status/start", params());
        long started = ms(t0);
        // the marker read where a user reads it: the serial console through the API, attached right after start
        ApiClient.Console console = api.console(base + "/serial");
        JsonNode current;
        long tc;
        try {
            try {
                console.awaitOutput(MARKER, Duration.ofSeconds(45));
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\nlive XML:\n"
                        + run(Duration.ofSeconds(30), "virsh", "-c", URI, "dumpxml", domain).output, e);
            }
            long marker = ms(t0);
            System.out.printf("realguest: start request to %s on the API console %d ms (start task %d ms)%n",
                    MARKER, marker, started);
            awaitMarker(serialLog, Duration.ofSeconds(5)); // libvirt's serial log has it too

            current = api.get(base + "/status/current").data();
            assertThat(current.path("status").asText()).isEqualTo("running");
            assertThat(current.path("fabric").path("hypervisor_state").asText()).isEqualTo("running");
            // booting read the CD-ROM: libvirt's block statistics of the running QEMU
            assertThat(current.path("diskread").asLong()).as("bytes read while booting").isPositive();
            assertThat(current.path("uptime").asLong()).as("seconds since QEMU started, some of them booting")
                    .isPositive().isLessThanOrEqualTo((ms(t0) + 999) / 1000);

            // typing on the same console: a command and its output ("$((40+2))" echoes as typed)
            tc = System.nanoTime();
            console.type("echo console-$((40+2))\n");
            console.awaitOutput("console-42", Duration.ofSeconds(20));
        } finally {
            console.close();
        }
        System.out.printf("realguest: console round trip through the API %d ms%n", ms(tc));
        // the CPU share over the time since the previous read, which spans the console's command
        double cpu = api.get(base + "/status/current").data().path("cpu").asDouble();
        assertThat(cpu).as("share of its vCPU the guest used").isGreaterThan(0.0).isLessThanOrEqualTo(1.0);

        // hotplug: a disk, a NIC, 128 MiB more memory (a DIMM) and a second vCPU go into the running VM; the CPU
        // limit waits for the next start
        long thp = System.nanoTime();
        api.runTask(N, base + "/config", params("scsi1", "local:1", "net0", "virtio=BC:24:11:00:00:42,bridge=vmbr0",
                "memory", "384", "vcpus", "2", "cpulimit", "1"));
        System.out.printf("realguest: hotplug of a disk, a NIC, memory and a vCPU %d ms%n", ms(thp));
        Path second = images.resolve("vm-" + vmid + "-disk-1");
        assertThat(run(Duration.ofSeconds(30), "virsh", "-c", URI, "dumpxml", domain).output)
                .as("the live domain").contains("<alias name='ua-scsi1'/>").contains(second.toString())
                .contains("<alias name='ua-net0'/>").containsIgnoringCase("bc:24:11:00:00:42")
                .contains("<memory model='dimm'").contains("<memory unit='KiB'>393216</memory>");
        assertThat(run(Duration.ofSeconds(30), "virsh", "-c", URI, "vcpucount", domain, "--live", "--active")
                .output.strip()).isEqualTo("2");
        assertThat(api.pending(base).keySet()).containsExactly("cpulimit");
        assertThat(api.get(base + "/config?current=1").data().path("memory").asText()).isEqualTo("384");

        api.runTask(N, base + "/status/suspend", params());
        current = api.get(base + "/status/current").data();
        assertThat(current.path("qmpstatus").asText()).isEqualTo("paused");
        assertThat(current.path("fabric").path("hypervisor_state").asText()).isEqualTo("paused");
        api.runTask(N, base + "/status/resume", params());
        assertThat(api.get(base + "/status/current").data().path("fabric").path("hypervisor_state").asText())
                .isEqualTo("running");

        long th = System.nanoTime();
        api.runTask(N, base + "/status/suspend", params("todisk", "1"));
        long hibernate = ms(th);
        current = api.get(base + "/status/current").data();
        assertThat(current.path("status").asText()).isEqualTo("stopped");
        assertThat(current.path("fabric").path("hypervisor_state").asText()).isEqualTo("hibernated");
        long tr = System.nanoTime();
        api.runTask(N, base + "/status/start", params());
        long restore = ms(tr);
        current = api.get(base + "/status/current").data();
        assertThat(current.path("status").asText()).isEqualTo("running");
        assertThat(current.path("fabric").path("hypervisor_state").asText()).isEqualTo("running");
        System.out.printf("realguest: hibernate %d ms, start from hibernation %d ms%n", hibernate, restore);
        assertThat(api.pending(base).keySet()).as("resumed from its saved memory, not restarted").containsExactly("cpulimit");

        // the test guest has no ACPI power button handler: a shutdown times out and leaves it running, as Proxmox's
        // does, unless forceStop stops it hard after the timeout
        long ts = System.nanoTime();
        ApiClient.Response asked = api.post(base + "/status/shutdown", params("timeout", "2"));
        assertThat(asked.status()).isEqualTo(200);
        assertThat(api.awaitTask(N, asked.data().asText()).path("exitstatus").asText())
                .isEqualTo("VM quit/powerdown failed - got timeout");
        assertThat(ms(ts)).as("the task waited out its timeout").isGreaterThanOrEqualTo(2_000);
        current = api.get(base + "/status/current").data();
        assertThat(current.path("status").asText()).isEqualTo("running");
        assertThat(current.path("fabric").path("hypervisor_state").asText()).isEqualTo("running");
        api.runTask(N, base + "/status/shutdown", params("timeout", "1", "forceStop", "1"));
        assertThat(api.get(base + "/status/current").data().path("fabric").path("hypervisor_state").asText())
                .isEqualTo("stopped");

        ApiClient.Response deleted = api.delete(base);
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(api.awaitTask(N, deleted.data().asText()).path("exitstatus").asText()).isEqualTo("OK");
        assertThat(run(Duration.ofSeconds(30), "virsh", "-c", URI, "dominfo", domain).exitCode)
                .as("the domain is gone").isNotZero();
        assertThat(volume).doesNotExist();
        assertThat(second).as("the hotplugged disk's volume").doesNotExist();
        assertThat(images.resolve("iso").resolve("fabric-test.iso")).as("the ISO stays").exists();
    }

    static void awaitMarker(Path log, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.isReadable(log)
                    && new String(Files.readAllBytes(log), StandardCharsets.ISO_8859_1).contains(MARKER)) {
                return;
            }
            Thread.sleep(50);
        }
        String seen = Files.isReadable(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "(no log file)";
        fail(MARKER + " not in " + log + " within " + timeout + "; log so far:\n" + seen);
    }

    static String poolTarget() {
        Result r = run(Duration.ofSeconds(30), "virsh", "-c", URI, "pool-dumpxml", "local");
        int a = r.output.indexOf("<path>");
        int b = r.output.indexOf("</path>");
        return a < 0 || b < a ? r.output : r.output.substring(a + "<path>".length(), b);
    }

    // ---------------------------------------------------------------- helpers (as node-actors' RealHost)

    /**
     * Skips the calling test class with FABRIC_SKIP_REALHOST=1; otherwise runs scripts/realhost-setup.sh when
     * libvirtd does not answer on {@code uri}.
     */
    static void ensureLibvirtd(String uri) {
        Assumptions.assumeFalse("1".equals(System.getenv("FABRIC_SKIP_REALHOST")),
                "FABRIC_SKIP_REALHOST=1: real-host tests skipped");
        if (!answers(uri) || !Files.isDirectory(Path.of("/sys/class/net/vmbr0"))) {
            long t = System.nanoTime();
            Result r = run(Duration.ofMinutes(5), "bash", repo().resolve("scripts/realhost-setup.sh").toString());
            if (r.exitCode != 0 || !answers(uri)) {
                fail("scripts/realhost-setup.sh failed (exit " + r.exitCode + "):\n" + r.output);
            }
            System.out.printf("realguest: setup took %d ms%n", ms(t));
        }
    }

    private static boolean answers(String uri) {
        return Files.isExecutable(Path.of("/usr/bin/virsh"))
                && run(Duration.ofSeconds(20), "virsh", "-c", uri, "version").exitCode == 0;
    }

    static Path repo() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null) {
            if (Files.isRegularFile(p.resolve("fabric")) && Files.isDirectory(p.resolve("scripts"))) {
                return p;
            }
            p = p.getParent();
        }
        throw new IllegalStateException("no repository root above " + Path.of("").toAbsolutePath());
    }

    record Result(int exitCode, String output) {}

    static Result run(Duration deadline, String... command) {
        try {
            Path log = Files.createTempFile("fabric-realguest", ".out");
            try {
                Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
                if (!p.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                    fail(String.join(" ", command) + " did not finish within " + deadline);
                }
                return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(log);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static long ms(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }
}
