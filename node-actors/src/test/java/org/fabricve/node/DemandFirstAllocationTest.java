package org.fabricve.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;
import org.apache.pekko.cluster.sharding.ShardCoordinator;
import org.apache.pekko.dispatch.Futures;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import scala.collection.immutable.IndexedSeq;
import scala.concurrent.Await;
import scala.concurrent.Future;
import scala.concurrent.duration.FiniteDuration;
import scala.jdk.javaapi.CollectionConverters;

class DemandFirstAllocationTest {

    private static final Duration DELAY = Duration.ofMillis(300);
    private static ActorSystem system;
    private static ActorRef regionA;
    private static ActorRef regionB;

    @BeforeAll
    static void start() {
        system = ActorSystem.create("allocation", ConfigFactory.parseString("pekko.actor.provider = local"));
        regionA = system.actorOf(Props.create(Idle.class), "a");
        regionB = system.actorOf(Props.create(Idle.class), "b");
    }

    @AfterAll
    static void stop() throws Exception {
        Await.result(system.terminate(), FiniteDuration.create(10, TimeUnit.SECONDS));
    }

    @Test
    void aRegionThatAsksIsAnsweredAtOnce() {
        Future<ActorRef> home = allocation().allocateShard(regionA, "7", allocations(List.of("1", "2"), List.of("3")));

        assertThat(home.isCompleted()).isTrue();
        assertThat(home.value().get().get()).isEqualTo(regionB);
    }

    @Test
    void theCoordinatorsOwnRequestIsAnsweredAfterTheDelay() throws Exception {
        long start = System.nanoTime();
        Future<ActorRef> home = allocation().allocateShard(system.deadLetters(), "7",
                allocations(List.of("1", "2"), List.of("3")));

        assertThat(home.isCompleted()).isFalse();
        assertThat(Await.result(home, FiniteDuration.create(5, TimeUnit.SECONDS))).isEqualTo(regionB);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(DELAY.minusMillis(20));
    }

    @Test
    void pendingPlacementsCountUntilTheyAreHandedOver() throws Exception {
        DemandFirstAllocation allocation = allocation();
        var current = allocations(List.of("1", "2"), List.of());

        // B has no shard: the first late placement goes there, and while it is pending B counts one
        Future<ActorRef> first = allocation.allocateShard(system.deadLetters(), "7", current);
        Future<ActorRef> second = allocation.allocateShard(system.deadLetters(), "8", current);
        Future<ActorRef> third = allocation.allocateShard(system.deadLetters(), "9", current);
        FiniteDuration wait = FiniteDuration.create(5, TimeUnit.SECONDS);

        assertThat(Await.result(first, wait)).isEqualTo(regionB);
        assertThat(Await.result(second, wait)).isEqualTo(regionB);
        // with two pending B weighs as much as A: the tie goes to A (the stand-in breaks ties by name)
        assertThat(Await.result(third, wait)).isEqualTo(regionA);
        // once handed over nothing is pending: B, still without a shard of its own, is again the lightest
        assertThat(Await.result(allocation.allocateShard(system.deadLetters(), "10", current), wait)).isEqualTo(regionB);
    }

    @Test
    void pendingPlacementsWeighAsShards() {
        var weighed = DemandFirstAllocation.withPending(allocations(List.of("1"), List.of()), Map.of(regionB, 2));

        assertThat(CollectionConverters.asJava(weighed.apply(regionA))).containsExactly("1");
        assertThat(weighed.apply(regionB).size()).isEqualTo(2);
    }

    @Test
    void onlyARegionCountsAsAsking() {
        var regions = allocations(List.of(), List.of());

        assertThat(DemandFirstAllocation.asked(regionA, regions)).isTrue();
        assertThat(DemandFirstAllocation.asked(system.deadLetters(), regions)).isFalse();
    }

    private static DemandFirstAllocation allocation() {
        return new DemandFirstAllocation(system, new Fewest(), DELAY);
    }

    private static scala.collection.immutable.Map<ActorRef, IndexedSeq<String>> allocations(List<String> onA,
                                                                                            List<String> onB) {
        scala.collection.immutable.Map<ActorRef, IndexedSeq<String>> m = scala.collection.immutable.Map$.MODULE$.empty();
        m = m.updated(regionA, CollectionConverters.asScala(onA).toIndexedSeq());
        return m.updated(regionB, CollectionConverters.asScala(onB).toIndexedSeq());
    }

    /** Stands in for Pekko's default strategy: the region with the fewest shards. */
    private static final class Fewest implements ShardCoordinator.ShardAllocationStrategy {
        @Override
        public Future<ActorRef> allocateShard(ActorRef requester, String shardId,
                                              scala.collection.immutable.Map<ActorRef, IndexedSeq<String>> current) {
            return Futures.successful(CollectionConverters.asJava(current).entrySet().stream()
                    .min(Comparator.comparingInt((Map.Entry<ActorRef, IndexedSeq<String>> e) -> e.getValue().size())
                            .thenComparing(e -> e.getKey().path().name()))
                    .orElseThrow().getKey());
        }

        @Override
        public Future<scala.collection.immutable.Set<String>> rebalance(
                scala.collection.immutable.Map<ActorRef, IndexedSeq<String>> current,
                scala.collection.immutable.Set<String> rebalanceInProgress) {
            return Futures.successful(scala.collection.immutable.Set$.MODULE$.empty());
        }
    }

    static final class Idle extends AbstractActor {
        @Override
        public Receive createReceive() {
            return receiveBuilder().build();
        }
    }
}
