package org.fabricve.ha.model;

import java.util.List;
import java.util.TreeMap;
import org.fabricve.core.FabricSerializable;

/**
 * Changes of the HA configuration (Proxmox's resources.cfg and rules.cfg), as journalled by the manager's
 * entity. Each was validated when it was decided; {@link #apply} only folds, so a replay never fails.
 */
public sealed interface HaConfigEvent extends FabricSerializable {

    /** A resource was added or changed (its whole new configuration). */
    record ResourceSet(ServiceConfig resource, boolean created) implements HaConfigEvent {
    }

    record ResourceRemoved(Sid sid) implements HaConfigEvent {
    }

    /** The whole rule set was replaced (a create, update or delete of one rule, or a group). */
    record RulesSet(List<Rule> rules) implements HaConfigEvent {
        public RulesSet {
            rules = List.copyOf(rules);
        }
    }

    /** The cluster-wide HA options (datacenter.cfg's crs and ha shutdown_policy). */
    record OptionsSet(CrsMode crs, ShutdownPolicy shutdownPolicy) implements HaConfigEvent {
    }

    /** Folds the event into the configuration (whose node list the caller supplies separately). */
    static HaConfig apply(HaConfig c, HaConfigEvent e) {
        if (e instanceof ResourceSet s) {
            TreeMap<Sid, ServiceConfig> m = new TreeMap<>(c.services());
            m.put(s.resource().sid(), s.resource());
            return new HaConfig(c.nodes(), m, c.rules(), c.crs(), c.shutdownPolicy());
        } else if (e instanceof ResourceRemoved r) {
            TreeMap<Sid, ServiceConfig> m = new TreeMap<>(c.services());
            m.remove(r.sid());
            // drop the resource from the rules (Proxmox's default 'purge'); a resource-affinity rule left with fewer than
            // two resources goes (it would no longer pass RuleCheck); a node-affinity rule stays even when empty, since
            // it may be a group that outlives its members
            List<Rule> rules = c.rules().stream().map(x -> without(x, r.sid()))
                    .filter(x -> !(x instanceof Rule.ResourceAffinity) || x.resources().size() >= 2).toList();
            return new HaConfig(c.nodes(), m, rules, c.crs(), c.shutdownPolicy());
        } else if (e instanceof OptionsSet o) {
            return new HaConfig(c.nodes(), c.services(), c.rules(), o.crs(), o.shutdownPolicy());
        } else if (e instanceof RulesSet rs) {
            return new HaConfig(c.nodes(), c.services(), rs.rules(), c.crs(), c.shutdownPolicy());
        }
        throw new IllegalStateException("unknown event " + e);
    }

    private static Rule without(Rule r, Sid sid) {
        if (!r.resources().contains(sid)) return r;
        return r.withResources(r.resources().stream().filter(x -> !x.equals(sid)).toList());
    }

    /** The same configuration on another node list (the cluster's configured nodes change independently). */
    static HaConfig withNodes(HaConfig c, List<String> nodes) {
        return new HaConfig(nodes, c.services(), c.rules(), c.crs(), c.shutdownPolicy());
    }
}
