package org.fabricve.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.fabricve.app.ApiClient.params;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One member running the agents of several simulated hosts: the API shows them as ordinary nodes. */
class SimulatedHostsApiTest {

    @TempDir
    Path dataDir;

    @Test
    void eachSimulatedHostIsANodeWithItsOwnHypervisor() throws Exception {
        NodeSettings base = TestNodes.settings(dataDir, Optional.empty());
        NodeSettings three = new NodeSettings(base.dataDir(), base.nodeName(), base.bindHost(), 0, 0, true,
                Optional.empty(), Optional.empty(), Duration.ofMillis(300), 3, base.store(), Optional.empty());
        try (FabricNode node = FabricNode.start(three)) {
            ApiClient api = ApiClient.loggedIn(node);
            List<String> names = new ArrayList<>();
            for (JsonNode n : api.get("/nodes").data()) {
                names.add(n.path("node").asText() + ":" + n.path("status").asText());
            }
            assertThat(names).containsExactly("pve1:online", "pve1-2:online", "pve1-3:online");
            assertThat(api.get("/cluster/resources?type=storage").data()).hasSize(3);

            api.runTask("pve1-3", "/nodes/pve1-3/qemu", params("vmid", "300", "memory", "64", "scsi0", "local:1"));
            api.runTask("pve1-3", "/nodes/pve1-3/qemu/300/status/start", params());
            JsonNode current = api.get("/nodes/pve1-3/qemu/300/status/current").data();
            assertThat(current.path("fabric").path("hypervisor_state").asText()).isEqualTo("running");
            assertThat(api.get("/nodes/pve1/qemu/300/status/current").status())
                    .as("the guest lives on pve1-3 only").isEqualTo(404);
            assertThat(api.get("/nodes/pve1-3/storage/local/content").data().get(0).path("volid").asText())
                    .isEqualTo("local:vm-300-disk-0");
            assertThat(api.get("/nodes/pve1/storage/local/content").data()).as("each host has its own pool")
                    .isEmpty();

            // a node's mem is the memory promised to its running guests, counted on that node only
            api.runTask("pve1-2", "/nodes/pve1-2/qemu", params("vmid", "200", "memory", "128"));
            Map<String, Long> expected = Map.of("pve1", 0L, "pve1-2", 0L, "pve1-3", 64L << 20);
            Await.until(Duration.ofSeconds(5), "node rows " + expected, () -> nodeMemory(api, "/nodes")
                    .equals(expected) && nodeMemory(api, "/cluster/resources?type=node").equals(expected));
            api.runTask("pve1-2", "/nodes/pve1-2/qemu/200/status/start", params());
            Map<String, Long> both = Map.of("pve1", 0L, "pve1-2", 128L << 20, "pve1-3", 64L << 20);
            Await.until(Duration.ofSeconds(5), "node rows " + both, () -> nodeMemory(api, "/nodes").equals(both)
                    && nodeMemory(api, "/cluster/resources").equals(both));
        }
    }

    /** node -> mem of the node rows a listing returns (other rows ignored). */
    private static Map<String, Long> nodeMemory(ApiClient api, String path) {
        Map<String, Long> out = new java.util.TreeMap<>();
        JsonNode rows;
        try {
            rows = api.get(path).data();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        for (JsonNode row : rows) {
            if (path.equals("/nodes") || row.path("type").asText().equals("node")) {
                out.put(row.path("node").asText(), row.path("mem").asLong());
            }
        }
        return out;
    }

    @Test
    void simulatedHostsNeedTheSimulator() {
        NodeSettings base = TestNodes.settings(dataDir, Optional.empty());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new NodeSettings(base.dataDir(), "pve1",
                        "127.0.0.1", 0, 0, true, Optional.of("qemu:///system"), Optional.empty(), Duration.ofSeconds(1), 2,
                        base.store(), Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("simulated hosts");
    }
}
