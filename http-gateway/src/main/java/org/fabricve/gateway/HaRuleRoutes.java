package org.fabricve.gateway;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.fabricve.ha.model.HaConfig;
import org.fabricve.ha.model.Rule;
import org.fabricve.ha.model.Sid;
import org.fabricve.ha.runtime.HaManagerEntity;
import org.fabricve.ha.runtime.HaRuntime;

/**
 * {@code /cluster/ha/rules} (Proxmox VE 9: node-affinity and resource-affinity) and {@code /cluster/ha/groups}
 * (Proxmox VE 8's groups, kept as node-affinity rules named after the group: {@code restricted} is
 * {@code strict}). A write is checked here for what names a parameter (ids, types, unknown nodes, unmanaged
 * resources), then the whole new rule set is checked for contradictions by the manager, which names the rule;
 * either refusal changes nothing.
 */
final class HaRuleRoutes extends RouteSupport {

    private static final Set<String> RULE_PARAMS = Set.of("rule", "type", "resources", "nodes", "strict", "affinity",
            "comment", "disable", "digest", "delete");
    private static final Set<String> GROUP_PARAMS = Set.of("group", "nodes", "restricted", "nofailback", "comment",
            "type", "digest", "delete");
    private static final String ID_PATTERN = "[A-Za-z][A-Za-z0-9_.-]{0,63}";
    private static final String NODE_AFFINITY = "node-affinity";
    private static final String RESOURCE_AFFINITY = "resource-affinity";

    private final HaRuntime ha;

    HaRuleRoutes(HaRuntime ha) {
        this.ha = ha;
    }

    Route rules() {
        return pathPrefix("rules", () -> concat(
                pathEndOrSingleSlash(() -> concat(
                        get(() -> withParams(p -> withStatus(s -> ok(ruleRows(s.config(), p))))),
                        post(() -> withParams(p -> writeRule(null, p))))),
                path(PathMatchers.segment(), id -> concat(
                        get(() -> withStatus(s -> ok(ruleRow(s.config(), rule(s.config(), id))))),
                        put(() -> withParams(p -> writeRule(id, p))),
                        delete(() -> withStatus(s -> {
                            rule(s.config(), id);
                            return putRules(without(s.config().rules(), id));
                        }))))));
    }

    Route groups() {
        return pathPrefix("groups", () -> concat(
                pathEndOrSingleSlash(() -> concat(
                        get(() -> withStatus(s -> ok(s.config().rules().stream().filter(r -> r instanceof Rule.NodeAffinity)
                                .map(r -> groupRow(s.config(), (Rule.NodeAffinity) r)).toList()))),
                        post(() -> withParams(p -> writeGroup(null, p))))),
                path(PathMatchers.segment(), id -> concat(
                        get(() -> withStatus(s -> ok(groupRow(s.config(), group(s.config(), id))))),
                        put(() -> withParams(p -> writeGroup(id, p))),
                        delete(() -> withStatus(s -> {
                            Rule.NodeAffinity g = group(s.config(), id);
                            if (!g.resources().isEmpty()) {
                                throw ApiException.conflict("group '" + id + "' is used by HA resource(s) " + sids(g.resources()));
                            }
                            return putRules(without(s.config().rules(), id));
                        }))))));
    }

    private Route withStatus(Function<HaManagerEntity.Status, Route> inner) {
        return await(ha.status(), inner);
    }

    private Route putRules(List<Rule> rules) {
        return await(ha.putRules(rules), a -> {
            if (!a.ok()) throw ApiException.badParameter(a.param(), a.message());
            return ok(null);
        });
    }

    // ---- reading ------------------------------------------------------------------------------------------------

    static Rule rule(HaConfig c, String id) {
        return c.rules().stream().filter(r -> r.id().equals(id)).findFirst()
                .orElseThrow(() -> ApiException.notFound("no such ha rule '" + id + "'"));
    }

    private static Rule.NodeAffinity group(HaConfig c, String id) {
        return c.rules().stream().filter(r -> r.id().equals(id) && r instanceof Rule.NodeAffinity).map(r -> (Rule.NodeAffinity) r)
                .findFirst().orElseThrow(() -> ApiException.notFound("no such ha group '" + id + "'"));
    }

