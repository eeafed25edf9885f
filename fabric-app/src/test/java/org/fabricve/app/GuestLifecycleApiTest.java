package org.fabricve.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.fabricve.app.ApiClient.params;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A real node (libvirt test-driver host, H2 journal) driven over HTTPS through the Proxmox API. */
class GuestLifecycleApiTest extends SharedNodeTest {


    @Test
    void vmCreateStartStopDelete() throws Exception {
        String vmid = api.get("/cluster/nextid").data().asText();
        assertThat(Integer.parseInt(vmid)).isGreaterThanOrEqualTo(100);

        api.runTask(N, "/nodes/" + N + "/qemu", params("vmid", vmid, "name", "web1", "memory", "1024",
                "cores", "2", "scsi0", "local:4", "net0", "virtio,bridge=vmbr0", "ostype", "l26"));
        JsonNode config = api.get("/nodes/" + N + "/qemu/" + vmid + "/config").data();
        assertThat(config.path("name").asText()).isEqualTo("web1");
        assertThat(config.path("scsi0").asText()).startsWith("local:vm-" + vmid + "-disk-0").contains("size=4G");
        assertThat(config.path("net0").asText()).matches("virtio=BC:24:11(:[0-9A-F]{2}){3},bridge=vmbr0");
        assertThat(config.path("digest").asText()).hasSize(40);
        assertThat(volids(vmid)).containsExactly("local:vm-" + vmid + "-disk-0");
        assertThat(api.get("/cluster/nextid").data().asText()).isNotEqualTo(vmid);

        api.runTask(N, "/nodes/" + N + "/qemu/" + vmid + "/status/start", params());
        JsonNode current = api.get("/nodes/" + N + "/qemu/" + vmid + "/status/current").data();
        assertThat(current.path("status").asText()).isEqualTo("running");
        assertThat(current.path("qmpstatus").asText()).isEqualTo("running");
        // the node's own libvirt connection agrees with the journal
        assertThat(current.path("fabric").path("hypervisor_state").asText()).isEqualTo("running");
        // I/O counters come from libvirt's block statistics of the disk (the test driver makes its numbers up)
        assertThat(current.path("diskread").asLong()).isPositive();
        assertThat(current.path("diskwrite").asLong()).isPositive();
        assertThat(current.path("cpu").asDouble()).isBetween(0.0, 1.0);
        Await.until(Duration.ofSeconds(5), "the listing to show the VM running", () ->
                listed("qemu", vmid).map(g -> g.path("status").asText().equals("running")).orElse(false));

        api.runTask(N, "/nodes/" + N + "/qemu/" + vmid + "/status/suspend", params());
        current = api.get("/nodes/" + N + "/qemu/" + vmid + "/status/current").data();
        assertThat(current.path("qmpstatus").asText()).isEqualTo("paused");
        assertThat(current.path("fabric").path("hypervisor_state").asText()).isEqualTo("paused");
        api.runTask(N, "/nodes/" + N + "/qemu/" + vmid + "/status/resume", params());

        api.runTask(N, "/nodes/" + N + "/qemu/" + vmid + "/status/reset", params());
        assertThat(api.get("/nodes/" + N + "/qemu/" + vmid + "/status/current").data().path("status").asText())
                .isEqualTo("running");

        api.runTask(N, "/nodes/" + N + "/qemu/" + vmid + "/status/suspend", params("todisk", "1"));
        current = api.get("/nodes/" + N + "/qemu/" + vmid + "/status/current").data();
        assertThat(current.path("status").asText()).isEqualTo("stopped");
        assertThat(current.path("lock").asText()).isEqualTo("suspended");
        assertThat(current.path("fabric").path("hypervisor_state").asText()).isEqualTo("hibernated");
        assertThat(api.post("/nodes/" + N + "/qemu/" + vmid + "/status/resume", params()).status())
                .as("a hibernated VM resumes through start").isEqualTo(409);
        api.runTask(N, "/nodes/" + N + "/qemu/" + vmid + "/status/start", params());
        assertThat(api.get("/nodes/" + N + "/qemu/" + vmid + "/status/current").data()
                .path("fabric").path("hypervisor_state").asText()).isEqualTo("running");

        ApiClient.Response deleteRunning = api.delete("/nodes/" + N + "/qemu/" + vmid);
        assertThat(deleteRunning.status()).isEqualTo(409);
        assertThat(deleteRunning.reason()).contains("running");

        api.runTask(N, "/nodes/" + N + "/qemu/" + vmid + "/status/stop", params());
        current = api.get("/nodes/" + N + "/qemu/" + vmid + "/status/current").data();
        assertThat(current.path("status").asText()).isEqualTo("stopped");
        assertThat(current.path("fabric").path("hypervisor_state").asText()).isEqualTo("stopped");

        ApiClient.Response deleted = api.delete("/nodes/" + N + "/qemu/" + vmid);
        assertThat(deleted.status()).isEqualTo(200);
        JsonNode task = api.awaitTask(N, deleted.data().asText());
        assertThat(task.path("exitstatus").asText()).isEqualTo("OK");
        assertThat(api.get("/nodes/" + N + "/qemu/" + vmid + "/config").status()).isEqualTo(404);
        assertThat(volids(vmid)).isEmpty();
        Await.until(Duration.ofSeconds(5), "the VM to leave the listing", () -> listed("qemu", vmid).isEmpty());
    }

