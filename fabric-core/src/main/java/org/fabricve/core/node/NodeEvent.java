package org.fabricve.core.node;

import java.util.Set;
import org.fabricve.core.FabricSerializable;
import org.fabricve.core.hypervisor.HostInfo;

/** What happens to a hypervisor host as the fabric sees it. */
public sealed interface NodeEvent extends FabricSerializable {

    String node();

    /** The node's agent came up (first time, or with a changed host). */
    record NodeRegistered(String node, HostInfo host, long time) implements NodeEvent {}

    /** A task of the node itself (not of a guest) ended: an upload into its storage, say. */
    record TaskRecorded(String node, org.fabricve.core.task.TaskRecord task) implements NodeEvent {}

    /** Domains on the host that no guest of the fabric owns: who appeared, who went away since the last look. */
    record ForeignDomainsChanged(String node, Set<String> appeared, Set<String> gone, long time) implements NodeEvent {
        public ForeignDomainsChanged {
            appeared = Set.copyOf(appeared);
            gone = Set.copyOf(gone);
        }
    }
}
