package org.fabricve.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.fabricve.app.ApiClient.params;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.fabricve.persistence.JournalStore;
import org.fabricve.persistence.testkit.TestCassandra;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole member on the Cassandra journal (the test run's real node, a keyspace of this class's own):
 * guests created and started through the API, a restart, and everything is still there, read back from
 * Cassandra; no H2 database is created.
 */
class CassandraNodeTest {

    static final String N = TestNodes.NODE;
    private static String keyspace;

    @TempDir
    Path dataDir;

    @BeforeAll
    static void keyspace() {
        TestCassandra.node();
        keyspace = TestCassandra.uniqueKeyspace("node");
    }

    @AfterAll
    static void dropKeyspace() {
        TestCassandra.dropKeyspace(keyspace);
    }

    private FabricNode start() throws Exception {
        JournalStore.Cassandra store = TestCassandra.node();
        NodeSettings s = TestNodes.settings(dataDir, Optional.empty());
        NodeSettings onCassandra = new NodeSettings(s.dataDir(), s.nodeName(), s.bindHost(), s.apiPort(), s.clusterPort(),
                s.tls(), s.libvirtUri(), s.rootPassword(), s.reconcileInterval(), s.simulatedHosts(), store, s.join());
        Config keyspaceConfig = TestCassandra.keyspace(keyspace);
        long began = System.nanoTime();
        FabricNode node = FabricNode.start(onCassandra, keyspaceConfig);
        System.out.printf("cassandra: node started in %d ms%n", (System.nanoTime() - began) / 1_000_000);
        return node;
    }

    @Test
    void guestsSurviveARestartOnTheCassandraJournal() throws Exception {
        String createUpid;
        try (FabricNode first = start()) {
            ApiClient api = ApiClient.loggedIn(first);
            long began = System.nanoTime();
            createUpid = api.runTask(N, "/nodes/" + N + "/qemu", params("vmid", "100", "name", "on-cassandra",
                    "memory", "512", "scsi0", "local:2"));
            System.out.printf("cassandra: guest create task through the API in %d ms%n",
                    (System.nanoTime() - began) / 1_000_000);
            api.runTask(N, "/nodes/" + N + "/qemu/100/status/start", params());
            assertThat(api.get("/nodes/" + N + "/qemu/100/status/current").data().path("status").asText())
                    .isEqualTo("running");
            Await.until(Duration.ofSeconds(10), "the guest in /cluster/resources", () -> {
                try {
                    return api.get("/cluster/resources?type=vm").data().toString().contains("on-cassandra");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        assertThat(dataDir.resolve("db")).as("no H2 database on the Cassandra store").doesNotExist();

        try (FabricNode second = start()) {
            ApiClient api = ApiClient.loggedIn(second);
            JsonNode vm = api.get("/nodes/" + N + "/qemu/100/status/current").data();
            assertThat(vm.path("status").asText()).isEqualTo("running");
            assertThat(vm.path("name").asText()).isEqualTo("on-cassandra");
            assertThat(api.get("/nodes/" + N + "/qemu/100/config").data().path("memory").asText()).isEqualTo("512");
            assertThat(api.get("/nodes/" + N + "/tasks/" + createUpid + "/status").data().path("exitstatus").asText())
                    .isEqualTo("OK");
            assertThat(api.post("/nodes/" + N + "/qemu", params("vmid", "100")).status())
                    .as("the vmid is still taken").isEqualTo(409);
            api.runTask(N, "/nodes/" + N + "/qemu/100/status/stop", params());
            assertThat(api.get("/nodes/" + N + "/qemu/100/status/current").data().path("status").asText())
                    .isEqualTo("stopped");
        }
    }
}