    @Test
    void containerLifecycle() throws Exception {
        String ct = "2001";
        api.runTask(N, "/nodes/" + N + "/lxc", params("vmid", ct, "hostname", "ct1",
                "ostemplate", "local:vztmpl/busybox.tar.gz", "memory", "256", "rootfs", "local:2",
                "net0", "name=eth0,bridge=vmbr0,ip=dhcp"));
        JsonNode config = api.get("/nodes/" + N + "/lxc/" + ct + "/config").data();
        assertThat(config.path("hostname").asText()).isEqualTo("ct1");
        assertThat(config.path("rootfs").asText()).startsWith("local:vm-" + ct + "-disk-0");
        assertThat(api.get("/nodes/" + N + "/qemu/" + ct + "/config").status())
                .as("a container is not a VM").isEqualTo(404);

        api.runTask(N, "/nodes/" + N + "/lxc/" + ct + "/status/start", params());
        assertThat(api.get("/nodes/" + N + "/lxc/" + ct + "/status/current").data().path("status").asText())
                .isEqualTo("running");
        api.runTask(N, "/nodes/" + N + "/lxc/" + ct + "/status/suspend", params());
        assertThat(api.get("/nodes/" + N + "/lxc/" + ct + "/status/current").data()
                .path("fabric").path("hypervisor_state").asText()).isEqualTo("paused");
        api.runTask(N, "/nodes/" + N + "/lxc/" + ct + "/status/resume", params());
        assertThat(api.post("/nodes/" + N + "/lxc/" + ct + "/status/reset", params()).status())
                .as("containers have no reset button").isEqualTo(501);
        api.runTask(N, "/nodes/" + N + "/lxc/" + ct + "/status/shutdown", params());
        assertThat(api.get("/nodes/" + N + "/lxc/" + ct + "/status/current").data().path("status").asText())
                .isEqualTo("stopped");

        ApiClient.Response again = api.post("/nodes/" + N + "/qemu", params("vmid", ct));
        assertThat(again.status()).as("a vmid exists once across guest types").isEqualTo(409);
        assertThat(again.reason()).contains("already exists");

        String upid = api.delete("/nodes/" + N + "/lxc/" + ct).data().asText();
        assertThat(api.awaitTask(N, upid).path("exitstatus").asText()).isEqualTo("OK");
        assertThat(api.get("/nodes/" + N + "/lxc/" + ct + "/status/current").status()).isEqualTo(404);
    }

    @Test
    void createWithStartRunsBothInOneTask() throws Exception {
        String upid = api.runTask(N, "/nodes/" + N + "/qemu", params("vmid", "5001", "memory", "128", "start", "1"));
        assertThat(upid).contains(":qmcreate:5001:");
        JsonNode current = api.get("/nodes/" + N + "/qemu/5001/status/current").data();
        assertThat(current.path("status").asText()).isEqualTo("running");
        assertThat(current.path("fabric").path("hypervisor_state").asText()).isEqualTo("running");
    }

    @Test
    void configUpdatesSyncAndAsyncWithDigest() throws Exception {
        String vmid = "3001";
        api.runTask(N, "/nodes/" + N + "/qemu", params("vmid", vmid, "memory", "512"));
        String digest = api.get("/nodes/" + N + "/qemu/" + vmid + "/config").data().path("digest").asText();

        ApiClient.Response put = api.put("/nodes/" + N + "/qemu/" + vmid + "/config",
                params("memory", "768", "virtio0", "local:1", "digest", digest));
        assertThat(put.status()).isEqualTo(200);
        JsonNode config = api.get("/nodes/" + N + "/qemu/" + vmid + "/config").data();
        assertThat(config.path("memory").asText()).isEqualTo("768");
        assertThat(config.path("virtio0").asText()).startsWith("local:vm-" + vmid + "-disk-0");

        ApiClient.Response stale = api.put("/nodes/" + N + "/qemu/" + vmid + "/config",
                params("memory", "1024", "digest", digest));
        assertThat(stale.status()).isEqualTo(400);
        assertThat(stale.body().path("errors").has("digest")).isTrue();

        api.runTask(N, "/nodes/" + N + "/qemu/" + vmid + "/config", params("delete", "virtio0", "name", "db"));
        config = api.get("/nodes/" + N + "/qemu/" + vmid + "/config").data();
        assertThat(config.has("virtio0")).isFalse();
        assertThat(config.path("name").asText()).isEqualTo("db");
        assertThat(config.path("memory").asText()).isEqualTo("768");
    }