    /** Proxmox's {@code type} and {@code resource} filters. */
    private static List<Map<String, Object>> ruleRows(HaConfig c, Map<String, String> p) {
        HaRoutes.unknownParams(p, Set.of("type", "resource"));
        String type = p.get("type");
        if (type != null && !type.equals(NODE_AFFINITY) && !type.equals(RESOURCE_AFFINITY)) throw badType(type);
        Sid resource = p.get("resource") == null ? null : HaRoutes.sid("resource", p.get("resource"));
        return c.rules().stream()
                .filter(r -> type == null || typeOf(r).equals(type))
                .filter(r -> resource == null || r.resources().contains(resource))
                .map(r -> ruleRow(c, r)).toList();
    }

    private static Map<String, Object> ruleRow(HaConfig c, Rule r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rule", r.id());
        m.put("type", typeOf(r));
        m.put("resources", sids(r.resources()));
        if (r instanceof Rule.NodeAffinity na) {
            m.put("nodes", nodesText(na));
            m.put("strict", na.strict() ? 1 : 0);
        } else if (r instanceof Rule.ResourceAffinity ra) {
            m.put("affinity", ra.affinity().wire());
        }
        if (!r.comment().isEmpty()) m.put("comment", r.comment());
        m.put("order", c.rules().indexOf(r) + 1);
        m.put("digest", digest(c));
        return m;
    }

