package org.fabricve.ha.manager;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.fabricve.ha.model.CrsMode;
import org.fabricve.ha.model.HaConfig;
import org.fabricve.ha.model.Rule;
import org.fabricve.ha.model.ServiceConfig;
import org.fabricve.ha.model.Sid;

/**
 * Chooses a node for a service: among the online nodes the rules allow (strict node affinity; never
 * beside a negative partner; only beside positive partners once one of them has a node), the highest
 * node-affinity priority, then the least loaded by the CRS mode, then the name. A service that may stay
 * where it is stays (no failback), unless the caller asks for the best node.
 */
public final class Placement {

    public enum Preference {
        /** Keep the current node when it is allowed. */
        STAY,
        /** The best node, the current one included. */
        BEST,
        /** The best node except the current one and the nodes where the start already failed. */
        TRY_NEXT
    }

    private Placement() {
    }

    public static Optional<String> select(Sid sid, ServiceStatus current, HaConfig config, ManagerState state,
                                          Map<String, NodeCapacity> capacities, Preference pref) {
        Set<String> online = new TreeSet<>();
        state.nodes().forEach((n, s) -> {
            if (s.state() == NodeState.ONLINE && config.nodes().contains(n)) online.add(n);
        });
        Rule.NodeAffinity nodeRule = null;
        Set<String> apart = new HashSet<>();
        Set<String> together = new HashSet<>();
        for (Rule r : config.rulesFor(sid)) {
            if (r instanceof Rule.NodeAffinity na) {
                nodeRule = na;
            } else if (r instanceof Rule.ResourceAffinity ra) {
                for (Sid other : ra.resources()) {
                    if (other.equals(sid)) continue;
                    ServiceStatus o = state.service(other);
                    if (o == null || !o.active()) continue;
                    Set<String> where = ra.affinity() == Rule.Affinity.NEGATIVE ? apart : together;
                    if (o.state() != ServiceState.FENCE) where.add(o.node());
                    if (o.target() != null) where.add(o.target());
                }
            }
        }
        Set<String> allowed = new TreeSet<>(online);
        if (nodeRule != null && nodeRule.strict()) allowed.retainAll(nodeRule.nodes().keySet());
        allowed.removeAll(apart);
        if (!together.isEmpty()) allowed.retainAll(together);

        String here = current == null ? null : current.node();
        // back to the node it was drained from, once that node is out of maintenance (Proxmox does the same)
        if (current != null && current.maintenanceNode() != null && allowed.contains(current.maintenanceNode())
                && pref != Preference.TRY_NEXT) {
            return Optional.of(current.maintenanceNode());
        }
        if (pref == Preference.STAY && here != null && allowed.contains(here)) return Optional.of(here);
        if (pref == Preference.TRY_NEXT && current != null) {
            allowed.removeAll(current.failedNodes());
            allowed.remove(here);
        }
        if (allowed.isEmpty()) return Optional.empty();
        Rule.NodeAffinity rule = nodeRule;
        int top = allowed.stream().mapToInt(n -> priority(rule, n)).max().orElse(0);
        List<String> best = new ArrayList<>(allowed.stream().filter(n -> priority(rule, n) == top).toList());
        Map<String, Double> load = load(sid, config, state, capacities, best);
        best.sort(Comparator.<String>comparingDouble(load::get).thenComparing(Comparator.naturalOrder()));
        return Optional.of(best.get(0));
    }

    private static int priority(Rule.NodeAffinity rule, String node) {
        if (rule == null) return 0;
        return rule.nodes().getOrDefault(node, -1);
    }

    /** Lower is better: the node's load if the service were added there. */
    static Map<String, Double> load(Sid sid, HaConfig config, ManagerState state, Map<String, NodeCapacity> capacities,
                                    Collection<String> nodes) {
        Map<String, Double> out = new java.util.HashMap<>();
        ServiceConfig self = config.services().get(sid);
        for (String n : nodes) {
            int count = 0;
            long cores = self == null ? ServiceConfig.DEFAULT_CORES : self.cores();
            long mem = self == null ? ServiceConfig.DEFAULT_MEMORY_MIB : self.memoryMiB();
            for (Map.Entry<Sid, ServiceStatus> e : state.services().entrySet()) {
                if (e.getKey().equals(sid)) continue;
                ServiceStatus s = e.getValue();
                if (!s.active() || s.state() == ServiceState.FENCE) continue;
                if (!n.equals(s.node()) && !n.equals(s.target())) continue;
                count++;
                ServiceConfig c = config.services().get(e.getKey());
                cores += c == null ? ServiceConfig.DEFAULT_CORES : c.cores();
                mem += c == null ? ServiceConfig.DEFAULT_MEMORY_MIB : c.memoryMiB();
            }
            if (config.crs() == CrsMode.STATIC) {
                NodeCapacity cap = capacities.getOrDefault(n, NodeCapacity.DEFAULT);
                double memShare = (double) mem / cap.memoryMiB();
                double cpuShare = (double) cores / cap.cores();
                out.put(n, (2 * memShare + cpuShare) / 3);
            } else {
                out.put(n, (double) count);
            }
        }
        return out;
    }
}
