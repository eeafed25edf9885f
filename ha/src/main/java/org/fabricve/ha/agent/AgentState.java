package org.fabricve.ha.agent;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.fabricve.ha.manager.CommandResult;
import org.fabricve.ha.manager.LrmMode;
import org.fabricve.ha.manager.ServiceState;
import org.fabricve.ha.model.Sid;

/**
 * The local agent's state on one node. {@code generation} only grows, and survives restarts (a node
 * keeps it on disk): a new generation is the node's promise that every HA guest of the older ones is dead.
 * {@code leaseUntil} is on the node's own clock. {@code leaving} is the own-clock time a shutdown or reboot
 * was requested (or -1).
 */
public record AgentState(String node, long generation, boolean holdsLease, long leaseUntil, LrmMode mode, long leaving,
                         Map<Long, CommandResult> results, Set<Long> inProgress, Set<Sid> managed,
                         Map<Sid, ServiceState> assigned) {

    public AgentState {
        results = Map.copyOf(results);
        inProgress = Set.copyOf(inProgress);
        managed = Set.copyOf(managed);
        assigned = Map.copyOf(assigned);
    }

    /** A node that just booted: no lease, nothing running, a generation newer than any before. */
    public static AgentState boot(String node, long generation) {
        return boot(node, generation, Set.of());
    }

    /**
     * A node that just booted and remembers which guests were HA-managed when it last knew: without a lease it keeps
     * them down, so a guest an earlier generation left running (the process died, the hypervisor did not) is killed
     * before the new generation is announced.
     */
    public static AgentState boot(String node, long generation, Set<Sid> managed) {
        return new AgentState(node, generation, false, Long.MIN_VALUE, LrmMode.ACTIVE, -1, Map.of(), Set.of(), managed, Map.of());
    }

    AgentState with(long gen, boolean holds, long until, Map<Long, CommandResult> res, Set<Long> prog) {
        return new AgentState(node, gen, holds, until, mode, leaving, res, prog, managed, assigned);
    }

    AgentState withOrders(Set<Sid> m, Map<Sid, ServiceState> a) {
        return new AgentState(node, generation, holdsLease, leaseUntil, mode, leaving, results, inProgress, m, a);
    }

    public AgentState leavingAs(LrmMode m, long at) {
        return new AgentState(node, generation, holdsLease, leaseUntil, m, at, results, inProgress, managed, assigned);
    }

    Map<Long, CommandResult> resultsCopy() {
        return new TreeMap<>(results);
    }

    Set<Long> progressCopy() {
        return new TreeSet<>(inProgress);
    }
}
