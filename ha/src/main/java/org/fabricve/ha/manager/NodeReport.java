package org.fabricve.ha.manager;

import java.util.Map;
import java.util.Set;
import org.fabricve.ha.model.Sid;

/**
 * A node's lease renewal, which is also its report: its generation, what its agent is doing, the HA
 * guests its hypervisor reports running, and the results of its orders. {@code released} says the node
 * stopped all its HA guests and gives up its lease for this generation (a clean shutdown): the manager
 * may recover its services at once.
 */
public record NodeReport(String node, long generation, LrmMode mode, Set<Sid> running,
                         Map<Long, CommandResult> results, boolean released) {
    public NodeReport {
        running = Set.copyOf(running);
        results = Map.copyOf(results);
    }
}
