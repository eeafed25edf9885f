package org.fabricve.gateway;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.fabricve.ha.manager.CrmCommand;
import org.fabricve.ha.manager.HaStatus;
import org.fabricve.ha.manager.NodeStatus;
import org.fabricve.ha.manager.ServiceStatus;
import org.fabricve.ha.model.HaConfig;
import org.fabricve.ha.model.RequestedState;
import org.fabricve.ha.model.Rule;
import org.fabricve.ha.model.ServiceConfig;
import org.fabricve.ha.model.Sid;
import org.fabricve.ha.runtime.HaManagerEntity;
import org.fabricve.ha.runtime.HaRuntime;
import org.fabricve.node.FabricServices;

/**
 * {@code /cluster/ha} in Proxmox's shapes: resources (CRUD, migrate, relocate), status (current,
 * manager_status), rules (CRUD: node-affinity and resource-affinity) and groups (read and write, kept as
 * node-affinity rules named after the group: {@code restricted} is {@code strict}). Every write is checked
 * before it is sent and again by the manager; a refused write changes nothing and names the parameter.
 */
final class HaRoutes extends RouteSupport {

    private static final Set<String> RESOURCE_PARAMS = Set.of("sid", "state", "max_restart", "max_relocate", "comment",
            "group", "digest", "delete", "type", "failback");
    private static final Set<String> RULE_PARAMS = Set.of("rule", "type", "resources", "nodes", "strict", "affinity",
            "comment", "disable", "digest", "delete");
    private static final Set<String> GROUP_PARAMS = Set.of("group", "nodes", "restricted", "nofailback", "comment",
            "type", "digest", "delete");

    private final FabricServices fabric;
    private final HaRuntime ha;

    HaRoutes(FabricServices fabric, HaRuntime ha) {
        this.fabric = fabric;
        this.ha = ha;
    }

    Route routes() {
        return pathPrefix(PathMatchers.segment("cluster").slash("ha"), () -> concat(
                pathEndOrSingleSlash(() -> get(() -> ok(NodeRoutes.subdirs("resources", "groups", "rules", "status")))),
                pathPrefix("resources", () -> concat(
                        pathEndOrSingleSlash(() -> concat(
                                get(() -> withStatus(s -> ok(resourceRows(s.config())))),
                                post(() -> withParams(this::createResource)))),
                        pathPrefix(PathMatchers.segment(), sidText -> concat(
                                pathEndOrSingleSlash(() -> concat(
                                        get(() -> withStatus(s -> ok(resourceRow(s.config(), existing(s.config(), sidText))))),
                                        put(() -> withParams(p -> updateResource(sidText, p))),
                                        delete(() -> deleteResource(sidText)))),
                                path("migrate", () -> post(() -> withParams(p -> move(sidText, p, false)))),
                                path("relocate", () -> post(() -> withParams(p -> move(sidText, p, true)))))))),
                pathPrefix("status", () -> concat(
                        pathEndOrSingleSlash(() -> get(() -> ok(NodeRoutes.subdirs("current", "manager_status")))),
                        path("current", () -> get(() -> withStatus(s -> ok(current(s))))),
                        path("manager_status", () -> get(() -> withStatus(s -> ok(managerStatus(s))))))),
                pathPrefix("rules", () -> concat(
                        pathEndOrSingleSlash(() -> concat(
                                get(() -> withStatus(s -> ok(s.config().rules().stream().map(HaRoutes::ruleRow).toList()))),
                                post(() -> withParams(p -> writeRule(null, p))))),
                        path(PathMatchers.segment(), id -> concat(
                                get(() -> withStatus(s -> ok(ruleRow(rule(s.config(), id))))),
                                put(() -> withParams(p -> writeRule(id, p))),
                                delete(() -> deleteRule(id)))))),
                pathPrefix("groups", () -> concat(
                        pathEndOrSingleSlash(() -> concat(
                                get(() -> withStatus(s -> ok(s.config().rules().stream()
                                        .filter(r -> r instanceof Rule.NodeAffinity).map(r -> groupRow((Rule.NodeAffinity) r)).toList()))),
                                post(() -> withParams(p -> writeGroup(null, p))))),
                        path(PathMatchers.segment(), id -> concat(
                                get(() -> withStatus(s -> ok(groupRow(group(s.config(), id))))),
                                put(() -> withParams(p -> writeGroup(id, p))),
                                delete(() -> deleteRule(id))))))));
    }

