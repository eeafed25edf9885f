package org.fabricve.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.fabricve.app.ApiClient.params;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * HA rules and groups through the real API of a real node: node affinity with priorities and strict, resource
 * affinity positive and negative, groups kept as node-affinity rules; contradictions and bad input refused with
 * the rule or parameter named and nothing changed; unknown rules and groups 404.
 */
class HaRulesApiTest extends SharedNodeTest {

    @BeforeAll
    void haResources() throws Exception {
        for (String vmid : List.of("160", "161", "162", "163")) {
            api.runTask(N, "/nodes/" + N + "/qemu", params("vmid", vmid, "memory", "64"));
            // stopped: the rules are what is tested here, not the manager starting guests
            assertThat(api.post("/cluster/ha/resources", params("sid", "vm:" + vmid, "state", "stopped")).status()).isEqualTo(200);
        }
    }

    @Test
    void nodeAffinityRulesAreCreatedReadUpdatedAndDeleted() throws Exception {
        ApiClient.Response created = api.post("/cluster/ha/rules", params("rule", "prefer-pve1", "type", "node-affinity",
                "resources", "vm:160", "nodes", N + ":2", "comment", "db"));
        assertThat(created.status()).as(created.body().toString()).isEqualTo(200);

        JsonNode rule = api.get("/cluster/ha/rules/prefer-pve1").data();
        assertThat(rule.path("type").asText()).isEqualTo("node-affinity");
        assertThat(rule.path("resources").asText()).isEqualTo("vm:160");
        assertThat(rule.path("nodes").asText()).isEqualTo(N + ":2");
        assertThat(rule.path("strict").asInt()).isZero();
        assertThat(rule.path("comment").asText()).isEqualTo("db");
        assertThat(rule.path("digest").asText()).isNotEmpty();
        assertThat(ids(api.get("/cluster/ha/rules?type=node-affinity").data())).contains("prefer-pve1");
        assertThat(ids(api.get("/cluster/ha/rules?type=resource-affinity").data())).doesNotContain("prefer-pve1");
        assertThat(ids(api.get("/cluster/ha/rules?resource=vm:160").data())).contains("prefer-pve1");
        assertThat(ids(api.get("/cluster/ha/rules?resource=vm:161").data())).doesNotContain("prefer-pve1");

        ApiClient.Response updated = api.put("/cluster/ha/rules/prefer-pve1", params("strict", "1", "resources", "vm:160,vm:161",
                "delete", "comment"));
        assertThat(updated.status()).as(updated.body().toString()).isEqualTo(200);
        rule = api.get("/cluster/ha/rules/prefer-pve1").data();
        assertThat(rule.path("strict").asInt()).isEqualTo(1);
        assertThat(rule.path("resources").asText()).isEqualTo("vm:160,vm:161");
        assertThat(rule.has("comment")).isFalse();
        assertThat(rule.path("nodes").asText()).as("unchanged").isEqualTo(N + ":2");

        assertThat(api.delete("/cluster/ha/rules/prefer-pve1").status()).isEqualTo(200);
        assertThat(api.get("/cluster/ha/rules/prefer-pve1").status()).isEqualTo(404);
    }

