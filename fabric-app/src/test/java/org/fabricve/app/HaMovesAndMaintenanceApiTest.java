package org.fabricve.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.fabricve.app.ApiClient.params;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * HA moves, node maintenance and the status shapes through the real API, on one member that runs two simulated
 * hosts ({@code pve1}, {@code pve1-2}): each host has its own hypervisor and HA agent, so a move really moves.
 * The tests run in order: each starts from where the previous one left {@code vm:170}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HaMovesAndMaintenanceApiTest {

    private static final String N1 = "pve1";
    private static final String N2 = "pve1-2";
    private static final Duration HA_SETTLE = Duration.ofSeconds(40);

    @TempDir
    static Path dataDir;
    private FabricNode node;
    private ApiClient api;

    @BeforeAll
    void start() throws Exception {
        NodeSettings base = TestNodes.settings(dataDir, Optional.empty());
        node = FabricNode.start(new NodeSettings(base.dataDir(), base.nodeName(), base.bindHost(), 0, 0, true,
                Optional.empty(), Optional.empty(), Duration.ofMillis(300), 2, base.store(), Optional.empty()));
        api = ApiClient.loggedIn(node);
        api.runTask(N1, "/nodes/" + N1 + "/qemu", params("vmid", "170", "memory", "64"));
        ApiClient.Response created = api.post("/cluster/ha/resources", params("sid", "vm:170", "state", "started"));
        assertThat(created.status()).as(created.body().toString()).isEqualTo(200);
        awaitRunningOn(N1);
    }

    @AfterAll
    void stop() {
        if (node != null) node.close();
    }

    @Test
    @Order(1)
    void theStatusHasProxmoxsShapes() throws Exception {
        JsonNode all = api.get("/cluster/ha/status/manager_status").data();
        JsonNode ms = all.path("manager_status");
        assertThat(ms.path("master_node").asText()).isEqualTo(N1);
        assertThat(ms.path("timestamp").isIntegralNumber()).isTrue();
        assertThat(ms.path("node_status").path(N1).asText()).isEqualTo("online");
        assertThat(ms.path("node_status").path(N2).asText()).isEqualTo("online");
        assertThat(ms.path("node_request").isObject()).isTrue();
        JsonNode service = ms.path("service_status").path("vm:170");
        assertThat(service.path("node").asText()).isEqualTo(N1);
        assertThat(service.path("state").asText()).isEqualTo("started");
        assertThat(service.path("uid").asText()).isNotEmpty();
        assertThat(service.path("running").asInt()).isEqualTo(1);
        JsonNode lrm = all.path("lrm_status").path(N1);
        assertThat(lrm.path("mode").asText()).isEqualTo("active");
        assertThat(lrm.path("state").asText()).isEqualTo("active");
        assertThat(lrm.path("timestamp").asLong()).isCloseTo(ms.path("timestamp").asLong(), org.assertj.core.data.Offset.offset(10L));
        assertThat(all.path("quorum").path("node").asText()).isEqualTo(N1);
        assertThat(all.path("quorum").path("quorate").asInt()).isEqualTo(1);

        JsonNode current = api.get("/cluster/ha/status/current").data();
        assertThat(row(current, "quorum").path("quorate").asInt()).isEqualTo(1);
        assertThat(row(current, "quorum").path("status").asText()).isEqualTo("OK");
        assertThat(row(current, "master").path("node").asText()).isEqualTo(N1);
        assertThat(row(current, "master").path("status").asText()).startsWith(N1 + " (active, ");
        assertThat(row(current, "lrm:" + N1).path("status").asText()).startsWith(N1 + " (active, ");
        assertThat(row(current, "lrm:" + N2).path("status").asText()).as("no active service there").startsWith(N2 + " (idle, ");
        JsonNode svc = row(current, "service:vm:170");
        assertThat(svc.path("type").asText()).isEqualTo("service");
        assertThat(svc.path("sid").asText()).isEqualTo("vm:170");
        assertThat(svc.path("node").asText()).isEqualTo(N1);
        assertThat(svc.path("state").asText()).isEqualTo("started");
        assertThat(svc.path("crm_state").asText()).isEqualTo("started");
        assertThat(svc.path("request_state").asText()).isEqualTo("started");
        assertThat(svc.path("max_restart").asInt()).isEqualTo(1);
        assertThat(svc.path("max_relocate").asInt()).isEqualTo(1);
        assertThat(svc.path("status").asText()).isEqualTo("vm:170 (" + N1 + ", started)");
    }

    @Test
    @Order(2)
    void badMovesAreRefusedWithTheNodeNamedAndChangeNothing() throws Exception {
        JsonNode before = api.get("/cluster/ha/status/manager_status").data().path("manager_status").path("service_status").path("vm:170");
        for (String move : new String[] {"migrate", "relocate"}) {
            String path = "/cluster/ha/resources/vm:170/" + move;
            assertBad(api.post(path, params("node", "pve9")), "node");
            assertBad(api.post(path, params()), "node");
            assertBad(api.post(path, params("node", N2, "target", N2)), "target");
            assertThat(api.post("/cluster/ha/resources/vm:171/" + move, params("node", N2)).status()).isEqualTo(404);
            assertBad(api.post("/cluster/ha/resources/disk:1/" + move, params("node", N2)), "sid");
        }
        // to the node it is on: accepted, as Proxmox does, and the manager ignores it
        ApiClient.Response same = api.post("/cluster/ha/resources/vm:170/migrate", params("node", N1));
        assertThat(same.status()).as(same.body().toString()).isEqualTo(200);
        assertThat(same.data().path("sid").asText()).isEqualTo("vm:170");
        assertThat(same.data().path("requested-node").asText()).isEqualTo(N1);
        assertThat(api.post("/cluster/ha/resources/vm:170/relocate", params("node", N1)).status()).isEqualTo(200);
        // a later command is handled after these: once it took effect, the ignored ones had their turn
        api.post("/cluster/ha/node-maintenance-set", params("node", N2));
        awaitManager("pve1-2 in maintenance", ms -> ms.path("node_status").path(N2).asText().equals("maintenance"));
        JsonNode after = api.get("/cluster/ha/status/manager_status").data().path("manager_status").path("service_status").path("vm:170");
        assertThat(after).as("nothing changed").isEqualTo(before);
        api.post("/cluster/ha/node-maintenance-set", params("node", N2, "disable", "1"));
        awaitManager("pve1-2 online", ms -> ms.path("node_status").path(N2).asText().equals("online"));
    }

    @Test
    @Order(3)
    void migrateAndRelocateMoveTheGuest() throws Exception {
        ApiClient.Response migrate = api.post("/cluster/ha/resources/vm:170/migrate", params("node", N2));
        assertThat(migrate.status()).as(migrate.body().toString()).isEqualTo(200);
        assertThat(migrate.data().path("requested-node").asText()).isEqualTo(N2);
        awaitRunningOn(N2);
        ApiClient.Response relocate = api.post("/cluster/ha/resources/vm:170/relocate", params("node", N1));
        assertThat(relocate.status()).as(relocate.body().toString()).isEqualTo(200);
        awaitRunningOn(N1);
    }

    @Test
    @Order(4)
    void aNodeInMaintenanceTakesNoMovesAndDrainsItsGuests() throws Exception {
        assertBad(api.post("/cluster/ha/node-maintenance-set", params("node", "pve9")), "node");
        assertBad(api.post("/cluster/ha/node-maintenance-set", params()), "node");
        assertBad(api.post("/cluster/ha/node-maintenance-set", params("node", N2, "disable", "maybe")), "disable");
        assertBad(api.post("/cluster/ha/node-maintenance-set", params("node", N2, "force", "1")), "force");
        assertThat(api.get("/cluster/ha/status/manager_status").data().path("manager_status").path("node_request").size())
                .as("nothing requested").isZero();

        // the node without the guest: in maintenance, it takes no move
        assertThat(api.post("/cluster/ha/node-maintenance-set", params("node", N2)).status()).isEqualTo(200);
        awaitManager("pve1-2 in maintenance", ms -> ms.path("node_status").path(N2).asText().equals("maintenance"));
        JsonNode all = api.get("/cluster/ha/status/manager_status").data();
        assertThat(all.path("manager_status").path("node_request").path(N2).path("maintenance").asInt()).isEqualTo(1);
        assertThat(all.path("lrm_status").path(N2).path("mode").asText()).isEqualTo("maintenance");
        assertThat(row(api.get("/cluster/ha/status/current").data(), "lrm:" + N2).path("status").asText())
                .startsWith(N2 + " (maintenance mode, ");
        ApiClient.Response refused = api.post("/cluster/ha/resources/vm:170/migrate", params("node", N2));
        assertBad(refused, "node");
        assertThat(refused.body().path("errors").path("node").asText()).contains("not online");
        assertThat(api.post("/cluster/ha/node-maintenance-set", params("node", N2, "disable", "1")).status()).isEqualTo(200);
        awaitManager("pve1-2 online again", ms -> ms.path("node_status").path(N2).asText().equals("online")
                && ms.path("node_request").size() == 0);

        // the node with the guest: it is drained to the other node, and comes back afterwards
        assertThat(api.post("/cluster/ha/node-maintenance-set", params("node", N1)).status()).isEqualTo(200);
        awaitManager("pve1 in maintenance", ms -> ms.path("node_status").path(N1).asText().equals("maintenance"));
        awaitRunningOn(N2);
        assertThat(api.get("/cluster/ha/status/manager_status").data().path("manager_status").path("service_status")
                .path("vm:170").path("maintenance_node").asText()).isEqualTo(N1);
        assertThat(api.post("/cluster/ha/node-maintenance-set", params("node", N1, "disable", "1")).status()).isEqualTo(200);
        awaitManager("pve1 online again", ms -> ms.path("node_status").path(N1).asText().equals("online"));
        awaitRunningOn(N1);
    }

    private void awaitRunningOn(String host) {
        Await.until(HA_SETTLE, "vm:170 started and running on " + host, () -> {
            try {
                JsonNode svc = row(api.get("/cluster/ha/status/current").data(), "service:vm:170");
                return svc.path("node").asText().equals(host) && svc.path("state").asText().equals("started")
                        && "running".equals(api.get("/nodes/" + host + "/qemu/170/status/current").data().path("status").asText());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private void awaitManager(String what, Predicate<JsonNode> managerStatus) {
        Await.until(HA_SETTLE, what, () -> {
            try {
                return managerStatus.test(api.get("/cluster/ha/status/manager_status").data().path("manager_status"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static JsonNode row(JsonNode rows, String id) {
        for (JsonNode r : rows) {
            if (id.equals(r.path("id").asText())) return r;
        }
        throw new AssertionError("no row " + id + " in " + rows);
    }

    private static void assertBad(ApiClient.Response r, String param) {
        assertThat(r.status()).as(r.body().toString()).isEqualTo(400);
        assertThat(r.body().path("errors").has(param)).as(param + " named in " + r.body()).isTrue();
    }
}
