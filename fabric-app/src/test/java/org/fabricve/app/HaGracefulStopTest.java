package org.fabricve.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.fabricve.app.ApiClient.params;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A member stopped on purpose applies the HA shutdown policy before it leaves. The stop is the one a SIGTERM or
 * Ctrl-C starts (coordinated shutdown with the JVM-exit reason), run in this JVM; a plain close is a failure and
 * runs no policy.
 */
class HaGracefulStopTest {

    @TempDir
    Path dataDir;

    @Test
    void aStopBySignalFailsOverTheHaGuestsAndReleasesTheLeaseBeforeLeaving() throws Exception {
        FabricNode node = TestNodes.start(dataDir);
        try {
            ApiClient api = ApiClient.loggedIn(node);
            api.runTask(TestNodes.NODE, "/nodes/" + TestNodes.NODE + "/qemu", params("vmid", "201", "memory", "64"));
            assertThat(api.post("/cluster/ha/resources", params("sid", "vm:201", "state", "started")).status()).isEqualTo(200);
            Await.until(Duration.ofSeconds(60), "vm:201 started by the HA manager", () -> "started".equals(api.haState("vm:201")));

            CoordinatedShutdown.get(node.system()).runAll(CoordinatedShutdown.jvmExitReason())
                    .toCompletableFuture().get(90, TimeUnit.SECONDS);

            // the default policy (conditional) on a shutdown: the agent stopped its HA guest and released its lease
            assertThat(node.ha().leftNodes()).isEqualTo(Map.of(TestNodes.NODE, true));
            // the simulated host, saved as the member stopped: the guest was shut off (libvirt's test driver runstate 5)
            String host = java.nio.file.Files.readString(dataDir.resolve("hosts").resolve(TestNodes.NODE + ".xml"));
            assertThat(host).containsPattern("runstate[^>]*>5<").doesNotContainPattern("runstate[^>]*>1<");
        } finally {
            node.close();
        }
    }

    @Test
    void aCloseIsNoGracefulStop() throws Exception {
        FabricNode node = TestNodes.start(dataDir);
        node.close();
        assertThat(node.ha().leftNodes()).isEmpty();
    }
}