    private Route withStatus(java.util.function.Function<HaManagerEntity.Status, Route> inner) {
        return await(ha.status(), inner);
    }

    private Route done(CompletionStage<HaManagerEntity.Answer> answer) {
        return await(answer, a -> {
            if (!a.ok()) throw ApiException.badParameter(a.param(), a.message());
            return ok(null);
        });
    }

    // ---- resources ----------------------------------------------------------------------------------------------

    private static Sid sid(String text) {
        try {
            return Sid.parse(text);
        } catch (IllegalArgumentException e) {
            throw ApiException.badParameter("sid", e.getMessage());
        }
    }

    private static ServiceConfig existing(HaConfig c, String sidText) {
        Sid sid = sid(sidText);
        return c.service(sid).orElseThrow(() -> ApiException.notFound("no such resource '" + sid + "'"));
    }

    private static List<Map<String, Object>> resourceRows(HaConfig c) {
        return c.services().values().stream().map(s -> resourceRow(c, s)).toList();
    }

    private static Map<String, Object> resourceRow(HaConfig c, ServiceConfig s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sid", s.sid().toString());
        m.put("type", s.sid().type().wire());
        m.put("state", s.state().wire());
        m.put("max_restart", s.maxRestart());
        m.put("max_relocate", s.maxRelocate());
        if (!s.comment().isEmpty()) m.put("comment", s.comment());
        c.rulesFor(s.sid()).stream().filter(r -> r instanceof Rule.NodeAffinity).findFirst().ifPresent(r -> m.put("group", r.id()));
        m.put("digest", Integer.toHexString(s.hashCode()));
        return m;
    }

    private static void unknownParams(Map<String, String> p, Set<String> allowed) {
        Map<String, String> errors = new TreeMap<>();
        p.keySet().stream().filter(k -> !allowed.contains(k)).forEach(k ->
                errors.put(k, "property is not defined in schema and the schema does not allow additional properties"));
        if (!errors.isEmpty()) throw ApiException.badParameters(errors);
    }

    private static RequestedState state(String text) {
        if (text == null) return RequestedState.STARTED;
        if (text.equals("enabled")) return RequestedState.STARTED; // Proxmox's older alias
        try {
            return RequestedState.parse(text);
        } catch (IllegalArgumentException e) {
            throw ApiException.badParameter("state", "value '" + text + "' does not have a value in the enumeration 'started, stopped, enabled, disabled, ignored'");
        }
    }

    private Route createResource(Map<String, String> p) {
        unknownParams(p, RESOURCE_PARAMS);
        if (p.get("sid") == null) throw ApiException.badParameter("sid", "property is missing and it is not optional");
        Sid sid = sid(p.get("sid"));
        RequestedState st = state(p.get("state"));
        int maxRestart = RequestParams.integer(p, "max_restart", ServiceConfig.DEFAULT_MAX_RESTART, 0, 10);
        int maxRelocate = RequestParams.integer(p, "max_relocate", ServiceConfig.DEFAULT_MAX_RELOCATE, 0, 10);
        String comment = p.getOrDefault("comment", "");
        return await(fabric.guest(sid.vmid()), g -> {
            if (!g.exists()) throw ApiException.badParameter("sid", "guest " + sid.vmid() + " does not exist");
            boolean vm = g.guest().type() == org.fabricve.core.config.GuestType.QEMU;
            if (vm != sid.isVm()) throw ApiException.badParameter("sid", "guest " + sid.vmid() + " is a " + (vm ? "VM (vm:" : "container (ct:") + sid.vmid() + ")");
            ServiceConfig sc = new ServiceConfig(sid, g.guest().node(), st, maxRestart, maxRelocate, comment,
                    ServiceConfig.DEFAULT_CORES, ServiceConfig.DEFAULT_MEMORY_MIB);
            return await(ha.putResource(sc, true), a -> {
                if (!a.ok()) throw ApiException.badParameter(a.param(), a.message());
                return p.get("group") == null ? ok(null) : withStatus(s -> joinGroup(s.config(), sid, p.get("group")));
            });
        });
    }

