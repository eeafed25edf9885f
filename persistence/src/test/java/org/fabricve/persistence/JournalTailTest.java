package org.fabricve.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The member's one journal tail on a real (in-memory H2) journal: memory, journal fallback, live delivery. */
class JournalTailTest {

    private static ActorSystem<Void> system;

    @BeforeAll
    static void start() {
        system = InMemoryH2Journal.start("tail");
    }

    @AfterAll
    static void stop() throws Exception {
        InMemoryH2Journal.stop(system);
    }

    @Test
    void subscribersGetEveryEventOnceFromMemoryOrJournalThenLive() throws Exception {
        subscribersGetEveryEventOnce(system, "s1");
    }

    /**
     * The scenario on any journal (the Cassandra tests run it too): one entity writes 40 events, a tail that
     * holds only the 8 newest starts, subscribers from the beginning, from the 10th and from the 35th event
     * get every event of the entity once and in order, from the journal, from memory and live. Other
     * entities' events may be in the journal; the checks look at this entity's only.
     */
    static void subscribersGetEveryEventOnce(ActorSystem<?> system, String entity) throws Exception {
        String pid = "Storage|" + entity;
        ActorRef<TaggedWriter.Command> writer = system.systemActorOf(TaggedWriter.create(entity), "writer-" + entity,
                org.apache.pekko.actor.typed.Props.empty());
        TaggedWriter.write(system, writer, 1, 40);
        List<JournalEvent> seenByListener = new CopyOnWriteArrayList<>();
        // holds only the 8 newest: a subscriber from the beginning must be served from the journal first
        JournalTail tail = JournalTail.start(system, EventFeed.of(system), 0, 8, e -> {
            if (e.persistenceId().equals(pid)) {
                seenByListener.add(e);
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (seenByListener.size() < 40 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(seenByListener).hasSize(40);

        var fromStart = tail.since(0).filter(e -> e.persistenceId().equals(pid)).take(55).runWith(Sink.seq(), system);
        long tenth = seenByListener.get(9).id();
        var fromTenth = tail.since(tenth).filter(e -> e.persistenceId().equals(pid)).take(45).runWith(Sink.seq(), system);
        long thirtyFifth = seenByListener.get(34).id();
        var recentOnly = tail.since(thirtyFifth).filter(e -> e.persistenceId().equals(pid)).take(20)
                .runWith(Sink.seq(), system);
        TaggedWriter.write(system, writer, 41, 55);

        List<JournalEvent> all = fromStart.toCompletableFuture().get(20, TimeUnit.SECONDS);
        assertThat(all).extracting(JournalEvent::sequenceNr)
                .containsExactlyElementsOf(LongStream.rangeClosed(1, 55).boxed().toList());
        assertThat(all).extracting(JournalEvent::id).isSorted().doesNotHaveDuplicates();
        assertThat(fromTenth.toCompletableFuture().get(20, TimeUnit.SECONDS)).extracting(JournalEvent::sequenceNr)
                .containsExactlyElementsOf(LongStream.rangeClosed(11, 55).boxed().toList());
        assertThat(recentOnly.toCompletableFuture().get(20, TimeUnit.SECONDS)).extracting(JournalEvent::sequenceNr)
                .containsExactlyElementsOf(LongStream.rangeClosed(36, 55).boxed().toList());
    }
}
