package org.fabricve.gateway;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.fabricve.ha.manager.CrmCommand;
import org.fabricve.ha.manager.NodeState;
import org.fabricve.ha.manager.ServiceState;
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
 * manager_status: {@link HaStatusViews}), rules and groups ({@link HaRuleRoutes}), and node maintenance (a
 * Fabric extension: Proxmox has it only in its CLI). Every write is checked before it is sent and again by the
 * manager; a refused write changes nothing and names the parameter.
 */
final class HaRoutes extends RouteSupport {

    private static final Set<String> RESOURCE_PARAMS = Set.of("sid", "state", "max_restart", "max_relocate", "comment",
            "group", "digest", "delete", "type", "failback");

    private final FabricServices fabric;
    private final HaRuntime ha;
    private final HaRuleRoutes rules;

    HaRoutes(FabricServices fabric, HaRuntime ha) {
        this.fabric = fabric;
        this.ha = ha;
        this.rules = new HaRuleRoutes(ha);
    }

    Route routes() {
        return pathPrefix(PathMatchers.segment("cluster").slash("ha"), () -> concat(
                pathEndOrSingleSlash(() -> get(() -> ok(NodeRoutes.subdirs("resources", "groups", "rules", "status")))),
                pathPrefix("resources", () -> concat(
                        pathEndOrSingleSlash(() -> concat(
                                get(() -> withParams(p -> {
                                    unknownParams(p, Set.of("type"));
                                    String type = p.get("type");
                                    if (type != null && !type.equals("vm") && !type.equals("ct")) {
                                        throw ApiException.badParameter("type", "value '" + type + "' does not have a value in the enumeration 'ct, vm'");
                                    }
                                    return withStatus(s -> ok(resourceRows(s.config()).stream()
                                            .filter(r -> type == null || type.equals(r.get("type"))).toList()));
                                })),
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
                        path("current", () -> get(() -> withStatus(s -> ok(HaStatusViews.current(s, here()))))),
                        path("manager_status", () -> get(() -> withStatus(s -> ok(HaStatusViews.managerStatus(s, here()))))))),
                path("node-maintenance-set", () -> post(() -> withParams(this::nodeMaintenance))),
                rules.rules(),
                rules.groups()));
    }

    private HaStatusViews.Here here() {
        return new HaStatusViews.Here(fabric.localNode(), fabric.health().quorate(), fabric.clock().instant().getEpochSecond(),
                fabric.clock().getZone());
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

    static Sid sid(String text) {
        return sid("sid", text);
    }

    static Sid sid(String param, String text) {
        try {
            return Sid.parse(text);
        } catch (IllegalArgumentException e) {
            throw ApiException.badParameter(param, e.getMessage());
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

    static void unknownParams(Map<String, String> p, Set<String> allowed) {
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

    private static void checkType(Map<String, String> p, Sid sid) {
        String type = p.get("type");
        if (type != null && !type.equals(sid.type().wire())) {
            throw ApiException.badParameter("type", "resource type '" + type + "' does not match the resource '" + sid + "'");
        }
    }

    private Route createResource(Map<String, String> p) {
        unknownParams(p, RESOURCE_PARAMS);
        if (p.get("sid") == null) throw ApiException.badParameter("sid", "property is missing and it is not optional");
        Sid sid = sid(p.get("sid"));
        checkType(p, sid);
        RequestedState st = state(p.get("state"));
        int maxRestart = RequestParams.integer(p, "max_restart", ServiceConfig.DEFAULT_MAX_RESTART, 0, 10);
        int maxRelocate = RequestParams.integer(p, "max_relocate", ServiceConfig.DEFAULT_MAX_RELOCATE, 0, 10);
        RequestParams.flag(p, "failback");
        String comment = p.getOrDefault("comment", "");
        String group = p.get("group");
        return withStatus(s -> {
            // the group is checked before anything is written, so a bad one leaves no resource behind
            if (group != null) groupRule(s.config(), group);
            return await(fabric.guest(sid.vmid()), g -> {
                if (!g.exists()) throw ApiException.badParameter("sid", "guest " + sid.vmid() + " does not exist");
                boolean vm = g.guest().type() == org.fabricve.core.config.GuestType.QEMU;
                if (vm != sid.isVm()) throw ApiException.badParameter("sid", "guest " + sid.vmid() + " is a " + (vm ? "VM (vm:" : "container (ct:") + sid.vmid() + ")");
                ServiceConfig sc = new ServiceConfig(sid, g.guest().node(), st, maxRestart, maxRelocate, comment,
                        ServiceConfig.DEFAULT_CORES, ServiceConfig.DEFAULT_MEMORY_MIB);
                return await(ha.putResource(sc, true), a -> {
                    if (!a.ok()) throw ApiException.badParameter(a.param(), a.message());
                    // a new resource is in no rule yet, so joining a group cannot contradict one
                    return group == null ? ok(null) : withStatus(now -> done(ha.putRules(inGroup(now.config().rules(), sid, group))));
                });
            });
        });
    }

    private Route updateResource(String sidText, Map<String, String> p) {
        unknownParams(p, RESOURCE_PARAMS);
        return withStatus(s -> {
            ServiceConfig old = existing(s.config(), sidText);
            checkType(p, old.sid());
            if (p.containsKey("sid") && !sid(p.get("sid")).equals(old.sid())) throw ApiException.badParameter("sid", "does not match the path");
            Set<String> deleted = deletions(p);
            RequestedState st = p.get("state") == null ? old.state() : state(p.get("state"));
            int maxRestart = deleted.contains("max_restart") ? ServiceConfig.DEFAULT_MAX_RESTART
                    : RequestParams.integer(p, "max_restart", old.maxRestart(), 0, 10);
            int maxRelocate = deleted.contains("max_relocate") ? ServiceConfig.DEFAULT_MAX_RELOCATE
                    : RequestParams.integer(p, "max_relocate", old.maxRelocate(), 0, 10);
            RequestParams.flag(p, "failback");
            String comment = deleted.contains("comment") ? "" : p.getOrDefault("comment", old.comment());
            ServiceConfig sc = new ServiceConfig(old.sid(), old.node(), st, maxRestart, maxRelocate, comment, old.cores(), old.memoryMiB());
            Route writeResource = await(ha.putResource(sc, false), a -> {
                if (!a.ok()) throw ApiException.badParameter(a.param(), a.message());
                return ok(null);
            });
            String group = deleted.contains("group") ? "" : p.get("group");
            if (group == null) return writeResource;
            if (!group.isEmpty()) groupRule(s.config(), group);
            // the group first: a change of group may contradict a rule, and then nothing is written
            return await(ha.putRules(inGroup(s.config().rules(), old.sid(), group)), a -> {
                if (!a.ok()) throw ApiException.badParameter("group", a.message());
                return writeResource;
            });
        });
    }

    private static Set<String> deletions(Map<String, String> p) {
        Set<String> out = new TreeSet<>();
        if (p.get("delete") == null) return out;
        for (String k : p.get("delete").split("[,;\\s]+")) {
            if (k.isEmpty()) continue;
            if (!Set.of("comment", "group", "max_restart", "max_relocate", "failback").contains(k)) {
                throw ApiException.badParameter("delete", "cannot delete '" + k + "'");
            }
            if (p.containsKey(k)) throw ApiException.badParameter("delete", "cannot set and delete property '" + k + "' at the same time");
            out.add(k);
        }
        return out;
    }

    private static Rule.NodeAffinity groupRule(HaConfig c, String groupId) {
        return c.rules().stream().filter(r -> r.id().equals(groupId) && r instanceof Rule.NodeAffinity).map(r -> (Rule.NodeAffinity) r)
                .findFirst().orElseThrow(() -> ApiException.badParameter("group", "no such ha group '" + groupId + "'"));
    }

    /** Proxmox's {@code group} of a resource: it joins that node-affinity rule and leaves any other ("": none). */
    private static List<Rule> inGroup(List<Rule> rules, Sid sid, String groupId) {
        List<Rule> out = new ArrayList<>();
        for (Rule r : rules) {
            if (r instanceof Rule.NodeAffinity na) {
                List<Sid> res = new ArrayList<>(na.resources());
                res.remove(sid);
                if (na.id().equals(groupId)) res.add(sid);
                out.add(na.withResources(res));
            } else {
                out.add(r);
            }
        }
        return out;
    }

    private Route deleteResource(String sidText) {
        return done(ha.deleteResource(sid(sidText)));
    }

    /**
     * Proxmox's migrate and relocate: queued as a CRM command, answered with {@code sid}, {@code requested-node}
     * and the {@code comigrated-resources} that follow (positive affinity). Refused here, with {@code node} named,
     * what the manager would only log and ignore: an unknown node, a node not online (e.g. in maintenance), a node
     * a strict rule forbids, a node holding a resource kept apart from this one. A move to the node the service is
     * on is accepted and changes nothing, as in Proxmox.
     */
    private Route move(String sidText, Map<String, String> p, boolean relocate) {
        unknownParams(p, Set.of("node", "sid"));
        String node = p.get("node");
        if (node == null) throw ApiException.badParameter("node", "property is missing and it is not optional");
        return withStatus(s -> {
            ServiceConfig sc = existing(s.config(), sidText);
            if (!s.config().nodes().contains(node)) throw ApiException.badParameter("node", "no such cluster node '" + node + "'");
            ServiceStatus st = s.manager().service(sc.sid());
            if (st != null && st.state() == ServiceState.ERROR) {
                throw ApiException.badParameter("sid", "service '" + sc.sid() + "' in error state, must be disabled and fixed first");
            }
            NodeState ns = s.manager().nodeState(node);
            boolean here = st != null && node.equals(st.node());
            if (!here && ns != NodeState.ONLINE) throw ApiException.badParameter("node", "node '" + node + "' is not online (" + ns.wire() + ")");
            List<String> blocking = new ArrayList<>();
            List<String> comigrated = new ArrayList<>();
            for (Rule r : s.config().rulesFor(sc.sid())) {
                if (r instanceof Rule.NodeAffinity na && na.strict() && !na.nodes().containsKey(node)) {
                    throw ApiException.badParameter("node", "node '" + node + "' is not allowed by strict rule '" + na.id() + "'");
                }
                if (r instanceof Rule.ResourceAffinity ra) {
                    for (Sid other : ra.resources()) {
                        ServiceStatus o = s.manager().service(other);
                        if (other.equals(sc.sid()) || o == null) continue;
                        if (ra.affinity() == Rule.Affinity.POSITIVE) comigrated.add(other.toString());
                        else if (o.active() && (node.equals(o.node()) || node.equals(o.target()))) blocking.add(other.toString());
                    }
                }
            }
            if (!here && !blocking.isEmpty()) {
                throw ApiException.badParameter("node", "cannot " + (relocate ? "relocate" : "migrate") + " resource '" + sc.sid()
                        + "' to node '" + node + "': resource(s) " + String.join(", ", blocking) + " on it in negative affinity with it");
            }
            CrmCommand c = relocate ? new CrmCommand.Relocate(sc.sid(), node) : new CrmCommand.Migrate(sc.sid(), node);
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("sid", sc.sid().toString());
            result.put("requested-node", node);
            if (!comigrated.isEmpty() && !here) result.put("comigrated-resources", comigrated);
            return await(ha.crm(c), a -> {
                if (!a.ok()) throw ApiException.badParameter(a.param(), a.message());
                return ok(result);
            });
        });
    }

    /**
     * Proxmox's {@code ha-manager crm-command node-maintenance enable|disable NODE}, which Proxmox serves only in
     * its CLI (the handler {@code node-maintenance-set}, parameters {@code node} and {@code disable}); the same
     * handler here, as a Fabric extension. Queued as a CRM command; asking for the state a node is already in is
     * accepted and changes nothing, as in Proxmox.
     */
    private Route nodeMaintenance(Map<String, String> p) {
        unknownParams(p, Set.of("node", "disable"));
        String node = p.get("node");
        if (node == null) throw ApiException.badParameter("node", "property is missing and it is not optional");
        boolean disable = RequestParams.flag(p, "disable");
        return withStatus(s -> {
            if (!s.config().nodes().contains(node)) throw ApiException.badParameter("node", "no such cluster node '" + node + "'");
            return done(ha.crm(new CrmCommand.NodeMaintenance(node, !disable)));
        });
    }
}
