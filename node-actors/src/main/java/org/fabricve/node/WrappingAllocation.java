package org.fabricve.node;

import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.cluster.sharding.ShardCoordinator;

/** A shard allocation strategy around another one (Pekko's default, in the end), which it starts. */
abstract class WrappingAllocation implements ShardCoordinator.StartableAllocationStrategy {

    protected final ActorSystem system;
    protected final ShardCoordinator.ShardAllocationStrategy delegate;

    WrappingAllocation(ActorSystem system, ShardCoordinator.ShardAllocationStrategy delegate) {
        this.system = system;
        this.delegate = delegate;
    }

    @Override
    public final void start() {
        // Pekko starts its default strategy itself only when it is the coordinator's strategy, not when wrapped
        if (delegate instanceof ShardCoordinator.StartableAllocationStrategy s) s.start();
        if (delegate instanceof ShardCoordinator.ActorSystemDependentAllocationStrategy s) s.start(system);
    }
}
