package org.fabricve.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.stream.javadsl.Sink;
import org.fabricve.core.storage.StorageDefinition;
import org.fabricve.core.storage.StorageEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The member's one journal tail on a real (in-memory H2) journal: memory, journal fallback, live delivery. */
class JournalTailTest {

    private static ActorSystem<Void> system;

    @BeforeAll
    static void start() {
        system = ActorSystem.create(Behaviors.empty(), "tail",
                ConfigFactory.parseString("pekko-persistence-jdbc.shared-databases.fabric.db.url = "
                                + "\"jdbc:h2:mem:tail;DB_CLOSE_DELAY=-1\"")
                        .withFallback(ConfigFactory.parseResources("fabric-persistence.conf"))
                        .withFallback(ConfigFactory.load()));
        JournalSchema.ensure(system, Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() throws Exception {
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /** A minimal tagged entity: each command persists one StorageDefined event. */
    record Write(int n, ActorRef<Done> replyTo) {}

    static Behavior<Write> writer(String id) {
        return new EventSourcedBehavior<Write, StorageEvent, Integer>(PersistenceId.of("Storage", id)) {
            @Override
            public Integer emptyState() {
                return 0;
            }

            @Override
            public CommandHandler<Write, StorageEvent, Integer> commandHandler() {
                return newCommandHandlerBuilder().forAnyState().onCommand(Write.class, (s, c) -> Effect()
                        .persist(new StorageEvent.StorageDefined(new StorageDefinition(id, "dir", "/p" + c.n(),
                                List.of("images"), List.of(), false), c.n()))
                        .thenReply(c.replyTo(), x -> Done.getInstance())).build();
            }

            @Override
            public EventHandler<Integer, StorageEvent> eventHandler() {
                return newEventHandlerBuilder().forAnyState().onAnyEvent((s, e) -> s + 1);
            }

            @Override
            public Set<String> tagsFor(StorageEvent event) {
                return Set.of(FabricTags.ALL);
            }
        };
    }

    private static void write(ActorRef<Write> writer, int from, int to) throws Exception {
        for (int n = from; n <= to; n++) {
            int k = n;
            AskPattern.<Write, Done>ask(writer, r -> new Write(k, r), Duration.ofSeconds(10), system.scheduler())
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void subscribersGetEveryEventOnceFromMemoryOrJournalThenLive() throws Exception {
        ActorRef<Write> writer = system.systemActorOf(writer("s1"), "writer", org.apache.pekko.actor.typed.Props.empty());
        write(writer, 1, 40);
        List<JournalEvent> seenByListener = new CopyOnWriteArrayList<>();
        // holds only the 8 newest: a subscriber from the beginning must be served from the journal first
        JournalTail tail = JournalTail.start(system, new EventFeed(system), 0, 8, seenByListener::add);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (seenByListener.size() < 40 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(seenByListener).hasSize(40);

        var fromStart = tail.since(0).take(55).runWith(Sink.seq(), system);
        long tenth = seenByListener.get(9).id();
        var fromTenth = tail.since(tenth).take(45).runWith(Sink.seq(), system);
        long thirtyFifth = seenByListener.get(34).id();
        var recentOnly = tail.since(thirtyFifth).take(20).runWith(Sink.seq(), system);
        write(writer, 41, 55);

        List<JournalEvent> all = fromStart.toCompletableFuture().get(15, TimeUnit.SECONDS);
        assertThat(all).extracting(JournalEvent::sequenceNr)
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 55).boxed().toList());
        assertThat(all).extracting(JournalEvent::id).isSorted().doesNotHaveDuplicates();
        assertThat(fromTenth.toCompletableFuture().get(15, TimeUnit.SECONDS)).extracting(JournalEvent::sequenceNr)
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(11, 55).boxed().toList());
        assertThat(recentOnly.toCompletableFuture().get(15, TimeUnit.SECONDS)).extracting(JournalEvent::sequenceNr)
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(36, 55).boxed().toList());
    }
}
