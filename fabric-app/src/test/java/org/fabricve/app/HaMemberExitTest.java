package org.fabricve.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.fabricve.app.ApiClient.params;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What becomes of a member's HA guests when its process goes, in this JVM. Stopped on purpose (the coordinated
 * shutdown a SIGTERM or Ctrl-C starts, JVM-exit reason), it applies the HA shutdown policy before it leaves. The
 * guests outlive the process otherwise, as QEMU outlives it under libvirtd: a downed member kills them before it
 * exits, and a member that died without doing so (a crash; here a plain close) kills them when it starts again,
 * before its new generation tells the manager that every guest of the old one is dead. The simulated host is saved
 * as the member stops, so its file shows what a libvirtd that kept running would still run.
 */
class HaMemberExitTest {

    @TempDir
    Path dataDir;

    @Test
    void aStopBySignalFailsOverTheHaGuestsAndReleasesTheLeaseBeforeLeaving() throws Exception {
        FabricNode node = nodeWithHaGuest("201");
        try {
            CoordinatedShutdown.get(node.system()).runAll(CoordinatedShutdown.jvmExitReason())
                    .toCompletableFuture().get(90, TimeUnit.SECONDS);

            // the default policy (conditional) on a shutdown: the agent stopped its HA guest and released its lease
            assertThat(node.ha().leftNodes()).isEqualTo(Map.of(TestNodes.NODE, true));
            assertThat(runstate(savedHost(), "201")).as("the HA guest").isEqualTo("5");
        } finally {
            node.close();
        }
    }

    @Test
    void aDownedMemberKillsItsHaGuestsBeforeItsProcessGoes() throws Exception {
        FabricNode node = nodeWithHaGuest("301");
        try {
            ApiClient api = ApiClient.loggedIn(node);
            api.runTask(TestNodes.NODE, "/nodes/" + TestNodes.NODE + "/qemu", params("vmid", "302", "memory", "64"));
            api.runTask(TestNodes.NODE, "/nodes/" + TestNodes.NODE + "/qemu/302/status/start", params());

            CoordinatedShutdown.get(node.system()).runAll(CoordinatedShutdown.clusterDowningReason())
                    .toCompletableFuture().get(60, TimeUnit.SECONDS);

            assertThat(node.ha().leftNodes()).as("a downing applies no shutdown policy").isEmpty();
            String host = savedHost();
            assertThat(runstate(host, "301")).as("the HA guest").isEqualTo("5");
            assertThat(runstate(host, "302")).as("a guest HA does not manage keeps running").isEqualTo("1");
        } finally {
            node.close();
        }
    }

    @Test
    void aRestartedMemberKillsTheHaGuestsItsDeadProcessLeftRunningBeforeItRenews() throws Exception {
        FabricNode first = nodeWithHaGuest("311");
        first.close(); // no policy, no fence: like a crashed process, the guest stays up on the hypervisor
        assertThat(first.ha().leftNodes()).isEmpty();
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

    private FabricNode nodeWithHaGuest(String vmid) throws Exception {
        FabricNode node = TestNodes.start(dataDir);
        try {
            ApiClient.loggedIn(node).haGuestStarted(TestNodes.NODE, vmid);
            return node;
        } catch (Exception | AssertionError e) {
            node.close();
            throw e;
        }
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
