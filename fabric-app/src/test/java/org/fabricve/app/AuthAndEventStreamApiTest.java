package org.fabricve.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.fabricve.app.ApiClient.params;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Login, tickets and CSRF; the Server-Sent Event stream and its exact resume with Last-Event-ID. */
class AuthAndEventStreamApiTest extends SharedNodeTest {

    ApiClient anonymous;

    @BeforeAll
    void anonymousClient() throws Exception {
        anonymous = newClient();
    }

    @Test
    void loginFailures() throws Exception {
        ApiClient.Response wrong = anonymous.post("/access/ticket", params("username", "root@pam", "password", "nope"));
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.data().isNull()).isTrue();
        assertThat(anonymous.post("/access/ticket", params("username", "admin@pve", "password", "x")).status())
                .isEqualTo(401);
        String password = java.nio.file.Files.readString(node.credentials().passwordFile()).strip();
        assertThat(anonymous.post("/access/ticket", params("username", "root", "realm", "pve",
                "password", password)).status()).as("root exists only in the pam realm").isEqualTo(401);
        assertThat(anonymous.post("/access/ticket", params("username", "root", "realm", "pam",
                "password", password)).status()).isEqualTo(200);
        ApiClient.Response missing = anonymous.post("/access/ticket", params("password", "x"));
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.body().path("errors").has("username")).isTrue();
    }

    @Test
    void theOpenApiDocumentIsPublicAndDescribesTheRoutes() throws Exception {
        ApiClient.Response doc = anonymous.get("/openapi.json");
        assertThat(doc.status()).isEqualTo(200);
        assertThat(doc.body().path("openapi").asText()).startsWith("3.");
        JsonNode paths = doc.body().path("paths");
        for (String path : List.of("/access/ticket", "/version", "/nodes", "/nodes/{node}/status",
                "/nodes/{node}/qemu", "/nodes/{node}/qemu/{vmid}/config", "/nodes/{node}/lxc/{vmid}/status/current",
                "/nodes/{node}/tasks/{upid}/log", "/cluster/resources", "/cluster/nextid", "/cluster/events",
                "/storage", "/nodes/{node}/storage/{storage}/content")) {
            assertThat(paths.has(path)).as(path).isTrue();
        }
    }

    @Test
    void everyCallNeedsATicketAndEveryWriteACsrfToken() throws Exception {
        assertThat(anonymous.get("/version").status()).isEqualTo(401);
        assertThat(anonymous.get("/nodes").status()).isEqualTo(401);
        ApiClient forged = newClient()
                .withTicket(api.ticket().replace("root@pam", "evil@pam"), api.csrf());
        assertThat(forged.get("/nodes").status()).isEqualTo(401);

        ApiClient noCsrf = newClient().withTicket(api.ticket(), null);
        assertThat(noCsrf.get("/nodes").status()).as("reads need no CSRF token").isEqualTo(200);
        ApiClient.Response write = noCsrf.post("/nodes/" + N + "/qemu", params("vmid", "150"));
        assertThat(write.status()).isEqualTo(401);
        assertThat(write.reason()).contains("CSRF");
        ApiClient badCsrf = newClient().withTicket(api.ticket(), "0:forged");
        assertThat(badCsrf.post("/nodes/" + N + "/qemu", params("vmid", "150")).status()).isEqualTo(401);
        assertThat(api.get("/nodes/" + N + "/qemu/150/config").status()).as("nothing was created").isEqualTo(404);
    }

    @Test
    void eventStreamDeliversEveryEventOnceAndResumesExactly() throws Exception {
        BlockingQueue<String> live = api.events(null);
        String vmid = "160";
        String create = api.runTask(N, "/nodes/" + N + "/qemu", params("vmid", vmid, "memory", "64"));
        String start = api.runTask(N, "/nodes/" + N + "/qemu/" + vmid + "/status/start", params());

        List<JsonNode> mine = new ArrayList<>();
        long lastId = 0;
        while (mine.size() < 4) {
            JsonNode e = ApiClient.nextEvent(live, Duration.ofSeconds(10));
            assertThat(e.path("id").asLong()).as("ids strictly increase").isGreaterThan(lastId);
            lastId = e.path("id").asLong();
            if (e.path("entity").asText().equals("Guest|" + vmid)) {
                mine.add(e);
            }
        }
        assertThat(mine).extracting(e -> e.path("type").asText()).containsExactly("guest.CreationStarted",
                "guest.TaskFinished", "guest.OperationStarted", "guest.TaskFinished");
        assertThat(mine.get(1).path("event").path("task").path("upid").asText()).isEqualTo(create);
        assertThat(mine.get(3).path("event").path("task").path("upid").asText()).isEqualTo(start);
        assertThat(mine).extracting(e -> e.path("seq").asLong()).containsExactly(1L, 2L, 3L, 4L);

        // a subscriber that saw up to the create's end resumes with exactly the start's two events
        String resumeAfter = mine.get(1).path("id").asText();
        BlockingQueue<String> resumed = api.events(resumeAfter);
        List<JsonNode> again = new ArrayList<>();
        while (again.size() < 2) {
            JsonNode e = ApiClient.nextEvent(resumed, Duration.ofSeconds(10));
            assertThat(e.path("id").asLong()).isGreaterThan(Long.parseLong(resumeAfter));
            if (e.path("entity").asText().equals("Guest|" + vmid)) {
                again.add(e);
            }
        }
        assertThat(again).extracting(e -> e.path("id").asLong())
                .containsExactly(mine.get(2).path("id").asLong(), mine.get(3).path("id").asLong());

        JsonNode first = ApiClient.nextEvent(api.events("0"), Duration.ofSeconds(10));
        assertThat(first.path("entity").asText()).as("last_event_id 0 replays the whole history")
                .isEqualTo("Storage|local");
        assertThat(first.path("seq").asLong()).isEqualTo(1);

        ApiClient.Response bad = api.get("/cluster/events?last_event_id=-4");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body().path("errors").has("last_event_id")).isTrue();
    }
}
