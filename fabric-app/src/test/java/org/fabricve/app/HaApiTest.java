package org.fabricve.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.fabricve.app.ApiClient.params;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The HA resource API on a real node: create, list, status, bad input refused with the parameter named, delete. */
class HaApiTest extends SharedNodeTest {

    private static final Duration HA_SETTLE = Duration.ofSeconds(60);

    @Test
    void aGuestUnderHaIsListedReportedAndReleased() throws Exception {
        api.runTask(N, "/nodes/" + N + "/qemu", params("vmid", "150", "memory", "64"));

        ApiClient.Response created = api.post("/cluster/ha/resources", params("sid", "vm:150", "state", "started",
                "comment", "web"));
        assertThat(created.status()).as(created.body().toString()).isEqualTo(200);
        assertThat(sids(api.get("/cluster/ha/resources").data())).contains("vm:150");
        JsonNode one = api.get("/cluster/ha/resources/vm:150").data();
        assertThat(one.path("comment").asText()).isEqualTo("web");
        assertThat(one.path("max_restart").asInt()).isEqualTo(1);

        // requested started: the manager starts the stopped guest and reports it started
        Await.until(HA_SETTLE, "vm:150 reported started and running", () -> {
            try {
                return serviceState("vm:150").equals("started") && "running".equals(api.get("/nodes/" + N
                        + "/qemu/150/status/current").data().path("status").asText());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        ApiClient.Response deleted = api.delete("/cluster/ha/resources/vm:150");
        assertThat(deleted.status()).as(deleted.body().toString()).isEqualTo(200);
        Await.until(HA_SETTLE, "vm:150 no longer listed", () -> {
            try {
                return !sids(api.get("/cluster/ha/resources").data()).contains("vm:150");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void badResourcesAreRefusedWithTheParameterNamed() throws Exception {
        ApiClient.Response noGuest = api.post("/cluster/ha/resources", params("sid", "vm:999"));
        assertThat(noGuest.status()).isEqualTo(400);
        assertThat(noGuest.body().path("errors").has("sid")).as(noGuest.body().toString()).isTrue();

        ApiClient.Response badSid = api.post("/cluster/ha/resources", params("sid", "disk:1"));
        assertThat(badSid.status()).isEqualTo(400);
        assertThat(badSid.body().path("errors").has("sid")).as(badSid.body().toString()).isTrue();

        api.runTask(N, "/nodes/" + N + "/qemu", params("vmid", "151", "memory", "64"));
        ApiClient.Response badState = api.post("/cluster/ha/resources", params("sid", "vm:151", "state", "asleep"));
        assertThat(badState.status()).isEqualTo(400);
        assertThat(badState.body().path("errors").has("state")).as(badState.body().toString()).isTrue();

        assertThat(sids(api.get("/cluster/ha/resources").data())).as("nothing was added")
                .doesNotContain("vm:999", "vm:151");
        assertThat(api.get("/cluster/ha/resources/vm:151").status()).isEqualTo(404);
    }

    @Test
    void theOnlyNodeGoesIntoMaintenanceAndBack() throws Exception {
        ApiClient.Response enable = api.post("/cluster/ha/node-maintenance-set", params("node", N));
        assertThat(enable.status()).as(enable.body().toString()).isEqualTo(200);
        Await.until(HA_SETTLE, N + " in maintenance", () -> {
            try {
                JsonNode all = api.get("/cluster/ha/status/manager_status").data();
                return all.path("manager_status").path("node_status").path(N).asText().equals("maintenance")
                        && all.path("lrm_status").path(N).path("mode").asText().equals("maintenance");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(api.post("/cluster/ha/node-maintenance-set", params("node", N, "disable", "1")).status()).isEqualTo(200);
        Await.until(HA_SETTLE, N + " online again", () -> {
            try {
                JsonNode all = api.get("/cluster/ha/status/manager_status").data();
                return all.path("manager_status").path("node_status").path(N).asText().equals("online")
                        && all.path("lrm_status").path(N).path("mode").asText().equals("active");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void theShutdownPolicyAndCrsModeAreDatacenterOptions() throws Exception {
        JsonNode before = api.get("/cluster/options").data();
        assertThat(before.path("ha").asText()).isEqualTo("shutdown_policy=conditional");
        assertThat(before.path("crs").asText()).isEqualTo("ha=basic");
        try {
            assertThat(api.put("/cluster/options", params("ha", "shutdown_policy=failover", "crs", "ha=static")).status())
                    .isEqualTo(200);
            JsonNode set = api.get("/cluster/options").data();
            assertThat(set.path("ha").asText()).isEqualTo("shutdown_policy=failover");
            assertThat(set.path("crs").asText()).isEqualTo("ha=static");

            // refused by name, nothing changed
            for (var bad : java.util.List.of(params("ha", "shutdown_policy=later"), params("ha", "shutdown_later=1"),
                    params("crs", "ha=dynamic"), params("delete", "keyboard"), params("keyboard", "de"))) {
                ApiClient.Response r = api.put("/cluster/options", bad);
                assertThat(r.status()).as(bad.toString()).isEqualTo(400);
                String named = bad.containsKey("keyboard") ? "keyboard" : bad.keySet().iterator().next();
                assertThat(r.body().path("errors").has(named)).as(r.body().toString()).isTrue();
            }
            assertThat(api.get("/cluster/options").data()).isEqualTo(set);
        } finally {
            assertThat(api.put("/cluster/options", params("delete", "ha,crs")).status()).isEqualTo(200);
        }
        assertThat(api.get("/cluster/options").data()).isEqualTo(before);
    }

    private String serviceState(String sid) throws Exception {
        for (JsonNode e : api.get("/cluster/ha/status/current").data()) {
            if (sid.equals(e.path("sid").asText())) {
                return e.path("state").asText();
            }
        }
        return "";
    }

    private static java.util.List<String> sids(JsonNode list) {
        java.util.List<String> out = new java.util.ArrayList<>();
        list.forEach(r -> out.add(r.path("sid").asText()));
        return out;
    }
}
