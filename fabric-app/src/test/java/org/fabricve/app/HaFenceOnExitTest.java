package org.fabricve.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.fabricve.app.ApiClient.params;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A member's process can go while its hypervisor, and the HA guests on it, stay up. A downed member kills them
 * before it exits; a member that died without doing so (a crash) kills them when it starts again, before its new
 * generation tells the manager that every guest of the old one is dead. The simulated host is saved as the member
 * stops, so the host file shows what a libvirtd that kept running would still run.
 */
class HaFenceOnExitTest {

    @TempDir
    Path dataDir;

    @Test
    void aDownedMemberKillsItsHaGuestsBeforeItsProcessGoes() throws Exception {
        FabricNode node = TestNodes.start(dataDir);
        try {
            ApiClient api = ApiClient.loggedIn(node);
            haGuestStarted(api, "301");
            api.runTask(TestNodes.NODE, "/nodes/" + TestNodes.NODE + "/qemu", params("vmid", "302", "memory", "64"));
            api.runTask(TestNodes.NODE, "/nodes/" + TestNodes.NODE + "/qemu/302/status/start", params());

            CoordinatedShutdown.get(node.system()).runAll(CoordinatedShutdown.clusterDowningReason())
                    .toCompletableFuture().get(60, TimeUnit.SECONDS);

            String host = savedHost();
            assertThat(runstate(host, "301")).as("the HA guest").isEqualTo("5");
            assertThat(runstate(host, "302")).as("a guest HA does not manage keeps running").isEqualTo("1");
        } finally {
            node.close();
        }
    }

    @Test
    void aRestartedMemberKillsTheHaGuestsItsDeadProcessLeftRunningBeforeItRenews() throws Exception {
        FabricNode first = TestNodes.start(dataDir);
        try {
            haGuestStarted(ApiClient.loggedIn(first), "311");
        } finally {
            first.close(); // no policy, no fence: like a crashed process, the guest stays up on the hypervisor
        }
        assertThat(runstate(savedHost(), "311")).as("the premise: the guest outlived the process").isEqualTo("1");
        long restartedAt = Instant.now().getEpochSecond();

        FabricNode second = TestNodes.start(dataDir);
        try {
            ApiClient api = ApiClient.loggedIn(second);
            // the new agent killed the guest; the manager, told by the new generation that the old one is fenced,
            // starts it again: a start task after the restart proves the kill (a running guest needs none)
            Await.until(Duration.ofSeconds(60), "vm:311 started again by HA after the restart", () -> {
                for (JsonNode t : tasks(api, "311")) {
                    if (t.path("type").asText().equals("qmstart") && t.path("starttime").asLong() >= restartedAt
                            && t.path("status").asText().equals("OK")) {
                        return true;
                    }
                }
                return false;
            });
            Await.until(Duration.ofSeconds(30), "vm:311 started", () -> "started".equals(api.haState("vm:311")));
        } finally {
            second.close();
        }
    }

    private static void haGuestStarted(ApiClient api, String vmid) throws Exception {
        api.runTask(TestNodes.NODE, "/nodes/" + TestNodes.NODE + "/qemu", params("vmid", vmid, "memory", "64"));
        assertThat(api.post("/cluster/ha/resources", params("sid", "vm:" + vmid, "state", "started")).status()).isEqualTo(200);
        Await.until(Duration.ofSeconds(60), "vm:" + vmid + " started by the HA manager",
                () -> "started".equals(api.haState("vm:" + vmid)));
    }

    private static JsonNode tasks(ApiClient api, String vmid) {
        try {
            return api.get("/nodes/" + TestNodes.NODE + "/tasks?vmid=" + vmid).data();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private String savedHost() throws Exception {
        return Files.readString(dataDir.resolve("hosts").resolve(TestNodes.NODE + ".xml"));
    }

    /** The test driver's run state of a guest's domain in the saved host (1 running, 5 shut off). */
    private static String runstate(String host, String vmid) {
        var m = java.util.regex.Pattern.compile("<name>[^<]*-" + vmid + "</name>.*?<test:runstate[^>]*>(\\d+)<",
                java.util.regex.Pattern.DOTALL).matcher(host);
        return m.find() ? m.group(1) : "no domain";
    }
}
