package org.fabricve.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.fabricve.app.ApiClient.params;
import static org.fabricve.app.RealGuestApiTest.ms;
import static org.fabricve.app.RealGuestApiTest.run;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.fabricve.core.guest.Guest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real LXC container through the Proxmox API only, on a node configured with qemu:///system (its containers
 * go to lxc:/// of the same libvirtd): created from the busybox template in the {@code local} storage's
 * vztmpl content (unpacked into a directory volume), started, its init's shell answering on the console, real
 * memory use in its status, its net0 address on eth0, frozen and thawed, shut down, started and stopped, deleted
 * with its root.
 *
 * <p>Builds the template with scripts/build-lxc-template.sh (cached under data/realhost/templates).
 */
class RealContainerApiTest {

    static final String QEMU = RealGuestApiTest.URI;
    static final String LXC = "lxc:///";
    static final String N = TestNodes.NODE;
    static final String TEMPLATE = "busybox-fabric_amd64.tar.gz";

    static Path template;

    Path dataDir;
    FabricNode node;
    int vmid;

    @BeforeAll
    static void realHost() {
        RealGuestApiTest.ensureLibvirtd(LXC);
        Path out = RealGuestApiTest.repo().resolve("data").resolve("realhost").resolve("templates");
        template = out.resolve(TEMPLATE);
        if (!Files.isRegularFile(template)) {
            RealGuestApiTest.Result r = run(Duration.ofMinutes(3), "bash",
                    RealGuestApiTest.repo().resolve("scripts/build-lxc-template.sh").toString(), "--out", out.toString());
            if (r.exitCode() != 0 || !Files.isRegularFile(template)) {
                fail("scripts/build-lxc-template.sh failed (exit " + r.exitCode() + "):\n" + r.output());
            }
        }
    }

    @AfterEach
    void cleanUp() throws IOException {
        if (vmid != 0) {
            String domain = Guest.domainName(vmid);
            run(Duration.ofSeconds(30), "virsh", "-c", LXC, "destroy", domain);
            run(Duration.ofSeconds(30), "virsh", "-c", LXC, "undefine", domain);
        }
        if (node != null) {
            node.close();
        }
        if (dataDir != null) {
            if (RealGuestApiTest.poolTarget().equals(dataDir.resolve("images").toString())) {
                run(Duration.ofSeconds(30), "virsh", "-c", QEMU, "pool-destroy", "local");
                run(Duration.ofSeconds(30), "virsh", "-c", QEMU, "pool-undefine", "local");
            }
            run(Duration.ofSeconds(60), "rm", "-rf", "--one-file-system", dataDir.toString());
        }
    }

    /** A node on the real host with the template in its local storage. */
    private ApiClient nodeWithTemplate() throws Exception {
        dataDir = Files.createDirectories(Path.of("target").toAbsolutePath()
                .resolve("realct-" + System.nanoTime()));
        node = FabricNode.start(TestNodes.settings(dataDir, Optional.of(QEMU)));
        ApiClient api = ApiClient.loggedIn(node);
        api.upload(N, "local", "vztmpl", template);
        return api;
    }

    @Test
    void anUnprivilegedContainersRootIsAnOrdinaryUserOfTheHost() throws Exception {
        ApiClient api = nodeWithTemplate();
        vmid = 80_000 + ThreadLocalRandom.current().nextInt(9_000);
        String base = "/nodes/" + N + "/lxc/" + vmid;
        api.runTask(N, "/nodes/" + N + "/lxc", params("vmid", String.valueOf(vmid), "ostemplate", "local:vztmpl/"
                + TEMPLATE, "hostname", "ct-unpriv", "memory", "64", "rootfs", "local:1", "unprivileged", "1"));
        Path rootfs = dataDir.resolve("images").resolve("vm-" + vmid + "-disk-0");
        assertThat((Integer) Files.getAttribute(rootfs.resolve("sbin/init"), "unix:uid",
                java.nio.file.LinkOption.NOFOLLOW_LINKS)).as("owners shifted into the id map").isEqualTo(100_000);
        api.runTask(N, base + "/status/start", params());
        ApiClient.Console console = api.console(base + "/serial");
        try {
            console.typeUntilSeen("echo U=$(id -u) MAP $(cat /proc/self/uid_map)\n", "U=0 MAP 0 100000 65536",
                    Duration.ofSeconds(20));
        } finally {
            console.close();
        }
        api.runTask(N, base + "/status/stop", params());
        ApiClient.Response deleted = api.delete(base);
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(api.awaitTask(N, deleted.data().asText()).path("exitstatus").asText()).isEqualTo("OK");
        assertThat(rootfs).doesNotExist();
        vmid = 0;
    }

