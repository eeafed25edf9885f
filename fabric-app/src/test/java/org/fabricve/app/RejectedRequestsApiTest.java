package org.fabricve.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.fabricve.app.ApiClient.params;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.stream.javadsl.Sink;
import org.fabricve.persistence.EventFeed;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input is refused with the parameter named and changes nothing. "Nothing" is proven on the journal:
 * after each refusal a marker write follows, and the event stream resumed from just before the refusal
 * must deliver the marker's event first.
 */
class RejectedRequestsApiTest extends SharedNodeTest {

    static final String N = TestNodes.NODE;
    static final String MARKER = "999";


    @BeforeAll
    void createGuests() throws Exception {
        api.runTask(N, "/nodes/" + N + "/qemu", params("vmid", MARKER, "memory", "64"));
        api.runTask(N, "/nodes/" + N + "/qemu", params("vmid", "500", "memory", "64"));
    }

    static Stream<Arguments> badCreates() {
        return Stream.of(
                Arguments.of(params("vmid", "99"), "vmid"),
                Arguments.of(params("vmid", "1000000000"), "vmid"),
                Arguments.of(params("vmid", "abc"), "vmid"),
                Arguments.of(params("memory", "512"), "vmid"),
                Arguments.of(params("vmid", "600", "ide4", "local:1"), "ide4"),
                Arguments.of(params("vmid", "600", "sata6", "local:1"), "sata6"),
                Arguments.of(params("vmid", "600", "scsi31", "local:1"), "scsi31"),
                Arguments.of(params("vmid", "600", "virtio16", "local:1"), "virtio16"),
                Arguments.of(params("vmid", "600", "net32", "virtio,bridge=vmbr0"), "net32"),
                Arguments.of(params("vmid", "600", "hostpci16", "0000:01:00.0"), "hostpci16"),
                Arguments.of(params("vmid", "600", "usb5", "host=1234:5678", "ostype", "win7"), "usb5"),
                Arguments.of(params("vmid", "600", "usb14", "host=1234:5678", "ostype", "l26"), "usb14"),
                Arguments.of(params("vmid", "600", "arch", "aarch64", "machine", "virt", "ide2", "none,media=cdrom"),
                        "ide2"),
                Arguments.of(params("vmid", "600", "arch", "aarch64", "machine", "virt", "ide0", "local:cloudinit"),
                        "ide0"),
                Arguments.of(params("vmid", "600", "memory", "99999999"), "memory"),
                Arguments.of(params("vmid", "600", "memory", "abc"), "memory"),
                Arguments.of(params("vmid", "600", "cores", "4096"), "cores"),
                Arguments.of(params("vmid", "600", "frobnicate", "1"), "frobnicate"),
                Arguments.of(params("vmid", "600", "scsi0", "nosuchstorage:4"), "scsi0"),
                Arguments.of(params("vmid", "600", "scsi0", "local:../../etc/passwd"), "scsi0"),
                Arguments.of(params("vmid", "600", "name", "web\"><domain>"), "name"),
                Arguments.of(params("vmid", "600", "net0", "virtio,bridge=vmbr0'><x"), "net0"),
                Arguments.of(params("vmid", "600", "name", "a".repeat(5000)), "name"),
                Arguments.of(params("vmid", "600", "start", "maybe"), "start"));
    }

    @ParameterizedTest
    @MethodSource("badCreates")
    void badCreateIsRefusedAndChangesNothing(Map<String, String> request, String param) throws Exception {
        assertNothingChanges(() -> {
            ApiClient.Response r = api.post("/nodes/" + N + "/qemu", request);
            assertThat(r.status()).as(r.body().toString()).isEqualTo(400);
            assertThat(r.body().path("errors").has(param)).as(r.body().toString()).isTrue();
            assertThat(r.body().toString()).doesNotContain("Exception").doesNotContain("at org.");
        });
        assertThat(api.get("/nodes/" + N + "/qemu/600/config").status()).isEqualTo(404);
    }

    @Test
    void stateConflictsAreRefusedAndChangeNothing() throws Exception {
        assertNothingChanges(() -> {
            ApiClient.Response exists = api.post("/nodes/" + N + "/qemu", params("vmid", "500"));
            assertThat(exists.status()).isEqualTo(409);
            ApiClient.Response notRunning = api.post("/nodes/" + N + "/qemu/500/status/shutdown", params());
            assertThat(notRunning.status()).isEqualTo(409);
            assertThat(notRunning.reason()).contains("not running");
            assertThat(api.post("/nodes/" + N + "/qemu/777/status/start", params()).status()).isEqualTo(404);
            assertThat(api.post("/nodes/" + N + "/lxc/500/status/start", params()).status()).isEqualTo(404);
            assertThat(api.post("/nodes/" + N + "/qemu/500/status/explode", params()).status()).isEqualTo(501);
            assertThat(api.put("/nodes/" + N + "/qemu/500/config", params("ide9", "local:1")).status())
                    .isEqualTo(400);
            assertThat(api.put("/nodes/" + N + "/qemu/500/config", params()).status()).isEqualTo(400);
            assertThat(api.put("/nodes/" + N + "/qemu/500/config", params("memory", "128", "delete", "memory"))
                    .status()).isEqualTo(400);
            assertThat(api.post("/nodes/nosuch/qemu", params("vmid", "600")).status()).isEqualTo(404);
            ApiClient.Response badJson = api.postJson("/nodes/" + N + "/qemu", "not an object");
            assertThat(badJson.status()).isEqualTo(400);
        });
    }

    @Test
    void jsonBodiesWorkLikeForms() throws Exception {
        ApiClient.Response r = api.postJson("/nodes/" + N + "/qemu",
                Map.of("vmid", 700, "memory", 128, "name", "jsonvm", "onboot", true));
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
        assertThat(api.awaitTask(N, r.data().asText()).path("exitstatus").asText()).isEqualTo("OK");
        JsonNode config = api.get("/nodes/" + N + "/qemu/700/config").data();
        assertThat(config.path("onboot").asText()).isEqualTo("1");
        assertThat(config.path("memory").asText()).isEqualTo("128");
    }

    /** The id of the newest event in the journal (the read model may lag behind it). */
    private long journalHead() throws Exception {
        return EventFeed.of(node.system()).current(0)
                .runWith(Sink.fold(0L, (max, e) -> Math.max(max, e.id())), node.system())
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    interface Check {
        void run() throws Exception;
    }

    /**
     * Runs the refusals, then a marker write; the first request-made event after the old head must be the
     * marker's.
     */
    private void assertNothingChanges(Check refusals) throws Exception {
        long head = journalHead();
        BlockingQueue<String> before = api.events(Long.toString(head));
        long after = head;
        refusals.run();
        String markerUpid = api.runTask(N, "/nodes/" + N + "/qemu/" + MARKER + "/status/start", params());
        api.runTask(N, "/nodes/" + N + "/qemu/" + MARKER + "/status/stop", params());
        JsonNode first = ApiClient.nextEvent(before, Duration.ofSeconds(10));
        // the HA manager journals its own bookkeeping (nodes seen online) in the background: not a change any
        // request made
        while (first.path("entity").asText().startsWith("HaManager|")) {
            first = ApiClient.nextEvent(before, Duration.ofSeconds(10));
        }
        assertThat(first.path("id").asLong()).isGreaterThan(after);
        assertThat(first.path("entity").asText()).isEqualTo("Guest|" + MARKER);
        assertThat(first.path("event").path("task").path("upid").asText()).isEqualTo(markerUpid);
    }
}