    private Route updateResource(String sidText, Map<String, String> p) {
        unknownParams(p, RESOURCE_PARAMS);
        return withStatus(s -> {
            ServiceConfig old = existing(s.config(), sidText);
            RequestedState st = p.get("state") == null ? old.state() : state(p.get("state"));
            int maxRestart = RequestParams.integer(p, "max_restart", old.maxRestart(), 0, 10);
            int maxRelocate = RequestParams.integer(p, "max_relocate", old.maxRelocate(), 0, 10);
            String comment = p.getOrDefault("comment", old.comment());
            if (p.getOrDefault("delete", "").contains("comment")) comment = "";
            ServiceConfig sc = new ServiceConfig(old.sid(), old.node(), st, maxRestart, maxRelocate, comment, old.cores(), old.memoryMiB());
            return await(ha.putResource(sc, false), a -> {
                if (!a.ok()) throw ApiException.badParameter(a.param(), a.message());
                return p.get("group") == null ? ok(null) : joinGroup(s.config(), old.sid(), p.get("group"));
            });
        });
    }

    /** Proxmox's {@code group} of a resource: the resource joins that node-affinity rule (and leaves any other). */
    private Route joinGroup(HaConfig c, Sid sid, String groupId) {
        if (c.rules().stream().noneMatch(r -> r.id().equals(groupId) && r instanceof Rule.NodeAffinity)) {
            throw ApiException.badParameter("group", "no such group '" + groupId + "'");
        }
        List<Rule> rules = new ArrayList<>();
        for (Rule r : c.rules()) {
            if (r instanceof Rule.NodeAffinity na) {
                List<Sid> res = new ArrayList<>(na.resources());
                res.remove(sid);
                if (na.id().equals(groupId)) res.add(sid);
                rules.add(new Rule.NodeAffinity(na.id(), res, na.nodes(), na.strict()));
            } else {
                rules.add(r);
            }
        }
        return done(ha.putRules(rules));
    }

    private Route deleteResource(String sidText) {
        return done(ha.deleteResource(sid(sidText)));
    }

    private Route move(String sidText, Map<String, String> p, boolean relocate) {
        unknownParams(p, Set.of("node"));
        String node = p.get("node");
        if (node == null) throw ApiException.badParameter("node", "property is missing and it is not optional");
        return withStatus(s -> {
            ServiceConfig sc = existing(s.config(), sidText);
            if (!s.config().nodes().contains(node)) throw ApiException.badParameter("node", "no such cluster node '" + node + "'");
            CrmCommand c = relocate ? new CrmCommand.Relocate(sc.sid(), node) : new CrmCommand.Migrate(sc.sid(), node);
            return done(ha.crm(c));
        });
    }

    // ---- status -------------------------------------------------------------------------------------------------

    private List<Map<String, Object>> current(HaManagerEntity.Status s) {
        List<Map<String, Object>> rows = new ArrayList<>();
        var q = fabric.health().quorum();
        rows.add(row("quorum", "quorum", fabric.localNode(), q.quorate() ? "OK" : "No quorum on node '" + fabric.localNode() + "'!",
                Map.of("quorate", q.quorate() ? 1 : 0)));
        rows.add(row("master", "master", s.managerNode(), s.managerNode() + " (" + (s.active() ? "active" : "idle") + ")", Map.of()));
        s.manager().nodes().forEach((n, ns) -> rows.add(row("lrm:" + n, "lrm", n,
                n + " (" + ns.state().wire() + ", generation " + ns.generation() + ", mode " + ns.mode().wire() + ")", Map.of())));
        HaStatus.current(s.config(), s.manager()).forEach((sid, v) -> {
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("sid", sid.toString());
            extra.put("state", v.state());
            if (v.crmState() != null) extra.put("crm_state", v.crmState());
            extra.put("request_state", v.requestState());
            ServiceConfig c = s.config().services().get(sid);
            extra.put("max_restart", c.maxRestart());
            extra.put("max_relocate", c.maxRelocate());
            rows.add(row("service:" + sid, "service", v.node(), sid + " (" + v.node() + ", " + v.state() + ")", extra));
        });
        return rows;
    }

