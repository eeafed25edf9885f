package org.fabricve.ha.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The cluster-wide HA configuration the manager reads each round: the cluster's nodes, the HA
 * resources, the rules, the CRS mode and the shutdown policy. Immutable; every change is a method that
 * validates and returns a new config, so a bad write changes nothing.
 */
public record HaConfig(List<String> nodes, SortedMap<Sid, ServiceConfig> services, List<Rule> rules,
                       CrsMode crs, ShutdownPolicy shutdownPolicy) {

    public HaConfig {
        nodes = List.copyOf(nodes);
        services = Collections.unmodifiableSortedMap(new TreeMap<>(services));
        rules = List.copyOf(rules);
        if (crs == null) crs = CrsMode.BASIC;
        if (shutdownPolicy == null) shutdownPolicy = ShutdownPolicy.CONDITIONAL;
    }

    public static HaConfig empty(List<String> nodes) {
        return new HaConfig(nodes, new TreeMap<>(), List.of(), CrsMode.BASIC, ShutdownPolicy.CONDITIONAL);
    }

    /** Validates every part; the list names each problem (empty when valid). */
    public List<String> problems() {
        List<String> errors = new ArrayList<>();
        if (nodes.isEmpty()) errors.add("nodes: at least one node is needed");
        if (nodes.stream().distinct().count() != nodes.size()) errors.add("nodes: a node is listed twice");
        services.values().forEach(s -> {
            if (!nodes.contains(s.node())) errors.add(s.sid() + ": node '" + s.node() + "' is not a cluster node");
        });
        errors.addAll(RuleCheck.validate(rules, nodes));
        return errors;
    }

    public Optional<ServiceConfig> service(Sid sid) {
        return Optional.ofNullable(services.get(sid));
    }

    public HaConfig withService(ServiceConfig s) {
        if (!nodes.contains(s.node())) throw new IllegalArgumentException(s.sid() + ": node '" + s.node() + "' is not a cluster node");
        TreeMap<Sid, ServiceConfig> m = new TreeMap<>(services);
        m.put(s.sid(), s);
        return new HaConfig(nodes, m, rules, crs, shutdownPolicy);
    }

    public HaConfig withoutService(Sid sid) {
        if (!services.containsKey(sid)) throw new IllegalArgumentException(sid + ": no such HA resource");
        TreeMap<Sid, ServiceConfig> m = new TreeMap<>(services);
        m.remove(sid);
        return new HaConfig(nodes, m, rules, crs, shutdownPolicy);
    }

    /** Replaces the rules after checking them for contradictions; throws with every problem named. */
    public HaConfig withRules(List<Rule> newRules) {
        List<String> errors = RuleCheck.validate(newRules, nodes);
        if (!errors.isEmpty()) throw new IllegalArgumentException(String.join("; ", errors));
        return new HaConfig(nodes, services, newRules, crs, shutdownPolicy);
    }

    public List<Rule> rulesFor(Sid sid) {
        return rules.stream().filter(r -> r.resources().contains(sid)).toList();
    }
}
