package org.fabricve.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.fabricve.app.ApiClient.params;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `kill -9` of a node process loses nothing it acknowledged: every event is in the journal (written to
 * the operating system) before the API answers. The node runs as a real child process, as `fabric up`.
 */
class CrashDurabilityTest {

    static final String PASSWORD = "crash-test-password";

    @TempDir
    Path dataDir;
    Process process;

    @AfterEach
    void kill() {
        if (process != null) {
            process.destroyForcibly();
        }
    }

    @Test
    void acknowledgedWritesSurviveSigkill() throws Exception {
        int port = freePort();
        process = startNode(port);
        ApiClient api = new ApiClient("http://127.0.0.1:" + port + "/api2/json").login(PASSWORD);
        List<String> upids = new ArrayList<>();
        for (int vmid = 101; vmid <= 110; vmid++) {
            ApiClient.Response r = api.post("/nodes/pve1/qemu", params("vmid", Integer.toString(vmid), "memory", "64"));
            assertThat(r.status()).isEqualTo(200);
            upids.add(r.data().asText());
        }
        // SIGKILL right after the last acknowledgement: no shutdown hook runs
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);

        process = startNode(port);
        ApiClient again = new ApiClient("http://127.0.0.1:" + port + "/api2/json").login(PASSWORD);
        for (int i = 0; i < upids.size(); i++) {
            String vmid = Integer.toString(101 + i);
            JsonNode task = again.awaitTask("pve1", upids.get(i));
            assertThat(task.path("exitstatus").asText()).as("create of " + vmid).isEqualTo("OK");
            assertThat(again.get("/nodes/pve1/qemu/" + vmid + "/config").status()).isEqualTo(200);
        }
        assertThat(again.post("/nodes/pve1/qemu", params("vmid", "105")).status()).isEqualTo(409);
    }

    private Process startNode(int port) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "org.fabricve.app.Main", "up").redirectErrorStream(true);
        pb.environment().put("FABRIC_DATA_DIR", dataDir.toString());
        pb.environment().put("FABRIC_API_PORT", Integer.toString(port));
        pb.environment().put("FABRIC_CLUSTER_PORT", "0");
        pb.environment().put("FABRIC_BIND", "127.0.0.1");
        pb.environment().put("FABRIC_TLS", "off");
        pb.environment().put("FABRIC_NODE", "pve1");
        pb.environment().put("FABRIC_ROOT_PASSWORD", PASSWORD);
        Process p = pb.start();
        CompletableFuture<Boolean> up = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.contains("is up.")) {
                        up.complete(true);
                    }
                }
            } catch (Exception e) {
                up.completeExceptionally(e);
            }
            up.complete(false);
        });
        reader.setDaemon(true);
        reader.start();
        assertThat(up.get(90, TimeUnit.SECONDS)).as("the node process came up").isTrue();
        return p;
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
