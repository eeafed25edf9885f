package org.fabricve.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.fabricve.app.ApiClient.params;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import org.fabricve.core.config.GuestType;
import org.fabricve.core.hypervisor.DomainSpec;
import org.fabricve.core.hypervisor.RunState;
import org.fabricve.node.libvirt.LibvirtHypervisor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Changes made behind the fabric's back, on the same hypervisor: libvirt's {@code test:///default} is one
 * host per process, so a second connection here sees and changes exactly what the node's agent sees.
 */
class ReconciliationTest {

    static final String N = TestNodes.NODE;
    static final Duration RECONCILED = Duration.ofSeconds(10);

    @TempDir
    Path dataDir;
    LibvirtHypervisor behindTheBack;
    FabricNode node;

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
        if (behindTheBack != null) {
            behindTheBack.close();
        }
    }

    @Test
    void theHypervisorWinsAndStrangersAreRecorded() throws Exception {
        behindTheBack = LibvirtHypervisor.connect("test:///default");
        node = FabricNode.start(TestNodes.settings(dataDir, Optional.of("test:///default")));
        ApiClient api = ApiClient.loggedIn(node);

        // test:///default ships a running domain called "test" that nobody in the fabric owns
        Await.until(RECONCILED, "the built-in domain to be recorded as foreign",
                () -> foreignDomains(api).contains("test"));

        api.runTask(N, "/nodes/" + N + "/qemu", params("vmid", "100", "memory", "128"));
        api.runTask(N, "/nodes/" + N + "/qemu/100/status/start", params());
        assertThat(foreignDomains(api)).doesNotContain("fabric-100");
        BlockingQueue<String> events = api.events(null);

        behindTheBack.stop("fabric-100");
        Await.until(RECONCILED, "the API to report the VM stopped", () ->
                status(api, "100").equals("stopped"));
        JsonNode observed = nextOf(events, "guest.RunStateObserved");
        assertThat(observed.path("entity").asText()).isEqualTo("Guest|100");
        assertThat(observed.path("event").path("from").asText()).isEqualTo("RUNNING");
        assertThat(observed.path("event").path("to").asText()).isEqualTo("STOPPED");
        assertThat(observed.path("event").path("reason").asText()).contains("reconciliation");

        behindTheBack.start("fabric-100");
        Await.until(RECONCILED, "the API to report the VM running again", () ->
                status(api, "100").equals("running"));

        behindTheBack.define(new DomainSpec("stranger", GuestType.QEMU, 0, "someone's VM", 64, 1, List.of(),
                List.of()));
        Await.until(RECONCILED, "the stranger to be recorded", () -> foreignDomains(api).contains("stranger"));
        JsonNode appeared = nextOf(events, "node.ForeignDomainsChanged");
        assertThat(appeared.path("event").path("appeared").toString()).contains("stranger");
        behindTheBack.undefine("stranger");
        Await.until(RECONCILED, "the stranger to be gone", () -> !foreignDomains(api).contains("stranger"));

        api.runTask(N, "/nodes/" + N + "/qemu/100/status/stop", params());
        behindTheBack.undefine("fabric-100");
        Await.until(RECONCILED, "the missing domain to be redefined from the config",
                () -> behindTheBack.domain("fabric-100").isPresent());
        assertThat(behindTheBack.domain("fabric-100").orElseThrow().state()).isEqualTo(RunState.STOPPED);
        api.runTask(N, "/nodes/" + N + "/qemu/100/status/start", params());
        assertThat(behindTheBack.domain("fabric-100").orElseThrow().state()).isEqualTo(RunState.RUNNING);
    }

    private static String status(ApiClient api, String vmid) {
        try {
            return api.get("/nodes/" + N + "/qemu/" + vmid + "/status/current").data().path("status").asText();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> foreignDomains(ApiClient api) {
        try {
            JsonNode list = api.get("/nodes/" + N + "/status").data().path("fabric").path("foreign_domains");
            return ApiClient.JSON.convertValue(list, ApiClient.JSON.getTypeFactory()
                    .constructCollectionType(List.class, String.class));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode nextOf(BlockingQueue<String> events, String type) throws Exception {
        long deadline = System.nanoTime() + RECONCILED.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode e = ApiClient.nextEvent(events, RECONCILED);
            if (e.path("type").asText().equals(type)) {
                return e;
            }
        }
        throw new AssertionError("no " + type + " event");
    }
}
