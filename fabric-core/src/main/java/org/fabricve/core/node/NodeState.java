package org.fabricve.core.node;

import java.util.Set;
import java.util.TreeSet;
import org.fabricve.core.FabricSerializable;
import org.fabricve.core.hypervisor.HostInfo;

/** A node as journalled: its host (null before its agent first registered) and the foreign domains seen on it. */
public record NodeState(String node, HostInfo host, Set<String> foreignDomains) implements FabricSerializable {

    public NodeState {
        foreignDomains = Set.copyOf(foreignDomains);
    }

    public static NodeState empty(String node) {
        return new NodeState(node, null, Set.of());
    }

    public java.util.Optional<NodeEvent> register(HostInfo current, long time) {
        return current.equals(host) ? java.util.Optional.empty()
                : java.util.Optional.of(new NodeEvent.NodeRegistered(node, current, time));
    }

    public java.util.Optional<NodeEvent> observeForeign(Set<String> seenNow, long time) {
        var appeared = new TreeSet<>(seenNow);
        appeared.removeAll(foreignDomains);
        var gone = new TreeSet<>(foreignDomains);
        gone.removeAll(seenNow);
        if (appeared.isEmpty() && gone.isEmpty()) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new NodeEvent.ForeignDomainsChanged(node, appeared, gone, time));
    }

    public NodeState apply(NodeEvent event) {
        if (event instanceof NodeEvent.NodeRegistered e) {
            return new NodeState(node, e.host(), foreignDomains);
        }
        if (event instanceof NodeEvent.ForeignDomainsChanged e) {
            var now = new TreeSet<>(foreignDomains);
            now.addAll(e.appeared());
            now.removeAll(e.gone());
            return new NodeState(node, host, now);
        }
        if (event instanceof NodeEvent.TaskRecorded) {
            return this; // kept by the read model's task index, not by the node
        }
        throw new IllegalStateException("unknown event " + event);
    }
}