    @Test
    void aContradictionIsRefusedNamingTheRuleAndChangesNothing() throws Exception {
        ApiClient.Response together = api.post("/cluster/ha/rules", params("rule", "together", "type", "resource-affinity",
                "resources", "vm:162,vm:163", "affinity", "positive"));
        assertThat(together.status()).as(together.body().toString()).isEqualTo(200);
        List<String> before = ids(api.get("/cluster/ha/rules").data());

        ApiClient.Response apart = api.post("/cluster/ha/rules", params("rule", "apart", "type", "resource-affinity",
                "resources", "vm:162,vm:163", "affinity", "negative"));
        assertThat(apart.status()).isEqualTo(400);
        assertThat(apart.body().path("errors").path("rule").asText()).as(apart.body().toString())
                .contains("rule apart", "together by a positive rule");

        // two guests kept apart on a one-node cluster cannot both run: refused as well
        api.delete("/cluster/ha/rules/together");
        ApiClient.Response squeezed = api.post("/cluster/ha/rules", params("rule", "apart", "type", "resource-affinity",
                "resources", "vm:162,vm:163", "affinity", "negative"));
        assertThat(squeezed.status()).isEqualTo(400);
        assertThat(squeezed.body().path("errors").path("rule").asText()).as(squeezed.body().toString())
                .contains("rule apart", "need as many nodes");

        // changing a rule into a contradiction leaves it as it was
        api.post("/cluster/ha/rules", params("rule", "together", "type", "resource-affinity", "resources", "vm:162,vm:163",
                "affinity", "positive"));
        api.post("/cluster/ha/rules", params("rule", "n162", "type", "node-affinity", "resources", "vm:162", "nodes", N));
        ApiClient.Response split = api.post("/cluster/ha/rules", params("rule", "n163", "type", "node-affinity",
                "resources", "vm:163", "nodes", N + ":1"));
        assertThat(split.status()).isEqualTo(400);
        assertThat(split.body().path("errors").path("rule").asText()).contains("different node-affinity rules");
        assertThat(ids(api.get("/cluster/ha/rules").data())).containsExactlyElementsOf(plus(before, "n162"));
        ApiClient.Response toNegative = api.put("/cluster/ha/rules/together", params("affinity", "negative"));
        assertThat(toNegative.status()).isEqualTo(400);
        assertThat(api.get("/cluster/ha/rules/together").data().path("affinity").asText()).isEqualTo("positive");

        api.delete("/cluster/ha/rules/n162");
        api.delete("/cluster/ha/rules/together");
    }

    @Test
    void badRulesAreRefusedWithTheParameterNamed() throws Exception {
        List<String> before = ids(api.get("/cluster/ha/rules").data());
        String digest = api.get("/cluster/ha/groups").body().toString();
        assertBad(api.post("/cluster/ha/rules", params("type", "node-affinity", "resources", "vm:160", "nodes", N)), "rule");
        assertBad(api.post("/cluster/ha/rules", params("rule", "1bad", "type", "node-affinity", "resources", "vm:160", "nodes", N)), "rule");
        assertBad(api.post("/cluster/ha/rules", params("rule", "r", "resources", "vm:160", "nodes", N)), "type");
        assertBad(api.post("/cluster/ha/rules", params("rule", "r", "type", "location", "resources", "vm:160", "nodes", N)), "type");
        assertBad(api.post("/cluster/ha/rules", params("rule", "r", "type", "node-affinity", "nodes", N)), "resources");
        assertBad(api.post("/cluster/ha/rules", params("rule", "r", "type", "node-affinity", "resources", "vm:999", "nodes", N)), "resources");
        assertBad(api.post("/cluster/ha/rules", params("rule", "r", "type", "node-affinity", "resources", "disk:1", "nodes", N)), "resources");
        assertBad(api.post("/cluster/ha/rules", params("rule", "r", "type", "node-affinity", "resources", "vm:160")), "nodes");
        assertBad(api.post("/cluster/ha/rules", params("rule", "r", "type", "node-affinity", "resources", "vm:160", "nodes", "pve9")), "nodes");
        assertBad(api.post("/cluster/ha/rules", params("rule", "r", "type", "node-affinity", "resources", "vm:160", "nodes", N + ":x")), "nodes");
        assertBad(api.post("/cluster/ha/rules", params("rule", "r", "type", "node-affinity", "resources", "vm:160", "nodes", N,
                "strict", "maybe")), "strict");
        assertBad(api.post("/cluster/ha/rules", params("rule", "r", "type", "node-affinity", "resources", "vm:160", "nodes", N,
                "affinity", "positive")), "affinity");
        assertBad(api.post("/cluster/ha/rules", params("rule", "r", "type", "resource-affinity", "resources", "vm:160,vm:161")), "affinity");
        assertBad(api.post("/cluster/ha/rules", params("rule", "r", "type", "resource-affinity", "resources", "vm:160,vm:161",
                "affinity", "friendly")), "affinity");
        assertBad(api.post("/cluster/ha/rules", params("rule", "r", "type", "resource-affinity", "resources", "vm:160,vm:161",
                "affinity", "positive", "disable", "1")), "disable");
        assertBad(api.post("/cluster/ha/rules", params("rule", "r", "type", "resource-affinity", "resources", "vm:160,vm:161",
                "affinity", "positive", "colour", "red")), "colour");
        assertBad(api.get("/cluster/ha/rules?type=location"), "type");

        api.post("/cluster/ha/rules", params("rule", "keep", "type", "resource-affinity", "resources", "vm:160,vm:161", "affinity", "positive"));
        assertBad(api.post("/cluster/ha/rules", params("rule", "keep", "type", "resource-affinity", "resources", "vm:160,vm:161",
                "affinity", "negative")), "rule");
        assertBad(api.put("/cluster/ha/rules/keep", params("type", "node-affinity")), "type");
        assertBad(api.put("/cluster/ha/rules/keep", params("digest", "00000000", "comment", "x")), "digest");
        assertThat(api.get("/cluster/ha/rules/keep").data().has("comment")).as("nothing changed").isFalse();
        assertThat(api.delete("/cluster/ha/rules/keep").status()).isEqualTo(200);

        assertThat(api.get("/cluster/ha/rules/nosuch").status()).isEqualTo(404);
        assertThat(api.put("/cluster/ha/rules/nosuch", params("comment", "x")).status()).isEqualTo(404);
        assertThat(api.delete("/cluster/ha/rules/nosuch").status()).isEqualTo(404);
        assertThat(ids(api.get("/cluster/ha/rules").data())).as("nothing was added").containsExactlyElementsOf(before);
        assertThat(api.get("/cluster/ha/groups").body().toString()).isEqualTo(digest);
    }

