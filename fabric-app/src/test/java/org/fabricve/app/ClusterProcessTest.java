package org.fabricve.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.fabricve.app.ApiClient.params;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.fabricve.persistence.JournalStore;
import org.fabricve.persistence.testkit.TestCassandra;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Three members as three processes, each in its own network namespace, sharing one real Cassandra: formed
 * with the CLI, then crashed with SIGKILL, partitioned by cutting a link, healed and restarted. The steps
 * build on each other, in order. Times printed as {@code cluster-bench:} lines are the figures of
 * docs/benchmarks.md.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterProcessTest {

    private static final Duration START = Duration.ofSeconds(90);
    private static final Duration SETTLE = Duration.ofSeconds(30);

    private NetLab lab;
    private Path dataRoot;
    private JournalStore.Cassandra journal;
    private String cassandra;
    private String keyspace;
    private List<String> jvmSettings;
    private final MemberProcess[] members = new MemberProcess[4];

    @BeforeAll
    void formTheCluster() throws Exception {
        Assumptions.assumeFalse("1".equals(System.getenv("FABRIC_SKIP_CLUSTER")),
                "FABRIC_SKIP_CLUSTER=1: multi-process cluster tests skipped");
        dataRoot = Files.createTempDirectory("fabric-cluster");
        // a Cassandra left from an earlier run listens on an address the fresh lab re-creates: start it anew
        ClusterTestSupport.stopCassandra();
        lab = NetLab.up(ClusterTestSupport.repo(), "fvc", 3);
        journal = ClusterTestSupport.cassandraForNamespaces();
        cassandra = journal.host() + ":" + journal.port();
        // a keyspace of this run's own: the instance outlives runs
        keyspace = TestCassandra.uniqueKeyspace("cluster");
        jvmSettings = new ArrayList<>();
        TestCassandra.keyspace(keyspace).entrySet().forEach(e ->
                jvmSettings.add("-D" + e.getKey() + "=" + e.getValue().unwrapped()));
        members[1] = MemberProcess.start(lab, 1, dataRoot, cassandra, Optional.empty(), jvmSettings).awaitUp(START);
        // one at a time: three JVMs starting at once on a 2-core machine can starve heartbeats
        members[2] = MemberProcess.start(lab, 2, dataRoot, cassandra, Optional.of(1), jvmSettings).awaitUp(START);
        members[3] = MemberProcess.start(lab, 3, dataRoot, cassandra, Optional.of(1), jvmSettings).awaitUp(START);
        for (int i = 1; i <= 3; i++) {
            ApiClient api = members[i].api();
            Await.until(SETTLE, "n" + i + " to see three online members, quorate",
                    () -> online(api).equals(Map.of("n1", true, "n2", true, "n3", true)) && quorate(api));
        }
    }

    @AfterAll
    void tearDown() throws Exception {
        for (MemberProcess m : members) {
            if (m != null) {
                m.close();
            }
        }
        if (keyspace != null) {
            ClusterTestSupport.dropKeyspace(journal, keyspace);
        }
        ClusterTestSupport.stopCassandra();
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    @Order(1)
    void guestsCreatedThroughOneMemberAreControlledThroughAnother() throws Exception {
        ApiClient n1 = members[1].api();
        ApiClient n2 = members[2].api();
        n1.runTask("n1", "/nodes/n1/qemu", params("vmid", "101", "memory", "64", "scsi0", "local:1"));
        n1.runTask("n2", "/nodes/n2/qemu", params("vmid", "102", "memory", "64", "scsi0", "local:1"));
        n2.runTask("n1", "/nodes/n1/qemu/101/status/start", params());
        n2.runTask("n2", "/nodes/n2/qemu/102/status/start", params());
        for (ApiClient api : List.of(n1, n2, members[3].api())) {
            Await.until(SETTLE, "101 and 102 running everywhere", () -> {
                Map<String, String> g = guests(api);
                return "running".equals(g.get("101@n1")) && "running".equals(g.get("102@n2"));
            });
        }
        assertThat(n2.get("/nodes/n1/qemu/101/status/current").data().path("status").asText()).isEqualTo("running");
    }

    @Test
    @Order(2)
    void aKilledMemberShowsOfflineAndTheOthersKeepServing() throws Exception {
        ApiClient n1 = members[1].api();
        long t0 = System.nanoTime();
        members[3].kill9();
        Await.until(SETTLE, "n1 to mark n3 offline", () -> Boolean.FALSE.equals(online(n1).get("n3")));
        System.out.printf("cluster-bench: kill -9 to offline in /cluster/status: %d ms%n", ms(t0));
        Await.until(SETTLE, "n3's node offline in /cluster/resources", () -> "offline".equals(nodeStatus(n1, "n3")));
        assertThat(quorate(n1)).as("two of three members are a majority").isTrue();
        // entities whose shard lived on n3 answer again once the split-brain resolver has downed it
        runTaskEventually(n1, "n2", "/nodes/n2/qemu", params("vmid", "103", "memory", "64"));
        runTaskEventually(members[2].api(), "n1", "/nodes/n1/qemu/101/status/stop", params());
        System.out.printf("cluster-bench: kill -9 to both writes done through the survivors: %d ms%n", ms(t0));
        Await.until(SETTLE, "103 created and 101 stopped", () -> {
            Map<String, String> g = guests(n1);
            return "stopped".equals(g.get("103@n2")) && "stopped".equals(g.get("101@n1"));
        });
    }

    @Test
    @Order(3)
    void theKilledMemberRejoinsAfterARestart() throws Exception {
        members[3] = MemberProcess.start(lab, 3, dataRoot, cassandra, Optional.of(1), jvmSettings).awaitUp(START);
        ApiClient n3 = members[3].api();
        Await.until(SETTLE, "n3 back and quorate", () -> Boolean.TRUE.equals(online(n3).get("n3")) && quorate(n3)
                && Boolean.TRUE.equals(online(n3).get("n1")));
        Await.until(SETTLE, "n3 to see every guest", () -> guests(n3).keySet().containsAll(List.of("101@n1", "102@n2", "103@n2")));
    }

    @Test
    @Order(4)
    void aCutOffMemberTurnsReadOnlyWhileTheMajorityWorks() throws Exception {
        ApiClient n3 = members[3].api();
        long t0 = System.nanoTime();
        lab.cut(3);
        Await.until(SETTLE, "n3 to lose quorum", () -> !quorate(n3));
        System.out.printf("cluster-bench: partition to read-only minority: %d ms%n", ms(t0));
        ApiClient.Response refused = n3.post("/nodes/n3/qemu", params("vmid", "190", "memory", "64"));
        assertThat(refused.status()).as(refused.body().toString()).isEqualTo(503);
        assertThat(refused.reason()).contains("quorum");
        assertThat(n3.get("/cluster/resources").status()).as("the minority still serves reads").isEqualTo(200);
        ApiClient n1 = members[1].api();
        Await.until(SETTLE, "the majority to see n3 offline", () -> Boolean.FALSE.equals(online(n1).get("n3")));
        runTaskEventually(n1, "n1", "/nodes/n1/qemu", params("vmid", "104", "memory", "64"));
        runTaskEventually(n1, "n1", "/nodes/n1/qemu/104/status/start", params());
        System.out.printf("cluster-bench: partition to both writes done through the majority: %d ms%n", ms(t0));
        int exit = members[3].awaitExit(Duration.ofSeconds(60));
        System.out.printf("cluster-bench: partition to minority downed (process exit %d): %d ms%n", exit, ms(t0));
        assertThat(members[3].logText()).containsIgnoringCase("downed");
    }

    @Test
    @Order(5)
    void afterTheHealTheMinorityRejoinsAndEveryMemberAgrees() throws Exception {
        lab.heal(3);
        members[3] = MemberProcess.start(lab, 3, dataRoot, cassandra, Optional.of(1), jvmSettings).awaitUp(START);
        List<ApiClient> apis = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            apis.add(members[i].api());
        }
        Await.until(SETTLE, "all three members to agree on every guest", () -> {
            List<Map<String, String>> views = new ArrayList<>();
            for (ApiClient api : apis) {
                views.add(guests(api));
            }
            return views.get(0).size() == 4 && views.stream().allMatch(v -> v.equals(views.get(0)));
        });
        assertThat(guests(apis.get(2))).containsEntry("104@n1", "running").doesNotContainKey("190@n3");
    }

    @Test
    @Order(6)
    void theWholeClusterRestartsWithoutJoinFromItsRecordedNodeList() throws Exception {
        Map<String, String> before = guests(members[1].api());
        for (int i = 1; i <= 3; i++) {
            members[i].close();
        }
        long t0 = System.nanoTime();
        // started in reverse, none told whom to join: they probe the members of the journal's node list, and the
        // lowest address among the first majority to find each other forms the cluster; the last one joins it
        for (int i = 3; i >= 1; i--) {
            members[i] = MemberProcess.start(lab, i, dataRoot, cassandra, Optional.empty(), jvmSettings);
        }
        for (int i = 1; i <= 3; i++) {
            members[i].awaitUp(START);
        }
        for (int i = 1; i <= 3; i++) {
            ApiClient api = members[i].api();
            Await.until(START, "n" + i + " back in one quorate cluster with every guest", () ->
                    online(api).equals(Map.of("n1", true, "n2", true, "n3", true)) && quorate(api)
                            && guests(api).equals(before));
        }
        System.out.printf("cluster-bench: whole-cluster restart (3 members, no --join) until all agree: %d ms%n", ms(t0));
    }

    @Test
    @Order(7)
    void noEntityWasEverWrittenByTwoIncarnations() throws Exception {
        List<String> violations = ClusterTestSupport.journalViolations(journal, keyspace);
        assertThat(violations).isEmpty();
    }

    /**
     * Runs a task, retrying while the fabric cannot answer yet (503/504: a shard still on a member not yet
     * downed). A 409 on a retry means an earlier attempt went through after all; the callers check the end state.
     */
    private static void runTaskEventually(ApiClient api, String node, String path, Map<String, String> params) {
        boolean retried = false;
        long deadline = System.nanoTime() + SETTLE.toNanos();
        while (true) {
            try {
                ApiClient.Response r = api.post(path, params);
                if (r.status() == 200) {
                    JsonNode status = api.awaitTask(node, r.data().asText());
                    assertThat(status.path("exitstatus").asText()).as(path).isEqualTo("OK");
                    return;
                }
                if (r.status() == 409 && retried) {
                    return;
                }
                if ((r.status() != 503 && r.status() != 504) || System.nanoTime() > deadline) {
                    throw new AssertionError("POST " + path + " answered " + r.status() + " " + r.body());
                }
                retried = true;
            } catch (AssertionError e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static long ms(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    private static Map<String, Boolean> online(ApiClient api) {
        Map<String, Boolean> m = new TreeMap<>();
        for (JsonNode e : get(api, "/cluster/status")) {
            if ("node".equals(e.path("type").asText())) {
                m.put(e.path("name").asText(), e.path("online").asInt() == 1);
            }
        }
        return m;
    }

    private static boolean quorate(ApiClient api) {
        for (JsonNode e : get(api, "/cluster/status")) {
            if ("cluster".equals(e.path("type").asText())) {
                return e.path("quorate").asInt() == 1;
            }
        }
        return false;
    }

    private static String nodeStatus(ApiClient api, String node) {
        for (JsonNode e : get(api, "/cluster/resources?type=node")) {
            if (node.equals(e.path("node").asText())) {
                return e.path("status").asText();
            }
        }
        return null;
    }

    /** vmid@node to status, as /cluster/resources reports them. */
    private static Map<String, String> guests(ApiClient api) {
        Map<String, String> m = new TreeMap<>();
        for (JsonNode e : get(api, "/cluster/resources?type=vm")) {
            m.put(e.path("vmid").asText() + "@" + e.path("node").asText(), e.path("status").asText());
        }
        return m;
    }

    private static JsonNode get(ApiClient api, String path) {
        try {
            ApiClient.Response r = api.get(path);
            if (r.status() != 200) {
                throw new AssertionError("GET " + path + " answered " + r.status() + " " + r.body());
            }
            return r.data();
        } catch (AssertionError e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
