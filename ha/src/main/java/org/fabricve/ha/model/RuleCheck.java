package org.fabricve.ha.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks a rule set for mistakes and contradictions before it is written, so that the manager never has
 * to choose which of two rules to break. Each error names the rule. The checks follow Proxmox's rule
 * feasibility checks (a resource in one node-affinity rule at most (which may hold no resources yet: a group), resource-affinity rules of at least
 * two resources, no pair both together and apart, together-groups not split over node-affinity rules,
 * apart-groups not squeezed onto fewer strict nodes than members) but reject instead of silently
 * dropping rules.
 */
public final class RuleCheck {

    private RuleCheck() {
    }

    public static List<String> validate(Collection<Rule> rules, Collection<String> clusterNodes) {
        List<String> errors = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        Map<Sid, Rule.NodeAffinity> nodeRuleOf = new HashMap<>();
        for (Rule r : rules) {
            if (r.id() == null || r.id().isBlank()) errors.add("rule: missing id");
            else if (!ids.add(r.id())) errors.add("rule " + r.id() + ": duplicate id");
            // a node-affinity rule of no resources constrains nobody: it is an HA group waiting for members
            if (r.resources().isEmpty() && r instanceof Rule.ResourceAffinity) errors.add("rule " + r.id() + ": resources is empty");
            if (new HashSet<>(r.resources()).size() != r.resources().size()) {
                errors.add("rule " + r.id() + ": a resource is listed twice");
            }
            if (r instanceof Rule.NodeAffinity na) {
                if (na.nodes().isEmpty()) errors.add("rule " + r.id() + ": nodes is empty");
                na.nodes().forEach((node, prio) -> {
                    if (!clusterNodes.contains(node)) errors.add("rule " + r.id() + ": node '" + node + "' is not a cluster node");
                    if (prio == null || prio < 0) errors.add("rule " + r.id() + ": priority of '" + node + "' must be 0 or more");
                });
                for (Sid sid : na.resources()) {
                    Rule.NodeAffinity other = nodeRuleOf.putIfAbsent(sid, na);
                    if (other != null) {
                        errors.add("rule " + r.id() + ": " + sid + " is already in node-affinity rule " + other.id());
                    }
                }
            } else if (r instanceof Rule.ResourceAffinity ra) {
                if (ra.resources().size() < 2) errors.add("rule " + r.id() + ": resource affinity needs at least two resources");
                if (ra.affinity() == null) errors.add("rule " + r.id() + ": affinity must be positive or negative");
                if (ra.affinity() == Rule.Affinity.NEGATIVE && ra.resources().size() > clusterNodes.size()) {
                    errors.add("rule " + r.id() + ": " + ra.resources().size() + " resources kept apart need as many nodes, the cluster has "
                            + clusterNodes.size());
                }
            }
        }
        Groups together = positiveGroups(rules);
        for (Rule r : rules) {
            if (r instanceof Rule.ResourceAffinity ra && ra.affinity() == Rule.Affinity.NEGATIVE) {
                checkNegative(ra, together, nodeRuleOf, clusterNodes, errors);
            }
        }
        for (Set<Sid> group : together.groups()) {
            Set<String> nodeRules = new TreeSet<>();
            for (Sid sid : group) {
                Rule.NodeAffinity na = nodeRuleOf.get(sid);
                if (na != null) nodeRules.add(na.id());
            }
            if (nodeRules.size() > 1) {
                errors.add("resources kept together " + new TreeSet<>(group) + " are in different node-affinity rules " + nodeRules);
            }
        }
        return errors;
    }

    private static void checkNegative(Rule.ResourceAffinity ra, Groups together, Map<Sid, Rule.NodeAffinity> nodeRuleOf,
                                      Collection<String> clusterNodes, List<String> errors) {
        List<Sid> rs = ra.resources();
        for (int i = 0; i < rs.size(); i++) {
            for (int j = i + 1; j < rs.size(); j++) {
                if (together.same(rs.get(i), rs.get(j))) {
                    errors.add("rule " + ra.id() + ": " + rs.get(i) + " and " + rs.get(j)
                            + " must be apart here but together by a positive rule");
                }
            }
        }
        // every member strictly bound: they must have enough distinct nodes between them
        Set<String> union = new TreeSet<>();
        for (Sid sid : rs) {
            Rule.NodeAffinity na = nodeRuleOf.get(sid);
            if (na == null || !na.strict()) return;
            union.addAll(na.nodes().keySet());
        }
        union.retainAll(clusterNodes);
        if (union.size() < rs.size()) {
            errors.add("rule " + ra.id() + ": " + rs.size() + " resources kept apart are strictly restricted to only "
                    + union.size() + " node(s) " + union);
        }
    }

    private static Groups positiveGroups(Collection<Rule> rules) {
        Groups g = new Groups();
        for (Rule r : rules) {
            if (r instanceof Rule.ResourceAffinity ra && ra.affinity() == Rule.Affinity.POSITIVE) {
                for (int i = 1; i < ra.resources().size(); i++) g.union(ra.resources().get(0), ra.resources().get(i));
            }
        }
        return g;
    }

    /** Union-find over resources: "together" is transitive. */
    private static final class Groups {
        private final Map<Sid, Sid> parent = new HashMap<>();

        Sid find(Sid s) {
            Sid p = parent.getOrDefault(s, s);
            if (p.equals(s)) return s;
            Sid root = find(p);
            parent.put(s, root);
            return root;
        }

        void union(Sid a, Sid b) {
            Sid ra = find(a), rb = find(b);
            if (!ra.equals(rb)) parent.put(ra, rb);
        }

        boolean same(Sid a, Sid b) {
            return find(a).equals(find(b));
        }

        Collection<Set<Sid>> groups() {
            Map<Sid, Set<Sid>> byRoot = new HashMap<>();
            for (Sid s : new ArrayList<>(parent.keySet())) byRoot.computeIfAbsent(find(s), k -> new LinkedHashSet<>()).add(s);
            byRoot.forEach((root, set) -> set.add(root));
            return byRoot.values();
        }
    }
}