    @Test
    void groupsAreNodeAffinityRulesNamedAfterTheGroup() throws Exception {
        ApiClient.Response created = api.post("/cluster/ha/groups", params("group", "web", "nodes", N + ":1", "restricted", "1",
                "nofailback", "0", "comment", "front ends"));
        assertThat(created.status()).as(created.body().toString()).isEqualTo(200);
        JsonNode group = api.get("/cluster/ha/groups/web").data();
        assertThat(group.path("type").asText()).isEqualTo("group");
        assertThat(group.path("nodes").asText()).isEqualTo(N + ":1");
        assertThat(group.path("restricted").asInt()).isEqualTo(1);
        assertThat(group.path("comment").asText()).isEqualTo("front ends");
        JsonNode asRule = api.get("/cluster/ha/rules/web").data();
        assertThat(asRule.path("type").asText()).isEqualTo("node-affinity");
        assertThat(asRule.path("strict").asInt()).isEqualTo(1);

        // a resource joins the group (and is then in that rule), and leaves it again
        ApiClient.Response joined = api.put("/cluster/ha/resources/vm:162", params("group", "web"));
        assertThat(joined.status()).as(joined.body().toString()).isEqualTo(200);
        assertThat(api.get("/cluster/ha/resources/vm:162").data().path("group").asText()).isEqualTo("web");
        assertThat(api.get("/cluster/ha/rules/web").data().path("resources").asText()).isEqualTo("vm:162");
        ApiClient.Response inUse = api.delete("/cluster/ha/groups/web");
        assertThat(inUse.status()).as("a group in use is not deleted").isEqualTo(409);
        assertThat(api.get("/cluster/ha/groups/web").status()).isEqualTo(200);
        assertThat(api.put("/cluster/ha/resources/vm:162", params("delete", "group")).status()).isEqualTo(200);
        assertThat(api.get("/cluster/ha/resources/vm:162").data().has("group")).isFalse();
        assertThat(api.get("/cluster/ha/groups/web").status()).as("the emptied group stays").isEqualTo(200);

        ApiClient.Response updated = api.put("/cluster/ha/groups/web", params("restricted", "0", "delete", "comment"));
        assertThat(updated.status()).as(updated.body().toString()).isEqualTo(200);
        group = api.get("/cluster/ha/groups/web").data();
        assertThat(group.path("restricted").asInt()).isZero();
        assertThat(group.has("comment")).isFalse();

        assertBad(api.post("/cluster/ha/groups", params("group", "web", "nodes", N)), "group");
        assertBad(api.post("/cluster/ha/groups", params("group", "g2")), "nodes");
        assertBad(api.post("/cluster/ha/groups", params("group", "g2", "nodes", "pve9")), "nodes");
        assertBad(api.post("/cluster/ha/groups", params("group", "g2", "nodes", N, "restricted", "2")), "restricted");
        assertBad(api.post("/cluster/ha/resources", params("sid", "vm:999", "group", "nosuch")), "group");
        assertBad(api.put("/cluster/ha/resources/vm:163", params("group", "nosuch")), "group");
        assertThat(api.get("/cluster/ha/resources/vm:163").data().has("group")).isFalse();
        assertThat(api.get("/cluster/ha/groups/g2").status()).isEqualTo(404);
        assertThat(api.put("/cluster/ha/groups/g2", params("nodes", N)).status()).isEqualTo(404);
        assertThat(api.delete("/cluster/ha/groups/g2").status()).isEqualTo(404);

        assertThat(api.delete("/cluster/ha/groups/web").status()).isEqualTo(200);
        assertThat(api.get("/cluster/ha/rules/web").status()).isEqualTo(404);
    }

