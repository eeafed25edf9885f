package org.fabricve.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.fabricve.app.ApiClient.params;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A clean stop and a new start on the same data directory: every guest, task and secret is still there. */
class RestartRecoveryTest {

    static final String N = TestNodes.NODE;

    @TempDir
    Path dataDir;

    @Test
    void guestsTasksAndIdentitySurviveARestart() throws Exception {
        String fingerprint;
        String password;
        String createUpid;
        try (FabricNode first = TestNodes.start(dataDir)) {
            ApiClient api = ApiClient.loggedIn(first);
            createUpid = api.runTask(N, "/nodes/" + N + "/qemu", params("vmid", "100", "name", "keep",
                    "scsi0", "local:2"));
            api.runTask(N, "/nodes/" + N + "/qemu/100/status/start", params());
            api.runTask(N, "/nodes/" + N + "/lxc", params("vmid", "101", "ostemplate",
                    "local:vztmpl/busybox.tar.gz"));
            fingerprint = first.certificate().orElseThrow().sha256Fingerprint();
            password = Files.readString(first.credentials().passwordFile());
        }

        try (FabricNode second = TestNodes.start(dataDir)) {
            assertThat(second.certificate().orElseThrow().sha256Fingerprint()).isEqualTo(fingerprint);
            assertThat(Files.readString(second.credentials().passwordFile())).isEqualTo(password);
            assertThat(second.credentials().generatedNow()).isFalse();
            ApiClient api = ApiClient.loggedIn(second);

            JsonNode vm = api.get("/nodes/" + N + "/qemu/100/status/current").data();
            assertThat(vm.path("status").asText()).isEqualTo("running");
            assertThat(vm.path("name").asText()).isEqualTo("keep");
            assertThat(vm.path("fabric").path("hypervisor_state").asText())
                    .as("the simulated host kept the domain running, like a libvirtd that stayed up")
                    .isEqualTo("running");
            assertThat(api.get("/nodes/" + N + "/lxc/101/status/current").data().path("status").asText())
                    .isEqualTo("stopped");
            JsonNode task = api.get("/nodes/" + N + "/tasks/" + createUpid + "/status").data();
            assertThat(task.path("exitstatus").asText()).isEqualTo("OK");
            Await.until(Duration.ofSeconds(5), "the task list to hold the old tasks", () -> {
                try {
                    return api.get("/nodes/" + N + "/tasks").body().path("total").asInt() >= 3;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(api.post("/nodes/" + N + "/qemu", params("vmid", "100")).status())
                    .as("the vmid is still taken").isEqualTo(409);
            api.runTask(N, "/nodes/" + N + "/qemu/100/status/stop", params());
            assertThat(api.get("/storage").data().size()).isEqualTo(1);
        }
    }
}
