package org.fabricve.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.fabricve.app.ApiClient.params;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;
import org.fabricve.core.guest.GuestOperation;
import org.fabricve.core.guest.GuestState;
import org.fabricve.core.guest.Rejection;
import org.fabricve.node.GuestEntity;
import org.fabricve.node.HostedGuestShards;
import org.fabricve.persistence.JournalStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three members in one JVM sharing one journal: one fabric seen through any member, guest operations run by
 * the agent of the guest's node whichever member was asked, the node list's rules, a downed member going
 * offline, and a member without quorum serving reads only until a member rejoins.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterMembershipTest {

    static final Duration SETTLE = Duration.ofSeconds(30);

    @TempDir
    static Path tmp;
    final JournalStore store = ClusterMembers.sharedStore("membership");
    FabricNode pve1;
    FabricNode pve2;
    FabricNode pve3;
    ApiClient api1;
    ApiClient api2;
    ApiClient api3;

    @BeforeAll
    void startThreeMembers() throws Exception {
        pve1 = ClusterMembers.start(tmp.resolve("pve1"), "pve1", store, Optional.empty());
        Optional<String> seed = ClusterMembers.joinAddressOf(pve1);
        pve2 = ClusterMembers.start(tmp.resolve("pve2"), "pve2", store, seed);
        pve3 = ClusterMembers.start(tmp.resolve("pve3"), "pve3", store, seed);
        api1 = ApiClient.loggedIn(pve1);
        api2 = ApiClient.loggedIn(pve2);
        api3 = ApiClient.loggedIn(pve3);
        for (ApiClient api : List.of(api1, api2, api3)) {
            Await.until(SETTLE, "every member sees three online nodes", () ->
                    nodeStates(api).equals(List.of("pve1:online", "pve2:online", "pve3:online")));
        }
    }

    @AfterAll
    void stop() {
        for (FabricNode n : new FabricNode[] {pve3, pve2, pve1}) {
            if (n != null && !n.system().whenTerminated().isCompleted()) {
                n.close();
            }
        }
    }

    static List<String> nodeStates(ApiClient api) {
        try {
            List<String> states = new ArrayList<>();
            for (JsonNode n : api.get("/nodes").data()) {
                states.add(n.path("node").asText() + ":" + n.path("status").asText());
            }
            return states;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode data(ApiClient api, String path) {
        try {
            return api.get(path).data();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode statusEntry(ApiClient api, String id) {
        for (JsonNode e : data(api, "/cluster/status")) {
            if (e.path("id").asText().equals(id)) {
                return e;
            }
        }
        throw new AssertionError("no " + id + " in /cluster/status");
    }

    @Test
    @Order(1)
    void everyMemberSeesOneQuorateClusterOfThree() throws Exception {
        for (ApiClient api : List.of(api1, api2, api3)) {
            JsonNode cluster = statusEntry(api, "cluster");
            assertThat(cluster.path("quorate").asInt()).isEqualTo(1);
            assertThat(cluster.path("nodes").asInt()).isEqualTo(3);
            assertThat(cluster.path("name").asText()).isEqualTo("fabric");
        }
        JsonNode pve2Seen = statusEntry(api2, "node/pve2");
        assertThat(pve2Seen.path("local").asInt()).isEqualTo(1);
        assertThat(pve2Seen.path("online").asInt()).isEqualTo(1);
        assertThat(pve2Seen.path("ip").asText()).isEqualTo("127.0.0.1");
        assertThat(statusEntry(api1, "node/pve2").path("local").asInt()).isZero();
        assertThat(statusEntry(api1, "node/pve1").path("nodeid").asInt()).isEqualTo(1);
        JsonNode list = api3.get("/cluster/config/nodes").data();
        assertThat(list).hasSize(3);
        assertThat(list.get(0).path("node").asText()).isEqualTo("pve1");
        assertThat(list.get(0).path("quorum_votes").asInt()).isEqualTo(1);
    }

    @Test
    @Order(2)
    void guestsCreatedThroughOneMemberRunOnTheirNodesAgentWhicheverMemberIsAsked() throws Exception {
        api1.runTask("pve1", "/nodes/pve1/qemu", params("vmid", "100", "memory", "64", "scsi0", "local:1"));
        Await.until(SETTLE, "member 2 lists guest 100", () -> data(api2, "/cluster/resources?type=vm").size() == 1);
        api2.runTask("pve1", "/nodes/pve1/qemu/100/status/start", params());
        assertThat(api3.get("/nodes/pve1/qemu/100/status/current").data().path("fabric").path("hypervisor_state")
                .asText()).as("pve1's own hypervisor, asked from pve3").isEqualTo("running");

        // a guest on member 2's host, created through member 1: the define runs on member 2's agent
        api1.runTask("pve2", "/nodes/pve2/qemu", params("vmid", "200", "memory", "64", "scsi0", "local:1"));
        api3.runTask("pve2", "/nodes/pve2/qemu/200/status/start", params());
        assertThat(pve2.services().liveDomain("pve2", 200).toCompletableFuture().get()).isPresent();
        assertThat(api1.get("/nodes/pve2/qemu/200/status/current").data().path("fabric").path("hypervisor_state")
                .asText()).isEqualTo("running");
        assertThat(api1.get("/nodes/pve2/storage/local/content").data().get(0).path("volid").asText())
                .as("pve2's pool, listed through pve1").isEqualTo("local:vm-200-disk-0");
        assertThat(api1.get("/nodes/pve1/storage/local/content").data()).extracting(v -> v.path("volid").asText())
                .containsExactly("local:vm-100-disk-0");
        api1.runTask("pve2", "/nodes/pve2/qemu/200/status/stop", params());
        assertThat(api2.get("/nodes/pve2/qemu/200/status/current").data().path("fabric").path("hypervisor_state")
                .asText()).isEqualTo("stopped");
    }

    @Test
    @Order(3)
    void badNodeListRequestsAreRefusedClearlyAndChangeNothing() throws Exception {
        var twice = api1.post("/cluster/config/nodes", params("node", "pve2", "address", "127.0.0.1:1"));
        assertThat(twice.status()).isEqualTo(409);
        assertThat(twice.reason()).contains("pve2").contains("already exists");
        assertThat(api1.post("/cluster/config/nodes/pve3", params("address", "127.0.0.1:1")).status()).isEqualTo(409);

        var local = api1.delete("/cluster/config/nodes/pve1");
        assertThat(local.status()).isEqualTo(409);
        assertThat(local.reason()).contains("served by this member");
        var online = api1.delete("/cluster/config/nodes/pve2");
        assertThat(online.status()).isEqualTo(409);
        assertThat(online.reason()).contains("still online");
        assertThat(api1.delete("/cluster/config/nodes/pve9").status()).isEqualTo(404);

        var badName = api1.post("/cluster/config/nodes", params("node", "bad_name", "address", "10.0.0.9:25520"));
        assertThat(badName.status()).isEqualTo(400);
        assertThat(badName.body().path("errors").has("node")).isTrue();
        var noAddress = api1.post("/cluster/config/nodes/pve4", params());
        assertThat(noAddress.status()).isEqualTo(400);
        assertThat(noAddress.body().path("errors").has("address")).isTrue();
        var badAddress = api1.post("/cluster/config/nodes/pve4", params("address", "10.0.0.9:99999"));
        assertThat(badAddress.status()).isEqualTo(400);
        assertThat(badAddress.body().path("errors").path("address").asText()).contains("out of range");
        var unknown = api1.post("/cluster/config/nodes/pve4", params("address", "10.0.0.9:1", "colour", "red"));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.body().path("errors").has("colour")).isTrue();

        assertThat(api2.get("/cluster/config/nodes").data()).hasSize(3);
        assertThat(statusEntry(api2, "cluster").path("quorate").asInt()).isEqualTo(1);
    }

    @Test
    @Order(4)
    void anHaGuestsEntityIsKeptOffTheMemberThatRunsTheGuest() throws Exception {
        api1.runTask("pve1", "/nodes/pve1/qemu", params("vmid", "120", "memory", "64"));
        assertThat(api1.post("/cluster/ha/resources", params("sid", "vm:120", "state", "started")).status()).isEqualTo(200);
        Await.until(SETTLE, "vm:120 runs on pve1 and its entity lives on another member", () ->
                haService(api1, "vm:120").equals("pve1:started") && entityMemberOf(120).filter(m -> !m.equals("pve1")).isPresent());

        // the guest moves onto the member that holds its entity: the entity moves away again
        String holder = entityMemberOf(120).orElseThrow();
        assertThat(api2.post("/cluster/ha/resources/vm:120/migrate", params("node", holder)).status()).isEqualTo(200);
        Await.until(SETTLE, "vm:120 runs on " + holder + " and its entity lives on another member", () ->
                haService(api1, "vm:120").equals(holder + ":started")
                        && entityMemberOf(120).filter(m -> !m.equals(holder)).isPresent());
        assertThat(api3.get("/nodes/" + holder + "/qemu/120/status/current").data().path("status").asText()).isEqualTo("running");

        // out of the way of the tests that follow: no HA, guest stopped
        assertThat(api1.delete("/cluster/ha/resources/vm:120").status()).isEqualTo(200);
        Await.until(SETTLE, "vm:120 is no HA resource", () -> haService(api1, "vm:120").isEmpty());
        api1.runTask(holder, "/nodes/" + holder + "/qemu/120/status/stop", params());
    }

    /** NODE:STATE of an HA service as /cluster/ha/status/current reports it; empty if it lists none. */
    static String haService(ApiClient api, String sid) {
        for (JsonNode e : data(api, "/cluster/ha/status/current")) {
            if (sid.equals(e.path("sid").asText())) return e.path("node").asText() + ":" + e.path("state").asText();
        }
        return "";
    }

    /** The member (named by its node) whose shard region holds the entity of guest {@code vmid} now. */
    private Optional<String> entityMemberOf(int vmid) {
        String shard = HostedGuestShards.get(pve1.system()).shardOf(vmid);
        for (FabricNode m : List.of(pve1, pve2, pve3)) {
            ShardRegion.CurrentShardRegionState state;
            try {
                state = AskPattern.<ClusterShardingQuery, ShardRegion.CurrentShardRegionState>ask(
                        ClusterSharding.get(m.system()).shardState(), r -> new GetShardRegionState(GuestEntity.TYPE_KEY, r),
                        Duration.ofSeconds(5), m.system().scheduler()).toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("the shard region of " + m.services().localNode() + " did not answer", e);
            }
            if (state.getShards().stream().anyMatch(s -> s.shardId().equals(shard))) return Optional.of(m.services().localNode());
        }
        return Optional.empty();
    }

    @Test
    @Order(5)
    void aDownedMemberStopsServingGoesOfflineAndCanBeRemovedByTheMajority() throws Exception {
        api1.runTask("pve3", "/nodes/pve3/qemu", params("vmid", "300", "memory", "64", "scsi0", "local:1"));
        var pve3Address = Cluster.get(pve3.system()).selfMember().address();
        Cluster.get(pve1.system()).manager().tell(new Down(pve3Address));

        pve3.system().getWhenTerminated().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(pve3.stopProblem()).get().asString().contains("downed");

        Await.until(SETTLE, "pve1 shows pve3 offline", () ->
                nodeStates(api1).equals(List.of("pve1:online", "pve2:online", "pve3:offline")));
        assertThat(statusEntry(api2, "node/pve3").path("online").asInt()).isZero();
        assertThat(statusEntry(api2, "cluster").path("quorate").asInt()).as("2 of 3 votes").isEqualTo(1);
        JsonNode guest300 = null;
        for (JsonNode r : api2.get("/cluster/resources?type=vm").data()) {
            if (r.path("vmid").asInt() == 300) {
                guest300 = r;
            }
        }
        assertThat(guest300).isNotNull();
        assertThat(guest300.path("status").asText()).isEqualTo("unknown");
        assertThat(api1.get("/nodes/pve3/qemu").data().get(0).path("status").asText()).isEqualTo("unknown");

        // the majority keeps writing, and removes the dead member from the vote base
        api2.runTask("pve1", "/nodes/pve1/qemu", params("vmid", "101", "memory", "64"));
        assertThat(api1.delete("/cluster/config/nodes/pve3").status()).isEqualTo(200);
        Await.until(SETTLE, "the node list of two", () -> data(api2, "/cluster/config/nodes").size() == 2);
        Await.until(SETTLE, "pve1's status of two", () -> statusEntry(api1, "cluster").path("nodes").asInt() == 2);
        assertThat(data(api1, "/cluster/status")).extracting(e -> e.path("id").asText())
                .containsExactly("cluster", "node/pve1", "node/pve2");
        assertThat(nodeStates(api1)).as("the journal still knows pve3, as /etc/pve/nodes keeps a deleted node")
                .contains("pve3:offline");
    }

    @Test
    @Order(6)
    void aMemberWithoutQuorumServesReadsOnlyUntilAMemberRejoins() throws Exception {
        pve2.close();
        Await.until(SETTLE, "pve1 loses quorum (1 of 2 votes)", () ->
                statusEntry(api1, "cluster").path("quorate").asInt() == 0);

        var write = api1.post("/nodes/pve1/qemu", params("vmid", "102", "memory", "64"));
        assertThat(write.status()).isEqualTo(503);
        assertThat(write.reason()).contains("no quorum").contains("1 of 2 votes, 2 needed");
        assertThat(api1.delete("/nodes/pve1/qemu/101").status()).isEqualTo(503);
        assertThat(api1.get("/cluster/resources").status()).isEqualTo(200);
        assertThat(api1.get("/nodes/pve1/qemu/100/status/current").status()).isEqualTo(200);
        assertThat(ApiClient.loggedIn(pve1).get("/version").status()).as("logging in still works").isEqualTo(200);
        assertThat(api1.get("/nodes/pve1/qemu/102/status/current").status()).as("nothing was created").isEqualTo(404);

        // beneath the gateway too: the guest's entity persists nothing while its member has no quorum, which is
        // what lets the survivors of a partition take it over soon after downing the cut-off member
        var services = pve1.services();
        var stop = services.operate(100, GuestOperation.STOP, services.newUpid("pve1", "qmstop", "100", "root@pam"))
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        var move = services.moveHome(100, "pve2", true, "test").toCompletableFuture().get(10, TimeUnit.SECONDS);
        for (GuestEntity.Reply reply : List.of(stop, move)) {
            assertThat(reply).isInstanceOfSatisfying(GuestEntity.Rejected.class, r ->
                    assertThat(r.rejection().kind()).isEqualTo(Rejection.Kind.UNAVAILABLE));
        }
        GuestState guest = services.guest(100).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(guest.guest().node()).isEqualTo("pve1");
        assertThat(guest.active()).isNull();
        assertThat(api1.get("/nodes/pve1/qemu/100/status/current").data().path("status").asText()).isEqualTo("running");

        // the member restarts on the same data directory and rejoins: quorum is back
        pve2 = ClusterMembers.start(tmp.resolve("pve2"), "pve2", store, ClusterMembers.joinAddressOf(pve1));
        Await.until(SETTLE, "pve1 is quorate again", () -> statusEntry(api1, "cluster").path("quorate").asInt() == 1);
        api1.runTask("pve1", "/nodes/pve1/qemu", params("vmid", "102", "memory", "64"));
        assertThat(api1.get("/cluster/config/nodes").data()).hasSize(2);
    }
}
