package org.fabricve.node;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Address;
import org.apache.pekko.cluster.Cluster;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.ShardCoordinator;
import org.apache.pekko.dispatch.Futures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.collection.immutable.IndexedSeq;
import scala.concurrent.Future;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The guest entity type's shard allocation: Pekko's default, told only of the regions on members that run
 * none of the shard's HA guests ({@link AwayFromHost}, fed by {@link HostedGuestShards}). Each rebalance moves up
 * to {@code movesPerRebalance} shards that sit with one of their guests, once every member has been up and
 * reachable for {@code quiet} and only shards placed at least that long ago, so a guest started or recovered on its
 * entity's member is parted from it soon after, but not while a failover is still starting guests, nor while
 * regions may still hold messages for a shard they just asked the home of: a region drops those when the hand-off
 * begins, and an ask among them times out.
 *
 * <p>It moves nothing else: the default strategy's balancing would fight the constraint (a shard it takes from the
 * fullest region may be allowed nowhere else, so it comes back, every rebalance), and each hand-off in flight when a
 * member dies holds its shard's messages until that member is removed, then drops them. Placement by fewest shards
 * among the allowed regions spreads them well enough.
 *
 * <p>Why: a member killed together with the entities of the guests it ran left their HA recovery waiting for
 * membership to remove it and the coordinator to re-home each shard, one replicated write at a time; those were
 * the last guests of every failover.
 */
public final class AwayFromHostAllocation extends WrappingAllocation {

    private static final Logger LOG = LoggerFactory.getLogger(AwayFromHostAllocation.class);
    private static final Future<scala.collection.immutable.Set<String>> NOTHING =
            Futures.successful(CollectionConverters.asScala(Set.<String>of()).toSet());
    private final Supplier<Map<Address, Set<String>>> hosted;
    private final int movesPerRebalance;
    private final Duration quiet;
    /** When each shard was last placed here, while that is less than {@code quiet} ago. */
    private final Map<String, Long> placedAt = new ConcurrentHashMap<>();
    /** Each shard's region at the last rebalance. */
    private final Map<String, ActorRef> lastHome = new ConcurrentHashMap<>();
    private Set<String> lastMembers = Set.of();
    private long membersChangedAt = System.nanoTime();

    public AwayFromHostAllocation(ActorSystem system, ShardCoordinator.ShardAllocationStrategy delegate,
                                  Supplier<Map<Address, Set<String>>> hosted, int movesPerRebalance,
                                  Duration quiet) {
        super(system, delegate);
        this.hosted = hosted;
        this.movesPerRebalance = movesPerRebalance;
        this.quiet = quiet;
    }

    @Override
    public Future<ActorRef> allocateShard(ActorRef requester, String shardId,
                                          scala.collection.immutable.Map<ActorRef, IndexedSeq<String>> current) {
        // only regions of members the cluster still lists: the default strategy waits (retrying every 50 ms) while
        // none of its candidates has a member, and a just-removed member's region may still be in the allocations
        Set<Address> members = new HashSet<>();
        Cluster.get(system).state().getMembers().forEach(m -> members.add(m.address()));
        Map<ActorRef, Address> memberOf = memberOf(current);
        memberOf.values().removeIf(a -> !members.contains(a));
        if (memberOf.isEmpty()) return delegate.allocateShard(requester, shardId, current);
        Set<ActorRef> allowed = AwayFromHost.allowed(shardId, memberOf, hosted.get());
        placedAt.put(shardId, System.nanoTime());
        scala.collection.immutable.Map<ActorRef, IndexedSeq<String>> candidates = current;
        for (ActorRef region : CollectionConverters.asJava(current.keySet())) {
            if (!allowed.contains(region)) candidates = candidates.removed(region);
        }
        return delegate.allocateShard(requester, shardId, candidates);
    }

    @Override
    public Future<scala.collection.immutable.Set<String>> rebalance(
            scala.collection.immutable.Map<ActorRef, IndexedSeq<String>> current,
            scala.collection.immutable.Set<String> rebalanceInProgress) {
        Map<ActorRef, Iterable<String>> allocations = new HashMap<>();
        long now = System.nanoTime();
        CollectionConverters.asJava(current).forEach((region, shards) -> {
            allocations.put(region, CollectionConverters.asJava(shards));
            // a home seen for the first time counts as a placement now: a coordinator's own placement reaches the
            // allocations only after DemandFirstAllocation's delay, later than allocateShard saw it
            CollectionConverters.asJava(shards).forEach(shard -> {
                if (!region.equals(lastHome.put(shard, region))) placedAt.put(shard, now);
            });
        });
        if (!settled()) return NOTHING;
        if (LOG.isDebugEnabled()) {
            Map<Address, Integer> sizes = new HashMap<>();
            hosted.get().forEach((m, s) -> sizes.put(m, s.size()));
            LOG.debug("hosted guest shards per member {}", sizes);
        }
        Set<String> excluded = new TreeSet<>(CollectionConverters.asJava(rebalanceInProgress));
        placedAt.values().removeIf(at -> now - at >= quiet.toNanos());
        excluded.addAll(placedAt.keySet());
        List<String> away = AwayFromHost.misplaced(allocations, memberOf(current), hosted.get(), excluded, movesPerRebalance);
        if (away.isEmpty()) return NOTHING;
        LOG.info("moving {} guest shard(s) off the members that run their guests: {}", away.size(), away);
        return Futures.successful(CollectionConverters.asScala(Set.copyOf(away)).toSet());
    }

    private Map<ActorRef, Address> memberOf(scala.collection.immutable.Map<ActorRef, ?> regions) {
        Address self = Cluster.get(system).selfAddress();
        Map<ActorRef, Address> out = new HashMap<>();
        CollectionConverters.asJava(regions.keySet()).forEach(region -> {
            Address a = region.path().address();
            out.put(region, a.hasLocalScope() ? self : a);
        });
        return out;
    }

    /**
     * Every member up and reachable, and the membership as it is for {@code quiet}: a member lost or
     * added moves HA guests, and parting a shard from a guest that is just being started costs that start time.
     */
    private synchronized boolean settled() {
        ClusterEvent.CurrentClusterState state = Cluster.get(system).state();
        Set<String> members = new TreeSet<>();
        for (Member m : state.getMembers()) members.add(m.address() + " " + m.status());
        state.getUnreachable().forEach(m -> members.add(m.address() + " unreachable"));
        long now = System.nanoTime();
        if (!members.equals(lastMembers)) {
            lastMembers = members;
            membersChangedAt = now;
        }
        if (!state.getUnreachable().isEmpty()) return false;
        for (Member m : state.getMembers()) {
            if (m.status() != MemberStatus.up()) return false;
        }
        return now - membersChangedAt >= quiet.toNanos();
    }
}