    private static Map<String, Object> groupRow(HaConfig c, Rule.NodeAffinity na) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("group", na.id());
        m.put("type", "group");
        m.put("nodes", nodesText(na));
        m.put("restricted", na.strict() ? 1 : 0);
        m.put("nofailback", 1); // the manager never moves a running service back by itself
        if (!na.comment().isEmpty()) m.put("comment", na.comment());
        m.put("digest", digest(c));
        return m;
    }

    /**
     * Of the whole rule set, as Proxmox's digest is the SHA-1 of the whole rules.cfg; taken over the rules' text,
     * not their hash codes (an enum's is per JVM), so every member gives the same digest.
     */
    static String digest(HaConfig c) {
        try {
            byte[] sha = java.security.MessageDigest.getInstance("SHA-1")
                    .digest(c.rules().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(sha);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every Java platform", e);
        }
    }

    private static String typeOf(Rule r) {
        return r instanceof Rule.NodeAffinity ? NODE_AFFINITY : RESOURCE_AFFINITY;
    }

    private static String sids(List<Sid> rs) {
        return rs.stream().map(Sid::toString).collect(Collectors.joining(","));
    }

    private static String nodesText(Rule.NodeAffinity na) {
        return na.nodes().entrySet().stream().map(e -> e.getValue() == 0 ? e.getKey() : e.getKey() + ":" + e.getValue())
                .collect(Collectors.joining(","));
    }

    // ---- writing ------------------------------------------------------------------------------------------------

    private static ApiException badType(String type) {
        return ApiException.badParameter("type", "value '" + type + "' does not have a value in the enumeration '"
                + NODE_AFFINITY + ", " + RESOURCE_AFFINITY + "'");
    }

    private static String id(String pathId, Map<String, String> p, String param) {
        String id = pathId != null ? pathId : p.get(param);
        if (id == null) throw ApiException.badParameter(param, "property is missing and it is not optional");
        if (!id.matches(ID_PATTERN)) throw ApiException.badParameter(param, "invalid format - invalid " + param + " id '" + id + "'");
        return id;
    }

    private static void checkDigest(HaConfig c, Map<String, String> p) {
        String d = p.get("digest");
        if (d != null && !d.isEmpty() && !d.equals(digest(c))) {
            throw ApiException.badParameter("digest", "detected modified configuration - file changed by other user? Try again.");
        }
    }

    private static Set<String> deletions(Map<String, String> p, Set<String> allowed) {
        Set<String> out = new TreeSet<>();
        if (p.get("delete") == null) return out;
        for (String k : p.get("delete").split("[,;\\s]+")) {
            if (k.isEmpty()) continue;
            if (!allowed.contains(k)) throw ApiException.badParameter("delete", "cannot delete '" + k + "'");
            if (p.containsKey(k)) throw ApiException.badParameter("delete", "cannot set and delete property '" + k + "' at the same time");
            out.add(k);
        }
        return out;
    }

    /** {@code node1:2,node2} (priority 0 when absent), as Proxmox writes node lists; every node must exist. */
    private static Map<String, Integer> nodes(HaConfig c, String text) {
        if (text == null || text.isBlank()) throw ApiException.badParameter("nodes", "property is missing and it is not optional");
        Map<String, Integer> out = new TreeMap<>();
        for (String part : text.split("[,;\\s]+")) {
            String[] kv = part.split(":");
            if (kv.length > 2 || !org.fabricve.core.cluster.ClusterNode.validName(kv[0])) {
                throw ApiException.badParameter("nodes", "invalid format - invalid node entry '" + part + "' (expected NODE[:PRIORITY])");
            }
            try {
                int prio = kv.length == 2 ? Integer.parseInt(kv[1]) : 0;
                if (prio < 0 || prio > 1000) throw new NumberFormatException();
                out.put(kv[0], prio);
            } catch (NumberFormatException e) {
                throw ApiException.badParameter("nodes", "invalid format - priority in '" + part + "' must be an integer from 0 to 1000");
            }
        }
        List<String> unknown = out.keySet().stream().filter(n -> !c.nodes().contains(n)).toList();
        if (!unknown.isEmpty()) throw ApiException.badParameter("nodes", "cannot use non-existent node(s) " + String.join(", ", unknown) + ".");
        return out;
    }

    /** The rule's resources: listed once each, and every one an HA resource (as Proxmox requires). */
    private static List<Sid> resources(HaConfig c, String text) {
        if (text == null || text.isBlank()) throw ApiException.badParameter("resources", "property is missing and it is not optional");
        List<Sid> out = new ArrayList<>();
        for (String part : text.split("[,;\\s]+")) {
            Sid sid = HaRoutes.sid("resources", part);
            if (out.contains(sid)) throw ApiException.badParameter("resources", "resource '" + sid + "' is listed twice");
            out.add(sid);
        }
        List<String> unmanaged = out.stream().filter(s -> !c.services().containsKey(s)).map(Sid::toString).toList();
        if (!unmanaged.isEmpty()) throw ApiException.badParameter("resources", "cannot use unmanaged resource(s) " + String.join(", ", unmanaged) + ".");
        return out;
    }

    private Route writeRule(String pathId, Map<String, String> p) {
        HaRoutes.unknownParams(p, RULE_PARAMS);
        return withStatus(s -> {
            HaConfig c = s.config();
            String id = id(pathId, p, "rule");
            Optional<Rule> old = c.rules().stream().filter(r -> r.id().equals(id)).findFirst();
            if (pathId == null && old.isPresent()) throw ApiException.badParameter("rule", "HA rule '" + id + "' already defined");
            if (pathId != null && old.isEmpty()) throw ApiException.notFound("no such ha rule '" + id + "'");
            checkDigest(c, p);
            if (RequestParams.flag(p, "disable")) {
                throw ApiException.badParameter("disable", "disabled rules are not supported: delete the rule instead");
            }
            String type = p.get("type");
            if (type == null && old.isEmpty()) throw ApiException.badParameter("type", "property is missing and it is not optional");
            if (type != null && !type.equals(NODE_AFFINITY) && !type.equals(RESOURCE_AFFINITY)) throw badType(type);
            if (type != null && old.isPresent() && !type.equals(typeOf(old.get()))) {
                throw ApiException.badParameter("type", "rule '" + id + "' is a " + typeOf(old.get()) + " rule; its type cannot change");
            }
            String kind = old.map(HaRuleRoutes::typeOf).orElse(type);
            // Proxmox keeps each type's properties apart: strict and nodes belong to node affinity, affinity to resource affinity
            Set<String> foreign = kind.equals(NODE_AFFINITY) ? Set.of("affinity") : Set.of("nodes", "strict");
            for (String f : foreign) {
                if (p.containsKey(f)) throw ApiException.badParameter(f, "property is not defined for " + kind + " rules");
            }
            Set<String> deleted = deletions(p, kind.equals(NODE_AFFINITY) ? Set.of("comment", "strict", "disable") : Set.of("comment", "disable"));
            List<Sid> res = p.containsKey("resources") || old.isEmpty() ? resources(c, p.get("resources")) : old.get().resources();
            String comment = deleted.contains("comment") ? "" : p.getOrDefault("comment", old.map(Rule::comment).orElse(""));
            Rule rule;
            if (kind.equals(NODE_AFFINITY)) {
                Rule.NodeAffinity o = (Rule.NodeAffinity) old.orElse(null);
                Map<String, Integer> nodes = p.containsKey("nodes") || o == null ? nodes(c, p.get("nodes")) : o.nodes();
                boolean strict = p.containsKey("strict") ? RequestParams.flag(p, "strict") : o != null && o.strict() && !deleted.contains("strict");
                rule = Rule.NodeAffinity.of(id, res, nodes, strict).withComment(comment);
            } else {
                Rule.ResourceAffinity o = (Rule.ResourceAffinity) old.orElse(null);
                String aff = p.containsKey("affinity") || o == null ? p.get("affinity") : o.affinity().wire();
                if (aff == null) throw ApiException.badParameter("affinity", "property is missing and it is not optional");
                if (!aff.equals("positive") && !aff.equals("negative")) {
                    throw ApiException.badParameter("affinity", "value '" + aff + "' does not have a value in the enumeration 'positive, negative'");
                }
                rule = new Rule.ResourceAffinity(id, res, aff.equals("positive") ? Rule.Affinity.POSITIVE : Rule.Affinity.NEGATIVE, comment);
            }
            return putRules(replace(c.rules(), rule));
        });
    }

    private Route writeGroup(String pathId, Map<String, String> p) {
        HaRoutes.unknownParams(p, GROUP_PARAMS);
        return withStatus(s -> {
            HaConfig c = s.config();
            String id = id(pathId, p, "group");
            Optional<Rule> old = c.rules().stream().filter(r -> r.id().equals(id)).findFirst();
            if (pathId == null && old.isPresent()) throw ApiException.badParameter("group", "ha group '" + id + "' already defined");
            if (pathId != null) group(c, id);
            if (p.containsKey("type") && !p.get("type").equals("group")) {
                throw ApiException.badParameter("type", "value '" + p.get("type") + "' does not have a value in the enumeration 'group'");
            }
            checkDigest(c, p);
            RequestParams.flag(p, "nofailback"); // checked; the manager never fails back (docs/api-coverage.md)
            Set<String> deleted = deletions(p, Set.of("comment", "restricted", "nofailback"));
            Rule.NodeAffinity o = (Rule.NodeAffinity) old.orElse(null);
            Map<String, Integer> nodes = p.containsKey("nodes") || o == null ? nodes(c, p.get("nodes")) : o.nodes();
            boolean strict = p.containsKey("restricted") ? RequestParams.flag(p, "restricted")
                    : o != null && o.strict() && !deleted.contains("restricted");
            String comment = deleted.contains("comment") ? "" : p.getOrDefault("comment", o == null ? "" : o.comment());
            Rule rule = Rule.NodeAffinity.of(id, o == null ? List.of() : o.resources(), nodes, strict).withComment(comment);
            return putRules(replace(c.rules(), rule));
        });
    }

    static List<Rule> replace(List<Rule> rules, Rule rule) {
        List<Rule> out = new ArrayList<>();
        boolean replaced = false;
        for (Rule r : rules) {
            if (r.id().equals(rule.id())) {
                out.add(rule);
                replaced = true;
            } else {
                out.add(r);
            }
        }
        if (!replaced) out.add(rule);
        return out;
    }

    private static List<Rule> without(List<Rule> rules, String id) {
        return rules.stream().filter(r -> !r.id().equals(id)).toList();
    }
}