    @Test
    void theOpenApiDocumentDescribesEveryHaPath() throws Exception {
        JsonNode paths = api.get("/openapi.json").body().path("paths");
        Map<String, List<String>> served = Map.of(
                "/cluster/ha", List.of("get"),
                "/cluster/ha/resources", List.of("get", "post"),
                "/cluster/ha/resources/{sid}", List.of("get", "put", "delete"),
                "/cluster/ha/resources/{sid}/migrate", List.of("post"),
                "/cluster/ha/resources/{sid}/relocate", List.of("post"),
                "/cluster/ha/status", List.of("get"),
                "/cluster/ha/status/current", List.of("get"),
                "/cluster/ha/status/manager_status", List.of("get"),
                "/cluster/ha/node-maintenance-set", List.of("post"),
                "/cluster/ha/rules", List.of("get", "post"));
        Map<String, List<String>> more = Map.of(
                "/cluster/ha/rules/{rule}", List.of("get", "put", "delete"),
                "/cluster/ha/groups", List.of("get", "post"),
                "/cluster/ha/groups/{group}", List.of("get", "put", "delete"));
        for (Map<String, List<String>> m : List.of(served, more)) {
            m.forEach((path, methods) -> methods.forEach(method ->
                    assertThat(paths.path(path).has(method)).as(method + " " + path).isTrue()));
        }
        assertThat(paths.path("/cluster/ha/rules").path("post").path("requestBody").toString()).contains("resources", "affinity", "strict");
    }

    private static void assertBad(ApiClient.Response r, String param) {
        assertThat(r.status()).as(r.body().toString()).isEqualTo(400);
        assertThat(r.body().path("errors").has(param)).as(param + " named in " + r.body()).isTrue();
    }

    private static List<String> plus(List<String> list, String more) {
        List<String> out = new ArrayList<>(list);
        out.add(more);
        return out;
    }

    private static List<String> ids(JsonNode rows) {
        List<String> out = new ArrayList<>();
        rows.forEach(r -> out.add(r.path("rule").asText()));
        return out;
    }
}
