package org.fabricve.ha.manager;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.fabricve.ha.model.HaConfig;

/**
 * What one manager round sees: the manager's clock, node and incarnation, the configuration, the newest accepted report
 * of every node, queued operator commands, nodes an external fence device confirmed off, and node sizes.
 */
public record RoundInput(long now, String managerNode, String managerInstance, HaConfig config, Map<String, NodeReport> reports,
                         List<CrmCommand> commands, Set<String> externallyFenced, Map<String, NodeCapacity> capacities,
                         HaTimings timings) {
    public RoundInput {
        reports = Map.copyOf(reports);
        commands = List.copyOf(commands);
        externallyFenced = Set.copyOf(externallyFenced);
        capacities = Map.copyOf(capacities);
    }
}
