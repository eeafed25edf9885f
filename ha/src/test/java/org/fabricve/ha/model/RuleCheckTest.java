package org.fabricve.ha.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RuleCheckTest {

    private static final List<String> NODES = List.of("node1", "node2", "node3");
    private static final Sid A = Sid.parse("vm:101"), B = Sid.parse("vm:102"), C = Sid.parse("ct:103");

    private static Rule nodes(String id, boolean strict, Map<String, Integer> prios, Sid... rs) {
        return Rule.NodeAffinity.of(id, List.of(rs), prios, strict);
    }

    private static Rule res(String id, Rule.Affinity a, Sid... rs) {
        return new Rule.ResourceAffinity(id, List.of(rs), a);
    }

    @Test
    void aConsistentSetPasses() {
        assertThat(RuleCheck.validate(List.of(nodes("n", true, Map.of("node1", 1, "node2", 2), A),
                res("p", Rule.Affinity.POSITIVE, A, B), res("x", Rule.Affinity.NEGATIVE, A, C)), NODES)).isEmpty();
    }

    @Test
    void contradictionsAreNamed() {
        assertThat(RuleCheck.validate(List.of(res("p", Rule.Affinity.POSITIVE, A, B), res("q", Rule.Affinity.POSITIVE, B, C),
                res("x", Rule.Affinity.NEGATIVE, A, C)), NODES)).singleElement().asString().contains("rule x", "together by a positive rule");
        assertThat(RuleCheck.validate(List.of(nodes("n1", false, Map.of("node1", 1), A), nodes("n2", false, Map.of("node2", 1), A)), NODES))
                .anyMatch(e -> e.contains("already in node-affinity rule n1"));
        assertThat(RuleCheck.validate(List.of(nodes("n1", false, Map.of("node1", 1), A), nodes("n2", false, Map.of("node2", 1), B),
                res("p", Rule.Affinity.POSITIVE, A, B)), NODES)).anyMatch(e -> e.contains("different node-affinity rules"));
        assertThat(RuleCheck.validate(List.of(nodes("n1", true, Map.of("node1", 1), A), nodes("n2", true, Map.of("node1", 1), B),
                res("x", Rule.Affinity.NEGATIVE, A, B)), NODES)).anyMatch(e -> e.contains("strictly restricted to only 1 node"));
        assertThat(RuleCheck.validate(List.of(res("x", Rule.Affinity.NEGATIVE, A)), NODES)).anyMatch(e -> e.contains("at least two"));
        assertThat(RuleCheck.validate(List.of(nodes("n", true, Map.of("node9", 1), A)), NODES)).anyMatch(e -> e.contains("'node9' is not a cluster node"));
        assertThat(RuleCheck.validate(List.of(res("x", Rule.Affinity.NEGATIVE, A, B, C, Sid.parse("vm:104"))), NODES))
                .anyMatch(e -> e.contains("need as many nodes"));
        assertThat(RuleCheck.validate(List.of(res("x", Rule.Affinity.NEGATIVE, A, B), res("x", Rule.Affinity.POSITIVE, A, C)), NODES))
                .anyMatch(e -> e.contains("duplicate id"));
    }

    @Test
    void aNodeAffinityRuleOfNoResourcesIsAGroupWaitingForMembers() {
        assertThat(RuleCheck.validate(List.of(nodes("g", true, Map.of("node1", 1))), NODES)).isEmpty();
        assertThat(RuleCheck.validate(List.of(res("x", Rule.Affinity.NEGATIVE)), NODES)).anyMatch(e -> e.contains("resources is empty"));
    }

    @Test
    void removingAResourcePurgesItFromTheRulesButKeepsGroups() {
        HaConfig c = HaConfig.empty(NODES).withRules(List.of(nodes("g", false, Map.of("node1", 1), A),
                res("apart", Rule.Affinity.NEGATIVE, A, B), res("three", Rule.Affinity.POSITIVE, A, C, Sid.parse("vm:104"))));
        HaConfig after = HaConfigEvent.apply(c, new HaConfigEvent.ResourceRemoved(A));
        assertThat(after.rules()).extracting(Rule::id).containsExactly("g", "three");
        assertThat(after.rules().get(0).resources()).isEmpty();
        assertThat(after.rules().get(1).resources()).containsExactly(C, Sid.parse("vm:104"));
        assertThat(RuleCheck.validate(after.rules(), NODES)).as("what is left still passes").isEmpty();
    }

    @Test
    void aConfigRefusesContradictingRulesAndStaysUnchanged() {
        HaConfig c = HaConfig.empty(NODES);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> c.withRules(List.of(res("p", Rule.Affinity.POSITIVE, A, B),
                res("x", Rule.Affinity.NEGATIVE, A, B)))).hasMessageContaining("rule x");
        assertThat(c.rules()).isEmpty();
    }

    @Test
    void sidsParseAndRefuseNonsense() {
        assertThat(Sid.parse("ct:100").toString()).isEqualTo("ct:100");
        assertThat(Sid.parse("100")).isEqualTo(Sid.parse("vm:100"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Sid.parse("vm:abc")).hasMessageContaining("vm:abc");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Sid.parse("qemu:100")).hasMessageContaining("vm or ct");
    }
}