    @Test
    void changesToARunningVmThatCannotGoLiveArePendingUntilItsNextStart() throws Exception {
        String vmid = "3101";
        String base = "/nodes/" + N + "/qemu/" + vmid;
        api.runTask(N, "/nodes/" + N + "/qemu", params("vmid", vmid, "memory", "512", "name", "app"));
        api.runTask(N, base + "/config", params("memory", "640"));
        assertThat(api.pending(base)).as("a stopped VM takes changes at once").isEmpty();
        api.runTask(N, base + "/status/start", params());

        // a simulated host cannot hotplug: the new disk waits like the memory; the name takes effect at once
        String upid = api.runTask(N, base + "/config", params("memory", "768", "scsi1", "local:1", "name", "app2"));
        List<String> log = new ArrayList<>();
        api.get("/nodes/" + N + "/tasks/" + upid + "/log").data().forEach(l -> log.add(l.path("t").asText()));
        assertThat(log).anyMatch(l -> l.contains("scsi1 is pending until the next start"))
                .contains("pending until the next start: memory");
        Map<String, JsonNode> rows = api.pending(base);
        assertThat(rows.keySet()).containsExactlyInAnyOrder("memory", "scsi1");
        assertThat(rows.get("memory").path("value").asText()).isEqualTo("640");
        assertThat(rows.get("memory").path("pending").asText()).isEqualTo("768");
        assertThat(rows.get("scsi1").has("value")).isFalse();
        assertThat(rows.get("scsi1").path("pending").asText()).startsWith("local:vm-" + vmid + "-disk-0");
        assertThat(api.get(base + "/config").data().path("memory").asText()).as("pending values").isEqualTo("768");
        JsonNode current = api.get(base + "/config?current=1").data();
        assertThat(current.path("memory").asText()).isEqualTo("640");
        assertThat(current.has("scsi1")).isFalse();
        assertThat(current.path("name").asText()).isEqualTo("app2");

        api.runTask(N, base + "/config", params("delete", "name"));
        assertThat(api.pending(base).keySet()).as("a fast key is gone at once").containsExactlyInAnyOrder("memory", "scsi1");

        api.runTask(N, base + "/status/stop", params());
        assertThat(api.pending(base)).isEmpty();
        api.runTask(N, base + "/status/start", params());
        assertThat(api.pending(base)).as("applied by the start").isEmpty();
        assertThat(api.get(base + "/config?current=1").data().path("memory").asText()).isEqualTo("768");
    }

    @Test
    void aShutdownTakesProxmoxsTimeoutAndForceStopAndRefusesBadOnesNamingThem() throws Exception {
        String vmid = "4002";
        String base = "/nodes/" + N + "/qemu/" + vmid;
        api.runTask(N, "/nodes/" + N + "/qemu", params("vmid", vmid, "memory", "64"));
        api.runTask(N, base + "/status/start", params());

        for (var bad : List.of(params("timeout", "-1"), params("timeout", "soon"), params("timeout", "86401"),
                params("forceStop", "maybe"))) {
            ApiClient.Response r = api.post(base + "/status/shutdown", bad);
            String param = bad.keySet().iterator().next();
            assertThat(r.status()).as(bad.toString()).isEqualTo(400);
            assertThat(r.body().path("errors").has(param)).as(r.body().toString()).isTrue();
        }
        assertThat(api.get(base + "/status/current").data().path("status").asText()).as("nothing changed")
                .isEqualTo("running");

        // the test driver powers a domain off at once on an ACPI request; a guest that ignores it is RealGuestApiTest's
        String upid = api.runTask(N, base + "/status/shutdown", params("timeout", "5", "forceStop", "1"));
        List<String> lines = new ArrayList<>();
        api.get("/nodes/" + N + "/tasks/" + upid + "/log").data().forEach(l -> lines.add(l.path("t").asText()));
        assertThat(lines).anyMatch(l -> l.startsWith("the guest powered off after"));
        assertThat(api.get(base + "/status/current").data().path("fabric").path("hypervisor_state").asText())
                .isEqualTo("stopped");
    }

