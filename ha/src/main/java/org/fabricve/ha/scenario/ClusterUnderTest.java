package org.fabricve.ha.scenario;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.fabricve.ha.manager.HaStatus;
import org.fabricve.ha.model.Sid;

/**
 * What the scenario runner drives: a cluster of nodes with the production HA manager and agents on it.
 * Implemented by the deterministic simulator ({@code SimCluster}) and, later, by a real multi-node
 * cluster in one JVM (one actor system per node, each with its own libvirt test-driver host), where
 * {@link #advance} waits in real time and {@link #runningGuests} asks the hypervisors.
 */
public interface ClusterUnderTest extends AutoCloseable {

    /** Applies one timeline command at once; an exception's message says why it cannot be applied. */
    void apply(TimelineCommand command);

    /** Lets {@code millis} of cluster time pass (the runner calls it in small slices and checks in between). */
    void advance(long millis);

    /** No pending HA transition, no running task, no node on its way up or down. */
    default boolean settled() {
        return unsettled().isEmpty();
    }

    /** How long a step may take to settle before the runner gives up on it. */
    default long settleTimeoutMillis() {
        return ScenarioRunner.SETTLE_TIMEOUT_MILLIS;
    }

    /** Why the cluster has not settled yet (empty once it has): what a timed-out step reports. */
    java.util.Optional<String> unsettled();

    /** The HA status per service, as {@code /cluster/ha/status/current} reports it. */
    Map<Sid, HaStatus.ServiceView> status();

    /** The nodes each guest runs on, as the hypervisors report it. */
    Map<Sid, Set<String>> runningGuests();

    /** Safety violations the cluster itself observed between checks (e.g. through hypervisor events). */
    List<String> violations();

    /** Cluster time since the start, in milliseconds. */
    long elapsedMillis();

    /** The manager's log lines so far (for --verbose and failure reports). */
    List<String> log();

    @Override
    default void close() {
    }
}
