package org.fabricve.ha.manager;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.fabricve.ha.model.Sid;

/**
 * The manager's answer to a renewal (and its push after a round): whether the lease is renewed, the
 * node's orders, the states of the services assigned to it (so a shutting-down agent knows when it may
 * go), and every HA-managed guest (what the agent must kill when it fences itself).
 */
public record ManagerReply(String node, boolean leaseAccepted, List<NodeCommand> commands,
                           Map<Sid, ServiceState> assigned, Set<Sid> managed) {
    public ManagerReply {
        commands = List.copyOf(commands);
        assigned = Map.copyOf(assigned);
        managed = Set.copyOf(managed);
    }

    public static ManagerReply refused(String node) {
        return new ManagerReply(node, false, List.of(), Map.of(), Set.of());
    }
}
