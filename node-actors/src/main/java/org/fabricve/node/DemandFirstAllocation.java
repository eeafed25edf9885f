package org.fabricve.node;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.cluster.sharding.ShardCoordinator;
import org.apache.pekko.dispatch.ExecutionContexts;
import org.apache.pekko.dispatch.Futures;
import scala.collection.immutable.IndexedSeq;
import scala.concurrent.ExecutionContext;
import scala.concurrent.Future;
import scala.concurrent.Promise;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Pekko's shard allocation, with the shards somebody waits for placed first.
 *
 * <p>When a member is lost, the coordinator re-homes every shard that member held, one replicated write each,
 * in no particular order, whether or not anyone needs the shard; a request from a region for a shard it holds
 * messages for (an HA recovery moving a guest's home, say) waits in the same queue. With 1,000 shards a member
 * of three holds about 90 of 260 in use, and the last of a lost node's guests waited for nearly all of them.
 * Here the coordinator's own requests (its requester is no region) get their home only after
 * {@code unaskedDelay}; a region that asks meanwhile is answered at once, and the late answer for a shard
 * placed meanwhile writes nothing. Where a shard goes is still decided by Pekko's default strategy, which also
 * keeps rebalancing; the pending late placements are counted in so that they do not all land on one member.
 */
public final class DemandFirstAllocation extends WrappingAllocation {

    private static final ExecutionContext ON_THE_CALLERS_THREAD = ExecutionContexts.fromExecutor(Runnable::run);
    private final Duration unaskedDelay;
    /** Late placements chosen but not yet handed to the coordinator, per region. */
    private final Map<ActorRef, Integer> pending = new ConcurrentHashMap<>();

    public DemandFirstAllocation(ActorSystem system, ShardCoordinator.ShardAllocationStrategy delegate,
                                 Duration unaskedDelay) {
        super(system, delegate);
        this.unaskedDelay = unaskedDelay;
    }

    @Override
    public Future<ActorRef> allocateShard(ActorRef requester, String shardId,
                                          scala.collection.immutable.Map<ActorRef, IndexedSeq<String>> current) {
        if (asked(requester, current)) return delegate.allocateShard(requester, shardId, current);
        Promise<ActorRef> late = Futures.promise();
        // on the caller's thread: the default strategy answers at once, and the count must be up before the next request
        delegate.allocateShard(requester, shardId, withPending(current, pending)).onComplete(chosen -> {
            if (chosen.isFailure()) {
                late.failure(chosen.failed().get());
                return null;
            }
            ActorRef region = chosen.get();
            pending.merge(region, 1, Integer::sum);
            system.scheduler().scheduleOnce(unaskedDelay, () -> {
                pending.computeIfPresent(region, (r, n) -> n > 1 ? n - 1 : null);
                late.success(region);
            }, system.dispatcher());
            return null;
        }, ON_THE_CALLERS_THREAD);
        return late.future();
    }

    @Override
    public Future<scala.collection.immutable.Set<String>> rebalance(
            scala.collection.immutable.Map<ActorRef, IndexedSeq<String>> current,
            scala.collection.immutable.Set<String> rebalanceInProgress) {
        return delegate.rebalance(current, rebalanceInProgress);
    }

    /** The allocations as the default strategy should weigh them: each region's shards plus its pending placements. */
    static scala.collection.immutable.Map<ActorRef, IndexedSeq<String>> withPending(
            scala.collection.immutable.Map<ActorRef, IndexedSeq<String>> current, Map<ActorRef, Integer> pending) {
        scala.collection.immutable.Map<ActorRef, IndexedSeq<String>> out = current;
        for (Map.Entry<ActorRef, Integer> p : pending.entrySet()) {
            scala.Option<IndexedSeq<String>> shards = current.get(p.getKey());
            if (shards.isEmpty()) continue;
            List<String> ids = new ArrayList<>(CollectionConverters.asJava(shards.get()));
            for (int i = 0; i < p.getValue(); i++) ids.add("pending-" + i);
            out = out.updated(p.getKey(), CollectionConverters.asScala(ids).toIndexedSeq());
        }
        return out;
    }

    /** A region asks for a shard it holds messages for; the coordinator asks for itself with no region. */
    static boolean asked(ActorRef requester, scala.collection.immutable.Map<ActorRef, ?> regions) {
        return regions.contains(requester);
    }
}
