package org.fabricve.core.cluster;

import org.fabricve.core.FabricSerializable;

/** What happens to the configured node list (the vote base). */
public sealed interface ClusterNodeEvent extends FabricSerializable {

    String name();

    /** A node joined the list (a member registering itself, or an operator's {@code POST /cluster/config/nodes}). */
    record NodeAdded(ClusterNode node, long time) implements ClusterNodeEvent {
        @Override
        public String name() {
            return node.name();
        }
    }

    /** A member came back on other addresses (a restart on another port or host address). */
    record NodeAddressesChanged(String name, String clusterAddress, String apiAddress, long time)
            implements ClusterNodeEvent {}

    /** A node left the list ({@code DELETE /cluster/config/nodes/{node}}, or a simulated host its member dropped). */
    record NodeRemoved(String name, long time) implements ClusterNodeEvent {}
}
