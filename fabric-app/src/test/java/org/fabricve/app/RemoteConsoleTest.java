package org.fabricve.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.fabricve.app.ApiClient.params;
import static org.fabricve.app.RealGuestApiTest.MARKER;
import static org.fabricve.app.RealGuestApiTest.URI;
import static org.fabricve.app.RealGuestApiTest.ms;
import static org.fabricve.app.RealGuestApiTest.run;

import com.typesafe.config.ConfigFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.fabricve.core.guest.Guest;
import org.fabricve.persistence.JournalStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The serial console of a real QEMU guest opened through a member that does not run the guest's node: pve1
 * runs on qemu:///system and owns the guest, pve2 (a simulated host) serves the WebSocket, the bytes cross
 * the cluster as stream refs. Both members share one in-memory journal, as in ClusterMembershipTest.
 */
class RemoteConsoleTest {

    static final Duration SETTLE = Duration.ofSeconds(30);
    static final Duration CONSOLE = Duration.ofSeconds(45);

    @TempDir
    Path tmp;
    Path dataDir;
    FabricNode pve1;
    FabricNode pve2;
    int vmid;

    @BeforeAll
    static void realHost() {
        RealGuestApiTest.realHost();
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (vmid != 0) {
            String domain = Guest.domainName(vmid);
            run(Duration.ofSeconds(30), "virsh", "-c", URI, "destroy", domain);
            run(Duration.ofSeconds(30), "virsh", "-c", URI, "undefine", domain, "--managed-save", "--nvram");
        }
        for (FabricNode n : new FabricNode[] {pve2, pve1}) {
            if (n != null) {
                n.close();
            }
        }
        if (dataDir != null) {
            if (RealGuestApiTest.poolTarget().equals(dataDir.resolve("images").toString())) {
                run(Duration.ofSeconds(30), "virsh", "-c", URI, "pool-destroy", "local");
                run(Duration.ofSeconds(30), "virsh", "-c", URI, "pool-undefine", "local");
            }
            try (Stream<Path> s = Files.walk(dataDir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void theConsoleOfAGuestOnARealHostOpensThroughTheOtherMember() throws Exception {
        // under target/ and not in a private temp dir: QEMU runs as libvirt-qemu and must reach the volumes
        dataDir = Files.createDirectories(Path.of("target").toAbsolutePath().resolve("remoteconsole-" + System.nanoTime()));
        JournalStore store = ClusterMembers.sharedStore("console");
        pve1 = FabricNode.start(new NodeSettings(dataDir, "pve1", "127.0.0.1", 0, 0, true, Optional.of(URI),
                Optional.empty(), Duration.ofMillis(300), 1, store, Optional.empty()), ConfigFactory.empty());
        pve2 = ClusterMembers.start(tmp.resolve("pve2"), "pve2", store, ClusterMembers.joinAddressOf(pve1));
        ApiClient api1 = ApiClient.loggedIn(pve1);
        ApiClient api2 = ApiClient.loggedIn(pve2);
        for (ApiClient api : List.of(api1, api2)) {
            Await.until(SETTLE, "both members see two online nodes", () ->
                    ClusterMembershipTest.nodeStates(api).equals(List.of("pve1:online", "pve2:online")));
        }
        Path images = dataDir.resolve("images");
        Files.createDirectories(images.resolve("iso"));
        Files.copy(RealGuestApiTest.iso, images.resolve("iso").resolve("fabric-test.iso"),
                StandardCopyOption.REPLACE_EXISTING);

        // created and booted through pve2; it runs on pve1's real host
        vmid = 90_000 + ThreadLocalRandom.current().nextInt(9_000);
        String base = "/nodes/pve1/qemu/" + vmid;
        api2.runTask("pve1", "/nodes/pve1/qemu", params("vmid", String.valueOf(vmid), "name", "remoteconsole",
                "memory", "256", "ide2", "local:iso/fabric-test.iso,media=cdrom", "boot", "order=ide2",
                "serial0", "socket", "vga", "serial0"));
        Path serialLog = dataDir.resolve("state").resolve("serial").resolve("vm-" + vmid + "-serial0.log");
        long t0 = System.nanoTime();
        api2.runTask("pve1", base + "/status/start", params());

        long tOpen = System.nanoTime();
        ApiClient.Console console = api2.console(base + "/serial");
        long opened = ms(tOpen);
        boolean markerBeforeOpen = logContains(serialLog, MARKER);
        try {
            if (markerBeforeOpen) {
                // the guest booted faster than the socket opened: what it printed then went only to the log
                System.out.println("remoteconsole: the marker was printed before the console opened");
            } else {
                console.awaitOutput(MARKER, CONSOLE);
                System.out.printf("remoteconsole: start request to %s through pve2's console %d ms%n", MARKER, ms(t0));
            }
            RealGuestApiTest.awaitMarker(serialLog, CONSOLE);
            long tc = System.nanoTime();
            console.type("echo console-$((40+2))\n");
            console.awaitOutput("console-42", Duration.ofSeconds(20));
            System.out.printf("remoteconsole: WebSocket opened through pve2 in %d ms; typed command echoed in %d ms%n",
                    opened, ms(tc));
        } finally {
            console.close();
        }

        // a second console after the first was closed: the owner released the first one's streams
        ApiClient.Console again = api2.console(base + "/serial");
        long rounds = System.nanoTime();
        for (int i = 0; i < 10; i++) {
            // the guest's tty echoes the typed line too: only the shell's answer holds the computed number
            again.type("echo r$((" + i + "+1000))x\n");
            again.awaitOutput("r" + (i + 1000) + "x", Duration.ofSeconds(20));
        }
        System.out.printf("remoteconsole: 10 typed commands through pve2, %d ms each on average%n", ms(rounds) / 10);

        // the guest ending ends the console: stopped through pve1, pve2's socket is closed by pve2
        long ts = System.nanoTime();
        api1.runTask("pve1", base + "/status/stop", params());
        String ending = again.awaitClosedByServer(Duration.ofSeconds(30));
        System.out.printf("remoteconsole: stop to console end %d ms (%s)%n", ms(ts), ending);
        assertThat(ending).as("a normal close: the guest's console ended").isEqualTo("closed 1000");

        // the errors, asked of the member that does not run the node
        var stopped = api2.get(base + "/serial");
        assertThat(stopped.status()).as("not running").isEqualTo(409);
        assertThat(stopped.reason()).contains("no serial console");
        assertThat(api2.get("/nodes/pve1/qemu/" + (vmid + 1) + "/serial").status()).as("unknown guest").isEqualTo(404);
        // a running guest on pve2's simulated host, asked of pve1: the owner has no pty to offer
        api1.runTask("pve2", "/nodes/pve2/qemu", params("vmid", "200", "memory", "64"));
        api1.runTask("pve2", "/nodes/pve2/qemu/200/status/start", params());
        var simulated = api1.get("/nodes/pve2/qemu/200/serial");
        assertThat(simulated.status()).isEqualTo(409);
        assertThat(simulated.reason()).contains("no serial console");
        assertThat(api1.get("/nodes/pve1/qemu/200/serial").status()).as("guest 200 is not on pve1").isEqualTo(404);
    }

    private static boolean logContains(Path log, String text) throws Exception {
        return Files.isReadable(log)
                && new String(Files.readAllBytes(log), StandardCharsets.ISO_8859_1).contains(text);
    }
}
