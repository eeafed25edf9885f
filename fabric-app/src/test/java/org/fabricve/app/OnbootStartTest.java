package org.fabricve.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.fabricve.app.ApiClient.params;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guests with {@code onboot: 1} start when the host boots, in their {@code startup} order, each waiting its
 * {@code up} delay; a restart of the member without a boot starts nothing, and HA-managed guests are left to HA.
 * The boot is the kernel's boot id changing; here a file the test writes stands in for it.
 */
class OnbootStartTest {

    private static final String N = TestNodes.NODE;

    @TempDir
    Path dataDir;
    @TempDir
    Path kernel;

    @Test
    void aBootStartsTheOnbootGuestsInTheirStartupOrderAndARestartWithoutABootStartsNone() throws Exception {
        Path bootId = kernel.resolve("boot_id");
        Files.writeString(bootId, "boot-1\n");
        FabricNode node = start(bootId);
        try {
            assertThat(node.onbootStarts().toCompletableFuture().get(30, TimeUnit.SECONDS)).as("no guest yet").isEmpty();
            ApiClient api = ApiClient.loggedIn(node);
            create(api, "501", "onboot", "1", "startup", "order=2");
            create(api, "502", "onboot", "1", "startup", "order=1,up=2");
            create(api, "503", "onboot", "0");
            create(api, "504", "onboot", "1");
            create(api, "505", "onboot", "1", "startup", "order=1");
            assertThat(api.post("/cluster/ha/resources", params("sid", "vm:505", "state", "stopped")).status())
                    .isEqualTo(200);
        } finally {
            node.close();
        }

        node = start(bootId);
        try {
            assertThat(node.onbootStarts().toCompletableFuture().get(30, TimeUnit.SECONDS))
                    .as("the same boot: nothing starts").isEmpty();
        } finally {
            node.close();
        }

        Files.writeString(bootId, "boot-2\n");
        node = start(bootId);
        try {
            assertThat(node.onbootStarts().toCompletableFuture().get(90, TimeUnit.SECONDS))
                    .as("order 1 first, then 2, then the guests without an order; not 503 (onboot 0), not 505 (HA)")
                    .containsExactly(502, 501, 504);
            ApiClient api = ApiClient.loggedIn(node);
            assertThat(status(api, "503")).isEqualTo("stopped");
            assertThat(status(api, "505")).isEqualTo("stopped");
            assertThat(status(api, "504")).isEqualTo("running");
            // 502 asks for 2 s before the next start (start times are whole seconds, so the gap is at least 2)
            assertThat(startTime(api, "501") - startTime(api, "502")).isGreaterThanOrEqualTo(2);
        } finally {
            node.close();
        }
    }

    private FabricNode start(Path bootId) throws Exception {
        Map<String, Object> config = new HashMap<>();
        config.put("fabric.boot-id-file", bootId.toString());
        return FabricNode.start(TestNodes.settings(dataDir, Optional.empty()), ConfigFactory.parseMap(config));
    }

    private static void create(ApiClient api, String vmid, String... keysAndValues) throws Exception {
        Map<String, String> p = new HashMap<>(params("vmid", vmid, "memory", "64"));
        for (int i = 0; i < keysAndValues.length; i += 2) p.put(keysAndValues[i], keysAndValues[i + 1]);
        api.runTask(N, "/nodes/" + N + "/qemu", p);
    }

    private static String status(ApiClient api, String vmid) throws Exception {
        return api.get("/nodes/" + N + "/qemu/" + vmid + "/status/current").data().path("status").asText();
    }

    private static long startTime(ApiClient api, String vmid) throws Exception {
        List<Long> starts = new java.util.ArrayList<>();
        for (JsonNode t : api.get("/nodes/" + N + "/tasks?vmid=" + vmid).data()) {
            if (t.path("type").asText().equals("qmstart")) starts.add(t.path("starttime").asLong());
        }
        assertThat(starts).as("start tasks of " + vmid).hasSize(1);
        return starts.get(0);
    }
}
