package org.fabricve.ha.scenario;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.fabricve.ha.model.CrsMode;
import org.fabricve.ha.model.HaConfig;
import org.fabricve.ha.model.RequestedState;
import org.fabricve.ha.model.Rule;
import org.fabricve.ha.model.RuleCheck;
import org.fabricve.ha.model.ServiceConfig;
import org.fabricve.ha.model.ShutdownPolicy;
import org.fabricve.ha.model.Sid;

/**
 * Reads the scenario format of issue #4. Strict: unknown keys, wrong types and contradicting rules are
 * errors, each naming where it is ({@code services.vm:101.state: ...}). Extensions beyond the issue's
 * keys, all optional: a service's {@code cores} and {@code memory} (MiB, for the static CRS mode) and
 * {@code comment}; a rule's {@code id}.
 */
public final class ScenarioParser {

    /** A scenario that cannot be run; the message names the problem and where it is. */
    public static final class ScenarioException extends Exception {
        public ScenarioException(String message) {
            super(message);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> TOP = Set.of("description", "nodes", "services", "rules", "crs", "shutdown_policy",
            "failing", "timeline", "expect");
    private static final Set<String> SERVICE = Set.of("node", "state", "max_restart", "max_relocate", "comment", "cores", "memory");
    private static final Set<String> RULE = Set.of("id", "type", "resources", "nodes", "strict", "affinity", "comment");

    private ScenarioParser() {
    }

    public static Scenario parse(String json) throws ScenarioException {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new ScenarioException("not valid JSON: " + e.getOriginalMessage() + " at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr());
        }
        try {
            return read(root);
        } catch (IllegalArgumentException e) {
            throw new ScenarioException(e.getMessage());
        }
    }

    private static Scenario read(JsonNode root) {
        if (root == null || !root.isObject()) throw new IllegalArgumentException("the scenario must be a JSON object");
        keys(root, TOP, "");
        String description = root.has("description") ? text(root.get("description"), "description") : "";

        JsonNode nodesJson = require(root, "nodes", "");
        if (!nodesJson.isArray() || nodesJson.isEmpty()) throw new IllegalArgumentException("nodes: expected a non-empty array of node names");
        List<String> nodes = new ArrayList<>();
        for (int i = 0; i < nodesJson.size(); i++) {
            String n = text(nodesJson.get(i), "nodes[" + i + "]");
            if (!n.matches("[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?")) throw new IllegalArgumentException("nodes[" + i + "]: '" + n + "' is not a valid node name");
            if (nodes.contains(n)) throw new IllegalArgumentException("nodes[" + i + "]: '" + n + "' is listed twice");
            nodes.add(n);
        }

        TreeMap<Sid, ServiceConfig> services = new TreeMap<>();
        JsonNode sj = root.get("services");
        if (sj != null) {
            object(sj, "services");
            for (Iterator<Map.Entry<String, JsonNode>> it = sj.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String where = "services." + e.getKey();
                Sid sid = sid(e.getKey(), where);
                services.put(sid, service(sid, e.getValue(), where, nodes));
            }
        }

        List<Rule> rules = new ArrayList<>();
        JsonNode rj = root.get("rules");
        if (rj != null) {
            if (!rj.isArray()) throw new IllegalArgumentException("rules: expected an array");
            for (int i = 0; i < rj.size(); i++) rules.add(rule(rj.get(i), "rules[" + i + "]", i, services.keySet()));
        }
        List<String> ruleErrors = RuleCheck.validate(rules, nodes);
        if (!ruleErrors.isEmpty()) throw new IllegalArgumentException("rules: " + String.join("; ", ruleErrors));

        CrsMode crs = root.has("crs") ? CrsMode.parse(text(root.get("crs"), "crs")) : CrsMode.BASIC;
        ShutdownPolicy policy = root.has("shutdown_policy")
                ? ShutdownPolicy.parse(text(root.get("shutdown_policy"), "shutdown_policy")) : ShutdownPolicy.CONDITIONAL;

        Map<Sid, Set<String>> failing = new TreeMap<>();
        JsonNode fj = root.get("failing");
        if (fj != null) {
            object(fj, "failing");
            for (Iterator<Map.Entry<String, JsonNode>> it = fj.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String where = "failing." + e.getKey();
                Sid sid = sid(e.getKey(), where);
                object(e.getValue(), where);
                keys(e.getValue(), Set.of("start_fails_on"), where);
                JsonNode on = require(e.getValue(), "start_fails_on", where);
                if (!on.isArray() || on.isEmpty()) throw new IllegalArgumentException(where + ".start_fails_on: expected a non-empty array of nodes or [\"*\"]");
                Set<String> set = new TreeSet<>();
                for (int i = 0; i < on.size(); i++) {
                    String n = text(on.get(i), where + ".start_fails_on[" + i + "]");
                    if (!n.equals("*") && !nodes.contains(n)) throw new IllegalArgumentException(where + ".start_fails_on[" + i + "]: unknown node '" + n + "'");
                    set.add(n);
                }
                failing.put(sid, set);
            }
        }

        JsonNode tj = require(root, "timeline", "");
        if (!tj.isArray()) throw new IllegalArgumentException("timeline: expected an array of steps");
        List<List<TimelineCommand>> timeline = new ArrayList<>();
        for (int i = 0; i < tj.size(); i++) {
            JsonNode step = tj.get(i);
            String where = "timeline[" + i + "]";
            if (!step.isArray()) throw new IllegalArgumentException(where + ": expected an array of commands");
            List<TimelineCommand> cmds = new ArrayList<>();
            for (int j = 0; j < step.size(); j++) {
                String text = text(step.get(j), where + "[" + j + "]");
                try {
                    cmds.add(TimelineCommand.parse(text, nodes));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(where + "[" + j + "]: " + e.getMessage());
                }
            }
            timeline.add(cmds);
        }

        Map<Sid, Scenario.Expectation> expect = new LinkedHashMap<>();
        JsonNode ej = root.get("expect");
        if (ej != null) {
            object(ej, "expect");
            for (Iterator<Map.Entry<String, JsonNode>> it = ej.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String where = "expect." + e.getKey();
                Sid sid = sid(e.getKey(), where);
                object(e.getValue(), where);
                keys(e.getValue(), Set.of("node", "state"), where);
                String node = e.getValue().has("node") ? text(e.getValue().get("node"), where + ".node") : null;
                String state = e.getValue().has("state") ? text(e.getValue().get("state"), where + ".state") : null;
                if (node == null && state == null) throw new IllegalArgumentException(where + ": expected node and/or state");
                if (node != null && !nodes.contains(node)) throw new IllegalArgumentException(where + ".node: unknown node '" + node + "'");
                expect.put(sid, new Scenario.Expectation(node, state));
            }
        }
        HaConfig config = new HaConfig(nodes, services, rules, crs, policy);
        return new Scenario(description, config, failing, timeline, expect);
    }

    private static ServiceConfig service(Sid sid, JsonNode j, String where, List<String> nodes) {
        object(j, where);
        keys(j, SERVICE, where);
        String node = text(require(j, "node", where), where + ".node");
        if (!nodes.contains(node)) throw new IllegalArgumentException(where + ".node: unknown node '" + node + "'");
        RequestedState state = RequestedState.STARTED;
        if (j.has("state")) {
            try {
                state = RequestedState.parse(text(j.get("state"), where + ".state"));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + "." + e.getMessage());
            }
        }
        int maxRestart = integer(j, "max_restart", ServiceConfig.DEFAULT_MAX_RESTART, where);
        int maxRelocate = integer(j, "max_relocate", ServiceConfig.DEFAULT_MAX_RELOCATE, where);
        int cores = integer(j, "cores", ServiceConfig.DEFAULT_CORES, where);
        int memory = integer(j, "memory", ServiceConfig.DEFAULT_MEMORY_MIB, where);
        String comment = j.has("comment") ? text(j.get("comment"), where + ".comment") : "";
        try {
            return new ServiceConfig(sid, node, state, maxRestart, maxRelocate, comment, cores, memory);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage());
        }
    }

