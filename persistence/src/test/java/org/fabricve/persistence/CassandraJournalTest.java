package org.fabricve.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.stream.javadsl.Sink;
import org.fabricve.persistence.testkit.TestCassandra;
import org.fabricve.persistence.view.ClusterView;
import org.fabricve.persistence.view.ClusterViewUpdater;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The journal on a real Cassandra node (scripts/cassandra.sh, shared by the test run; a keyspace of this
 * class's own): entities persist and recover, the event feed numbers the tag stream 1, 2, 3 ... the same way
 * in every reader, the journal tail and the read model work on it as on H2.
 */
class CassandraJournalTest {

    private static String keyspace;
    private static final List<ActorSystem<?>> systems = new ArrayList<>();

    @BeforeAll
    static void keyspace() {
        TestCassandra.node();
        keyspace = TestCassandra.uniqueKeyspace("journal");
    }

    @AfterAll
    static void stop() throws Exception {
        for (ActorSystem<?> s : systems) {
            terminate(s);
        }
        TestCassandra.dropKeyspace(keyspace);
    }

    /** A member on this class's keyspace: a cluster of one (the journal's tag notices use pub-sub). */
    static ActorSystem<Void> member(String name) {
        Config config = TestCassandra.keyspace(keyspace)
                .withFallback(JournalConfig.forStore(TestCassandra.node(), Path.of("unused")))
                .withFallback(ConfigFactory.parseString("""
                        pekko.actor.provider = cluster
                        pekko.remote.artery.canonical.hostname = "127.0.0.1"
                        pekko.remote.artery.canonical.port = 0
                        pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
                        """))
                .withFallback(ConfigFactory.parseResources("fabric-persistence.conf"))
                .withFallback(ConfigFactory.load())
                .resolve();
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), name, config);
        systems.add(system);
        Cluster cluster = Cluster.get(system);
        cluster.manager().tell(Join.create(cluster.selfMember().address()));
        JournalSchema.ensure(system, Duration.ofSeconds(60));
        return system;
    }

    static void terminate(ActorSystem<?> system) throws Exception {
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private static List<JournalEvent> all(ActorSystem<?> system, EventFeed feed, long afterId) throws Exception {
        return feed.current(afterId).runWith(Sink.seq(), system).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /** What identifies an event independently of the reader: entity, sequence number, and the id given. */
    private static List<String> identities(List<JournalEvent> events) {
        return events.stream().map(e -> e.id() + ":" + e.persistenceId() + "#" + e.sequenceNr()).toList();
    }

    @Test
    void entitiesPersistAndRecoverAndTheFeedsIdsAreTheSameInEveryReader() throws Exception {
        ActorSystem<Void> first = member("writer");
        ActorRef<TaggedWriter.Command> a = first.systemActorOf(TaggedWriter.create("ra"), "ra", Props.empty());
        ActorRef<TaggedWriter.Command> b = first.systemActorOf(TaggedWriter.create("rb"), "rb", Props.empty());
        // more than one checkpoint stride, interleaved between two entities
        for (int round = 0; round < 15; round++) {
            TaggedWriter.write(first, a, round * 20 + 1, round * 20 + 20);
            TaggedWriter.write(first, b, round + 1, round + 1);
        }
        EventFeed firstFeed = EventFeed.of(first);
        assertThat(firstFeed).isInstanceOf(CassandraEventFeed.class);
        awaitCount(first, firstFeed, "Storage|r", 315);
        // the whole stream (other tests of this class may have written before): ordinals 1..N
        List<JournalEvent> seenFirst = all(first, firstFeed, 0);
        int n = seenFirst.size();
        assertThat(seenFirst).extracting(JournalEvent::id).as("ordinals 1..N in the tag stream's order")
                .containsExactlyElementsOf(IntStream.rangeClosed(1, n).mapToObj(i -> (long) i).toList());
        assertThat(seenFirst.stream().filter(e -> e.persistenceId().equals("Storage|ra")))
                .extracting(JournalEvent::sequenceNr).isSorted().hasSize(300);
        terminate(first);

        // a restart: the entities recover their whole history, the reader numbers the stream the same way
        ActorSystem<Void> second = member("reader");
        ActorRef<TaggedWriter.Command> a2 = second.systemActorOf(TaggedWriter.create("ra"), "ra", Props.empty());
        assertThat(TaggedWriter.count(second, a2)).isEqualTo(300);
        ActorRef<TaggedWriter.Command> b2 = second.systemActorOf(TaggedWriter.create("rb"), "rb", Props.empty());
        assertThat(TaggedWriter.count(second, b2)).isEqualTo(15);
        EventFeed secondFeed = EventFeed.of(second);
        assertThat(identities(all(second, secondFeed, 0).subList(0, n))).isEqualTo(identities(seenFirst));

        // resuming after an id: from the start with skipping (nothing remembered yet), then from a checkpoint
        EventFeed fresh = EventFeed.of(second);
        assertThat(identities(all(second, fresh, n - 215).subList(0, 215)))
                .isEqualTo(identities(seenFirst.subList(n - 215, n)));
        assertThat(identities(all(second, secondFeed, n - 15).subList(0, 15)))
                .isEqualTo(identities(seenFirst.subList(n - 15, n)));

        // recovery continues the sequence: the next event is number 301 of ra, and the feed's id follows on
        TaggedWriter.write(second, a2, 301, 301);
        List<JournalEvent> next = awaitCount(second, secondFeed, "Storage|ra", 301);
        JournalEvent last = next.get(next.size() - 1);
        assertThat(last.sequenceNr()).isEqualTo(301);
        assertThat(last.id()).isGreaterThan(seenFirst.get(seenFirst.size() - 1).id());
    }

    @Test
    void theJournalTailServesSubscribersFromMemoryJournalAndLive() throws Exception {
        JournalTailTest.subscribersGetEveryEventOnce(member("tail"), "t1");
    }

    @Test
    void theReadModelFoldsTheCassandraJournal() throws Exception {
        ActorSystem<Void> system = member("view");
        ActorRef<TaggedWriter.Command> w = system.systemActorOf(TaggedWriter.create("v1"), "v1", Props.empty());
        TaggedWriter.write(system, w, 1, 3);
        ClusterViewUpdater.ReadSide readSide = ClusterViewUpdater.start(system, EventFeed.of(system))
                .toCompletableFuture().get(30, TimeUnit.SECONDS);
        ClusterView view = readSide.view();
        awaitTrue("the view holds v1 at /p3", () -> view.storage("v1").map(s -> s.path().equals("/p3")).orElse(false));

        // a live write reaches the view through the tail; measure the delivery delay while at it
        long began = System.nanoTime();
        TaggedWriter.write(system, w, 4, 4);
        long persisted = System.nanoTime();
        awaitTrue("the view holds v1 at /p4", () -> view.storage("v1").map(s -> s.path().equals("/p4")).orElse(false));
        System.out.printf("cassandra: persist %d ms, then in the read model after %d ms%n",
                (persisted - began) / 1_000_000, (System.nanoTime() - persisted) / 1_000_000);
        assertThat(view.offset()).isEqualTo(readSide.tail().head());
    }

    private static List<JournalEvent> awaitCount(ActorSystem<?> system, EventFeed feed, String pidPrefix, int count)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            List<JournalEvent> events = all(system, feed, 0).stream()
                    .filter(e -> e.persistenceId().startsWith(pidPrefix)).toList();
            if (events.size() >= count || System.nanoTime() > deadline) {
                assertThat(events).hasSizeGreaterThanOrEqualTo(count);
                return events;
            }
            Thread.sleep(50);
        }
    }

    private static void awaitTrue(String what, java.util.function.BooleanSupplier condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }
}