    @Test
    void containerFromTheBusyboxTemplateRunsFreezesStopsAndGoesAway() throws Exception {
        ApiClient api = nodeWithTemplate();
        Path images = dataDir.resolve("images");
        JsonNode templates = api.get("/nodes/" + N + "/storage/local/content?content=vztmpl").data();
        assertThat(templates.findValuesAsText("volid")).contains("local:vztmpl/" + TEMPLATE);

        vmid = 80_000 + ThreadLocalRandom.current().nextInt(9_000);
        String base = "/nodes/" + N + "/lxc/" + vmid;
        long tc = System.nanoTime();
        api.runTask(N, "/nodes/" + N + "/lxc", params("vmid", String.valueOf(vmid),
                "ostemplate", "local:vztmpl/" + TEMPLATE, "hostname", "ct-real", "memory", "128", "swap", "0",
                "cores", "1", "rootfs", "local:1", "mp0", "local:1,mp=/data",
                "net0", "name=eth0,bridge=vmbr0,ip=10.99.0.2/24"));
        long create = ms(tc);
        JsonNode config = api.get(base + "/config").data();
        assertThat(config.path("rootfs").asText()).startsWith("local:vm-" + vmid + "-disk-0");
        Path rootfs = images.resolve("vm-" + vmid + "-disk-0");
        assertThat(rootfs.resolve("sbin/init")).as("the template unpacked into the root volume").isExecutable();
        String domain = Guest.domainName(vmid);
        String xml = run(Duration.ofSeconds(30), "virsh", "-c", LXC, "dumpxml", domain).output();
        assertThat(xml).contains("type='lxc'").contains("<source dir='" + rootfs + "'/>").contains("<privnet/>");
        assertThat(run(Duration.ofSeconds(30), "virsh", "-c", QEMU, "dominfo", domain).exitCode())
                .as("not a QEMU domain").isNotZero();

        long t0 = System.nanoTime();
        api.runTask(N, base + "/status/start", params());
        long startTask = ms(t0);
        ApiClient.Console console = api.console(base + "/serial");
        try {
            console.typeUntilSeen("echo ct-$((40+2)) $$\n", "ct-42", Duration.ofSeconds(20));
            // mp0: its own directory volume, mounted at /data
            console.typeUntilSeen("echo kept > /data/file && echo D=$(cat /data/file)\n", "D=kept",
                    Duration.ofSeconds(10));
            console.type("echo H=$(hostname)\n");
            console.awaitOutput("H=ct-real", Duration.ofSeconds(10));
            // its own network namespace, with the address from net0 on eth0 (a veth on the host's vmbr0)
            console.type("ip -4 -o addr show dev eth0\n");
            console.awaitOutput("10.99.0.2/24", Duration.ofSeconds(10));
        } finally {
            console.close();
        }
        long shell = ms(t0);
        System.out.printf("realct: create (unpack + define) %d ms, start task %d ms, start to a shell answering on"
                + " the console %d ms%n", create, startTask, shell);

        JsonNode current = api.get(base + "/status/current").data();
        assertThat(current.path("status").asText()).isEqualTo("running");
        assertThat(current.path("maxmem").asLong()).isEqualTo(128L * 1024 * 1024);
        assertThat(images.resolve("vm-" + vmid + "-disk-1").resolve("file")).as("written by the container into mp0")
                .hasContent("kept");
        long mem = current.path("mem").asLong();
        assertThat(mem).as("memory the container's processes use").isPositive().isLessThan(128L * 1024 * 1024);
        System.out.printf("realct: memory in use %d KiB%n", mem / 1024);

        api.runTask(N, base + "/status/suspend", params());
        assertThat(api.get(base + "/status/current").data().path("fabric").path("hypervisor_state").asText())
                .isEqualTo("paused");
        api.runTask(N, base + "/status/resume", params());
        assertThat(api.get(base + "/status/current").data().path("fabric").path("hypervisor_state").asText())
                .isEqualTo("running");

        // the template's init ends on SIGTERM/SIGPWR: a clean shutdown
        long ts = System.nanoTime();
        api.runTask(N, base + "/status/shutdown", params("timeout", "20"));
        System.out.printf("realct: shutdown %d ms%n", ms(ts));
        assertThat(api.get(base + "/status/current").data().path("status").asText()).isEqualTo("stopped");

        api.runTask(N, base + "/status/start", params());
        assertThat(api.get(base + "/status/current").data().path("status").asText()).isEqualTo("running");
        api.runTask(N, base + "/status/stop", params());
        assertThat(api.get(base + "/status/current").data().path("status").asText()).isEqualTo("stopped");

        ApiClient.Response deleted = api.delete(base);
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(api.awaitTask(N, deleted.data().asText()).path("exitstatus").asText()).isEqualTo("OK");
        assertThat(run(Duration.ofSeconds(30), "virsh", "-c", LXC, "dominfo", domain).exitCode())
                .as("the domain is gone").isNotZero();
        assertThat(rootfs).as("the root volume is gone").doesNotExist();
        assertThat(images.resolve("vm-" + vmid + "-disk-1")).as("the mount point's volume is gone").doesNotExist();
        assertThat(images.resolve("vztmpl").resolve(TEMPLATE)).as("the template stays").exists();
        vmid = 0;
    }
}