    private static Rule rule(JsonNode j, String where, int index, Set<Sid> services) {
        object(j, where);
        keys(j, RULE, where);
        String id = j.has("id") ? text(j.get("id"), where + ".id") : "rule" + (index + 1);
        String type = text(require(j, "type", where), where + ".type");
        JsonNode rj = require(j, "resources", where);
        if (!rj.isArray()) throw new IllegalArgumentException(where + ".resources: expected an array of sids");
        List<Sid> resources = new ArrayList<>();
        for (int i = 0; i < rj.size(); i++) resources.add(sid(text(rj.get(i), where + ".resources[" + i + "]"), where + ".resources[" + i + "]"));
        switch (type) {
            case "node-affinity" -> {
                if (j.has("affinity")) throw new IllegalArgumentException(where + ".affinity: only for resource-affinity rules");
                JsonNode nj = require(j, "nodes", where);
                object(nj, where + ".nodes");
                TreeMap<String, Integer> nodes = new TreeMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = nj.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (!e.getValue().isInt()) throw new IllegalArgumentException(where + ".nodes." + e.getKey() + ": expected a whole number priority");
                    nodes.put(e.getKey(), e.getValue().asInt());
                }
                boolean strict = false;
                if (j.has("strict")) {
                    if (!j.get("strict").isBoolean()) throw new IllegalArgumentException(where + ".strict: expected true or false");
                    strict = j.get("strict").asBoolean();
                }
                return new Rule.NodeAffinity(id, resources, nodes, strict);
            }
            case "resource-affinity" -> {
                if (j.has("nodes") || j.has("strict")) throw new IllegalArgumentException(where + ": nodes and strict are only for node-affinity rules");
                String a = text(require(j, "affinity", where), where + ".affinity");
                Rule.Affinity affinity = switch (a) {
                    case "positive" -> Rule.Affinity.POSITIVE;
                    case "negative" -> Rule.Affinity.NEGATIVE;
                    default -> throw new IllegalArgumentException(where + ".affinity: expected positive or negative, got '" + a + "'");
                };
                return new Rule.ResourceAffinity(id, resources, affinity);
            }
            default -> throw new IllegalArgumentException(where + ".type: expected node-affinity or resource-affinity, got '" + type + "'");
        }
    }

    private static void keys(JsonNode j, Set<String> allowed, String where) {
        for (Iterator<String> it = j.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!allowed.contains(k)) {
                throw new IllegalArgumentException((where.isEmpty() ? "" : where + ".") + k + ": unknown key (expected one of "
                        + new TreeSet<>(allowed) + ")");
            }
        }
    }

    private static JsonNode require(JsonNode j, String key, String where) {
        JsonNode v = j.get(key);
        if (v == null || v.isNull()) throw new IllegalArgumentException((where.isEmpty() ? "" : where + ".") + key + ": missing");
        return v;
    }

    private static void object(JsonNode j, String where) {
        if (!j.isObject()) throw new IllegalArgumentException(where + ": expected an object");
    }

    private static String text(JsonNode j, String where) {
        if (!j.isTextual()) throw new IllegalArgumentException(where + ": expected a string");
        return j.asText();
    }

    private static int integer(JsonNode j, String key, int dflt, String where) {
        if (!j.has(key)) return dflt;
        if (!j.get(key).isInt()) throw new IllegalArgumentException(where + "." + key + ": expected a whole number");
        return j.get(key).asInt();
    }

    private static Sid sid(String text, String where) {
        try {
            return Sid.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage());
        }
    }
}
