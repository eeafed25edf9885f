package org.fabricve.ha.env;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.fabricve.ha.manager.CrmCommand;
import org.fabricve.ha.manager.HaEvent;
import org.fabricve.ha.manager.ManagerReply;
import org.fabricve.ha.manager.NodeCapacity;
import org.fabricve.ha.model.HaConfig;
import org.fabricve.ha.model.Sid;

/**
 * The ports of the HA manager: everything it needs from the world, and nothing else. Two implementations:
 * the deterministic simulator ({@code org.fabricve.ha.sim}) and the real cluster (a cluster singleton with
 * one local agent actor per node, issue #4's second half). The nodes' side enters through
 * {@link ManagerService#receive}: each lease renewal carries the node's generation, the guests its
 * hypervisor reports running and the results of its orders (the observed run state per node).
 */
public interface HaEnvironment {

    /** The manager's clock in milliseconds: monotonic, with drift within {@code HaTimings.maxDrift}. */
    long now();

    /** The node this manager instance runs on. */
    String localNode();

    /** Whether this node is in the quorate partition; a manager outside it must not decide anything. */
    boolean quorate();

    /** The cluster's nodes and the HA configuration (resources, rules, CRS mode, shutdown policy). */
    HaConfig config();

    /** Operator commands queued since the last call (migrate, relocate, node maintenance). */
    List<CrmCommand> takeCommands();

    /** Nodes an external fence device or an operator confirmed powered off (may be empty). */
    Set<String> externallyFenced();

    /** Configured node sizes, for the static CRS mode. */
    Map<String, NodeCapacity> capacities();

    /** Pushes a node's orders (start, stop, migrate, relocate its guests); may be lost, they are re-sent. */
    void send(ManagerReply orders);

    /** After a fence: the guest's home (where its config lives) moves to the recovery node. */
    void reassign(Sid sid, String fromNode, String toNode);

    /** Every manager event, for the API, the task log and the event stream. */
    void publish(HaEvent event);
}