    private static Map<String, Object> row(String id, String type, String node, String status, Map<String, Object> extra) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("type", type);
        m.put("node", node);
        m.put("status", status);
        m.putAll(extra);
        return m;
    }

    private Map<String, Object> managerStatus(HaManagerEntity.Status s) {
        Map<String, Object> nodeStatus = new TreeMap<>();
        s.manager().nodes().forEach((n, ns) -> nodeStatus.put(n, ns.state().wire()));
        Map<String, Object> services = new TreeMap<>();
        s.manager().services().forEach((sid, st) -> services.put(sid.toString(), service(st)));
        Map<String, Object> ms = new LinkedHashMap<>();
        ms.put("master_node", s.managerNode());
        ms.put("node_status", nodeStatus);
        ms.put("service_status", services);
        ms.put("timestamp", fabric.clock().instant().getEpochSecond());
        Map<String, Object> lrm = new TreeMap<>();
        s.manager().nodes().forEach((n, ns) -> lrm.put(n, lrm(ns)));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("manager_status", ms);
        out.put("lrm_status", lrm);
        out.put("quorum", Map.of("node", fabric.localNode(), "quorate", fabric.health().quorate() ? "1" : "0"));
        return out;
    }

    private static Map<String, Object> service(ServiceStatus st) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("node", st.node());
        m.put("state", st.state().wire());
        m.put("uid", Long.toString(st.uid()));
        m.put("running", st.running() ? 1 : 0);
        if (st.target() != null) m.put("target", st.target());
        if (!st.failedNodes().isEmpty()) m.put("failed_nodes", st.failedNodes());
        return m;
    }

    private static Map<String, Object> lrm(NodeStatus ns) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mode", ns.mode().wire());
        m.put("state", ns.state().wire());
        m.put("generation", ns.generation());
        m.put("fenced_through", ns.fencedThrough());
        return m;
    }

    // ---- rules and groups ---------------------------------------------------------------------------------------

    private static Rule rule(HaConfig c, String id) {
        return c.rules().stream().filter(r -> r.id().equals(id)).findFirst()
                .orElseThrow(() -> ApiException.notFound("no such rule '" + id + "'"));
    }

    private static Rule.NodeAffinity group(HaConfig c, String id) {
        if (rule(c, id) instanceof Rule.NodeAffinity na) return na;
        throw ApiException.notFound("no such group '" + id + "'");
    }

    private static Map<String, Object> ruleRow(Rule r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rule", r.id());
        m.put("resources", r.resources().stream().map(Sid::toString).collect(Collectors.joining(",")));
        if (r instanceof Rule.NodeAffinity na) {
            m.put("type", "node-affinity");
            m.put("nodes", nodesText(na));
            m.put("strict", na.strict() ? 1 : 0);
        } else if (r instanceof Rule.ResourceAffinity ra) {
            m.put("type", "resource-affinity");
            m.put("affinity", ra.affinity().wire());
        }
        return m;
    }

    private static Map<String, Object> groupRow(Rule.NodeAffinity na) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("group", na.id());
        m.put("type", "group");
        m.put("nodes", nodesText(na));
        m.put("restricted", na.strict() ? 1 : 0);
        m.put("nofailback", 1);
        return m;
    }

    private static String nodesText(Rule.NodeAffinity na) {
        return na.nodes().entrySet().stream().map(e -> e.getKey() + ":" + e.getValue()).collect(Collectors.joining(","));
    }

    /** {@code node1:2,node2} (priority 0 when absent), as Proxmox writes node lists. */
    private static Map<String, Integer> nodes(String text, String param) {
        if (text == null || text.isBlank()) throw ApiException.badParameter(param, "property is missing and it is not optional");
        Map<String, Integer> out = new TreeMap<>();
        for (String part : text.split("[,;\\s]+")) {
            String[] kv = part.split(":");
            if (kv.length > 2 || !org.fabricve.core.cluster.ClusterNode.validName(kv[0])) {
                throw ApiException.badParameter(param, "invalid node entry '" + part + "' (expected NODE[:PRIORITY])");
            }
            try {
                out.put(kv[0], kv.length == 2 ? Integer.parseInt(kv[1]) : 0);
            } catch (NumberFormatException e) {
                throw ApiException.badParameter(param, "invalid priority in '" + part + "'");
            }
        }
        return out;
    }

    private static List<Sid> resources(String text) {
        if (text == null || text.isBlank()) throw ApiException.badParameter("resources", "property is missing and it is not optional");
        List<Sid> out = new ArrayList<>();
        for (String part : text.split("[,;\\s]+")) {
            try {
                out.add(Sid.parse(part));
            } catch (IllegalArgumentException e) {
                throw ApiException.badParameter("resources", e.getMessage());
            }
        }
        return out;
    }

    private Route writeRule(String pathId, Map<String, String> p) {
        unknownParams(p, RULE_PARAMS);
        return withStatus(s -> {
            String id = pathId != null ? pathId : p.get("rule");
            if (id == null || !id.matches("[A-Za-z][A-Za-z0-9_.-]{0,63}")) {
                throw ApiException.badParameter("rule", id == null ? "property is missing and it is not optional" : "invalid rule id '" + id + "'");
            }
            Optional<Rule> old = s.config().rules().stream().filter(r -> r.id().equals(id)).findFirst();
            if (pathId == null && old.isPresent()) throw ApiException.badParameter("rule", "rule '" + id + "' already defined");
            if (pathId != null && old.isEmpty()) throw ApiException.notFound("no such rule '" + id + "'");
            String type = p.getOrDefault("type", old.map(r -> r instanceof Rule.NodeAffinity ? "node-affinity" : "resource-affinity").orElse(null));
            List<Sid> res = p.containsKey("resources") || old.isEmpty() ? resources(p.get("resources")) : old.get().resources();
            Rule rule;
            if ("node-affinity".equals(type)) {
                Rule.NodeAffinity o = old.filter(r -> r instanceof Rule.NodeAffinity).map(r -> (Rule.NodeAffinity) r).orElse(null);
                Map<String, Integer> nodes = p.containsKey("nodes") || o == null ? nodes(p.get("nodes"), "nodes") : o.nodes();
                boolean strict = p.containsKey("strict") ? RequestParams.flag(p, "strict") : o != null && o.strict();
                rule = Rule.NodeAffinity.of(id, res, nodes, strict);
            } else if ("resource-affinity".equals(type)) {
                String aff = p.getOrDefault("affinity", old.filter(r -> r instanceof Rule.ResourceAffinity)
                        .map(r -> ((Rule.ResourceAffinity) r).affinity().wire()).orElse(null));
                if (!"positive".equals(aff) && !"negative".equals(aff)) throw ApiException.badParameter("affinity", "expected positive or negative");
                rule = new Rule.ResourceAffinity(id, res, aff.equals("positive") ? Rule.Affinity.POSITIVE : Rule.Affinity.NEGATIVE);
            } else {
                throw ApiException.badParameter("type", "expected node-affinity or resource-affinity");
            }
            return done(ha.putRules(replace(s.config().rules(), rule)));
        });
    }

    private Route writeGroup(String pathId, Map<String, String> p) {
        unknownParams(p, GROUP_PARAMS);
        return withStatus(s -> {
            String id = pathId != null ? pathId : p.get("group");
            if (id == null || !id.matches("[A-Za-z][A-Za-z0-9_.-]{0,63}")) {
                throw ApiException.badParameter("group", id == null ? "property is missing and it is not optional" : "invalid group id '" + id + "'");
            }
            Optional<Rule> old = s.config().rules().stream().filter(r -> r.id().equals(id)).findFirst();
            if (pathId == null && old.isPresent()) throw ApiException.badParameter("group", "group '" + id + "' already defined");
            if (pathId != null && (old.isEmpty() || !(old.get() instanceof Rule.NodeAffinity))) throw ApiException.notFound("no such group '" + id + "'");
            Rule.NodeAffinity o = (Rule.NodeAffinity) old.orElse(null);
            Map<String, Integer> nodes = p.containsKey("nodes") || o == null ? nodes(p.get("nodes"), "nodes") : o.nodes();
            boolean strict = p.containsKey("restricted") ? RequestParams.flag(p, "restricted") : o != null && o.strict();
            Rule rule = Rule.NodeAffinity.of(id, o == null ? List.of() : o.resources(), nodes, strict);
            return done(ha.putRules(replace(s.config().rules(), rule)));
        });
    }

    private static List<Rule> replace(List<Rule> rules, Rule rule) {
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

    private Route deleteRule(String id) {
        return withStatus(s -> {
            rule(s.config(), id);
            return done(ha.putRules(s.config().rules().stream().filter(r -> !r.id().equals(id)).toList()));
        });
    }
}