    @Test
    void taskListAndLog() throws Exception {
        String vmid = "4001";
        String upid = api.runTask(N, "/nodes/" + N + "/qemu", params("vmid", vmid, "scsi0", "local:1"));
        ApiClient.Response log = api.get("/nodes/" + N + "/tasks/" + upid + "/log");
        assertThat(log.status()).isEqualTo(200);
        List<String> lines = new ArrayList<>();
        log.data().forEach(l -> lines.add(l.path("t").asText()));
        assertThat(lines.get(0)).contains("creating VM " + vmid);
        assertThat(lines).anyMatch(l -> l.contains("allocated volume local:vm-" + vmid + "-disk-0"));
        assertThat(lines.get(lines.size() - 1)).isEqualTo("TASK OK");
        assertThat(log.data().get(0).path("n").asInt()).isEqualTo(1);
        assertThat(log.body().path("total").asInt()).isEqualTo(lines.size());

        Await.until(Duration.ofSeconds(5), "the task in the node's task list", () -> {
            try {
                for (JsonNode t : api.get("/nodes/" + N + "/tasks?vmid=" + vmid).data()) {
                    if (t.path("upid").asText().equals(upid) && t.path("status").asText().equals("OK")) {
                        return true;
                    }
                }
                return false;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(api.get("/nodes/" + N + "/tasks/UPID:nonsense/status").status()).isEqualTo(400);
    }

    @Test
    void clusterViews() throws Exception {
        JsonNode nodes = api.get("/nodes").data();
        assertThat(nodes).hasSize(1);
        assertThat(nodes.get(0).path("node").asText()).isEqualTo(N);
        assertThat(nodes.get(0).path("status").asText()).isEqualTo("online");
        assertThat(nodes.get(0).path("maxcpu").asInt()).isGreaterThan(0);

        JsonNode status = api.get("/nodes/" + N + "/status").data();
        assertThat(status.path("memory").path("total").asLong()).isGreaterThan(0);
        assertThat(status.path("cpuinfo").path("cpus").asInt()).isGreaterThan(0);

        JsonNode cluster = api.get("/cluster/status").data();
        assertThat(cluster.get(0).path("type").asText()).isEqualTo("cluster");
        assertThat(cluster.get(0).path("quorate").asInt()).isEqualTo(1);
        assertThat(cluster.get(1).path("online").asInt()).isEqualTo(1);
        assertThat(cluster.get(1).path("local").asInt()).isEqualTo(1);

        JsonNode storages = api.get("/cluster/resources?type=storage").data();
        assertThat(storages).hasSize(1);
        assertThat(storages.get(0).path("id").asText()).isEqualTo("storage/" + N + "/local");
        assertThat(api.get("/cluster/resources?type=node").data().get(0).path("id").asText()).isEqualTo("node/" + N);
        ApiClient.Response badType = api.get("/cluster/resources?type=disk");
        assertThat(badType.status()).isEqualTo(400);
        assertThat(badType.body().path("errors").has("type")).isTrue();

        JsonNode storage = api.get("/storage").data();
        assertThat(storage.get(0).path("storage").asText()).isEqualTo("local");
        assertThat(storage.get(0).path("type").asText()).isEqualTo("dir");
        JsonNode nodeStorage = api.get("/nodes/" + N + "/storage").data();
        assertThat(nodeStorage.get(0).path("active").asInt()).isEqualTo(1);
        assertThat(nodeStorage.get(0).path("total").asLong()).isGreaterThan(0);
        assertThat(api.get("/nodes/nosuchnode/status").status()).isEqualTo(404);
        assertThat(api.get("/version").data().path("version").asText()).isEqualTo(FabricNode.VERSION);
        ApiClient.Response unknown = api.get("/nodes/" + N + "/frobnicate");
        assertThat(unknown.status()).isEqualTo(501);
        assertThat(unknown.reason()).contains("not implemented");
    }

    private java.util.Optional<JsonNode> listed(String type, String vmid) {
        try {
            for (JsonNode g : api.get("/nodes/" + N + "/" + type).data()) {
                if (g.path("vmid").asText().equals(vmid)) {
                    return java.util.Optional.of(g);
                }
            }
            return java.util.Optional.empty();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private List<String> volids(String vmid) throws Exception {
        List<String> ids = new ArrayList<>();
        for (JsonNode v : api.get("/nodes/" + N + "/storage/local/content?vmid=" + vmid).data()) {
            ids.add(v.path("volid").asText());
        }
        return ids;
    }
}
